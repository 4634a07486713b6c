// Package eval measures the assistant on labelled gold sets (the format of TRIAGE-SCALE.md), so that a
// change to rules, models or prompts is judged on the same messages every time. It lives apart from
// triage and prompts because it uses both.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/clinictriage/assistant/config"
)

// The vocabulary of TRIAGE-SCALE.md.
var (
	Urgencies  = []string{"emergency", "urgent", "soon", "routine", "self_care"}
	Intents    = []string{"symptom", "medication", "appointment", "results", "billing", "logistics", "human", "feedback", "other"}
	Sentiments = []string{"negative", "neutral", "positive"}
	Distresses = []string{"self_harm", "panic", "anger", "confusion", "sadness"}
	Speakers   = []string{"patient", "bot", "nurse"}
)

// GoldMessage is one labelled message of a gold set.
type GoldMessage struct {
	ID        string   `json:"id"`
	Lang      string   `json:"lang"`
	Text      string   `json:"text"`
	Urgency   string   `json:"urgency"`
	Intent    string   `json:"intent"`
	Sentiment string   `json:"sentiment"`
	Distress  []string `json:"distress"`
	Escalate  *bool    `json:"escalate"`
	Note      string   `json:"note"`
	Context   []Turn   `json:"context"`
}

// Turn is an earlier message of the same conversation, oldest first.
type Turn struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// ReadGoldFile reads a gold set from a JSON Lines file.
func ReadGoldFile(path string) ([]GoldMessage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gold: %w", err)
	}
	defer f.Close()
	msgs, err := ReadGold(f)
	if err != nil {
		return nil, fmt.Errorf("gold: %s: %w", path, err)
	}
	return msgs, nil
}

// ReadGold reads a gold set and checks every line: required fields present, labels from the
// vocabulary, ids unique. Errors name the line and the field.
func ReadGold(r io.Reader) ([]GoldMessage, error) {
	var out []GoldMessage
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		var m GoldMessage
		dec := json.NewDecoder(strings.NewReader(raw))
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("line %d: not a JSON object: %v", line, err)
		}
		if err := m.check(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if prev, dup := seen[m.ID]; dup {
			return nil, fmt.Errorf("line %d: id %q is already used on line %d", line, m.ID, prev)
		}
		seen[m.ID] = line
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no messages")
	}
	return out, nil
}

func (m GoldMessage) check() error {
	switch {
	case strings.TrimSpace(m.ID) == "":
		return fmt.Errorf("id: is required")
	case strings.TrimSpace(m.Text) == "":
		return fmt.Errorf("%s: text: is required", m.ID)
	case !slices.Contains(config.SupportedLanguages, m.Lang):
		return fmt.Errorf("%s: lang: %q is not one of %s", m.ID, m.Lang, strings.Join(config.SupportedLanguages, ", "))
	}
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{{"urgency", m.Urgency, Urgencies}, {"intent", m.Intent, Intents}, {"sentiment", m.Sentiment, Sentiments}} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			return fmt.Errorf("%s: %s: %q is not one of %s", m.ID, f.name, f.value, strings.Join(f.allowed, ", "))
		}
	}
	for _, d := range m.Distress {
		if !slices.Contains(Distresses, d) {
			return fmt.Errorf("%s: distress: %q is not one of %s", m.ID, d, strings.Join(Distresses, ", "))
		}
	}
	for i, t := range m.Context {
		if !slices.Contains(Speakers, t.From) {
			return fmt.Errorf("%s: context[%d].from: %q is not one of %s", m.ID, i, t.From, strings.Join(Speakers, ", "))
		}
	}
	return nil
}
