// Package triage decides what happens to each inbound patient message. This first part tells the
// language a message is written in, so that every answer, holding reply and emergency instruction can
// be given in it.
package triage

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/pemistahl/lingua-go"
	"golang.org/x/text/unicode/norm"
)

// Detection is the language chosen for one message and why.
type Detection struct {
	Language   string  // ISO 639-1; "" only when nothing could be told and no default is set
	Confidence float64 // in [0, 1]: the detector's probability after the prior is applied
	Source     string  // SourceText, SourcePrior or SourceDefault
	Script     string  // ISO 15924 code of the dominant writing system: Latn, Deva, Arab; "" for none
	Short      bool    // too little text to trust on its own
}

// Where a Detection came from.
const (
	SourceText    = "text"    // the text decided
	SourcePrior   = "prior"   // the conversation's language decided (short or ambiguous text)
	SourceDefault = "default" // nothing to go on: the clinic's default language
)

// Thresholds of the detector. A text is short when it has fewer letters or words than these; a
// detection is confident when its probability reaches confidentAt.
const (
	tinyLetters  = 6  // "ok", "sí", "ja": no signal at all
	shortLetters = 24 // "tengo fiebre": some signal, easily outweighed by the conversation
	shortWords   = 3
	confidentAt  = 0.70
	shortPrior   = 3.0 // how much more likely the conversation's language is for short or ambiguous text
	// shorthandBoost multiplies a language's lingua probability for each of its shorthand words.
	shorthandBoost = 3.0
	// functionBoost does the same, more gently, for each function word (shorthand counts in both):
	// lingua's n-grams are easily swayed by a borrowed name ("Northgate") in a short question whose
	// every other word is Spanish.
	functionBoost = 0.5
)

// LanguageDetector tells the language of patient messages among the configured languages. Writing
// system settles Hindi in Devanagari and Arabic; vocabulary settles romanized Hindi and Arabic and
// most Latin-script messages; lingua's high-accuracy n-gram models, preloaded at construction so that
// no message waits for a model to load, decide the rest. It is safe for concurrent use.
type LanguageDetector struct {
	detector  lingua.LanguageDetector // over the Latin-script languages; nil when fewer than two
	onlyLatin string                  // the one Latin-script language, when exactly one is configured
	codes     map[lingua.Language]string
	languages map[string]bool
	fallback  string
}

// latinScript are the supported languages written in Latin letters: the ones lingua must tell apart.
var latinScript = map[string]lingua.Language{
	"en": lingua.English, "es": lingua.Spanish, "pt": lingua.Portuguese, "fr": lingua.French, "de": lingua.German,
}

// NewLanguageDetector builds a detector over codes (ISO 639-1); fallback is used when a message holds
// no letters and its conversation no language.
func NewLanguageDetector(codes []string, fallback string) (*LanguageDetector, error) {
	d := &LanguageDetector{codes: map[lingua.Language]string{}, languages: map[string]bool{}, fallback: fallback}
	var latin []lingua.Language
	for _, code := range codes {
		if lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(code)) == lingua.Unknown {
			return nil, fmt.Errorf("triage: language detector: unknown language %q", code)
		}
		d.languages[code] = true
		if l, ok := latinScript[code]; ok {
			latin = append(latin, l)
			d.codes[l] = code
			d.onlyLatin = code
		}
	}
	if len(d.languages) == 0 {
		return nil, fmt.Errorf("triage: language detector: no languages")
	}
	if len(latin) >= 2 {
		d.onlyLatin = ""
		d.detector = lingua.NewLanguageDetectorBuilder().FromLanguages(latin...).WithPreloadedLanguageModels().Build()
	}
	return d, nil
}

