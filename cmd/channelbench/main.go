// Command channelbench measures the WhatsApp webhook of a real triaged process:
//
//   - acknowledgement latency at a steady request rate (open loop: requests leave on schedule whether
//     or not earlier ones have been answered), with the pipeline working on every message alongside;
//   - delivery without loss or duplication: many webhook deliveries of which a share fail on a
//     database error injected by a trigger, each redelivered as Meta does until it is acknowledged,
//     plus duplicates of acknowledged ones; then every message must be stored exactly once, with
//     exactly one triage job.
//
// It works in a schema of its own in the test database and drops it afterwards.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/clinictriage/assistant/channel/whatsapp"
	"github.com/clinictriage/assistant/internal/benchkit"
)

// Result is what the benchmark prints.
type Result struct {
	Rate            int     `json:"ack_rate_per_second"`
	AckRequests     int     `json:"ack_requests"`
	AckP50Ms        float64 `json:"ack_p50_ms"`
	AckP99Ms        float64 `json:"ack_p99_ms"`
	AckMaxMs        float64 `json:"ack_max_ms"`
	AckErrors       int     `json:"ack_errors"`
	AckProcessed    int     `json:"ack_messages_triaged_by_the_end"`
	Deliveries      int     `json:"deliveries"`
	Faults          int     `json:"faults_injected"`
	FailedAnswers   int64   `json:"failed_answers"`
	Redeliveries    int64   `json:"redeliveries"`
	Duplicates      int64   `json:"duplicates_sent"`
	Stored          int     `json:"stored"`
	StoredDistinct  int     `json:"stored_distinct"`
	TriageJobs      int     `json:"triage_jobs"`
	Lost            int     `json:"lost"`
	Duplicated      int     `json:"duplicated"`
	DeliverySeconds float64 `json:"delivery_seconds"`
}

const secret = "bench-app-secret"

func main() {
	server := flag.String("server", "bin/triaged", "the triaged binary")
	rate := flag.Int("rate", 200, "webhook requests per second for the latency measurement")
	seconds := flag.Int("seconds", 15, "how long the latency measurement runs")
	deliveries := flag.Int("deliveries", 10000, "distinct messages in the loss and duplication run")
	faultPct := flag.Int("fault-percent", 5, "share of deliveries failed by an injected database error")
	dupPct := flag.Int("duplicate-percent", 2, "share of acknowledged deliveries sent again")
	concurrency := flag.Int("concurrency", 16, "deliveries in flight in the loss and duplication run")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, *server, *rate, *seconds, *deliveries, *faultPct, *dupPct, *concurrency)
	if err != nil {
		fmt.Fprintln(os.Stderr, "channelbench:", err)
		os.Exit(1)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("WhatsApp webhook, %d requests at %d/s (pipeline working alongside):\n", res.AckRequests, res.Rate)
	fmt.Printf("  acknowledgement p50 %.2f ms  p99 %.2f ms  max %.2f ms  (goal p99 <= 100 ms); %d errors; %d of the messages triaged by the end\n",
		res.AckP50Ms, res.AckP99Ms, res.AckMaxMs, res.AckErrors, res.AckProcessed)
	fmt.Printf("%d deliveries, %d failed by an injected database error and redelivered until acknowledged, %d duplicates sent:\n",
		res.Deliveries, res.Faults, res.Duplicates)
	fmt.Printf("  %d failed answers, %d redeliveries; stored %d (%d distinct), %d triage jobs: lost %d, duplicated %d  (%.1f s)\n",
		res.FailedAnswers, res.Redeliveries, res.Stored, res.StoredDistinct, res.TriageJobs, res.Lost, res.Duplicated, res.DeliverySeconds)
}

