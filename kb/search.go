package kb

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
	"golang.org/x/sync/errgroup"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/lexicon"
	"github.com/clinictriage/assistant/store"
)

// Search tuning. rrfK is the constant of reciprocal rank fusion (60 is the value of the original
// paper, and it is flat enough that neither list dominates); candidates is how many chunks each
// retriever hands to the fusion; efSearch is the HNSW candidate list, large enough for recall@10
// above 0.95 at 100,000 chunks.
const (
	rrfK       = 60
	candidates = 40
	efSearch   = 100
)

// fusion weighs the ranked lists: the vector list counts 1 and each full-text list (one per language
// searched, up to two) 0.5, so that full text as a whole weighs as much as the vectors.
var fusion = struct{ k, vector, text float64 }{rrfK, 1, 0.5}

// rerankDepth is how many pages the topic check may reorder.
const rerankDepth = 8

// Query is a patient's question.
type Query struct {
	Text string
	Lang string // the patient's language; documents in it come first
	// Limit is how many documents to return (default 5).
	Limit int
}

// Hit is one document found for a query, in the language it will be quoted in.
type Hit struct {
	DocID string  `json:"doc_id"`
	Lang  string  `json:"lang"`
	Title string  `json:"title"`
	Best  Chunk   `json:"-"`        // the chunk that matched best
	Score float64 `json:"score"`    // reciprocal rank fusion over both retrievers
	Cos   float64 `json:"cosine"`   // best cosine similarity of the document's chunks to the query
	Text  float64 `json:"text"`     // best full-text rank (ts_rank) of its chunks; 0 when no word matched
	Cover float64 `json:"coverage"` // how much of the question the best chunk speaks to, in [0, 1]
	// MissingTopic: the question names a specific service, test, procedure or product that the
	// document's retrieved passages do not.
	MissingTopic bool `json:"missing_topic"`
	// Others are the next chunks of the same document by score, for answers that need two sections.
	Others []Chunk `json:"-"`
}

// docText is what the search saw of the document: its best chunk and the next two retrieved.
func (h Hit) docText() string {
	var b strings.Builder
	b.WriteString(h.Best.SearchText())
	for _, c := range h.Others[:min(2, len(h.Others))] {
		b.WriteString("\n")
		b.WriteString(c.Body)
	}
	return b.String()
}

// Results are the documents found, best first, and how sure the search is that the first one answers.
type Results struct {
	Hits []Hit `json:"hits"`
	// Confidence estimates the probability that the first hit answers the question, in [0, 1].
	Confidence float64  `json:"confidence"`
	Signals    Signals  `json:"signals"` // what the confidence was computed from
	Langs      []string `json:"langs"`   // the languages searched, in order of preference
	// Unknown is the share of the question's words (by weight) that the knowledge base never uses,
	// in any language, not even through a concept of the vocabulary.
	Unknown float64 `json:"unknown"`
	// Degraded: the embedder could not embed the question, and full text searched alone.
	Degraded bool `json:"degraded,omitempty"`
}

// scored is one chunk returned by a retriever.
type scored struct {
	chunk Chunk
	cos   float64
	text  float64
	rrf   float64
}

