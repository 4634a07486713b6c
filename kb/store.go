package kb

import (
	"context"
	"fmt"
	"hash/fnv"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"
	"golang.org/x/sync/errgroup"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store"
)

// Store keeps the knowledge base in PostgreSQL: documents, chunks with their full-text vectors, and
// the chunks' embeddings under the configured embedder.
type Store struct {
	pool        *pgxpool.Pool
	embedder    Embedder
	defaultLang string
	maxChunk    int
	calibration Calibration
}

// NewStore returns a Store that embeds with embedder. defaultLang is the clinic's language: the one
// answers fall back to.
func NewStore(pool *pgxpool.Pool, embedder Embedder, defaultLang string) *Store {
	return &Store{pool: pool, embedder: embedder, defaultLang: defaultLang, maxChunk: MaxChunkChars, calibration: DefaultCalibration}
}

// SetCalibration replaces the confidence model (evaluations compare calibrations with it).
func (s *Store) SetCalibration(c Calibration) { s.calibration = c }

// SetMaxChunkChars changes the bound on chunk bodies for later ingests (benchmarks use small chunks
// to reach a large number of them from the text they have).
func (s *Store) SetMaxChunkChars(n int) { s.maxChunk = max(n, 100) }

// Embedder is the embedder searches and ingests use.
func (s *Store) Embedder() Embedder { return s.embedder }

// textConfig is the PostgreSQL text-search configuration of a language: its Snowball stemmer where
// PostgreSQL has one (every language the product speaks, since PostgreSQL 13), 'simple' otherwise.
func textConfig(lang string) string {
	switch lang {
	case "en":
		return "english"
	case "es":
		return "spanish"
	case "pt":
		return "portuguese"
	case "fr":
		return "french"
	case "de":
		return "german"
	case "hi":
		return "hindi"
	case "ar":
		return "arabic"
	}
	return "simple"
}

// IngestReport says what an ingest changed.
type IngestReport struct {
	Added, Updated, Unchanged, Withdrawn int
	Chunks                               int // chunks written (of added and updated documents)
	Took                                 time.Duration
	IndexBuild                           time.Duration // of it, building the vector index (first ingest)
}

