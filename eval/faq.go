package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/clinictriage/assistant/kb"
)

// FAQQuestion is one question of an FAQ gold set: the documents that answer it (any of them is
// right), or none when the knowledge base does not hold the answer.
type FAQQuestion struct {
	ID        string   `json:"id"`
	Lang      string   `json:"lang"`
	Text      string   `json:"text"`
	AnswerIDs []string `json:"answer_ids"`
	Note      string   `json:"note"`
}

// ReadFAQFile reads an FAQ gold set from a JSON Lines file.
func ReadFAQFile(path string) ([]FAQQuestion, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("faq gold: %w", err)
	}
	defer f.Close()
	qs, err := ReadFAQ(f)
	if err != nil {
		return nil, fmt.Errorf("faq gold: %s: %w", path, err)
	}
	return qs, nil
}

// ReadFAQ reads FAQ questions, one JSON object a line; errors name the line and the field.
func ReadFAQ(r io.Reader) ([]FAQQuestion, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var out []FAQQuestion
	seen := map[string]bool{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var q FAQQuestion
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		switch {
		case q.ID == "":
			return nil, fmt.Errorf("line %d: id is missing", n)
		case seen[q.ID]:
			return nil, fmt.Errorf("line %d: id %q appears twice", n, q.ID)
		case strings.TrimSpace(q.Text) == "":
			return nil, fmt.Errorf("line %d (%s): text is empty", n, q.ID)
		case q.Lang == "":
			return nil, fmt.Errorf("line %d (%s): lang is missing", n, q.ID)
		}
		seen[q.ID] = true
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no questions")
	}
	return out, nil
}

// Searcher is what the FAQ evaluation measures: the knowledge base's search.
type Searcher interface {
	Search(ctx context.Context, q kb.Query) (kb.Results, error)
}

// FAQReport holds the retrieval metrics of one run. Retrieval metrics are over the answerable
// questions; abstention (confidence below the threshold) is judged against the unanswerable ones.
type FAQReport struct {
	N                int     `json:"n"`
	Answerable       int     `json:"answerable"`
	HitAt1           float64 `json:"hit_at_1"`
	HitAt5           float64 `json:"hit_at_5"`
	MRR              float64 `json:"mrr"`
	AbstainPrecision float64 `json:"abstain_precision"`
	AbstainRecall    float64 `json:"abstain_recall"`
	// AnsweredCorrect is the end-to-end rate: answerable questions answered (not abstained) from a
	// right document.
	AnsweredCorrect float64              `json:"answered_correct"`
	MinConfidence   float64              `json:"min_confidence"`
	ByLang          map[string]*FAQSlice `json:"by_lang"`
	Misses          []FAQMiss            `json:"misses"`
	// Features of every question, for fitting the confidence calibration (only with WithFeatures).
	Features []FAQFeatures `json:"features,omitempty"`
}

// FAQSlice is the metrics of one language.
type FAQSlice struct {
	N                int     `json:"n"`
	Answerable       int     `json:"answerable"`
	HitAt1           float64 `json:"hit_at_1"`
	HitAt5           float64 `json:"hit_at_5"`
	MRR              float64 `json:"mrr"`
	AbstainPrecision float64 `json:"abstain_precision"`
	AbstainRecall    float64 `json:"abstain_recall"`

	abstained, abstainedRight, unanswerable int
}

// FAQMiss is a question answered from a wrong document, not found in the top five, or wrongly
// abstained on or answered.
type FAQMiss struct {
	ID         string   `json:"id"`
	Lang       string   `json:"lang"`
	Kind       string   `json:"kind"` // wrong_first, not_in_top5, abstained, answered_unanswerable
	Expected   []string `json:"expected"`
	Got        []string `json:"got"`
	Confidence float64  `json:"confidence"`
}

// FAQFeatures is what the confidence is computed from, with the truth, for calibration.
type FAQFeatures struct {
	ID      string     `json:"id"`
	Correct bool       `json:"correct"` // the first hit is a right document
	Signals kb.Signals `json:"signals"`
}

// FAQOptions tune an FAQ evaluation.
type FAQOptions struct {
	MinConfidence float64
	WithFeatures  bool
}

