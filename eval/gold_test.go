package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/triage"
)

func TestReadGoldRejectsBadLines(t *testing.T) {
	cases := map[string]string{
		`{"id": "a", "lang": "en"}`:                                                             "text",
		`{"id": "a", "lang": "xx", "text": "hi"}`:                                               "lang",
		`{"id": "a", "lang": "en", "text": "hi", "urgency": "meh"}`:                             "urgency",
		`{"id": "a", "lang": "en", "text": "hi", "distress": ["x"]}`:                            "distress",
		`{"id": "a", "lang": "en", "text": "hi", "context": [{"from": "dog", "text": "woof"}]}`: "context[0].from",
		`{"lang": "en", "text": "hi"}`:                                                          "id",
		`not json`:                                                                              "JSON",
		"{\"id\": \"a\", \"lang\": \"en\", \"text\": \"hi\"}\n{\"id\": \"a\", \"lang\": \"en\", \"text\": \"hi\"}": "already used",
	}
	for in, want := range cases {
		_, err := ReadGold(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "line") {
			t.Errorf("%s: error %v, want one naming the line and %q", in, err, want)
		}
	}
}

func TestLanguageEvalOnDevSet(t *testing.T) {
	shared := os.Getenv("TRIAGE_SHARED_DIR")
	if shared == "" {
		shared = filepath.Join("..", "..", "shared")
	}
	gold, err := ReadGoldFile(filepath.Join(shared, "gold", "triage-dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := triage.NewLanguageDetector(config.SupportedLanguages, "en")
	if err != nil {
		t.Fatal(err)
	}
	rep := Language(d, gold)
	if rep.N != len(gold) || len(rep.ByLang) != 7 {
		t.Fatalf("report covers %d messages in %d languages", rep.N, len(rep.ByLang))
	}
	// With the conversation's context as the prior, the dev set's language is right throughout but
	// for at most a couple of messages.
	if rep.Accuracy < 0.99 {
		t.Errorf("accuracy %.3f, misses %+v", rep.Accuracy, rep.Misses)
	}
}
