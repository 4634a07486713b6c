package kb

import (
	"math"

	"github.com/clinictriage/assistant/lexicon"
)

// textFeatures are what coverage compares: a text's content words, each by its stem key and the
// concepts it is part of, and the sets of both.
type textFeatures struct {
	words    []wordFeature
	stems    map[string]bool
	concepts map[string]bool
}

type wordFeature struct {
	stem     string
	concepts []string
}

// stemKey is a crude stem that works in every language the product speaks: the first five letters
// ("vaccine", "vaccines", "vaccination" -> "vacci"). Full-text search does real stemming; this only
// has to tell whether the page talks about a word of the question at all.
func stemKey(norm string) string {
	r := []rune(norm)
	if len(r) > 5 {
		r = r[:5]
	}
	return string(r)
}

// features analyses a text for coverage. It never fails: without a vocabulary it sees words only.
func (s *Store) features(text string) textFeatures {
	f := textFeatures{stems: map[string]bool{}, concepts: map[string]bool{}}
	v, err := loadVocabulary()
	if err != nil {
		return f
	}
	doc := lexicon.NewDoc(text)
	byToken := make([][]string, len(doc.Tokens))
	for _, m := range v.concepts(doc) {
		f.concepts[m.Rule.Name] = true
		for i := m.Start; i < m.End; i++ {
			byToken[i] = append(byToken[i], m.Rule.Name)
		}
	}
	for i, t := range doc.Tokens {
		if !v.content(t) {
			continue
		}
		st := stemKey(t.Norm)
		f.stems[st] = true
		f.words = append(f.words, wordFeature{stem: st, concepts: byToken[i]})
	}
	return f
}

// coverage is the share of the question's content words that the passage speaks to: the word itself
// (by stem) or a concept it is part of. A question about a service the clinic never mentions ("do
// you clean teeth") leaves its key words uncovered even when other words match well.
func coverage(q, passage textFeatures) float64 {
	if len(q.words) == 0 {
		return 0
	}
	covered := 0.0
	for _, w := range q.words {
		if passage.stems[w.stem] {
			covered++
			continue
		}
		for _, c := range w.concepts {
			if passage.concepts[c] {
				covered++
				break
			}
		}
	}
	return covered / float64(len(q.words))
}

// Calibration of the confidence: a logistic model of whether the first hit answers the question,
// fitted on the development FAQ set (see eval/faq.go and `triagectl eval faq --features`). Few
// features and coefficients, so that it holds on questions it never saw.
var calibration = struct {
	bias, cos, cover, margin, text float64
}{bias: -6, cos: 6, cover: 4, margin: 4, text: 1}

// confidence estimates the probability that the first hit answers the question.
func confidence(hits []Hit) float64 {
	if len(hits) == 0 {
		return 0
	}
	h := hits[0]
	margin := h.Cos
	if len(hits) > 1 {
		margin = h.Cos - hits[1].Cos
	}
	text := 0.0
	if h.Text > 0 {
		text = 1
	}
	z := calibration.bias + calibration.cos*h.Cos + calibration.cover*h.Cover + calibration.margin*margin + calibration.text*text
	return 1 / (1 + math.Exp(-z))
}
