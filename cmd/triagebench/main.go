// Command triagebench measures the foundation's figures on this machine, against a real triaged
// process and the real database:
//
//   - ingest throughput over HTTP at a given concurrency, and in the same run the raw rate of
//     inserting the same rows (contact, conversation, message, job) straight through pgx, and their
//     ratio;
//   - language detection time per message (p50, p95, mean) and allocations, over the gold messages;
//   - the server's resident memory after warm-up and after the load.
//
// It works in a schema of its own in the test database and drops it afterwards.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/internal/benchkit"
	"github.com/clinictriage/assistant/llm/llmtest"
	"github.com/clinictriage/assistant/triage"
)

type options struct {
	server      string
	gold        string
	concurrency int
	messages    int
	contacts    int
	conns       int
	asJSON      bool
	modelMsgs   int
	modelDelay  time.Duration
	workers     int
}

// Result is what the benchmark prints.
type Result struct {
	Concurrency       int     `json:"concurrency"`
	Messages          int     `json:"messages"`
	HTTPLivePerSecond float64 `json:"http_ingest_with_processing_per_second"`
	HTTPPerSecond     float64 `json:"http_ingest_per_second"`
	HTTPP50Ms         float64 `json:"http_ingest_p50_ms"`
	HTTPP99Ms         float64 `json:"http_ingest_p99_ms"`
	RawPerSecond      float64 `json:"raw_pgx_insert_per_second"`
	Ratio             float64 `json:"http_to_raw_ratio"`
	DetectP50Micros   float64 `json:"language_detect_p50_us"`
	DetectP95Micros   float64 `json:"language_detect_p95_us"`
	DetectMeanMicros  float64 `json:"language_detect_mean_us"`
	DetectAllocsPerOp int64   `json:"language_detect_allocs_per_op"`
	DetectBytesPerOp  int64   `json:"language_detect_bytes_per_op"`
	RulesP50Micros    float64 `json:"rules_assess_p50_us"`
	RulesP95Micros    float64 `json:"rules_assess_p95_us"`
	RulesMeanMicros   float64 `json:"rules_assess_mean_us"`
	RulesAllocsPerOp  int64   `json:"rules_assess_allocs_per_op"`
	ModelWorkers      int     `json:"model_workers"`
	ModelLatencyMs    int     `json:"model_latency_ms"`
	ModelMessages     int     `json:"model_messages"`
	ModelPerSecond    float64 `json:"model_path_per_second"`
	ModelBound        float64 `json:"model_path_bound_per_second"`
	ModelRatio        float64 `json:"model_path_ratio"`
	RSSWarmMB         float64 `json:"server_rss_after_warmup_mb"`
	RSSAfterMB        float64 `json:"server_rss_after_load_mb"`
	RSSPeakMB         float64 `json:"server_rss_peak_mb"`
}

