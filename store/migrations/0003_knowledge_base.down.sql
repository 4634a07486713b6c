ALTER TABLE messages DROP COLUMN kb_chunk_ids;
DROP TABLE kb_embeddings;
DROP TABLE kb_chunks;
DROP TABLE kb_documents;