// Search finds the documents that answer q: nearest neighbours of the query's embedding and a
// full-text search in each searched language's configuration, fused by reciprocal rank. Documents in
// the patient's language are searched first, then those in the clinic's default language; a document
// found in both is quoted in the patient's. Errors: EINVALID for an empty question, EUNAVAILABLE.
func (s *Store) Search(ctx context.Context, q Query) (Results, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return Results{}, assistant.Errorf(assistant.EINVALID, "kb: search: the question is empty")
	}
	if q.Limit <= 0 {
		q.Limit = 5
	}
	langs := searchLangs(q.Lang, s.defaultLang)
	// An embedder that cannot answer (a remote model down) leaves full text to search alone: the
	// confidence drops, and the caller escalates rather than waits.
	var qvec []float32
	degraded := false
	if vecs, err := s.embedder.Embed(ctx, []string{text}); err == nil && len(vecs) == 1 && len(vecs[0]) == s.embedder.Dims() && s.embedder.Dims() > 0 {
		qvec = vecs[0]
	} else if ctx.Err() != nil {
		return Results{}, ctx.Err()
	} else {
		degraded = true
	}
	qf := s.features(text)
	// The nearest neighbours and the full-text searches run at the same time on two connections:
	// a search costs the slower of the two, not their sum.
	var vec []scored
	var txt [][]scored
	var df frequencies
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if qvec == nil {
			return nil
		}
		return pgx.BeginFunc(gctx, s.pool, func(tx pgx.Tx) error {
			b := &pgx.Batch{}
			// Iterative scan: when the language filter removes candidates, the index keeps
			// searching instead of returning fewer than asked (pgvector 0.8); relaxed order is
			// re-sorted below.
			b.Queue(fmt.Sprintf(`SET LOCAL hnsw.ef_search = %d`, efSearch))
			b.Queue(`SET LOCAL hnsw.iterative_scan = relaxed_order`)
			b.Queue(s.vectorSQL(), pgvector.NewVector(qvec), langs, candidates)
			br := tx.SendBatch(gctx, b)
			defer br.Close()
			for range 2 {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
			var err error
			if vec, err = collectChunks(br, true); err != nil {
				return err
			}
			return br.Close()
		})
	})
	g.Go(func() error {
		b := &pgx.Batch{}
		ftsQ, conceptQ := ftsText(text), conceptLexemes(text)
		configs := make([]string, len(langs))
		for i, l := range langs {
			configs[i] = textConfig(l)
			b.Queue(textSQL, ftsQ, configs[i], l, candidates, conceptQ, textBudget)
		}
		words, concepts := qf.lookups()
		b.Queue(wordFrequencySQL, words, configs)
		b.Queue(conceptFrequencySQL, concepts)
		br := s.pool.SendBatch(gctx, b)
		defer br.Close()
		for range langs {
			t, err := collectChunks(br, false)
			if err != nil {
				return err
			}
			txt = append(txt, t)
		}
		var err error
		if df, err = readFrequencies(br); err != nil {
			return err
		}
		return br.Close()
	})
	if err := g.Wait(); err != nil {
		return Results{}, store.Classify("kb: search", err)
	}
	byID := map[int64]*scored{}
	sort.SliceStable(vec, func(i, j int) bool { return vec[i].cos > vec[j].cos })
	for rank, c := range vec {
		sc := c
		sc.rrf = fusion.vector / (fusion.k + float64(rank+1))
		byID[c.chunk.ID] = &sc
	}
	for _, list := range txt {
		for rank, c := range list {
			sc, ok := byID[c.chunk.ID]
			if !ok {
				cc := c
				sc = &cc
				byID[c.chunk.ID] = sc
			}
			sc.text = c.text
			sc.rrf += fusion.text / (fusion.k + float64(rank+1))
		}
	}
	hits := s.aggregate(byID, langs)
	if len(hits) > max(q.Limit, rerankDepth) {
		hits = hits[:max(q.Limit, rerankDepth)]
	}
	qf.weigh(df)
	for i := range hits {
		pf := s.features(hits[i].docText())
		hits[i].Cover, hits[i].MissingTopic = coverage(qf, pf), missingTopic(qf, pf)
	}
	// A page that names every service, test or procedure the question names goes before one that
	// does not: the question about shingles shots is answered by the page that mentions shingles,
	// however well the flu-shot page matched the rest.
	sort.SliceStable(hits, func(i, j int) bool { return !hits[i].MissingTopic && hits[j].MissingTopic })
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	sig := signalsOf(hits, qf)
	conf := 0.0
	if len(hits) > 0 {
		conf = s.calibration.Probability(sig)
	}
	return Results{Hits: hits, Confidence: conf, Signals: sig, Langs: langs, Unknown: qf.unknown(), Degraded: degraded}, nil
}

// searchLangs is the patient's language, then the clinic's. Romanized Hindi ("hi-Latn") searches the
// Hindi documents.
func searchLangs(patient, def string) []string {
	patient, _, _ = strings.Cut(patient, "-")
	var out []string
	for _, l := range []string{patient, def} {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = []string{"en"}
	}
	return out
}

// vectorSQL finds the nearest chunks of the current embedder. The embedder and its dimension are
// written into the statement because the planner only uses the embedder's partial HNSW index when the
// predicate and the indexed expression match it literally.
func (s *Store) vectorSQL() string {
	return fmt.Sprintf(`
		SELECT c.id, c.doc_id, c.lang, c.ordinal, d.title, c.heading_path, d.tags, c.body, 1 - n.dist AS cos
		FROM (SELECT chunk_id, embedding::vector(%[1]d) <=> $1::vector(%[1]d) AS dist
		      FROM kb_embeddings
		      WHERE embedder = %[2]s AND lang = ANY($2)
		      ORDER BY embedding::vector(%[1]d) <=> $1::vector(%[1]d)
		      LIMIT $3) n
		JOIN kb_chunks c ON c.id = n.chunk_id
		JOIN kb_documents d ON d.id = c.doc_id AND d.lang = c.lang`,
		s.embedder.Dims(), quoteLiteral(s.embedder.ID()))
}

