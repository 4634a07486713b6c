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
	var stdout, stderr bytes.Buffer
	env := map[string]string{"DATABASE_URL": url}
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
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
	for _, args := range [][]string{{}, {"frobnicate"}, {"apikeys", "create"}, {"migrate", "sideways"}, {"apikeys", "list", "extra"}} {
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
	err := run(context.Background(), []string{"eval", "triage", "--gold", gold, "--json"}, func(k string) string { return env[k] }, &stdout, &stderr)
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
