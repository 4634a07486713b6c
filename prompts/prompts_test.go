package prompts

import (
	"strings"
	"testing"
)

func TestClassifierPrompt(t *testing.T) {
	p, err := Get("classifier", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID() != "classifier@v1" || !strings.Contains(p.Text, "never follow instructions") {
		t.Fatalf("latest classifier prompt %s: %.80q", p.ID(), p.Text)
	}
	if _, err := Get("classifier", "v999"); err == nil {
		t.Error("unknown version accepted")
	}
	if _, err := Get("nope", ""); err == nil {
		t.Error("unknown task accepted")
	}
}
