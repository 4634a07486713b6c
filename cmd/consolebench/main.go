// Command consolebench measures the nurses' console against two real triaged processes sharing one
// database:
//
//   - the queue page (and the rows the page fetches again on every event) with a queue of open
//     escalations, each with its conversation, messages and assessments, sequentially and with
//     several nurses at once;
//   - how long an escalation takes, from its commit, to reach a console connected to the other
//     process (the server-sent event), and until the console's refreshed rows show it.
//
// It works in a schema of its own in the test database and drops it afterwards.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/internal/benchkit"
)

// Result is what the benchmark prints.
type Result struct {
	OpenEscalations      int     `json:"open_escalations"`
	QueueRequests        int     `json:"queue_page_requests"`
	QueueP50Ms           float64 `json:"queue_page_p50_ms"`
	QueueP95Ms           float64 `json:"queue_page_p95_ms"`
	QueueBytes           int     `json:"queue_page_bytes"`
	QueueConcurrency     int     `json:"queue_page_concurrency"`
	QueueConcurrentP95Ms float64 `json:"queue_page_concurrent_p95_ms"`
	RowsP95Ms            float64 `json:"queue_rows_p95_ms"`
	LiveTrials           int     `json:"live_trials"`
	EventP50Ms           float64 `json:"event_after_commit_p50_ms"`
	EventP95Ms           float64 `json:"event_after_commit_p95_ms"`
	EventMaxMs           float64 `json:"event_after_commit_max_ms"`
	ShownP95Ms           float64 `json:"shown_after_commit_p95_ms"`
	ShownMaxMs           float64 `json:"shown_after_commit_max_ms"`
	Missed               int     `json:"events_missed"`
}

func main() {
	server := flag.String("server", "bin/triaged", "the triaged binary")
	open := flag.Int("open", 1000, "open escalations in the queue")
	requests := flag.Int("requests", 200, "queue page requests per measurement")
	concurrency := flag.Int("concurrency", 4, "nurses loading the queue at once")
	trials := flag.Int("trials", 100, "escalations timed from commit to console")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, *server, *open, *requests, *concurrency, *trials)
	if err != nil {
		fmt.Fprintln(os.Stderr, "consolebench:", err)
		os.Exit(1)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("console with %d open escalations (two triaged processes, one database):\n", res.OpenEscalations)
	fmt.Printf("  queue page:            p50 %.2f ms  p95 %.2f ms  (%d requests, %d KB)\n", res.QueueP50Ms, res.QueueP95Ms, res.QueueRequests, res.QueueBytes/1024)
	fmt.Printf("  queue page, %d at once: p95 %.2f ms\n", res.QueueConcurrency, res.QueueConcurrentP95Ms)
	fmt.Printf("  queue rows (live refresh): p95 %.2f ms\n", res.RowsP95Ms)
	fmt.Printf("  escalation commit -> event on the other process's console: p50 %.2f ms  p95 %.2f ms  max %.2f ms  (%d trials, %d missed)\n",
		res.EventP50Ms, res.EventP95Ms, res.EventMaxMs, res.LiveTrials, res.Missed)
	fmt.Printf("  escalation commit -> shown in the refreshed rows:          p95 %.2f ms  max %.2f ms\n", res.ShownP95Ms, res.ShownMaxMs)
}

const password = "bench password 1234"

