package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/llm/llmtest"
	"github.com/clinictriage/assistant/store/storetest"
)

func ctl(t *testing.T, url string, args ...string) (string, string, error) {
	t.Helper()
	return ctlIn(t, url, "", args...)
}

// ctlIn is ctl with stdin.
func ctlIn(t *testing.T, url, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := map[string]string{"DATABASE_URL": url}
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestMigrateAndKeys(t *testing.T) {
	t.Parallel()
	s := storetest.Empty(t)
	url := s.URL()

	out, _, err := ctl(t, url, "migrate")
	if err != nil || !strings.Contains(out, "0001 foundation") || !strings.Contains(out, "river") {
		t.Fatalf("migrate: %q, %v", out, err)
	}
	out, _, err = ctl(t, url, "migrate", "status")
	if err != nil || !strings.Contains(out, "schema version") || !strings.Contains(out, "River migrations current: true") {
		t.Fatalf("migrate status: %q, %v", out, err)
	}
	if _, _, err := ctl(t, url, "db", "check"); err != nil {
		t.Fatalf("db check: %v", err)
	}

	out, errOut, err := ctl(t, url, "apikeys", "create", "--name", "crm")
	if err != nil {
		t.Fatal(err)
	}
	// stdout is the key alone, one line, so that scripts can capture it.
	secret := strings.TrimSuffix(out, "\n")
	if strings.Contains(secret, "\n") || !strings.HasPrefix(secret, "tk_") || strings.Contains(errOut, secret) {
		t.Fatalf("create printed %q on stdout and %q on stderr", out, errOut)
	}
	if _, err := apikey.NewStore(s.Pool).Verify(context.Background(), secret); err != nil {
		t.Fatalf("printed key does not verify: %v", err)
	}
	if _, _, err := ctl(t, url, "apikeys", "create", "--name", "crm"); err == nil {
		t.Error("a second active key with the same name was created")
	}
	out, _, err = ctl(t, url, "apikeys", "list")
	if err != nil || !strings.Contains(out, "crm") || strings.Contains(out, secret) {
		t.Fatalf("list: %q, %v", out, err)
	}
	if _, _, err := ctl(t, url, "apikeys", "revoke", "--name", "crm"); err != nil {
		t.Fatal(err)
	}

	out, _, err = ctl(t, url, "migrate", "down", "--all")
	if err != nil || !strings.Contains(out, "0001 foundation") {
		t.Fatalf("migrate down --all: %q, %v", out, err)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"frobnicate"}, {"apikeys", "create"}, {"migrate", "sideways"}, {"apikeys", "list", "extra"},
		{"users", "add"}, {"users", "add", "--email", "a@b.example"}, {"users", "passwd"}, {"users", "list", "extra"}, {"users", "frobnicate"}} {
		_, _, err := ctl(t, storetest.DefaultURL, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: error %v, want a usage error", args, err)
		}
	}
}

func TestDBCheckNamesWhatIsMissing(t *testing.T) {
	t.Parallel()
	_, _, err := ctl(t, "postgres://triage:triage@127.0.0.1:1/triage?sslmode=disable&connect_timeout=2", "db", "check")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("unreachable database: %v", err)
	}
}

