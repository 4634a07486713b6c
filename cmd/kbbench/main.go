// Command kbbench measures the knowledge base at scale on this machine, against the real database:
//
//   - ingest rate in chunks per second (chunking, embedding, writing, lexeme statistics, HNSW build),
//     for a knowledge base of 100,000 chunks made from the MedQuAD answers (NIH, CC BY 4.0);
//   - search latency (the whole hybrid search: embedding, nearest neighbours, full text, fusion,
//     confidence) p50, p95 and mean over MedQuAD questions;
//   - HNSW recall@10: the index's ten nearest chunks against an exact scan of the same vectors.
//
// It works in a scratch schema of the test database and drops it afterwards.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/clinictriage/assistant/eval"
	"github.com/clinictriage/assistant/internal/benchkit"
	"github.com/clinictriage/assistant/kb"
	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/store/storetest"
)

var (
	keep    bool
	profile string
)

// Result is what the benchmark prints.
type Result struct {
	Embedder        string  `json:"embedder"`
	Documents       int     `json:"documents"`
	Chunks          int     `json:"chunks"`
	IngestSeconds   float64 `json:"ingest_seconds"`
	ChunksPerSecond float64 `json:"ingest_chunks_per_second"`
	IndexSeconds    float64 `json:"hnsw_build_seconds"`
	Queries         int     `json:"queries"`
	SearchP50Ms     float64 `json:"search_p50_ms"`
	SearchP95Ms     float64 `json:"search_p95_ms"`
	SearchMeanMs    float64 `json:"search_mean_ms"`
	RecallQueries   int     `json:"recall_queries"`
	RecallAt10      float64 `json:"hnsw_recall_at_10"`
	ExactP50Ms      float64 `json:"exact_scan_p50_ms"`
	IndexP50Ms      float64 `json:"hnsw_scan_p50_ms"`
}

func main() {
	data := flag.String("data", "../shared/datasets", "the public data sets folder")
	chunks := flag.Int("chunks", 100000, "knowledge-base size in chunks")
	chunkChars := flag.Int("chunk-chars", 260, "bound on a chunk's body (small, to reach the size from MedQuAD's text)")
	queries := flag.Int("queries", 1000, "searches timed")
	recallQueries := flag.Int("recall-queries", 200, "queries for HNSW recall@10")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.BoolVar(&keep, "keep", false, "keep the scratch schema (to explain queries by hand); its name goes to stderr")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the searches to this file")
	flag.Parse()
	profile = *cpuprofile
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, *data, *chunks, *chunkChars, *queries, *recallQueries)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kbbench:", err)
		os.Exit(1)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf(`knowledge base: %d chunks from %d MedQuAD answers, embedder %s
  ingest            %8.1f s   %8.0f chunks/s   (HNSW build %.1f s of it)
search, %d MedQuAD questions, one at a time
  p50 %.2f ms   p95 %.2f ms   mean %.2f ms   (goal p95 <= 15 ms)
HNSW recall@10 against an exact scan, %d queries
  %.3f   (goal >= 0.95)   index scan p50 %.2f ms, exact scan p50 %.2f ms
`, res.Chunks, res.Documents, res.Embedder, res.IngestSeconds, res.ChunksPerSecond, res.IndexSeconds,
		res.Queries, res.SearchP50Ms, res.SearchP95Ms, res.SearchMeanMs, res.RecallQueries, res.RecallAt10, res.IndexP50Ms, res.ExactP50Ms)
}

func run(ctx context.Context, data string, wantChunks, chunkChars, queries, recallQueries int) (Result, error) {
	var res Result
	pairs, err := eval.ReadMedQuAD(data+"/medquad/medquad_qa_answered.jsonl.gz", 0)
	if err != nil {
		return res, err
	}
	docs, err := eval.MedQuADDocuments(pairs)
	if err != nil {
		return res, err
	}
	// Take documents until their chunks reach the size wanted.
	n := 0
	for i, d := range docs {
		n += len(kb.ChunkDocumentMax(d, chunkChars))
		if n >= wantChunks {
			docs = docs[:i+1]
			break
		}
	}
	if n < wantChunks {
		return res, fmt.Errorf("MedQuAD gives %d chunks of %d characters, fewer than %d: lower -chunk-chars", n, chunkChars, wantChunks)
	}
	e, err := kb.NewLocalEmbedder(kb.LocalDims)
	if err != nil {
		return res, err
	}
	scratch, err := store.NewScratch(ctx, storetest.URL(), "bench_kb", 8)
	if err != nil {
		return res, fmt.Errorf("test database: %w (run `make db`)", err)
	}
	if keep {
		fmt.Fprintln(os.Stderr, "scratch schema:", scratch.Name)
	} else {
		defer scratch.Drop(context.WithoutCancel(ctx))
	}
	s := kb.NewStore(scratch.Pool, e, "en")
	s.SetMaxChunkChars(chunkChars)

	fmt.Fprintf(os.Stderr, "ingesting %d documents (%d chunks)...\n", len(docs), n)
	start := time.Now()
	rep, err := s.Ingest(ctx, docs)
	if err != nil {
		return res, err
	}
	res.IngestSeconds = time.Since(start).Seconds()
	res.Embedder, res.Documents, res.Chunks = e.ID(), len(docs), rep.Chunks
	res.ChunksPerSecond = float64(rep.Chunks) / res.IngestSeconds
	res.IndexSeconds = rep.IndexBuild.Seconds()

	// Warm the caches the way a running server is warm, then time searches.
	qs := make([]string, 0, queries)
	for i := 0; len(qs) < queries && i < len(pairs); i += max(1, len(pairs)/queries) {
		qs = append(qs, pairs[i].Question)
	}
	for _, q := range qs[:min(50, len(qs))] {
		if _, err := s.Search(ctx, kb.Query{Text: q, Lang: "en"}); err != nil {
			return res, err
		}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return res, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return res, err
		}
		defer pprof.StopCPUProfile()
	}
	var lat []time.Duration
	for _, q := range qs {
		t := time.Now()
		if _, err := s.Search(ctx, kb.Query{Text: q, Lang: "en"}); err != nil {
			return res, err
		}
		lat = append(lat, time.Since(t))
	}
	res.Queries = len(lat)
	res.SearchP50Ms, res.SearchP95Ms, res.SearchMeanMs = benchkit.Ms(benchkit.Percentile(lat, 50)), benchkit.Ms(benchkit.Percentile(lat, 95)), benchkit.Ms(benchkit.Mean(lat))

	var recall float64
	var exactLat, indexLat []time.Duration
	for i := 0; i < recallQueries && i < len(qs); i++ {
		v := e.Vector(qs[i])
		t := time.Now()
		approx, err := s.Nearest(ctx, v, []string{"en"}, 10, false)
		if err != nil {
			return res, err
		}
		indexLat = append(indexLat, time.Since(t))
		t = time.Now()
		exact, err := s.Nearest(ctx, v, []string{"en"}, 10, true)
		if err != nil {
			return res, err
		}
		exactLat = append(exactLat, time.Since(t))
		hit := 0
		for _, id := range exact {
			if slices.Contains(approx, id) {
				hit++
			}
		}
		recall += float64(hit) / float64(max(1, len(exact)))
		res.RecallQueries++
	}
	res.RecallAt10 = recall / float64(max(1, res.RecallQueries))
	res.ExactP50Ms, res.IndexP50Ms = benchkit.Ms(benchkit.Percentile(exactLat, 50)), benchkit.Ms(benchkit.Percentile(indexLat, 50))
	return res, nil
}