func main() {
	var o options
	flag.StringVar(&o.server, "server", "bin/triaged", "the triaged binary to measure")
	flag.StringVar(&o.gold, "gold", "../shared/gold/triage-dev.jsonl", "gold messages: the texts posted and detected")
	flag.IntVar(&o.concurrency, "concurrency", 32, "requests (and raw inserts) in flight at once")
	flag.IntVar(&o.messages, "messages", 10000, "messages per measured phase")
	flag.IntVar(&o.contacts, "contacts", 1000, "distinct patients the messages come from")
	flag.IntVar(&o.conns, "conns", 20, "database connections, for the server (TRIAGE_DB_MAX_CONNS) and the raw inserts alike")
	flag.BoolVar(&o.asJSON, "json", false, "print one JSON object")
	flag.IntVar(&o.modelMsgs, "model-messages", 160, "messages through the model path (0 skips it)")
	flag.DurationVar(&o.modelDelay, "model-latency", 800*time.Millisecond, "latency of the test model server")
	flag.IntVar(&o.workers, "workers", 8, "TRIAGE_WORKERS of the server in the model phase")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "triagebench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	texts, err := goldTexts(o.gold)
	if err != nil {
		return err
	}
	var res Result
	res.Concurrency, res.Messages = o.concurrency, o.messages

	if err := benchDetection(texts, &res); err != nil {
		return err
	}
	if err := benchRules(texts, &res); err != nil {
		return err
	}

	schema, cleanup, err := benchkit.Scratch(ctx, "bench", 4)
	if err != nil {
		return err
	}
	defer cleanup()
	pool := schema.Pool
	_, key, err := apikey.NewStore(pool).Create(ctx, "bench", false)
	if err != nil {
		return err
	}

	srv, err := benchkit.Start(ctx, o.server, schema.URL(), fmt.Sprintf("TRIAGE_DB_MAX_CONNS=%d", o.conns))
	if err != nil {
		return err
	}
	defer srv.Stop()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency * 2}, Timeout: 30 * time.Second}
	post := func(i int, prefix string) error {
		body := fmt.Sprintf(`{"from": "+1555%07d", "message_id": "%s-%d", "text": %q, "name": "Bench Patient"}`,
			i%o.contacts, prefix, i, texts[i%len(texts)])
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.Base+"/api/v1/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("POST answered %d", resp.StatusCode)
		}
		return nil
	}

	// Warm-up: connections, caches and the server's heap reach their working size.
	if _, _, err := parallel(min(1000, o.messages), o.concurrency, func(i int) error { return post(i, "warm") }); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if err := drain(ctx, pool); err != nil {
		return err
	}
	res.RSSWarmMB, _ = srv.RSS()

	// First with the pipeline working as messages arrive, as in production.
	elapsed, _, err := parallel(o.messages, o.concurrency, func(i int) error { return post(i, "live") })
	if err != nil {
		return fmt.Errorf("http ingest: %w", err)
	}
	res.HTTPLivePerSecond = float64(o.messages) / elapsed.Seconds()
	if err := drain(ctx, pool); err != nil {
		return err
	}

	// Then intake alone against raw inserts: processing is paused during both phases, so that the
	// ratio compares the HTTP path with pgx and not the pipeline's load in one phase with the other's.
	jobs, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return err
	}
	if err := jobs.QueuePause(ctx, river.QueueDefault, nil); err != nil {
		return fmt.Errorf("pause processing: %w", err)
	}
	time.Sleep(time.Second) // the server's producers see the pause
	elapsed, lat, err := parallel(o.messages, o.concurrency, func(i int) error { return post(i, "http") })
	if err != nil {
		return fmt.Errorf("http ingest: %w", err)
	}
	res.HTTPPerSecond = float64(o.messages) / elapsed.Seconds()
	res.HTTPP50Ms, res.HTTPP99Ms = benchkit.Ms(benchkit.Percentile(lat, 50)), benchkit.Ms(benchkit.Percentile(lat, 99))
	raw, err := benchkit.Pool(ctx, schema.URL(), o.conns)
	if err != nil {
		return err
	}
	defer raw.Close()
	elapsed, _, err = parallel(o.messages, o.concurrency, func(i int) error {
		return rawInsert(ctx, raw, fmt.Sprintf("+1666%07d", i%o.contacts), fmt.Sprintf("raw-%d", i), texts[i%len(texts)])
	})
	if err != nil {
		return fmt.Errorf("raw inserts: %w", err)
	}
	res.RawPerSecond = float64(o.messages) / elapsed.Seconds()
	res.Ratio = res.HTTPPerSecond / res.RawPerSecond
	if err := jobs.QueueResume(ctx, river.QueueDefault, nil); err != nil {
		return fmt.Errorf("resume processing: %w", err)
	}
	if err := drain(ctx, pool); err != nil {
		return err
	}

	res.RSSAfterMB, res.RSSPeakMB = srv.RSS()
	srv.Stop()

	if o.modelMsgs > 0 {
		if err := benchModelPath(ctx, o, texts, &res); err != nil {
			return fmt.Errorf("model path: %w", err)
		}
	}
	return report(res, o.asJSON)
}

