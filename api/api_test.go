package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/clinictriage/assistant/api"
	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/metrics"
	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/store/storetest"
)

type fixture struct {
	srv    *httptest.Server
	key    string
	schema *storetest.Schema
	logs   *lockedWriter
}

func newServer(t *testing.T, pool *pgxpool.Pool, ready func(context.Context) error) (*httptest.Server, *lockedWriter) {
	t.Helper()
	jobs, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedWriter{}
	h := api.New(api.Deps{
		Pool:          pool,
		Conversations: conversation.NewStore(pool, jobs),
		Escalations:   escalation.NewStore(pool, escalation.DefaultSLA),
		Keys:          apikey.NewStore(pool),
		Ready:         ready,
		Metrics:       metrics.New(),
		Log:           slog.New(slog.NewJSONHandler(logs, nil)),
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, logs
}

func setup(t *testing.T) *fixture {
	t.Helper()
	s := storetest.New(t)
	m, err := store.NewMigrator(s.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv, logs := newServer(t, s.Pool, m.Ready)
	_, key, err := apikey.NewStore(s.Pool).Create(context.Background(), "test", false)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: srv, key: key, schema: s, logs: logs}
}

func (f *fixture) do(t *testing.T, method, path, body string, headers map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.key)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body %q is not a JSON object", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

func TestPostMessageAndDuplicate(t *testing.T) {
	t.Parallel()
	f := setup(t)
	body := `{"from": "+15555550123", "message_id": "m-1", "text": "feels like an elephant on my chest", "name": "Jane", "sent_at": "2026-11-21T02:00:00Z", "channel": "api"}`
	status, first := f.do(t, "POST", "/api/v1/messages", body, nil)
	if status != http.StatusAccepted || first["duplicate"] != false || first["message_id"] == "" || first["conversation_id"] == "" {
		t.Fatalf("first delivery: %d %v", status, first)
	}
	status, again := f.do(t, "POST", "/api/v1/messages", body, nil)
	if status != http.StatusOK || again["duplicate"] != true || again["message_id"] != first["message_id"] || again["conversation_id"] != first["conversation_id"] {
		t.Fatalf("redelivery: %d %v, first was %v", status, again, first)
	}
	var jobs int
	if err := f.schema.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job`).Scan(&jobs); err != nil || jobs != 1 {
		t.Fatalf("%d jobs (%v), want 1", jobs, err)
	}

	status, conv := f.do(t, "GET", fmt.Sprintf("/api/v1/conversations/%s", first["conversation_id"]), "", nil)
	if status != http.StatusOK {
		t.Fatalf("get conversation: %d %v", status, conv)
	}
	msgs, _ := conv["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("conversation has %d messages, want 1: %v", len(msgs), conv)
	}
	m := msgs[0].(map[string]any)
	if m["direction"] != "inbound" || m["text"] != "feels like an elephant on my chest" || m["sent_at"] != "2026-11-21T02:00:00Z" {
		t.Errorf("message %v", m)
	}
	for _, field := range []string{"language", "received_at", "id"} {
		if _, ok := m[field]; !ok {
			t.Errorf("message lacks %q: %v", field, m)
		}
	}

	// Logs hold neither the patient's words, nor the number, nor the name.
	for _, secret := range []string{"elephant", "5555550123", "Jane"} {
		if strings.Contains(f.logs.String(), secret) {
			t.Errorf("logs contain %q:\n%s", secret, f.logs.String())
		}
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ok := `"from": "+15555550123", "message_id": "m-%d"`
	cases := []struct {
		name    string
		body    string
		headers map[string]string
		status  int
		names   string // the error must contain this
	}{
		{"malformed JSON", `{"from": "+1555`, nil, 400, "malformed JSON"},
		{"not JSON", `from=+15555550123&text=hi`, nil, 400, "malformed JSON"},
		{"trailing data", fmt.Sprintf(`{%s, "text": "hi"} {}`, fmt.Sprintf(ok, 1)), nil, 400, "after the object"},
		{"array", `[{"text": "hi"}]`, nil, 400, "JSON object"},
		{"empty body", ``, nil, 400, "empty"},
		{"missing from", `{"message_id": "m-2", "text": "hi"}`, nil, 400, "from"},
		{"missing message_id", `{"from": "+15555550123", "text": "hi"}`, nil, 400, "message_id"},
		{"missing text", fmt.Sprintf(`{%s}`, fmt.Sprintf(ok, 3)), nil, 400, "text"},
		{"null text", fmt.Sprintf(`{%s, "text": null}`, fmt.Sprintf(ok, 4)), nil, 400, "text"},
		{"empty text", fmt.Sprintf(`{%s, "text": ""}`, fmt.Sprintf(ok, 5)), nil, 400, "text"},
		{"whitespace text", fmt.Sprintf(`{%s, "text": " \n\t  "}`, fmt.Sprintf(ok, 6)), nil, 400, "text"},
		{"text not a string", fmt.Sprintf(`{%s, "text": 42}`, fmt.Sprintf(ok, 7)), nil, 400, "text"},
		{"from not a string", `{"from": 15555550123, "message_id": "m-8", "text": "hi"}`, nil, 400, "from"},
		{"bad sent_at", fmt.Sprintf(`{%s, "text": "hi", "sent_at": "yesterday"}`, fmt.Sprintf(ok, 9)), nil, 400, "sent_at"},
		{"bad channel", fmt.Sprintf(`{%s, "text": "hi", "channel": "pigeon"}`, fmt.Sprintf(ok, 10)), nil, 400, "channel"},
		{"bad from", `{"from": "call me", "message_id": "m-11", "text": "hi"}`, nil, 400, "from"},
		{"body over 64 KiB", fmt.Sprintf(`{%s, "text": "%s"}`, fmt.Sprintf(ok, 12), strings.Repeat("a", 65<<10)), nil, 413, "larger than"},
		{"no key", fmt.Sprintf(`{%s, "text": "hi"}`, fmt.Sprintf(ok, 13)), map[string]string{"Authorization": ""}, 401, "API key"},
		{"unknown key", fmt.Sprintf(`{%s, "text": "hi"}`, fmt.Sprintf(ok, 14)), map[string]string{"Authorization": "Bearer tk_nope"}, 401, "API key"},
		{"wrong scheme", fmt.Sprintf(`{%s, "text": "hi"}`, fmt.Sprintf(ok, 15)), map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, 401, "API key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, out := f.do(t, "POST", "/api/v1/messages", tc.body, tc.headers)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%v)", status, tc.status, out)
			}
			msg, _ := out["error"].(string)
			if !strings.Contains(msg, tc.names) {
				t.Errorf("error %q does not mention %q", msg, tc.names)
			}
		})
	}
	var n int
	if err := f.schema.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM river_job)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("bad requests wrote %d rows (%v)", n, err)
	}
}