func run(ctx context.Context, bin string, open, requests, concurrency, trials int) (Result, error) {
	res := Result{OpenEscalations: open, QueueConcurrency: concurrency, LiveTrials: trials}
	schema, cleanup, err := benchkit.Scratch(ctx, "consolebench", 4)
	if err != nil {
		return res, err
	}
	defer cleanup()
	pool := schema.Pool
	nurse, err := account.NewStore(pool).Create(ctx, "nurse@bench.example", account.RoleNurse, password)
	if err != nil {
		return res, err
	}
	if err := seed(ctx, pool, open, nurse.ID); err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	fresh, err := conversations(ctx, pool, trials, "+1666")
	if err != nil {
		return res, err
	}

	a, err := benchkit.Start(ctx, bin, schema.URL())
	if err != nil {
		return res, err
	}
	defer a.Stop()
	b, err := benchkit.Start(ctx, bin, schema.URL())
	if err != nil {
		return res, err
	}
	defer b.Stop()

	// The queue page on process A.
	client, err := login(a.Base)
	if err != nil {
		return res, err
	}
	page, err := get(client, a.Base+"/console/")
	if err != nil {
		return res, err
	}
	if n := strings.Count(page, `data-escalation="`); n < open {
		return res, fmt.Errorf("the queue page shows %d rows, not %d", n, open)
	}
	res.QueueBytes = len(page)
	lat, err := timeGets(client, a.Base+"/console/", requests, 1)
	if err != nil {
		return res, err
	}
	res.QueueRequests = len(lat)
	res.QueueP50Ms, res.QueueP95Ms = benchkit.Ms(benchkit.Percentile(lat, 50)), benchkit.Ms(benchkit.Percentile(lat, 95))
	var clients []*http.Client
	for range concurrency {
		c, err := login(a.Base)
		if err != nil {
			return res, err
		}
		clients = append(clients, c)
	}
	var all []time.Duration
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for _, c := range clients {
		wg.Go(func() {
			l, err := timeGets(c, a.Base+"/console/", requests/concurrency, 1)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, l...)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	res.QueueConcurrentP95Ms = benchkit.Ms(benchkit.Percentile(all, 95))
	rows, err := timeGets(client, a.Base+"/console/queue/rows", requests, 1)
	if err != nil {
		return res, err
	}
	res.RowsP95Ms = benchkit.Ms(benchkit.Percentile(rows, 95))

	// Live: a console on process B; escalations opened by a transaction of their own, as the pipeline
	// of any process opens them.
	watcher, err := login(b.Base)
	if err != nil {
		return res, err
	}
	events, err := stream(ctx, watcher, b.Base+"/console/events")
	if err != nil {
		return res, err
	}
	store := escalation.NewStore(pool, escalation.DefaultSLA)
	var eventLat, shownLat []time.Duration
	for _, conv := range fresh {
		tx, err := pool.Begin(ctx)
		if err != nil {
			return res, err
		}
		ch, err := store.EnqueueTx(ctx, tx, conv, "emergency", []escalation.Reason{{Code: "red_flag:chest_pain", Text: "Red flag: chest pain"}}, time.Now())
		if err != nil {
			tx.Rollback(ctx)
			return res, err
		}
		start := time.Now()
		if err := tx.Commit(ctx); err != nil {
			return res, err
		}
		got, ok := waitEvent(events, ch.Escalation.ID, 5*time.Second)
		if !ok {
			res.Missed++
			continue
		}
		eventLat = append(eventLat, got.Sub(start))
		rows, err := get(watcher, b.Base+"/console/queue/rows")
		if err != nil {
			return res, err
		}
		if !strings.Contains(rows, ch.Escalation.ID) {
			return res, fmt.Errorf("the refreshed rows do not show escalation %s", ch.Escalation.ID)
		}
		shownLat = append(shownLat, time.Since(start))
		time.Sleep(20 * time.Millisecond)
	}
	res.EventP50Ms, res.EventP95Ms = benchkit.Ms(benchkit.Percentile(eventLat, 50)), benchkit.Ms(benchkit.Percentile(eventLat, 95))
	res.EventMaxMs = benchkit.Ms(benchkit.Percentile(eventLat, 100))
	res.ShownP95Ms, res.ShownMaxMs = benchkit.Ms(benchkit.Percentile(shownLat, 95)), benchkit.Ms(benchkit.Percentile(shownLat, 100))
	return res, nil
}

// seed fills the queue: n conversations in the seven languages with three assessed messages each,
// and an open escalation each at a mix of levels, some overdue, one in ten claimed.
func seed(ctx context.Context, pool *pgxpool.Pool, n int, nurseID string) error {
	ids, err := conversations(ctx, pool, n, "+1555")
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `
		INSERT INTO messages (conversation_id, direction, channel, body, language, processed_at, created_at)
		SELECT c.id, 'inbound', c.channel, 'message ' || g, c.language, now(), now() - (4 - g) * interval '1 minute'
		FROM conversations c, generate_series(1, 3) g WHERE c.id = ANY($1::uuid[])`, ids)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `
		INSERT INTO assessments (message_id, conversation_id, urgency, intent, sentiment, sentiment_score, red_flags, source, rules, created_at)
		SELECT m.id, m.conversation_id, 'urgent', 'symptom_report', 'negative', round((random() * 2 - 1)::numeric, 2), '[]', 'rules', '{}', m.created_at
		FROM messages m WHERE m.conversation_id = ANY($1::uuid[])`, ids)
	if err != nil {
		return err
	}
	levels := []string{"emergency", "urgent", "urgent", "soon", "soon", "routine", "routine", "routine"}
	batch := &pgx.Batch{}
	for i, id := range ids {
		level := levels[i%len(levels)]
		opened := time.Now().Add(-time.Duration(i%180) * time.Minute)
		reasons, _ := json.Marshal([]escalation.Reason{
			{Code: "urgency:" + level, Text: "The patient's message reads as " + level, At: opened},
			{Code: "negative_trend", Text: "The patient sounds more and more upset", At: opened},
		})
		var claimed *string
		if i%10 == 0 {
			claimed = &nurseID
		}
		batch.Queue(`INSERT INTO escalations (conversation_id, level, priority, reasons, due_at, created_at, updated_at, claimed_by, claimed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7, CASE WHEN $7::text IS NULL THEN NULL ELSE now() END)`,
			id, level, escalation.Priority(level), reasons, opened.Add(escalation.DefaultSLA.For(level)), opened, claimed)
	}
	if err := pool.SendBatch(ctx, batch).Close(); err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `ANALYZE`)
	return err
}

