ALTER TABLE messages DROP COLUMN kb_chunk_ids;
DROP TABLE kb_corpus;
DROP TABLE kb_lexemes;
DROP TABLE kb_embeddings;
DROP TABLE kb_chunks;
DROP TABLE kb_documents;