// FAQ runs every question through s and scores the results.
func FAQ(ctx context.Context, s Searcher, qs []FAQQuestion, opt FAQOptions) (*FAQReport, error) {
	r := &FAQReport{ByLang: map[string]*FAQSlice{}, MinConfidence: opt.MinConfidence, Misses: []FAQMiss{}}
	var abstained, abstainedRight, unanswerable, answeredRight int
	for _, q := range qs {
		res, err := s.Search(ctx, kb.Query{Text: q.Text, Lang: q.Lang, Limit: 5})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
		got := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			got[i] = h.DocID
		}
		sl := r.ByLang[q.Lang]
		if sl == nil {
			sl = &FAQSlice{}
			r.ByLang[q.Lang] = sl
		}
		r.N++
		sl.N++
		abstain := res.Confidence < opt.MinConfidence
		rank := 0
		for i, id := range got {
			if slices.Contains(q.AnswerIDs, id) {
				rank = i + 1
				break
			}
		}
		if opt.WithFeatures && len(res.Hits) > 0 {
			r.Features = append(r.Features, FAQFeatures{ID: q.ID, Correct: rank == 1, Signals: res.Signals})
		}
		miss := func(kind string) {
			r.Misses = append(r.Misses, FAQMiss{ID: q.ID, Lang: q.Lang, Kind: kind, Expected: q.AnswerIDs, Got: got, Confidence: res.Confidence})
		}
		if abstain {
			abstained++
			sl.abstained++
		}
		if len(q.AnswerIDs) == 0 {
			unanswerable++
			sl.unanswerable++
			if abstain {
				abstainedRight++
				sl.abstainedRight++
			} else {
				miss("answered_unanswerable")
			}
			continue
		}
		r.Answerable++
		sl.Answerable++
		switch {
		case rank == 1:
			r.HitAt1++
			sl.HitAt1++
		case rank == 0:
			miss("not_in_top5")
		default:
			miss("wrong_first")
		}
		if rank >= 1 && rank <= 5 {
			r.HitAt5++
			sl.HitAt5++
			r.MRR += 1 / float64(rank)
			sl.MRR += 1 / float64(rank)
		}
		if abstain {
			miss("abstained")
		} else if rank == 1 {
			answeredRight++
		}
	}
	div := func(a float64, b int) float64 {
		if b == 0 {
			return 0
		}
		return a / float64(b)
	}
	r.HitAt1, r.HitAt5, r.MRR = div(r.HitAt1, r.Answerable), div(r.HitAt5, r.Answerable), div(r.MRR, r.Answerable)
	r.AbstainPrecision, r.AbstainRecall = div(float64(abstainedRight), abstained), div(float64(abstainedRight), unanswerable)
	r.AnsweredCorrect = div(float64(answeredRight), r.Answerable)
	for _, sl := range r.ByLang {
		sl.HitAt1, sl.HitAt5, sl.MRR = div(sl.HitAt1, sl.Answerable), div(sl.HitAt5, sl.Answerable), div(sl.MRR, sl.Answerable)
		sl.AbstainPrecision, sl.AbstainRecall = div(float64(sl.abstainedRight), sl.abstained), div(float64(sl.abstainedRight), sl.unanswerable)
	}
	sort.SliceStable(r.Misses, func(i, j int) bool { return r.Misses[i].ID < r.Misses[j].ID })
	return r, nil
}

// WriteText prints the report for people: the headline figures, each language, and the misses.
func (r *FAQReport) WriteText(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "n %d (answerable %d), min confidence %.2f\n", r.N, r.Answerable, r.MinConfidence)
	fmt.Fprintf(w, "hit_at_1 %.3f  hit_at_5 %.3f  mrr %.3f  abstain_precision %.3f  abstain_recall %.3f  answered_correct %.3f\n",
		r.HitAt1, r.HitAt5, r.MRR, r.AbstainPrecision, r.AbstainRecall, r.AnsweredCorrect)
	langs := make([]string, 0, len(r.ByLang))
	for l := range r.ByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	fmt.Fprintf(w, "%-5s %4s %6s %6s %6s %6s %6s\n", "lang", "n", "hit@1", "hit@5", "mrr", "abs-P", "abs-R")
	for _, l := range langs {
		s := r.ByLang[l]
		fmt.Fprintf(w, "%-5s %4d %6.3f %6.3f %6.3f %6.3f %6.3f\n", l, s.N, s.HitAt1, s.HitAt5, s.MRR, s.AbstainPrecision, s.AbstainRecall)
	}
	fmt.Fprintf(w, "misses: %d\n", len(r.Misses))
	if !verbose {
		return
	}
	for _, m := range r.Misses {
		fmt.Fprintf(w, "  %-8s %-3s %-22s conf %.2f expected %v got %v\n", m.ID, m.Lang, m.Kind, m.Confidence, m.Expected, m.Got)
	}
}