// benchRules times the rules and lexicons (no model) on every gold text.
func benchRules(texts []string, res *Result) error {
	a, err := triage.NewAssessor()
	if err != nil {
		return err
	}
	for _, t := range texts {
		a.Assess(triage.Input{Text: t})
	}
	var lat []time.Duration
	var total time.Duration
	for range 10 {
		for _, t := range texts {
			start := time.Now()
			a.Assess(triage.Input{Text: t})
			el := time.Since(start)
			lat, total = append(lat, el), total+el
		}
	}
	res.RulesP50Micros, res.RulesP95Micros = benchkit.Us(benchkit.Percentile(lat, 50)), benchkit.Us(benchkit.Percentile(lat, 95))
	res.RulesMeanMicros = benchkit.Us(total / time.Duration(len(lat)))
	br := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			a.Assess(triage.Input{Text: texts[i%len(texts)]})
		}
	})
	res.RulesAllocsPerOp = br.AllocsPerOp()
	return nil
}

// benchModelPath runs a fresh server whose model answers after a fixed latency, posts messages and
// measures how fast they are all processed, against the bound the workers allow: workers / latency.
func benchModelPath(ctx context.Context, o options, texts []string, res *Result) error {
	answer := llmtest.Answer{Urgency: "soon", Intent: "symptom", Sentiment: "negative", SentimentScore: -0.4, Rationale: "Benchmark."}
	model := llmtest.New(llmtest.Always(llmtest.Reply{Content: answer.JSON(), Delay: o.modelDelay}))
	defer model.Close()

	schema, cleanup, err := benchkit.Scratch(ctx, "bench", 4)
	if err != nil {
		return err
	}
	defer cleanup()
	_, key, err := apikey.NewStore(schema.Pool).Create(ctx, "bench", false)
	if err != nil {
		return err
	}
	srv, err := benchkit.Start(ctx, o.server, schema.URL(), fmt.Sprintf("TRIAGE_DB_MAX_CONNS=%d", o.conns), "TRIAGE_LLM_BASE_URL="+model.BaseURL(), "TRIAGE_LLM_MODEL=bench-model",
		fmt.Sprintf("TRIAGE_WORKERS=%d", o.workers), "TRIAGE_LLM_TIMEOUT=10s")
	if err != nil {
		return err
	}
	defer srv.Stop()

	client := &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	if _, _, err := parallel(o.modelMsgs, 16, func(i int) error {
		body := fmt.Sprintf(`{"from": "+1777%07d", "message_id": "model-%d", "text": %q}`, i, i, texts[i%len(texts)])
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.Base+"/api/v1/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("POST answered %d", resp.StatusCode)
		}
		return nil
	}); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var done int
		if err := schema.Pool.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE source = 'rules+model'`).Scan(&done); err != nil {
			return err
		}
		if done >= o.modelMsgs {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d messages processed", done, o.modelMsgs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	res.ModelWorkers, res.ModelLatencyMs, res.ModelMessages = o.workers, int(o.modelDelay.Milliseconds()), o.modelMsgs
	res.ModelPerSecond = float64(o.modelMsgs) / elapsed.Seconds()
	res.ModelBound = float64(o.workers) / o.modelDelay.Seconds()
	res.ModelRatio = res.ModelPerSecond / res.ModelBound
	return nil
}

// rawInsert writes what an accepted message writes (contact, conversation, message, a River job row)
// in one pipelined round trip, with no HTTP, JSON, authentication or River client in between: the
// ceiling the HTTP path is measured against.
func rawInsert(ctx context.Context, pool *pgxpool.Pool, from, id, text string) error {
	b := &pgx.Batch{}
	b.Queue(`