// Detect tells the language of text. prior is the conversation's language ("" when unknown): for
// short or ambiguous text it weighs in, because "ok", "sí" or "no" say nothing about the language
// while the patient's earlier messages do.
func (d *LanguageDetector) Detect(text, prior string) Detection {
	if !d.languages[prior] {
		prior = ""
	}
	if !norm.NFKC.IsNormalString(text) {
		text = norm.NFKC.String(text)
	}
	text = stripNonLanguage(text)
	sc := countScripts(text)
	det := Detection{Script: sc.dominant()}
	det.Short = sc.letters < shortLetters || sc.words < shortWords

	switch {
	case sc.letters == 0:
		return d.nothingToGoOn(det, prior)
	case det.Script == "Deva" && d.languages["hi"]:
		// Among the supported languages only Hindi is written in Devanagari and only Arabic in
		// Arabic script: the script alone decides.
		det.Language, det.Confidence, det.Source = "hi", 1, SourceText
		return det
	case det.Script == "Arab" && d.languages["ar"]:
		det.Language, det.Confidence, det.Source = "ar", 1, SourceText
		return det
	case det.Script != "Latn":
		return d.nothingToGoOn(det, prior)
	}

	tokens := tokenize(text)
	if lang, score, ok := romanizedLanguage(tokens, d.languages); ok {
		det.Language, det.Confidence, det.Source = lang, score, SourceText
		return det
	}
	if prior != "" && (sc.letters < tinyLetters || sc.words <= 1) {
		// One word in Latin letters says nothing: "ok" is as likely from a patient who writes Arabic
		// or Hindi as from one who writes English.
		det.Language, det.Source = prior, SourcePrior
		return det
	}
	ev := gatherLatinEvidence(tokens, d.languages)
	if lang, conf, ok := ev.decisive(); ok {
		det.Language, det.Confidence, det.Source = lang, conf, SourceText
		return det
	}
	if d.detector == nil {
		if d.onlyLatin != "" { // one Latin-script language configured: nothing to choose between
			det.Language, det.Confidence, det.Source = d.onlyLatin, 0.5, SourceText
			return det
		}
		return d.nothingToGoOn(det, prior)
	}
	return d.weigh(det, d.detector.ComputeLanguageConfidenceValues(text), ev, prior)
}

// weigh combines lingua's probabilities with the chat shorthand found and, for short or ambiguous
// text, with the conversation's language as the prior.
func (d *LanguageDetector) weigh(det Detection, values []lingua.ConfidenceValue, ev latinEvidence, prior string) Detection {
	weight := 1.0
	if prior != "" && (det.Short || len(values) == 0 || values[0].Value() < confidentAt) {
		weight = shortPrior
	}
	var best, textTop string
	var bestScore, total, textBest float64
	for _, v := range values {
		code := d.codes[v.Language()]
		if code == "" {
			continue
		}
		p := v.Value() * (1 + shorthandBoost*float64(ev.shorthand[code])) * (1 + functionBoost*float64(ev.hits[code]-ev.shorthand[code]))
		if p > textBest {
			textBest, textTop = p, code
		}
		if code == prior {
			p *= weight
		}
		total += p
		if p > bestScore {
			best, bestScore = code, p
		}
	}
	if best == "" || total == 0 {
		return d.nothingToGoOn(det, prior)
	}
	det.Language, det.Confidence, det.Source = best, bestScore/total, SourceText
	if best == prior && best != textTop {
		det.Source = SourcePrior
	}
	return det
}

// Confident reports whether the detection is strong enough to become the conversation's language.
func (d Detection) Confident() bool {
	return d.Source == SourceText && !d.Short && d.Confidence >= confidentAt
}

func (d *LanguageDetector) nothingToGoOn(det Detection, prior string) Detection {
	switch {
	case prior != "":
		det.Language, det.Source = prior, SourcePrior
	case d.fallback != "":
		det.Language, det.Source = d.fallback, SourceDefault
	}
	return det
}

// scripts counts the letters of a text by writing system, and its words.
type scripts struct {
	latin, devanagari, arabic, other int
	letters, words                   int
}

func countScripts(text string) scripts {
	var s scripts
	inWord := false
	for _, r := range text {
		isLetter := unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
		if !isLetter {
			inWord = false
			continue
		}
		if !inWord {
			s.words++
			inWord = true
		}
		if !unicode.IsLetter(r) {
			continue // combining marks (Devanagari vowel signs) belong to words but are not letters
		}
		s.letters++
		switch {
		case unicode.Is(unicode.Latin, r):
			s.latin++
		case unicode.Is(unicode.Devanagari, r):
			s.devanagari++
		case unicode.Is(unicode.Arabic, r):
			s.arabic++
		default:
			s.other++
		}
	}
	return s
}

// dominant names the writing system of a text. Arabic or Devanagari letters make up a quarter of a
// text only when its writer reads that script, so they win over the Latin of borrowed words and
// abbreviations ("my CBC نتيجة", "BP की दवाई").
func (s scripts) dominant() string {
	switch {
	case s.letters == 0:
		return ""
	case s.arabic >= s.devanagari && s.arabic*4 >= s.letters:
		return "Arab"
	case s.devanagari*4 >= s.letters:
		return "Deva"
	case s.latin >= s.other:
		return "Latn"
	}
	return ""
}

// nonLanguage matches what is in a message but not in its language: links, e-mail addresses,
// @mentions and #hashtags.
var nonLanguage = regexp.MustCompile(`(?i)\bhttps?://\S+|\bwww\.\S+|\S+@\S+\.\S+|[@#][\pL\pN_]+`)

func stripNonLanguage(text string) string {
	if !strings.ContainsAny(text, "@#/.") {
		return text
	}
	return nonLanguage.ReplaceAllString(text, " ")
}
