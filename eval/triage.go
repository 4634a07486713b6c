package eval

import (
	"slices"
	"sort"
	"sync"

	"github.com/clinictriage/assistant/sentiment"
	"github.com/clinictriage/assistant/triage"
)

// TriageReport holds the metrics of TRIAGE-SCALE.md, in the order that matters: no emergency may be
// missed, then self-harm, then urgent-or-higher, then over-triage, then exact agreement.
type TriageReport struct {
	Metrics
	ByLang map[string]Metrics `json:"by_lang"`
	Misses []TriageMiss       `json:"misses"`
}

// Metrics are one set of figures (over the whole set, or one language).
type Metrics struct {
	N                 int     `json:"n"`
	EmergencyRecall   float64 `json:"emergency_recall"`
	SelfHarmRecall    float64 `json:"self_harm_recall"`
	UrgentPlusRecall  float64 `json:"urgent_plus_recall"`
	OverTriageRate    float64 `json:"over_triage_rate"`
	Accuracy          float64 `json:"accuracy"`
	MacroF1           float64 `json:"macro_f1"`
	SentimentAccuracy float64 `json:"sentiment_accuracy"`
}

// TriageMiss is a message whose urgency, or self-harm flag, the assessment got wrong.
type TriageMiss struct {
	ID        string `json:"id"`
	Lang      string `json:"lang"`
	Gold      string `json:"gold"`
	Predicted string `json:"predicted"`
	SelfHarm  string `json:"self_harm,omitempty"` // "missed" or "false" when the self-harm flag disagrees
}

// Assess is whatever produces an assessment for a message: the rules alone, or rules and model.
type Assess func(triage.Input) triage.Assessment

// Input is the assessment input for a gold message, with its context. The language is left for the
// caller to detect, as the pipeline does: the gold label is what is measured, not an input.
func (m GoldMessage) Input() triage.Input {
	in := triage.Input{Text: m.Text}
	for _, t := range m.Context {
		in.Context = append(in.Context, triage.Turn{From: t.From, Text: t.Text})
	}
	return in
}

// Triage runs assess over the gold messages, each with its context, concurrency at a time (a model
// is slow; the rules are not), and scores the results.
func Triage(assess Assess, gold []GoldMessage, concurrency int) TriageReport {
	type outcome struct {
		gold GoldMessage
		got  triage.Assessment
	}
	outcomes := make([]outcome, len(gold))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, concurrency) {
		wg.Go(func() {
			for i := range work {
				outcomes[i] = outcome{gold[i], assess(gold[i].Input())}
			}
		})
	}
	for i := range gold {
		work <- i
	}
	close(work)
	wg.Wait()

	score := func(set []outcome) Metrics {
		var met Metrics
		met.N = len(set)
		var emerg, emergHit, sh, shHit, up, upHit, low, lowOver, exact, sent int
		for _, o := range set {
			g, p := triage.Urgency(o.gold.Urgency), o.got.Urgency
			if g == triage.Emergency {
				emerg++
				if p == triage.Emergency {
					emergHit++
				}
			}
			if slices.Contains(o.gold.Distress, sentiment.SelfHarm) {
				sh++
				if slices.Contains(o.got.Distress, sentiment.SelfHarm) {
					shHit++
				}
			}
			if g.Rank() >= triage.Urgent.Rank() {
				up++
				if p.Rank() >= triage.Urgent.Rank() {
					upHit++
				}
			}
			if g == triage.Routine || g == triage.SelfCare {
				low++
				if p.Rank() >= triage.Urgent.Rank() {
					lowOver++
				}
			}
			if g == p {
				exact++
			}
			if o.gold.Sentiment == o.got.Sentiment {
				sent++
			}
		}
		met.EmergencyRecall = ratio(emergHit, emerg)
		met.SelfHarmRecall = ratio(shHit, sh)
		met.UrgentPlusRecall = ratio(upHit, up)
		met.OverTriageRate = ratio(lowOver, low)
		met.Accuracy = ratio(exact, len(set))
		met.SentimentAccuracy = ratio(sent, len(set))
		var f1s []float64
		for _, level := range triage.Urgencies {
			var tp, fp, fn int
			for _, o := range set {
				g, p := triage.Urgency(o.gold.Urgency), o.got.Urgency
				switch {
				case g == level && p == level:
					tp++
				case p == level:
					fp++
				case g == level:
					fn++
				}
			}
			if tp+fp+fn == 0 {
				continue // the level occurs in neither: it says nothing about this set
			}
			prec, rec := ratio(tp, tp+fp), ratio(tp, tp+fn)
			f1 := 0.0
			if prec+rec > 0 {
				f1 = 2 * prec * rec / (prec + rec)
			}
			f1s = append(f1s, f1)
		}
		for _, f := range f1s {
			met.MacroF1 += f / float64(len(f1s))
		}
		met = round(met)
		return met
	}

	rep := TriageReport{Metrics: score(outcomes), ByLang: map[string]Metrics{}, Misses: []TriageMiss{}}
	byLang := map[string][]outcome{}
	for _, o := range outcomes {
		byLang[o.gold.Lang] = append(byLang[o.gold.Lang], o)
		goldSH := slices.Contains(o.gold.Distress, sentiment.SelfHarm)
		gotSH := slices.Contains(o.got.Distress, sentiment.SelfHarm)
		miss := TriageMiss{ID: o.gold.ID, Lang: o.gold.Lang, Gold: o.gold.Urgency, Predicted: string(o.got.Urgency)}
		switch {
		case goldSH && !gotSH:
			miss.SelfHarm = "missed"
		case gotSH && !goldSH:
			miss.SelfHarm = "false"
		}
		if miss.Gold != miss.Predicted || miss.SelfHarm != "" {
			rep.Misses = append(rep.Misses, miss)
		}
	}
	for lang, set := range byLang {
		rep.ByLang[lang] = score(set)
	}
	// The worst misses first: emergencies missed, then by how far the level is off.
	sort.SliceStable(rep.Misses, func(i, j int) bool {
		a, b := rep.Misses[i], rep.Misses[j]
		if wa, wb := severity(a), severity(b); wa != wb {
			return wa > wb
		}
		return a.ID < b.ID
	})
	return rep
}

func severity(m TriageMiss) int {
	gap := triage.Urgency(m.Gold).Rank() - triage.Urgency(m.Predicted).Rank()
	if m.Gold == string(triage.Emergency) {
		gap += 10
	}
	if m.SelfHarm == "missed" {
		gap += 8
	}
	return gap
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1 // nothing to miss
	}
	return float64(a) / float64(b)
}

func round(m Metrics) Metrics {
	r := func(v float64) float64 { return float64(int(v*1000+0.5)) / 1000 }
	m.EmergencyRecall, m.SelfHarmRecall, m.UrgentPlusRecall = r(m.EmergencyRecall), r(m.SelfHarmRecall), r(m.UrgentPlusRecall)
	m.OverTriageRate, m.Accuracy, m.MacroF1, m.SentimentAccuracy = r(m.OverTriageRate), r(m.Accuracy), r(m.MacroF1), r(m.SentimentAccuracy)
	return m
}
