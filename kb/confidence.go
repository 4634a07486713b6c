package kb

import (
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/clinictriage/assistant/lexicon"
)

// textFeatures are what coverage compares: a text's content words, each by its stem key and the
// concepts it is part of, and the sets of both.
type textFeatures struct {
	words    []wordFeature
	stems    map[string]bool
	concepts map[string]bool
	topics   map[string]bool // the topic concepts: specific services, tests, procedures, products
}

type wordFeature struct {
	norm     string
	stem     string
	concepts []string
	topic    bool // part of a topic: only the topic itself, never the bare word, covers it
	// weight is the word's inverse document frequency in the knowledge base (1 until weigh);
	// known says whether the knowledge base uses the word or one of its concepts anywhere.
	weight float64
	known  bool
}

// lookups are the words and concept lexemes whose frequencies weigh the question's words.
func (f textFeatures) lookups() (words, concepts []string) {
	words, concepts = []string{}, []string{}
	for _, w := range f.words {
		words = append(words, w.norm)
		for _, c := range w.concepts {
			concepts = append(concepts, "k:"+c)
		}
	}
	return words, concepts
}

// frequencies are document frequencies in the knowledge base: of the question's words (under the
// searched languages' configurations), of its concepts, and the number of chunks.
type frequencies struct {
	words    map[string]wordFrequency
	concepts map[string]int
	chunks   int
}

type wordFrequency struct {
	ndoc    int
	lexemes int // 0: every configuration drops the word as a stop word
}

const wordFrequencySQL = `
	SELECT w.word, coalesce(max(l.ndoc), 0)::int, count(x.lx)::int
	FROM unnest($1::text[]) AS w(word)
	LEFT JOIN LATERAL (SELECT unnest(tsvector_to_array(to_tsvector(c::regconfig, w.word))) AS lx
	                   FROM unnest($2::text[]) AS c) x ON true
	LEFT JOIN kb_lexemes l ON l.word = x.lx
	GROUP BY w.word`

const conceptFrequencySQL = `
	SELECT word, ndoc FROM kb_lexemes WHERE word = ANY($1)
	UNION ALL SELECT '', chunks FROM kb_corpus`

func readFrequencies(br pgx.BatchResults) (frequencies, error) {
	f := frequencies{words: map[string]wordFrequency{}, concepts: map[string]int{}}
	rows, err := br.Query()
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var w string
		var wf wordFrequency
		if err := rows.Scan(&w, &wf.ndoc, &wf.lexemes); err != nil {
			rows.Close()
			return f, err
		}
		f.words[w] = wf
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	rows, err = br.Query()
	if err != nil {
		return f, err
	}
	for rows.Next() {
		var w string
		var n int
		if err := rows.Scan(&w, &n); err != nil {
			rows.Close()
			return f, err
		}
		if w == "" {
			f.chunks = n
		} else {
			f.concepts[w] = n
		}
	}
	return f, rows.Err()
}

// weigh gives each word its inverse document frequency, drops the words every configuration calls a
// stop word, and marks the words the knowledge base knows. Without statistics (an empty knowledge
// base) every word weighs 1 and counts as known.
func (f *textFeatures) weigh(df frequencies) {
	if df.chunks == 0 {
		return
	}
	n := float64(df.chunks)
	kept := f.words[:0]
	for _, w := range f.words {
		wf, seen := df.words[w.norm]
		if seen && wf.lexemes == 0 {
			continue
		}
		cdf := 0
		for _, c := range w.concepts {
			cdf = max(cdf, df.concepts["k:"+c])
		}
		wdf := wf.ndoc
		if w.topic {
			// "physical therapy" is not known because the pages say "physical" and "therapy"
			// apart: a topic is known only as itself.
			wdf = 0
		}
		w.known = wdf > 0 || cdf > 0
		// A word the pages never use weighs the most: it is what the question is about, and the
		// knowledge base has nothing on it.
		w.weight = math.Log((n + 1) / float64(max(wdf, cdf)+1))
		kept = append(kept, w)
	}
	f.words = kept
}

// unknown is the weighted share of the question's words the knowledge base never uses.
func (f textFeatures) unknown() float64 {
	var all, unknown float64
	for _, w := range f.words {
		all += w.weight
		if !w.known {
			unknown += w.weight
		}
	}
	if all == 0 {
		return 0
	}
	return unknown / all
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
	f := textFeatures{stems: map[string]bool{}, concepts: map[string]bool{}, topics: map[string]bool{}}
	v, err := loadVocabulary()
	if err != nil {
		return f
	}
	doc := lexicon.NewDoc(text)
	byToken := make([][]string, len(doc.Tokens))
	inTopic := make([]bool, len(doc.Tokens))
	for _, m := range v.concepts(doc) {
		f.concepts[m.Rule.Name] = true
		if m.Rule.Kind == "topic" {
			f.topics[m.Rule.Name] = true
		}
		for i := m.Start; i < m.End; i++ {
			byToken[i] = append(byToken[i], m.Rule.Name)
			inTopic[i] = inTopic[i] || m.Rule.Kind == "topic"
		}
	}
	for i, t := range doc.Tokens {
		if !v.content(t) {
			continue
		}
		st := stemKey(t.Norm)
		f.stems[st] = true
		f.words = append(f.words, wordFeature{norm: t.Norm, stem: st, concepts: byToken[i], topic: inTopic[i], weight: 1, known: true})
	}
	return f
}