func run(ctx context.Context, bin string, rate, seconds, deliveries, faultPct, dupPct, concurrency int) (Result, error) {
	res := Result{Rate: rate, Deliveries: deliveries}
	schema, cleanup, err := benchkit.Scratch(ctx, "channelbench", 4)
	if err != nil {
		return res, err
	}
	defer cleanup()
	pool := schema.Pool
	// The fault: inserting an inbound message whose id is listed fails inside PostgreSQL, until the
	// bench (the provider's redelivery) takes it off the list.
	if _, err := pool.Exec(ctx, `
		CREATE TABLE bench_faults (id text PRIMARY KEY);
		CREATE FUNCTION bench_fault() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF EXISTS (SELECT 1 FROM bench_faults WHERE id = NEW.channel_message_id) THEN
				RAISE EXCEPTION 'injected fault';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER bench_fault BEFORE INSERT ON messages FOR EACH ROW WHEN (NEW.direction = 'inbound')
			EXECUTE FUNCTION bench_fault();`); err != nil {
		return res, err
	}
	// A Graph API for the bot's replies, so that delivery works as in production.
	var wamid atomic.Int64
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, `{"messages":[{"id":"wamid.BENCH%d"}]}`, wamid.Add(1))
	}))
	defer graph.Close()
	srv, err := benchkit.Start(ctx, bin, schema.URL(), "WHATSAPP_APP_SECRET="+secret, "WHATSAPP_VERIFY_TOKEN=v",
		"WHATSAPP_ACCESS_TOKEN=t", "WHATSAPP_PHONE_NUMBER_ID=200000000000002", "WHATSAPP_GRAPH_URL="+graph.URL)
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	texts := []string{
		"Hi, I need to reschedule my appointment", "my throat hurts and I have a fever since yesterday",
		"¿a qué hora abren el sábado?", "j'ai mal au dos depuis une semaine", "ich brauche ein neues Rezept",
	}

	// Acknowledgement latency, open loop.
	n := rate * seconds
	lat := make([]time.Duration, n)
	var errs atomic.Int64
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	for i := range n {
		<-tick.C
		wg.Go(func() {
			body := notification(fmt.Sprintf("155555%05d", i%5000), fmt.Sprintf("wamid.ACK%d", i), texts[i%len(texts)])
			start := time.Now()
			code, err := post(ctx, client, srv.Base, body)
			lat[i] = time.Since(start)
			if err != nil || code != http.StatusOK {
				errs.Add(1)
			}
		})
	}
	tick.Stop()
	wg.Wait()
	res.AckRequests, res.AckErrors = n, int(errs.Load())
	res.AckP50Ms, res.AckP99Ms = benchkit.Ms(benchkit.Percentile(lat, 50)), benchkit.Ms(benchkit.Percentile(lat, 99))
	res.AckMaxMs = benchkit.Ms(benchkit.Percentile(lat, 100))
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM messages WHERE channel_message_id LIKE 'wamid.ACK%' AND processed_at IS NOT NULL`).
		Scan(&res.AckProcessed); err != nil {
		return res, err
	}

	// Loss and duplication.
	ids := make([]string, deliveries)
	var faults []string
	for i := range ids {
		ids[i] = fmt.Sprintf("wamid.DLV%06d", i)
		if i%100 < faultPct {
			faults = append(faults, ids[i])
		}
	}
	res.Faults = len(faults)
	if _, err := pool.Exec(ctx, `INSERT INTO bench_faults SELECT unnest($1::text[])`, faults); err != nil {
		return res, err
	}
	var failed, redelivered, dups atomic.Int64
	work := make(chan int)
	start := time.Now()
	var runErr error
	var errOnce sync.Once
	for range concurrency {
		wg.Go(func() {
			for i := range work {
				body := notification(fmt.Sprintf("166666%05d", i%3000), ids[i], texts[i%len(texts)])
				for attempt := 0; ; attempt++ {
					if attempt > 0 {
						redelivered.Add(1)
					}
					code, err := post(ctx, client, srv.Base, body)
					if err == nil && code == http.StatusOK {
						break
					}
					failed.Add(1)
					if attempt == 20 {
						errOnce.Do(func() { runErr = fmt.Errorf("%s never acknowledged (HTTP %d, %v)", ids[i], code, err) })
						break
					}
					// Meta backs off before delivering again; by then the fault has passed.
					if _, err := pool.Exec(ctx, `DELETE FROM bench_faults WHERE id = $1`, ids[i]); err != nil {
						errOnce.Do(func() { runErr = err })
					}
					time.Sleep(10 * time.Millisecond)
				}
				if i%100 >= 100-dupPct { // Meta delivers some messages twice
					dups.Add(1)
					if code, err := post(ctx, client, srv.Base, body); err != nil || code != http.StatusOK {
						errOnce.Do(func() { runErr = fmt.Errorf("duplicate of %s: HTTP %d, %v", ids[i], code, err) })
					}
				}
			}
		})
	}
	for i := range ids {
		work <- i
	}
	close(work)
	wg.Wait()
	if runErr != nil {
		return res, runErr
	}
	res.DeliverySeconds = time.Since(start).Seconds()
	res.FailedAnswers, res.Redeliveries, res.Duplicates = failed.Load(), redelivered.Load(), dups.Load()
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT channel_message_id) FROM messages
		WHERE direction = 'inbound' AND channel_message_id LIKE 'wamid.DLV%'`).Scan(&res.Stored, &res.StoredDistinct); err != nil {
		return res, err
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM river_job j JOIN messages m ON m.id::text = j.args->>'message_id'
		WHERE j.kind = 'process_message' AND m.channel_message_id LIKE 'wamid.DLV%'`).Scan(&res.TriageJobs); err != nil {
		return res, err
	}
	res.Lost = deliveries - res.StoredDistinct
	res.Duplicated = (res.Stored - res.StoredDistinct) + max(0, res.TriageJobs-res.StoredDistinct)
	return res, nil
}

func notification(from, id, text string) string {
	t, _ := json.Marshal(text)
	return `{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[{"field":"messages","value":{` +
		`"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"200000000000002"},` +
		`"contacts":[{"profile":{"name":"Bench Patient"},"wa_id":"` + from + `"}],` +
		`"messages":[{"from":"` + from + `","id":"` + id + `","timestamp":"1767225600","type":"text","text":{"body":` + string(t) + `}}]}}]}]}`
}

func post(ctx context.Context, c *http.Client, base, body string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+whatsapp.Path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(secret, []byte(body)))
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