// eval triage runs the configured path: with a model configured, rules and model together. It needs
// no database.
func TestEvalTriageWithModel(t *testing.T) {
	t.Parallel()
	model := llmtest.New(llmtest.Good(llmtest.Answer{Urgency: "soon", Intent: "symptom", Sentiment: "negative",
		SentimentScore: -0.5, Rationale: "Ongoing symptom."}))
	defer model.Close()
	gold := filepath.Join(t.TempDir(), "gold.jsonl")
	lines := `{"id": "a", "lang": "en", "text": "my ear hurts since 3 days", "urgency": "soon", "sentiment": "negative", "distress": []}
{"id": "b", "lang": "en", "text": "my wife collapsed and is not breathing", "urgency": "emergency", "sentiment": "negative", "distress": []}
`
	if err := os.WriteFile(gold, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TRIAGE_LLM_BASE_URL": model.BaseURL(), "TRIAGE_LLM_MODEL": "m"}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"eval", "triage", "--gold", gold, "--json"}, func(k string) string { return env[k] }, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	// The model said soon for both; the rules' floor keeps the collapse an emergency.
	if rep["n"] != 2.0 || rep["emergency_recall"] != 1.0 || rep["accuracy"] != 1.0 {
		t.Fatalf("report %v", rep)
	}
	if len(model.Requests()) != 2 {
		t.Errorf("the model saw %d requests, want 2", len(model.Requests()))
	}
}

// kb ingest, list, show, search and reindex against a schema of their own; a second ingest of the
// same folder changes nothing, a changed page is re-chunked and a removed one withdrawn.
func TestKnowledgeBaseCommands(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	url := s.URL()
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("en/parking.md", "---\nid: parking\ntitle: Parking\n---\n# Parking\n\nThe garage on Elm Street is free for two hours.\n")
	write("es/parking.md", "---\nid: parking\ntitle: Estacionamiento\n---\n# Estacionamiento\n\nEl garaje de la calle Elm es gratis dos horas.\n")
	write("en/flu.txt", "Flu shots are given on weekdays from October.\n")

	out, _, err := ctl(t, url, "kb", "ingest", dir)
	if err != nil || !strings.Contains(out, "3 added") {
		t.Fatalf("ingest: %q %v", out, err)
	}
	if out, _, err = ctl(t, url, "kb", "ingest", dir); err != nil || !strings.Contains(out, "3 unchanged") || !strings.Contains(out, "0 chunks") {
		t.Fatalf("second ingest: %q %v", out, err)
	}
	write("en/parking.md", "---\nid: parking\ntitle: Parking\n---\n# Parking\n\nThe garage on Elm Street now costs 2 dollars an hour.\n")
	os.Remove(filepath.Join(dir, "en/flu.txt"))
	if out, _, err = ctl(t, url, "kb", "ingest", dir); err != nil || !strings.Contains(out, "1 updated") || !strings.Contains(out, "1 withdrawn") {
		t.Fatalf("changed folder: %q %v", out, err)
	}
	out, _, err = ctl(t, url, "kb", "list")
	if err != nil || !strings.Contains(out, "parking") || !strings.Contains(out, "withdrawn") {
		t.Fatalf("list: %q %v", out, err)
	}
	if out, _, err = ctl(t, url, "kb", "show", "parking"); err != nil || !strings.Contains(out, "2 dollars") || !strings.Contains(out, "[es]") {
		t.Fatalf("show: %q %v", out, err)
	}
	if _, _, err = ctl(t, url, "kb", "show", "nothing-here"); err == nil {
		t.Fatal("show of an unknown document succeeded")
	}
	out, _, err = ctl(t, url, "kb", "search", "¿cuánto cuesta el garaje?", "--lang", "es", "--json")
	var res struct {
		Hits []struct {
			DocID string `json:"doc_id"`
			Lang  string `json:"lang"`
		} `json:"hits"`
		Confidence float64 `json:"confidence"`
	}
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || len(res.Hits) == 0 || res.Hits[0].DocID != "parking" || res.Hits[0].Lang != "es" {
		t.Fatalf("search: %q %v", out, err)
	}
	if out, _, err = ctl(t, url, "kb", "reindex"); err != nil || !strings.Contains(out, "0 chunks") {
		t.Fatalf("reindex with nothing to do: %q %v", out, err)
	}
	for _, bad := range [][]string{{"kb", "ingest"}, {"kb", "ingest", filepath.Join(dir, "missing")}, {"kb", "frobnicate"}, {"kb", "search"}} {
		if _, _, err := ctl(t, url, bad...); err == nil {
			t.Errorf("%v succeeded", bad)
		}
	}
}

// eval faq loads the demo knowledge base into a scratch schema, prints the metrics the issue names,
// and drops the schema.
func TestEvalFAQ(t *testing.T) {
	t.Parallel()
	gold := filepath.Join(t.TempDir(), "faq.jsonl")
	lines := `{"id": "q1", "lang": "en", "text": "what is the address of the northgate clinic", "answer_ids": ["site-northgate", "locations-hours"], "note": ""}
{"id": "q2", "lang": "es", "text": "donde me pongo la vacuna de la gripe", "answer_ids": ["vaccines-flu"], "note": ""}
{"id": "q3", "lang": "en", "text": "do you sell tickets for the football game", "answer_ids": [], "note": "not a clinic question"}
`
	if err := os.WriteFile(gold, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := ctl(t, storetest.URL(), "eval", "faq", "--gold", gold, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"n", "hit_at_1", "hit_at_5", "mrr", "abstain_precision", "abstain_recall", "by_lang", "misses"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %s", k)
		}
	}
	if rep["n"].(float64) != 3 || rep["hit_at_5"].(float64) != 1 || rep["abstain_recall"].(float64) != 1 {
		t.Errorf("report %s", out)
	}
	// The scratch schema is gone.
	pool := storetest.New(t).Pool
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'eval_faq_%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d scratch schemas left (%v)", n, err)
	}
	if _, _, err := ctl(t, storetest.URL(), "eval", "faq", "--gold", filepath.Join(t.TempDir(), "none.jsonl")); err == nil {
		t.Error("a missing gold file was accepted")
	}
}
