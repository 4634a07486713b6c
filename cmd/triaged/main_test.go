package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/store/storetest"
)

// syncBuffer collects the server's logs from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The whole service, wired as in production: messages posted over HTTP are committed, worked by the
// pipeline in the background, readable with their language, and the process stops cleanly.
func TestServiceEndToEnd(t *testing.T) {
	schema := storetest.New(t)
	_, key, err := apikey.NewStore(schema.Pool).Create(context.Background(), "e2e", false)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"DATABASE_URL":     schema.URL(),
		"TRIAGE_ADDR":      "127.0.0.1:0",
		"TRIAGE_WORKERS":   "4",
		"TRIAGE_LOG_LEVEL": "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, logs, func(a string) { addr <- a }) }()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("server did not start: %v\n%s", err, logs)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within a minute")
	}

	post := func(id, text string) string {
		t.Helper()
		from := "+44 7700 900123"
		if strings.HasSuffix(id, "-3") {
			from = "+44 7700 900456" // another patient
		}
		body := fmt.Sprintf(`{"from": %q, "message_id": %q, "text": %q, "name": "Amelia Pond"}`, from, id, text)
		req, _ := http.NewRequest("POST", base+"/api/v1/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			ConversationID string `json:"conversation_id"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusAccepted {
			t.Fatalf("post %s: %d %v", id, resp.StatusCode, err)
		}
		return out.ConversationID
	}
	type message struct {
		Direction      string     `json:"direction"`
		Language       *string    `json:"language"`
		LanguageSource *string    `json:"language_source"`
		ProcessedAt    *time.Time `json:"processed_at"`
	}
	// waitProcessed polls the conversation until its messages are all processed.
	waitProcessed := func(convID string, n int) []message {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			req, _ := http.NewRequest("GET", base+"/api/v1/conversations/"+convID, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var conv struct{ Messages []message }
			err = json.NewDecoder(resp.Body).Decode(&conv)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			var inbound []message
			processed := 0
			for _, m := range conv.Messages {
				if m.Direction != "inbound" {
					continue
				}
				inbound = append(inbound, m)
				if m.ProcessedAt != nil {
					processed++
				}
			}
			if len(inbound) == n && processed == n {
				return inbound
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("messages of %s not processed within 30s; logs:\n%s", convID, logs)
		return nil
	}

	conv := post("e2e-1", "Bonjour, mon fils a de la fièvre depuis hier soir et il tousse beaucoup")
	waitProcessed(conv, 1)
	post("e2e-2", "oui")
	msgs := waitProcessed(conv, 2)
	if msgs[0].Language == nil || *msgs[0].Language != "fr" {
		t.Errorf("first message language %v, want fr", msgs[0].Language)
	}
	if msgs[1].Language == nil || *msgs[1].Language != "fr" || *msgs[1].LanguageSource != "prior" {
		t.Errorf("short reply: language %v from %v, want fr from the prior", msgs[1].Language, msgs[1].LanguageSource)
	}

	// A red flag: the conversation shows the assessment beside the message, the emergency reply and
	// the escalation at the top of the queue.
	conv2 := post("e2e-3", "my dad is slurring his words and his face is drooping")
	waitProcessed(conv2, 1)
	req, _ := http.NewRequest("GET", base+"/api/v1/conversations/"+conv2, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var view struct {
		Messages []struct {
			Direction  string `json:"direction"`
			Author     string `json:"author"`
			ReplyKind  string `json:"reply_kind"`
			Text       string `json:"text"`
			Assessment *struct {
				Urgency  string          `json:"urgency"`
				RedFlags json.RawMessage `json:"red_flags"`
				Source   string          `json:"source"`
			} `json:"assessment"`
		} `json:"messages"`
		Escalation *struct {
			Priority int `json:"priority"`
			Reasons  []struct {
				Code, Text string
			} `json:"reasons"`
		} `json:"escalation"`
	}
	err = json.NewDecoder(resp.Body).Decode(&view)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Messages) != 2 || view.Messages[0].Assessment == nil || view.Messages[0].Assessment.Urgency != "emergency" ||
		!strings.Contains(string(view.Messages[0].Assessment.RedFlags), "stroke") {
		t.Fatalf("conversation view: %+v", view.Messages)
	}
	if r := view.Messages[1]; r.Direction != "outbound" || r.Author != "bot" || r.ReplyKind != "emergency" || !strings.Contains(r.Text, "911") {
		t.Errorf("reply %+v", r)
	}
	if view.Escalation == nil || view.Escalation.Priority != 1 || len(view.Escalation.Reasons) == 0 || view.Escalation.Reasons[0].Text == "" {
		t.Errorf("escalation %+v", view.Escalation)
	}

	// River reports a job's completion a moment after the job returns: wait for the counters.
	for _, want := range []string{`triage_messages_by_language_total{language="fr",source="text"} 1`, `triage_jobs_total{kind="process_message",outcome="completed"} 3`} {
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(scrape(t, base), want) {
			if time.Now().After(deadline) {
				t.Errorf("metrics lack %s", want)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down within 30s")
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"stopped"`) {
		t.Errorf("no clean stop in the logs")
	}
	// Phone numbers are looked for in forms long enough not to turn up by chance in ids and timings
	// (a UUID holds "7700" often enough to make a four-digit check flaky).
	for _, secret := range []string{"fièvre", "tousse", "7700 900", "447700", "900123", "900456", "Amelia", "Pond", "slurring", "drooping"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

func TestConfigErrorNamesTheVariable(t *testing.T) {
	env := map[string]string{"TRIAGE_LANGUAGES": "en,xx", "TRIAGE_WORKERS": "many"}
	err := run(context.Background(), func(k string) string { return env[k] }, &syncBuffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), "TRIAGE_LANGUAGES") || !strings.Contains(err.Error(), "TRIAGE_WORKERS") {
		t.Fatalf("error %v does not name both variables", err)
	}
}

func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
