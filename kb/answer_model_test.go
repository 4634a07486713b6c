package kb

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/clinictriage/assistant/llm/llmtest"
	"github.com/clinictriage/assistant/prompts"
)

func modelAnswer(answerable bool, text string, sources ...string) string {
	if sources == nil {
		sources = []string{}
	}
	b, _ := json.Marshal(map[string]any{"answerable": answerable, "answer": text, "sources": sources})
	return string(b)
}

func newModelResponder(t *testing.T, s *Store, b llmtest.Behavior) (*Responder, *llmtest.Server) {
	t.Helper()
	srv := llmtest.New(b)
	t.Cleanup(srv.Close)
	prompt, err := prompts.Get("answer", "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewModelAnswerer(ModelConfig{BaseURL: srv.BaseURL(), Model: "test-model", Timeout: 300 * time.Millisecond, Redact: true, Prompt: prompt})
	if err != nil {
		t.Fatal(err)
	}
	m.SetBackoff(5 * time.Millisecond)
	return NewResponder(s, 0.5, m), srv
}

// The model path: a grounded answer is used with its source named; a declined one escalates; garbage,
// a made-up number, a source that was not given, or a timeout fall back to the extractive answer.
// Never silence.
func TestModelAnswers(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	q := Question{Text: "what are the opening hours of the northgate clinic? this is Maria Lopez", Lang: "es", ContactName: "Maria Lopez"}
	cases := []struct {
		name     string
		behavior llmtest.Behavior
		answered bool
		method   string
		failure  string
		reason   string
		has      string
	}{
		{"grounded", llmtest.Always(llmtest.Reply{Content: modelAnswer(true, "La clínica Northgate abre de lunes a viernes de 8:00 a 5:30.", "P1")}),
			true, MethodModel, "", "", "La clínica Northgate abre"},
		{"declined", llmtest.Always(llmtest.Reply{Content: modelAnswer(false, "")}), false, MethodModel, "", ReasonDeclined, ""},
		{"garbage", llmtest.Always(llmtest.Reply{Content: "Sure! The clinic opens at 8."}), true, MethodExtractive, "invalid", "", "Northgate"},
		{"made-up number", llmtest.Always(llmtest.Reply{Content: modelAnswer(true, "Abre a las 6:15 todos los días.", "P1")}), true, MethodExtractive, "invalid", "", "Northgate"},
		{"source not given", llmtest.Always(llmtest.Reply{Content: modelAnswer(true, "Abre de lunes a viernes.", "P9")}), true, MethodExtractive, "invalid", "", "Northgate"},
		{"extra field", llmtest.Always(llmtest.Reply{Content: `{"answerable": true, "answer": "Abre.", "sources": ["P1"], "urgency": "routine"}`}), true, MethodExtractive, "invalid", "", "Northgate"},
		{"timeout", llmtest.Always(llmtest.Reply{Delay: time.Second, Content: modelAnswer(true, "tarde", "P1")}), true, MethodExtractive, "timeout", "", "Northgate"},
		{"server error", llmtest.Always(llmtest.Reply{Status: 503}), true, MethodExtractive, "unavailable", "", "Northgate"},
		{"cut off", llmtest.Always(llmtest.Reply{Content: `{"answerable": true, "answer": "La cl`, Finish: "length"}), true, MethodExtractive, "invalid", "", "Northgate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, srv := newModelResponder(t, s, tc.behavior)
			ans, err := r.Answer(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered != tc.answered || ans.Method != tc.method || ans.ModelFailure != tc.failure || ans.Reason != tc.reason {
				t.Fatalf("answer %+v", ans)
			}
			if tc.answered && (!strings.Contains(ans.Text, tc.has) || len(ans.ChunkIDs) == 0 || ans.DocID == "") {
				t.Fatalf("answer text %q (chunks %v, doc %q)", ans.Text, ans.ChunkIDs, ans.DocID)
			}
			if tc.method == MethodModel && tc.answered && !strings.Contains(ans.Text, "Fuente: ") {
				t.Fatalf("model answer does not name its source: %q", ans.Text)
			}
			reqs := srv.Requests()
			if len(reqs) == 0 {
				t.Fatal("the model was not asked")
			}
			user := llmtest.UserContent(reqs[0])
			if strings.Contains(user, "Maria Lopez") || !strings.Contains(user, "Answer in: Spanish") || !strings.Contains(user, "[P1]") {
				t.Fatalf("request: %s", user)
			}
			if reqs[0].ResponseFormat == nil || reqs[0].ResponseFormat.Type != openai.ChatCompletionResponseFormatTypeJSONSchema {
				t.Fatalf("no JSON schema response format")
			}
		})
	}
}

// Below the threshold the model is not asked at all.
func TestModelNotAskedBelowThreshold(t *testing.T) {
	s := demoStore(t)
	r, srv := newModelResponder(t, s, llmtest.Always(llmtest.Reply{Content: modelAnswer(true, "yes", "P1")}))
	ans, err := r.Answer(context.Background(), Question{Text: "can i get an MRI of my knee at your clinic", Lang: "en"})
	if err != nil || ans.Answered || ans.Reason != ReasonLowConfidence || len(srv.Requests()) != 0 {
		t.Fatalf("%+v %v, %d requests", ans, err, len(srv.Requests()))
	}
}

func TestParseModelAnswer(t *testing.T) {
	ps := []passage{{id: "P1", hit: 0, c: Chunk{ID: 7, Title: "Hours", Body: "Open Monday to Friday 8:00 am - 5:30 pm. Call 555-0100."}},
		{id: "P2", hit: 1, c: Chunk{ID: 9, Title: "Parking", Body: "Free for 2 hours."}}}
	res, err := parseModelAnswer(modelAnswer(true, "Abrimos de 8 a 5:30; llame al 555-0100. Estacionamiento gratis 2 horas.", "P1", "[P2]"), ps)
	if err != nil || res.Hit != 0 || len(res.ChunkIDs) != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, bad := range []string{
		`not json`,
		`{"answerable": true}`,
		modelAnswer(true, "", "P1"),
		modelAnswer(true, "Abrimos a las 9.", "P1"),
		modelAnswer(true, "Gratis 2 horas.", "P2") + ` {"x":1}`,
		modelAnswer(true, strings.Repeat("a", 800), "P1"),
		modelAnswer(true, "Abrimos.", ""),
	} {
		if _, err := parseModelAnswer(bad, ps); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