// conceptLexemes are the vocabulary concepts a text names, as the full-text lexemes chunks carry.
func conceptLexemes(text string) []string {
	v, err := loadVocabulary()
	if err != nil {
		return []string{}
	}
	seen := map[string]bool{}
	out := []string{}
	for _, m := range v.concepts(lexicon.NewDoc(text)) {
		if l := "k:" + m.Rule.Name; !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// coverage is the share of the question's content words that the passage speaks to: the word itself
// (by stem) or a concept it is part of. A question about a service the clinic never mentions ("do
// you clean teeth") leaves its key words uncovered even when other words match well.
func coverage(q, passage textFeatures) float64 {
	var all, covered float64
	for _, w := range q.words {
		all += w.weight
		if passage.stems[w.stem] && !w.topic {
			covered += w.weight
			continue
		}
		for _, c := range w.concepts {
			if passage.concepts[c] {
				covered += w.weight
				break
			}
		}
	}
	if all == 0 {
		return 0
	}
	return covered / all
}

// missingTopic reports a topic of the question (a specific service, test, procedure or product) that
// the passage does not name: a page on flu shots does not answer a question about shingles shots.
func missingTopic(q, passage textFeatures) bool {
	for t := range q.topics {
		if !passage.concepts[t] {
			return true
		}
	}
	return false
}

// Signals are what the confidence of a search is computed from.
type Signals struct {
	Cos     float64 `json:"cos"`     // best cosine of the first page's chunks
	Cover   float64 `json:"cover"`   // weighted share of the question the first page speaks to
	Margin  float64 `json:"margin"`  // its cosine minus the second page's
	Unknown float64 `json:"unknown"` // weighted share of the question the knowledge base never mentions
	Missing bool    `json:"missing"` // a topic of the question the first page does not name
}

// vector is the signals in the order of Calibration.Weights, after the bias.
func (s Signals) vector() []float64 {
	missing := 0.0
	if s.Missing {
		missing = 1
	}
	return []float64{s.Cos, s.Cover, s.Margin, s.Unknown, missing}
}

// Calibration is a logistic model of whether the first page answers the question: Bias plus Weights
// times the signals (cos, cover, margin, unknown, missing), through the logistic function.
type Calibration struct {
	Bias    float64    `json:"bias"`
	Weights [5]float64 `json:"weights"`
}

// Probability applies the model.
func (c Calibration) Probability(s Signals) float64 {
	z := c.Bias
	for i, x := range s.vector() {
		z += c.Weights[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// DefaultCalibration was fitted on the development FAQ set with the local embedder:
//
//	triagectl eval faq --gold ../shared/gold/faq-dev.jsonl --fit
//
// Few signals and a penalty on the weights keep it from learning the set by heart; the fresh FAQ set
// in eval/testdata measures it on questions it never saw.
var DefaultCalibration = Calibration{Bias: -0.660, Weights: [5]float64{2.285, 1.789, 1.944, -0.158, -2.015}}

// FitCalibration fits the logistic model to signals and whether the first page answered (Newton's
// method with an L2 penalty of l2 on the weights, not the bias).
func FitCalibration(signals []Signals, correct []bool, l2 float64) (Calibration, error) {
	if len(signals) != len(correct) || len(signals) < 10 {
		return Calibration{}, fmt.Errorf("kb: calibration needs at least 10 labelled questions")
	}
	const n = 6
	var w [n]float64
	for iter := 0; iter < 100; iter++ {
		var g [n]float64
		var h [n][n]float64
		for i, s := range signals {
			x := append([]float64{1}, s.vector()...)
			z := 0.0
			for j := range x {
				z += w[j] * x[j]
			}
			p := 1 / (1 + math.Exp(-z))
			y := 0.0
			if correct[i] {
				y = 1
			}
			for j := range x {
				g[j] += (p - y) * x[j]
				for k := range x {
					h[j][k] += p * (1 - p) * x[j] * x[k]
				}
			}
		}
		for j := 1; j < n; j++ {
			g[j] += l2 * w[j]
			h[j][j] += l2
		}
		h[0][0] += 1e-9
		step, err := solve(h, g)
		if err != nil {
			return Calibration{}, err
		}
		change := 0.0
		for j := range w {
			w[j] -= step[j]
			change = max(change, math.Abs(step[j]))
		}
		if change < 1e-9 {
			break
		}
	}
	c := Calibration{Bias: w[0]}
	copy(c.Weights[:], w[1:])
	return c, nil
}

// solve solves h·x = g by Gaussian elimination with partial pivoting.
func solve(h [6][6]float64, g [6]float64) ([6]float64, error) {
	const n = 6
	var a [n][n + 1]float64
	for i := range n {
		copy(a[i][:n], h[i][:])
		a[i][n] = g[i]
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return [6]float64{}, fmt.Errorf("kb: calibration: the signals do not vary enough to fit")
		}
		a[c], a[p] = a[p], a[c]
		for r := range n {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k <= n; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var x [n]float64
	for i := range n {
		x[i] = a[i][n] / a[i][i]
	}
	return x, nil
}

// signalsOf reads the signals of a search's first hit.
func signalsOf(hits []Hit, q textFeatures) Signals {
	if len(hits) == 0 {
		return Signals{}
	}
	h := hits[0]
	s := Signals{Cos: h.Cos, Cover: h.Cover, Margin: h.Cos, Unknown: q.unknown(), Missing: h.MissingTopic}
	if len(hits) > 1 {
		s.Margin = h.Cos - hits[1].Cos
	}
	return s
}
