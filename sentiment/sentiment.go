// Package sentiment scores how a patient feels in a message and flags distress: self-harm (passive
// or active), panic, anger, confusion and sadness, in every supported language, from lexicons written
// in the lexicon package's pattern language. It needs no network and no model; a model's opinion, when
// there is one, is merged by the triage package.
package sentiment

import (
	"embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/clinictriage/assistant/lexicon"
)

//go:embed lexicons/*.txt
var lexiconFS embed.FS

// Labels of a sentiment score (TRIAGE-SCALE.md).
const (
	Negative = "negative"
	Neutral  = "neutral"
	Positive = "positive"
)

// Distress flags (TRIAGE-SCALE.md).
const (
	SelfHarm  = "self_harm"
	Panic     = "panic"
	Anger     = "anger"
	Confusion = "confusion"
	Sadness   = "sadness"
)

// DistressFlags lists the flags in the order reports show them.
var DistressFlags = []string{SelfHarm, Panic, Anger, Confusion, Sadness}

// Self-harm levels.
const (
	SelfHarmNone    = ""
	SelfHarmPassive = "passive" // hopelessness, a wish to be dead, no intent
	SelfHarmActive  = "active"  // intent, plan, means, a time, or self-harm now
)

// Result is the sentiment and distress of one message.
type Result struct {
	Score    float64  `json:"score"` // in [-1, 1]
	Label    string   `json:"label"`
	Distress []string `json:"distress"` // in the order of DistressFlags
	SelfHarm string   `json:"self_harm,omitempty"`
	Evidence []Span   `json:"evidence,omitempty"`
}

// Span is a distress phrase as the patient wrote it, with its place in the message.
type Span struct {
	Flag       string `json:"flag"` // a distress flag, or self_harm_passive / self_harm_active
	Text       string `json:"text"`
	Start, End int    `json:"-"`
	Lang       string `json:"lang"`
}

// Analyzer scores messages. It is safe for concurrent use.
type Analyzer struct {
	lex *lexicon.Lexicon
}

// NewAnalyzer compiles the embedded lexicons of every language.
func NewAnalyzer() (*Analyzer, error) {
	lex, err := lexicon.CompileWithScope(lexiconFS, "lexicons/*.txt")
	if err != nil {
		return nil, fmt.Errorf("sentiment: %w", err)
	}
	for _, r := range lex.Rules {
		if err := checkRule(r); err != nil {
			return nil, fmt.Errorf("sentiment: %s: %w", r.Source, err)
		}
	}
	return &Analyzer{lex: lex}, nil
}

func checkRule(r *lexicon.Rule) error {
	switch r.Kind {
	case "pos", "neg":
		if w, err := strconv.Atoi(r.Name); err != nil || w < 1 || w > 3 {
			return fmt.Errorf("%s weight must be 1, 2 or 3", r.Kind)
		}
	case "boost":
	case "except":
		// Words that look like distress and are not ("a skipping rope"): they cancel the distress or
		// crisis matches of that name they overlap.
		if r.Name != "crisis" && r.Name != "self_harm_active" && r.Name != "self_harm_passive" && !slices.Contains(DistressFlags, r.Name) {
			return fmt.Errorf("except: unknown name %q", r.Name)
		}
	case "crisis":
		if !slices.Contains(CrisisSignals, r.Name) {
			return fmt.Errorf("unknown crisis signal %q (one of %s)", r.Name, strings.Join(CrisisSignals, ", "))
		}
	case "distress":
		if !slices.Contains(DistressFlags, r.Name) && r.Name != "self_harm_passive" && r.Name != "self_harm_active" {
			return fmt.Errorf("unknown distress flag %q", r.Name)
		}
	default:
		if !lexicon.IsScopeRule(r) {
			return fmt.Errorf("unknown kind %q", r.Kind)
		}
	}
	return nil
}

// CrisisSignals are the kinds of sign that, two kinds together anywhere in one message, make an
// active self-harm: the means at hand, finality, a farewell to the people left behind, secrecy, and
// affairs put in order (things given away, future appointments cancelled).
// None alone is enough ("thank you for everything", "I bought rope"); together they are what people in
// crisis write without naming it ("letters for the kids are on the table, I won't be here tomorrow").
var CrisisSignals = []string{"means", "finality", "farewell", "secrecy", "affairs"}

// Analyze scores one message. Every language's lexicon runs on every message: patients mix
// languages, and detection errs on short text.
func (a *Analyzer) Analyze(text string) Result {
	return a.AnalyzeDoc(lexicon.NewDoc(text))
}