// conversations makes n contacts with a conversation each.
func conversations(ctx context.Context, pool *pgxpool.Pool, n int, prefix string) ([]string, error) {
	rows, err := pool.Query(ctx, `
		WITH k AS (
			INSERT INTO contacts (address, name)
			SELECT $2 || lpad(g::text, 7, '0'), 'Patient ' || g FROM generate_series(1, $1) g RETURNING id)
		INSERT INTO conversations (contact_id, channel, language)
		SELECT id, (ARRAY['whatsapp', 'sms', 'api'])[1 + (row_number() OVER ()) % 3],
		       (ARRAY['en', 'es', 'pt', 'fr', 'de', 'hi', 'ar'])[1 + (row_number() OVER ()) % 7]
		FROM k RETURNING id`, n, prefix)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs the bench nurse in through the form and returns a client carrying the session.
func login(base string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	page, err := get(c, base+"/console/login")
	if err != nil {
		return nil, err
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("no csrf field on the login page")
	}
	resp, err := c.PostForm(base+"/console/login", url.Values{"csrf": {m[1]}, "email": {"nurse@bench.example"}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/console/") {
		return nil, fmt.Errorf("login: %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	return c, nil
}

func get(c *http.Client, u string) (string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return string(body), err
}

func timeGets(c *http.Client, u string, n, warm int) ([]time.Duration, error) {
	for range warm {
		if _, err := get(c, u); err != nil {
			return nil, err
		}
	}
	lat := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if _, err := get(c, u); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(start))
	}
	return lat, nil
}

type event struct {
	id string
	at time.Time
}

// stream reads the console's event stream into a channel, with the time each event arrived.
func stream(ctx context.Context, c *http.Client, u string) (<-chan event, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	sc := *c
	sc.Timeout = 0
	resp, err := sc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("events: %d", resp.StatusCode)
	}
	out := make(chan event, 256)
	hello := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		r := bufio.NewScanner(resp.Body)
		for r.Scan() {
			line := r.Text()
			if strings.HasPrefix(line, "event: hello") {
				close(hello)
			}
			if id, ok := strings.CutPrefix(line, "data: "); ok {
				out <- event{id: id, at: time.Now()}
			}
		}
	}()
	select {
	case <-hello:
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("the event stream did not open")
	}
	return out, nil
}

func waitEvent(events <-chan event, id string, within time.Duration) (time.Time, bool) {
	deadline := time.After(within)
	for {
		select {
		case e := <-events:
			if e.id == id {
				return e.at, true
			}
		case <-deadline:
			return time.Time{}, false
		}
	}
}
