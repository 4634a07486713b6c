package eval

import (
	"sort"

	"github.com/clinictriage/assistant/triage"
)

// LanguageReport is how well the language detector does on a gold set.
type LanguageReport struct {
	N        int                  `json:"n"`
	Accuracy float64              `json:"accuracy"`
	ByLang   map[string]LangScore `json:"by_lang"`
	Misses   []LanguageMiss       `json:"misses"`
}

// LangScore is the detector's result on the messages labelled with one language.
type LangScore struct {
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
}

// LanguageMiss is one message whose language was told wrong.
type LanguageMiss struct {
	ID     string `json:"id"`
	Gold   string `json:"gold"`
	Got    string `json:"got"`
	Source string `json:"source"`
}

// Language runs the detector over the gold messages as the pipeline would: the patient's earlier
// messages in the context teach the conversation its language, which is the prior for the message.
func Language(d *triage.LanguageDetector, gold []GoldMessage) LanguageReport {
	rep := LanguageReport{N: len(gold), ByLang: map[string]LangScore{}, Misses: []LanguageMiss{}}
	right := map[string]int{}
	total := 0
	for _, m := range gold {
		det := d.Detect(m.Text, conversationPrior(d, m.Input().Context))
		s := rep.ByLang[m.Lang]
		s.N++
		rep.ByLang[m.Lang] = s
		if det.Language == m.Lang {
			right[m.Lang]++
			total++
		} else {
			rep.Misses = append(rep.Misses, LanguageMiss{ID: m.ID, Gold: m.Lang, Got: det.Language, Source: det.Source})
		}
	}
	for lang, s := range rep.ByLang {
		s.Accuracy = float64(right[lang]) / float64(s.N)
		rep.ByLang[lang] = s
	}
	if rep.N > 0 {
		rep.Accuracy = float64(total) / float64(rep.N)
	}
	sort.Slice(rep.Misses, func(i, j int) bool { return rep.Misses[i].ID < rep.Misses[j].ID })
	return rep
}

// conversationPrior is the language the patient's earlier messages teach the conversation, as the
// pipeline learns it.
func conversationPrior(d *triage.LanguageDetector, context []triage.Turn) string {
	prior := ""
	for _, t := range context {
		if t.From != "patient" {
			continue
		}
		if det := d.Detect(t.Text, prior); det.Confident() || prior == "" {
			prior = det.Language
		}
	}
	return prior
}

// WithLanguage detects each message's language before assessing it, as the pipeline does.
func WithLanguage(d *triage.LanguageDetector, assess Assess) Assess {
	return func(in triage.Input) triage.Assessment {
		in.Lang = d.Detect(in.Text, conversationPrior(d, in.Context)).Language
		return assess(in)
	}
}