// textSQL is full-text search in one language: any of the question's words (an AND of every word of a
// chatty question would match nothing) or of the vocabulary's concepts it names (which every chunk
// carries as lexemes of their own, so that a question finds a page in another language), ranked by
// ts_rank, which rewards more and rarer words. The rarest lexemes are kept while the chunks they occur
// in add up to textBudget: common words say little about which page answers, and ranking the
// thousands of chunks they match would cost most of a search's time in a large knowledge base. In a
// clinic's own knowledge base of a few thousand chunks nothing is left out.
const textSQL = `
	WITH lx AS (
		SELECT DISTINCT x AS lx FROM unnest(tsvector_to_array(to_tsvector($2::regconfig, $1)) || $5::text[]) AS x),
	known AS (
		SELECT lx.lx, l.ndoc, sum(l.ndoc) OVER (ORDER BY l.ndoc, lx.lx) AS running
		FROM lx JOIN kb_lexemes l ON l.word = lx.lx),
	q AS (
		SELECT (SELECT string_agg(quote_literal(lx), ' | ') FROM known WHERE running <= $6 OR running = ndoc)::tsquery AS q),
	ranked AS (
		SELECT c.id, ts_rank(c.tsv, q.q) AS rank FROM q, kb_chunks c
		WHERE q.q IS NOT NULL AND c.lang = $3 AND c.tsv @@ q.q
		ORDER BY rank DESC, c.id
		LIMIT $4)
	SELECT c.id, c.doc_id, c.lang, c.ordinal, d.title, c.heading_path, d.tags, c.body, r.rank
	FROM ranked r JOIN kb_chunks c ON c.id = r.id JOIN kb_documents d ON d.id = c.doc_id AND d.lang = c.lang
	ORDER BY r.rank DESC, c.id`

// textBudget bounds the chunks the full-text search ranks (see textSQL).
const textBudget = 2000

func collectChunks(br pgx.BatchResults, vector bool) ([]scored, error) {
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (scored, error) {
		var sc scored
		var v float64
		c := &sc.chunk
		err := r.Scan(&c.ID, &c.DocID, &c.Lang, &c.Ordinal, &c.Title, &c.HeadingPath, &c.Tags, &c.Body, &v)
		if vector {
			sc.cos = v
		} else {
			sc.text = v
		}
		return sc, err
	})
}

// aggregate turns chunk scores into document hits: a document scores as its best chunk; of a document
// found in several languages, the version in the earliest searched language is quoted.
func (s *Store) aggregate(byID map[int64]*scored, langs []string) []Hit {
	type version struct {
		chunks []*scored
	}
	docs := map[string]map[string]*version{}
	for _, sc := range byID {
		vs := docs[sc.chunk.DocID]
		if vs == nil {
			vs = map[string]*version{}
			docs[sc.chunk.DocID] = vs
		}
		v := vs[sc.chunk.Lang]
		if v == nil {
			v = &version{}
			vs[sc.chunk.Lang] = v
		}
		v.chunks = append(v.chunks, sc)
	}
	var hits []Hit
	for id, vs := range docs {
		var h Hit
		h.DocID = id
		chosen := ""
		for _, l := range langs {
			if vs[l] != nil {
				chosen = l
				break
			}
		}
		for l, v := range vs {
			for _, sc := range v.chunks {
				h.Score = max(h.Score, sc.rrf)
				h.Cos = max(h.Cos, sc.cos)
				h.Text = max(h.Text, sc.text)
			}
			if l != chosen {
				continue
			}
			sort.Slice(v.chunks, func(i, j int) bool {
				if v.chunks[i].rrf != v.chunks[j].rrf {
					return v.chunks[i].rrf > v.chunks[j].rrf
				}
				return v.chunks[i].chunk.ID < v.chunks[j].chunk.ID
			})
			h.Best = v.chunks[0].chunk
			for _, sc := range v.chunks[1:] {
				h.Others = append(h.Others, sc.chunk)
			}
		}
		h.Lang, h.Title = h.Best.Lang, h.Best.Title
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].DocID < hits[j].DocID
	})
	return hits
}

// ftsText is text as full-text search reads it: the lexicon's normal form (lower case, no accents,
// one spelling of Arabic letters), so that "resultats" finds "résultats" the way patients type.
func ftsText(s string) string {
	d := lexicon.NewDoc(s)
	var b strings.Builder
	for i, t := range d.Tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.Norm)
	}
	return b.String()
}

// Nearest returns the ids of the k chunks nearest to vec among the given languages: through the HNSW
// index as searches do, or, with exact, by scanning every vector (the truth the index is measured
// against).
func (s *Store) Nearest(ctx context.Context, vec []float32, langs []string, k int, exact bool) ([]int64, error) {
	var ids []int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(fmt.Sprintf(`SET LOCAL hnsw.ef_search = %d`, efSearch))
		b.Queue(`SET LOCAL hnsw.iterative_scan = relaxed_order`)
		if exact {
			b.Queue(`SET LOCAL enable_indexscan = off`)
		} else {
			b.Queue(`SET LOCAL enable_seqscan = off`)
		}
		b.Queue(s.vectorSQL(), pgvector.NewVector(vec), langs, k)
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		for range 3 {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		found, err := collectChunks(br, true)
		if err != nil {
			return err
		}
		sort.SliceStable(found, func(i, j int) bool { return found[i].cos > found[j].cos })
		for _, f := range found {
			ids = append(ids, f.chunk.ID)
		}
		return br.Close()
	})
	return ids, store.Classify("kb: nearest", err)
}