func TestGetConversationErrors(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if status, out := f.do(t, "GET", "/api/v1/conversations/nope", "", nil); status != 400 || !strings.Contains(out["error"].(string), "id") {
		t.Errorf("malformed id: %d %v", status, out)
	}
	if status, out := f.do(t, "GET", "/api/v1/conversations/0198a3c2-0000-7000-8000-000000000000", "", nil); status != 404 {
		t.Errorf("unknown id: %d %v", status, out)
	}
	if status, _ := f.do(t, "GET", "/api/v1/conversations/0198a3c2-0000-7000-8000-000000000000", "", map[string]string{"Authorization": ""}); status != 401 {
		t.Errorf("no key: %d", status)
	}
	if status, out := f.do(t, "GET", "/api/v1/nothing", "", nil); status != 404 || out["error"] == nil {
		t.Errorf("unknown route: %d %v", status, out)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if status, out := f.do(t, "GET", "/healthz", "", nil); status != 200 || out["status"] != "ok" {
		t.Errorf("healthz: %d %v", status, out)
	}
	if status, out := f.do(t, "GET", "/readyz", "", nil); status != 200 || out["status"] != "ready" {
		t.Errorf("readyz: %d %v", status, out)
	}
	f.do(t, "POST", "/api/v1/messages", `{"from": "+15555550123", "message_id": "m-1", "text": "hi"}`, nil)
	resp, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`triage_http_requests_total{method="POST",route="/api/v1/messages",status="202"} 1`,
		`triage_messages_ingested_total{channel="api",outcome="accepted"} 1`,
		`triage_http_request_duration_seconds_count{method="GET",route="/readyz"} 1`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Schema behind the binary: not ready, and the answer says why.
	if _, err := f.schema.Pool.Exec(context.Background(), `DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if status, out := f.do(t, "GET", "/readyz", "", nil); status != 503 || !strings.Contains(out["error"].(string), "schema") {
		t.Errorf("readyz with an old schema: %d %v", status, out)
	}
}

// With the database gone, the API answers 503 (the caller retries) and never 401 or 500.
func TestDatabaseUnavailable(t *testing.T) {
	t.Parallel()
	f := setup(t)
	// A pool to a port where nothing listens stands for a database that is down.
	cfg, err := pgxpool.ParseConfig("postgres://triage:triage@127.0.0.1:1/triage?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	dead, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dead.Close)
	m, err := store.NewMigrator(dead, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, dead, m.Ready)
	down := &fixture{srv: srv, key: f.key}

	status, out := down.do(t, "POST", "/api/v1/messages", `{"from": "+15555550123", "message_id": "m-1", "text": "hi"}`, nil)
	if status != http.StatusServiceUnavailable || !strings.Contains(out["error"].(string), "unavailable") {
		t.Errorf("post with the database down: %d %v", status, out)
	}
	if status, out := down.do(t, "GET", "/readyz", "", nil); status != 503 {
		t.Errorf("readyz with the database down: %d %v", status, out)
	}
	if status, _ := down.do(t, "GET", "/healthz", "", nil); status != 200 {
		t.Errorf("healthz must not depend on the database: %d", status)
	}
}