WITH contact AS (
    INSERT INTO contacts (address, name) VALUES ($1, 'Bench Patient')
    ON CONFLICT (address) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
    RETURNING id
), conv AS (
    INSERT INTO conversations (contact_id, channel) SELECT id, 'api' FROM contact
    ON CONFLICT (contact_id, channel) WHERE status = 'open' DO UPDATE SET last_message_at = now()
    RETURNING id
), msg AS (
    INSERT INTO messages (conversation_id, direction, channel, channel_message_id, body)
    SELECT id, 'inbound', 'api', $2, $3 FROM conv
    RETURNING id
)
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
SELECT jsonb_build_object('message_id', id), 'process_message', 25, 1, 'default', 'available', now() FROM msg`,
		from, id, text)
	return pool.SendBatch(ctx, b).Close()
}

// drain waits until the server has processed every queued message.
func drain(ctx context.Context, pool *pgxpool.Pool) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var left int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable')`).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the server did not process the queued messages within 5 minutes")
}

// parallel runs fn(0..n-1) on workers goroutines and returns the wall time and each call's latency.
func parallel(n, workers int, fn func(int) error) (time.Duration, []time.Duration, error) {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				if err := fn(i); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	return time.Since(start), lat, firstErr
}

// benchDetection times the detector on every gold text, with and without a prior, and counts its
// allocations with the testing package's own benchmark harness.
func benchDetection(texts []string, res *Result) error {
	d, err := triage.NewLanguageDetector(config.SupportedLanguages, "en")
	if err != nil {
		return err
	}
	for _, t := range texts { // warm caches
		d.Detect(t, "")
	}
	var lat []time.Duration
	var total time.Duration
	for pass := range 20 {
		prior := ""
		if pass%2 == 1 {
			prior = "en"
		}
		for _, t := range texts {
			start := time.Now()
			d.Detect(t, prior)
			el := time.Since(start)
			lat = append(lat, el)
			total += el
		}
	}
	res.DetectP50Micros = benchkit.Us(benchkit.Percentile(lat, 50))
	res.DetectP95Micros = benchkit.Us(benchkit.Percentile(lat, 95))
	res.DetectMeanMicros = benchkit.Us(total / time.Duration(len(lat)))
	br := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			d.Detect(texts[i%len(texts)], "")
		}
	})
	res.DetectAllocsPerOp, res.DetectBytesPerOp = br.AllocsPerOp(), br.AllocedBytesPerOp()
	return nil
}

func goldTexts(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gold messages: %w", err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var row struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		texts = append(texts, row.Text)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("%s holds no messages", path)
	}
	return texts, sc.Err()
}

func report(r Result, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	fmt.Printf(`ingest, %d messages at concurrency %d
  HTTP, pipeline processing   %8.0f msg/s
  HTTP, processing paused     %8.0f msg/s   (p50 %.1f ms, p99 %.1f ms)
  raw pgx inserts, same rows  %8.0f msg/s   (processing paused)
  ratio HTTP / raw             %8.2f        (goal >= 0.5)
language detection per message
  p50 %.1f µs   p95 %.1f µs   mean %.1f µs   (goal p50 <= 150 µs)
  %d allocs/op, %d B/op
server resident memory
  after warm-up %.0f MB   after load %.0f MB   peak %.0f MB   (goal <= 600 MB)
rules assessment per message (rules, scopes, sentiment, no model)
  p50 %.1f µs   p95 %.1f µs   mean %.1f µs   %d allocs/op   (goal p50 <= 200 µs)
model path, test model at %d ms, %d workers, %d messages
  %.2f msg/s against a bound of %.2f (workers / latency): ratio %.2f   (goal >= 0.9)
`, r.Messages, r.Concurrency, r.HTTPLivePerSecond, r.HTTPPerSecond, r.HTTPP50Ms, r.HTTPP99Ms, r.RawPerSecond, r.Ratio,
		r.DetectP50Micros, r.DetectP95Micros, r.DetectMeanMicros, r.DetectAllocsPerOp, r.DetectBytesPerOp,
		r.RSSWarmMB, r.RSSAfterMB, r.RSSPeakMB, r.RulesP50Micros, r.RulesP95Micros, r.RulesMeanMicros, r.RulesAllocsPerOp,
		r.ModelLatencyMs, r.ModelWorkers, r.ModelMessages, r.ModelPerSecond, r.ModelBound, r.ModelRatio)
	return nil
}