// Ingest makes the knowledge base hold exactly docs: a document with a new content hash is (re-)chunked
// and embedded, an unchanged one is left alone, and one no longer among docs is withdrawn (kept for
// the record, no longer searched). Embeddings are computed before the transaction that writes
// everything, so that a slow remote embedder never holds it open. Running it twice changes nothing.
func (s *Store) Ingest(ctx context.Context, docs []Document) (IngestReport, error) {
	start := time.Now()
	var rep IngestReport
	current, err := s.hashes(ctx)
	if err != nil {
		return rep, err
	}
	type pending struct {
		doc    Document
		chunks []Chunk
		vecs   [][]float32
		isNew  bool
	}
	var todo []pending
	keep := map[[2]string]bool{}
	for _, d := range docs {
		key := [2]string{d.ID, d.Lang}
		keep[key] = true
		if h, ok := current[key]; ok && h == d.Hash {
			rep.Unchanged++
			continue
		}
		_, existed := current[key]
		todo = append(todo, pending{doc: d, chunks: ChunkDocumentMax(d, s.maxChunk), isNew: !existed})
	}
	// Documents are embedded a few at a time: the local embedder uses every core, a remote one
	// answers several requests at once.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(4, runtime.GOMAXPROCS(0)))
	for i := range todo {
		g.Go(func() error {
			texts := make([]string, len(todo[i].chunks))
			for j, c := range todo[i].chunks {
				texts[j] = c.SearchText()
			}
			var err error
			todo[i].vecs, err = embedBatched(gctx, s.embedder, texts)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return rep, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, p := range todo {
			if err := s.writeDocument(ctx, tx, p.doc, p.chunks, p.vecs); err != nil {
				return fmt.Errorf("%s/%s: %w", p.doc.Lang, p.doc.ID, err)
			}
			if p.isNew {
				rep.Added++
			} else {
				rep.Updated++
			}
			rep.Chunks += len(p.chunks)
		}
		for key := range current {
			if keep[key] {
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM kb_chunks WHERE doc_id = $1 AND lang = $2`, key[0], key[1]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE kb_documents SET withdrawn_at = now() WHERE id = $1 AND lang = $2`, key[0], key[1]); err != nil {
				return err
			}
			rep.Withdrawn++
		}
		if len(todo) > 0 || rep.Withdrawn > 0 {
			return refreshLexemes(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return rep, store.Classify("kb: ingest", err)
	}
	indexStart := time.Now()
	if err := s.EnsureIndex(ctx); err != nil {
		return rep, err
	}
	rep.IndexBuild = time.Since(indexStart)
	if len(todo) > 0 || rep.Withdrawn > 0 {
		if err := s.analyze(ctx); err != nil {
			return rep, err
		}
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// hashes returns the content hash of every document currently in the knowledge base (not withdrawn).
func (s *Store) hashes(ctx context.Context) (map[[2]string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, lang, content_hash FROM kb_documents WHERE withdrawn_at IS NULL`)
	if err != nil {
		return nil, store.Classify("kb: read documents", err)
	}
	out := map[[2]string]string{}
	for rows.Next() {
		var id, lang, h string
		if err := rows.Scan(&id, &lang, &h); err != nil {
			rows.Close()
			return nil, err
		}
		out[[2]string{id, lang}] = h
	}
	return out, store.Classify("kb: read documents", rows.Err())
}

func (s *Store) writeDocument(ctx context.Context, tx pgx.Tx, d Document, chunks []Chunk, vecs [][]float32) error {
	var updated *time.Time
	if !d.Updated.IsZero() {
		updated = &d.Updated
	}
	tags := d.Tags
	if tags == nil {
		tags = []string{}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO kb_documents (id, lang, title, tags, format, source, content_hash, updated, ingested_at, withdrawn_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), NULL)
		ON CONFLICT (id, lang) DO UPDATE SET title = EXCLUDED.title, tags = EXCLUDED.tags, format = EXCLUDED.format,
			source = EXCLUDED.source, content_hash = EXCLUDED.content_hash, updated = EXCLUDED.updated,
			ingested_at = now(), withdrawn_at = NULL`,
		d.ID, d.Lang, d.Title, tags, d.Format, d.Source, d.Hash, updated); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM kb_chunks WHERE doc_id = $1 AND lang = $2`, d.ID, d.Lang); err != nil {
		return err
	}
	cfg := textConfig(d.Lang)
	b := &pgx.Batch{}
	for i, c := range chunks {
		heading := c.HeadingPath
		if heading == nil {
			heading = []string{}
		}
		b.Queue(`
			WITH c AS (
				INSERT INTO kb_chunks (doc_id, lang, ordinal, heading_path, body, tsv)
				VALUES ($1, $2, $3, $4, $5, setweight(to_tsvector($6::regconfig, $7), 'A') || to_tsvector($6::regconfig, $10)
					|| setweight(array_to_tsvector($11::text[]), 'B'))
				RETURNING id)
			INSERT INTO kb_embeddings (chunk_id, embedder, lang, embedding) SELECT id, $8, $2, $9 FROM c`,
			d.ID, d.Lang, c.Ordinal, heading, c.Body, cfg, ftsText(c.Title+" "+strings.Join(c.HeadingPath, " ")+" "+strings.Join(c.Tags, " ")),
			s.embedder.ID(), pgvector.NewVector(vecs[i]), ftsText(c.Body), conceptLexemes(c.SearchText()))
	}
	return tx.SendBatch(ctx, b).Close()
}

// refreshLexemes recounts the chunks each lexeme occurs in.
func refreshLexemes(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `
		DELETE FROM kb_lexemes;
		INSERT INTO kb_lexemes (word, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM kb_chunks');
		INSERT INTO kb_corpus (chunks) SELECT count(*) FROM kb_chunks
			ON CONFLICT (one) DO UPDATE SET chunks = EXCLUDED.chunks`)
	return err
}

// embedBatched embeds texts in batches the size remote embedders accept.
func embedBatched(ctx context.Context, e Embedder, texts []string) ([][]float32, error) {
	const batch = 64
	out := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += batch {
		vecs, err := e.Embed(ctx, texts[i:min(i+batch, len(texts))])
		if err != nil {
			return nil, fmt.Errorf("kb: embed: %w", err)
		}
		if len(vecs) != min(batch, len(texts)-i) {
			return nil, fmt.Errorf("kb: embed: %d vectors for %d texts", len(vecs), min(batch, len(texts)-i))
		}
		for _, v := range vecs {
			if len(v) != e.Dims() {
				return nil, fmt.Errorf("kb: embed: a vector of %d dimensions from an embedder of %d", len(v), e.Dims())
			}
		}
		out = append(out, vecs...)
	}
	return out, nil
}

// indexName is the HNSW index of one embedder's vectors.
func indexName(embedderID string) string {
	h := fnv.New64a()
	h.Write([]byte(embedderID))
	return fmt.Sprintf("kb_embeddings_hnsw_%x", h.Sum64())
}

// EnsureIndex creates the HNSW index (cosine) over the current embedder's vectors if it is missing.
// pgvector indexes need a fixed dimension, so each embedder has its own partial index.
func (s *Store) EnsureIndex(ctx context.Context) error {
	if s.embedder.Dims() == 0 {
		return nil // a remote embedder that has not answered yet: nothing of its to index
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return store.Classify("kb: index", err)
	}
	defer conn.Release()
	// Building a large graph is much faster when it fits in memory.
	if _, err := conn.Exec(ctx, `SET maintenance_work_mem = '512MB'`); err != nil {
		return store.Classify("kb: index", err)
	}
	// ef_construction 128 (pgvector's default is 64) builds a better connected graph: recall@10 above
	// 0.95 at 100,000 chunks without a larger, slower ef_search at query time.
	_, err = conn.Exec(ctx, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON kb_embeddings USING hnsw ((embedding::vector(%d)) vector_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE embedder = %s`,
		indexName(s.embedder.ID()), s.embedder.Dims(), quoteLiteral(s.embedder.ID())))
	_, _ = conn.Exec(ctx, `RESET maintenance_work_mem`)
	return store.Classify("kb: index", err)
}

// analyze refreshes the planner's statistics after a bulk change: without them it does not know that
// the vector index pays off and scans every vector instead.
func (s *Store) analyze(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `ANALYZE kb_documents; ANALYZE kb_chunks; ANALYZE kb_embeddings; ANALYZE kb_lexemes`)
	return store.Classify("kb: analyze", err)
}

// quoteLiteral quotes a string for SQL. Embedder ids are the project's own, but quoting is never
// skipped.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Reindex embeds every chunk that has no vector from the current embedder yet (all of them, after a
// switch of embedder) and builds its index. Vectors of other embedders are removed unless keepOthers.
func (s *Store) Reindex(ctx context.Context, keepOthers bool) (int, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.lang, d.title, c.heading_path, d.tags, c.body FROM kb_chunks c
		JOIN kb_documents d ON d.id = c.doc_id AND d.lang = c.lang
		WHERE NOT EXISTS (SELECT 1 FROM kb_embeddings e WHERE e.chunk_id = c.id AND e.embedder = $1)
		ORDER BY c.id`, s.embedder.ID())
	if err != nil {
		return 0, store.Classify("kb: reindex", err)
	}
	var ids []int64
	var langs, texts []string
	for rows.Next() {
		var c Chunk
		if err := rows.Scan(&c.ID, &c.Lang, &c.Title, &c.HeadingPath, &c.Tags, &c.Body); err != nil {
			rows.Close()
			return 0, err
		}
		ids, langs, texts = append(ids, c.ID), append(langs, c.Lang), append(texts, c.SearchText())
	}
	if err := rows.Err(); err != nil {
		return 0, store.Classify("kb: reindex", err)
	}
	vecs, err := embedBatched(ctx, s.embedder, texts)
	if err != nil {
		return 0, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for i, id := range ids {
			b.Queue(`INSERT INTO kb_embeddings (chunk_id, embedder, lang, embedding) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
				id, s.embedder.ID(), langs[i], pgvector.NewVector(vecs[i]))
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if !keepOthers {
			_, err := tx.Exec(ctx, `DELETE FROM kb_embeddings WHERE embedder <> $1`, s.embedder.ID())
			return err
		}
		return nil
	})
	if err != nil {
		return 0, store.Classify("kb: reindex", err)
	}
	if !keepOthers {
		if err := s.dropOtherIndexes(ctx); err != nil {
			return 0, err
		}
	}
	if err := s.EnsureIndex(ctx); err != nil {
		return 0, err
	}
	return len(ids), s.analyze(ctx)
}

func (s *Store) dropOtherIndexes(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `SELECT indexname FROM pg_indexes WHERE tablename = 'kb_embeddings'
		AND schemaname = current_schema() AND indexname LIKE 'kb_embeddings_hnsw_%' AND indexname <> $1`, indexName(s.embedder.ID()))
	if err != nil {
		return store.Classify("kb: drop indexes", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return store.Classify("kb: drop indexes", err)
	}
	for _, n := range names {
		if _, err := s.pool.Exec(ctx, "DROP INDEX IF EXISTS "+pgx.Identifier{n}.Sanitize()); err != nil {
			return store.Classify("kb: drop indexes", err)
		}
	}
	return nil
}

// Missing counts the chunks without a vector from the current embedder: non-zero means a reindex is
// due (the embedder or its vocabulary changed).
func (s *Store) Missing(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM kb_chunks c WHERE NOT EXISTS
		(SELECT 1 FROM kb_embeddings e WHERE e.chunk_id = c.id AND e.embedder = $1)`, s.embedder.ID()).Scan(&n)
	return n, store.Classify("kb: missing", err)
}

// DocInfo describes a stored document.
type DocInfo struct {
	ID        string     `json:"id"`
	Lang      string     `json:"lang"`
	Title     string     `json:"title"`
	Tags      []string   `json:"tags"`
	Source    string     `json:"source"`
	Updated   *time.Time `json:"updated"`
	Ingested  time.Time  `json:"ingested_at"`
	Withdrawn *time.Time `json:"withdrawn_at"`
	Chunks    int        `json:"chunks"`
}

// List returns every document, withdrawn ones included, by id and language.
func (s *Store) List(ctx context.Context) ([]DocInfo, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT d.id, d.lang, d.title, d.tags, d.source, d.updated, d.ingested_at, d.withdrawn_at,
		       (SELECT count(*) FROM kb_chunks c WHERE c.doc_id = d.id AND c.lang = d.lang)
		FROM kb_documents d ORDER BY d.id, d.lang`)
	if err != nil {
		return nil, store.Classify("kb: list", err)
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DocInfo, error) {
		var d DocInfo
		err := r.Scan(&d.ID, &d.Lang, &d.Title, &d.Tags, &d.Source, &d.Updated, &d.Ingested, &d.Withdrawn, &d.Chunks)
		return d, err
	})
	return docs, store.Classify("kb: list", err)
}

// Show returns the chunks of a document in every language it exists in. Errors: ENOTFOUND.
func (s *Store) Show(ctx context.Context, id string) ([]Chunk, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT c.id, c.doc_id, c.lang, c.ordinal, d.title, c.heading_path, c.body
		FROM kb_chunks c JOIN kb_documents d ON d.id = c.doc_id AND d.lang = c.lang
		WHERE c.doc_id = $1 ORDER BY c.lang, c.ordinal`, id)
	if err != nil {
		return nil, store.Classify("kb: show", err)
	}
	chunks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Chunk, error) {
		var c Chunk
		err := r.Scan(&c.ID, &c.DocID, &c.Lang, &c.Ordinal, &c.Title, &c.HeadingPath, &c.Body)
		return c, err
	})
	if err != nil {
		return nil, store.Classify("kb: show", err)
	}
	if len(chunks) == 0 {
		return nil, assistant.Errorf(assistant.ENOTFOUND, "no document %q (or it was withdrawn)", id)
	}
	return chunks, nil
}
