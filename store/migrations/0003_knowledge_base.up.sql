-- The knowledge base: documents (one row per id and language), their chunks with a full-text vector in
-- the document language's text-search configuration, and the chunks' embeddings per embedder.

CREATE TABLE kb_documents (
    id           text NOT NULL CHECK (id <> ''),
    lang         text NOT NULL CHECK (lang <> ''),
    title        text NOT NULL,
    tags         text[] NOT NULL DEFAULT '{}',
    format       text NOT NULL CHECK (format IN ('markdown', 'text', 'html')),
    source       text NOT NULL,          -- the file it was read from, relative to the ingested folder
    content_hash text NOT NULL,
    updated      date,
    ingested_at  timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,            -- no longer in the folder: kept for the record, not searched
    PRIMARY KEY (id, lang)
);

CREATE TABLE kb_chunks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_id       text NOT NULL,
    lang         text NOT NULL,
    ordinal      integer NOT NULL,
    heading_path text[] NOT NULL DEFAULT '{}',
    body         text NOT NULL,
    tsv          tsvector NOT NULL,
    FOREIGN KEY (doc_id, lang) REFERENCES kb_documents (id, lang) ON DELETE CASCADE,
    UNIQUE (doc_id, lang, ordinal)
);
CREATE INDEX kb_chunks_tsv ON kb_chunks USING gin (tsv);
CREATE INDEX kb_chunks_lang ON kb_chunks (lang);

-- One row per chunk and embedder (name@version); each embedder gets its own HNSW index, created by
-- the code with its dimension (pgvector indexes need a fixed one). The chunk's language is repeated
-- here so that the nearest-neighbour scan itself filters by language (pgvector's iterative scan)
-- instead of a join discarding most of what the index returned.
CREATE TABLE kb_embeddings (
    chunk_id  bigint NOT NULL REFERENCES kb_chunks (id) ON DELETE CASCADE,
    embedder  text NOT NULL,
    lang      text NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (chunk_id, embedder)
);
CREATE INDEX kb_embeddings_embedder ON kb_embeddings (embedder);

-- How many chunks hold each full-text lexeme (all languages, concepts included), refreshed after every
-- change: it tells a question's rare words from its common ones, and words the knowledge base never
-- uses at all, which is what a question the clinic cannot answer usually has.
CREATE TABLE kb_lexemes (
    word text PRIMARY KEY,
    ndoc integer NOT NULL
);
CREATE TABLE kb_corpus (
    one    boolean PRIMARY KEY DEFAULT true CHECK (one),
    chunks integer NOT NULL
);

-- A bot answer names the chunks it was drawn from.
ALTER TABLE messages ADD COLUMN kb_chunk_ids bigint[];