// AnalyzeDoc is Analyze on a prepared document.
func (a *Analyzer) AnalyzeDoc(doc *lexicon.Doc) Result {
	matches := a.lex.Match(doc)
	scope := lexicon.NewScoping(doc, matches)

	boosted := make([]bool, len(doc.Tokens))
	for _, m := range matches {
		if m.Rule.Kind == "boost" {
			for i := m.End; i < len(doc.Tokens) && i <= m.End+1; i++ {
				boosted[i] = true
			}
		}
	}

	var excepts []lexicon.Match
	for _, m := range matches {
		if m.Rule.Kind == "except" {
			excepts = append(excepts, m)
		}
	}
	excepted := func(m lexicon.Match, name string) bool {
		for _, e := range excepts {
			if e.Rule.Name == name && e.Start < m.End && m.Start < e.End {
				return true
			}
		}
		return false
	}

	var sum float64
	found := map[string]bool{}
	signals := map[string][]lexicon.Match{}
	var res Result
	// The longest phrase wins where phrases overlap ("not good" over "good"; "so scared" over "scared").
	taken := make([]bool, len(doc.Tokens))
	ordered := slices.Clone(matches)
	slices.SortStableFunc(ordered, func(x, y lexicon.Match) int { return (y.End - y.Start) - (x.End - x.Start) })
	for _, m := range ordered {
		mods := scope.Of(m)
		switch m.Rule.Kind {
		case "pos", "neg":
			// Sentiment words count in the message's own language only ("Kind" is a child in German,
			// not kindness); emoji (lexicon common) count everywhere.
			if doc.Lang != "" && m.Rule.Lang != doc.Lang && m.Rule.Lang != "common" {
				continue
			}
			if overlaps(taken, m.Start, m.End) {
				continue
			}
			mark(taken, m.Start, m.End)
			w, _ := strconv.ParseFloat(m.Rule.Name, 64)
			if m.Rule.Kind == "neg" {
				w = -w
			}
			if boosted[m.Start] {
				w *= 1.5
			}
			if slices.Contains(mods, lexicon.Negated) {
				w *= -0.5 // "not bad" is mildly good; "not good" mildly bad
			} else if len(mods) > 0 {
				w *= 0.3 // someone else's, or past, or hypothetical: it colours the message a little
			}
			sum += w
		case "crisis":
			if len(mods) == 0 && !excepted(m, "crisis") {
				signals[m.Rule.Name] = append(signals[m.Rule.Name], m)
			}
		case "distress":
			if len(mods) > 0 || excepted(m, m.Rule.Name) {
				continue // "no I don't want to hurt myself", "as a teen I self-harmed", "a skipping rope"
			}
			flag := m.Rule.Name
			switch flag {
			case "self_harm_active":
				res.SelfHarm = SelfHarmActive
				flag = SelfHarm
			case "self_harm_passive":
				if res.SelfHarm == SelfHarmNone {
					res.SelfHarm = SelfHarmPassive
				}
				flag = SelfHarm
			}
			found[flag] = true
			res.Evidence = append(res.Evidence, Span{Flag: m.Rule.Name, Text: doc.Span(m.Start, m.End),
				Start: doc.Tokens[m.Start].Start, End: doc.Tokens[m.End-1].End, Lang: m.Rule.Lang})
		}
	}
	if a, b, ok := twoSignals(signals); ok {
		res.SelfHarm = SelfHarmActive
		found[SelfHarm] = true
		for _, m := range []lexicon.Match{a, b} {
			res.Evidence = append(res.Evidence, Span{Flag: "self_harm_active", Text: doc.Span(m.Start, m.End),
				Start: doc.Tokens[m.Start].Start, End: doc.Tokens[m.End-1].End, Lang: m.Rule.Lang})
		}
	}
	sum += punctuation(doc.Text, sum)
	if onlyQuestionMarks(doc.Text) {
		found[Confusion] = true
	}
	for _, f := range DistressFlags {
		if found[f] {
			res.Distress = append(res.Distress, f)
		}
	}
	if found[SelfHarm] || found[Panic] || found[Sadness] || found[Anger] || found[Confusion] {
		sum = math.Min(sum, -1) // distress is never a neutral message
	}
	res.Score = math.Round(math.Tanh(sum/3)*1000) / 1000
	res.Label = Label(res.Score)
	slices.SortFunc(res.Evidence, func(x, y Span) int { return x.Start - y.Start })
	return res
}

// Label names a score: negative below -0.25, positive above 0.25.
func Label(score float64) string {
	switch {
	case score < -0.25:
		return Negative
	case score > 0.25:
		return Positive
	}
	return Neutral
}

// punctuation adds emphasis: many exclamation marks or words in capitals push the score further the
// way it already leans (or down, when it leans nowhere: shouting is rarely happy).
func punctuation(text string, sum float64) float64 {
	bangs := strings.Count(text, "!")
	caps, words := 0, 0
	for _, w := range strings.Fields(text) {
		letters, upper := 0, 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
				if unicode.IsUpper(r) {
					upper++
				}
			}
		}
		if letters >= 3 {
			words++
			if upper == letters {
				caps++
			}
		}
	}
	emphasis := 0.0
	if bangs >= 3 {
		emphasis += 0.5
	}
	if words >= 3 && caps*2 >= words {
		emphasis += 1
	}
	switch {
	case emphasis == 0:
		return 0
	case sum > 0:
		return emphasis
	}
	return -emphasis
}

func onlyQuestionMarks(text string) bool {
	t := strings.TrimSpace(text)
	return len(t) >= 2 && strings.Trim(t, "?¿؟ ") == ""
}

func overlaps(taken []bool, from, to int) bool {
	for i := from; i < to; i++ {
		if taken[i] {
			return true
		}
	}
	return false
}

func mark(taken []bool, from, to int) {
	for i := from; i < to; i++ {
		taken[i] = true
	}
}

// twoSignals finds crisis signals of two different kinds on words of their own: one phrase listed
// under two kinds is still one sign.
func twoSignals(signals map[string][]lexicon.Match) (lexicon.Match, lexicon.Match, bool) {
	for i, k1 := range CrisisSignals {
		for _, k2 := range CrisisSignals[i+1:] {
			for _, a := range signals[k1] {
				for _, b := range signals[k2] {
					if a.End <= b.Start || b.End <= a.Start {
						return a, b, true
					}
				}
			}
		}
	}
	return lexicon.Match{}, lexicon.Match{}, false
}
