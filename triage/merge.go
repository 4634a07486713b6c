package triage

import (
	"slices"

	"github.com/clinictriage/assistant/sentiment"
)

// Merge combines the rules' assessment with the model's. The urgency is the higher of the model's and
// the rules' floor: the model may lower what the rules estimated from cues, never what they derived
// from a current red flag. Distress and red flags are the union; intent, sentiment and the rationale
// are the model's.
func Merge(rules Assessment, m ModelResult) Assessment {
	out := rules
	out.Source = "rules+model"
	out.Urgency = Max(m.Urgency, rules.Floor)
	out.Intent = m.Intent
	out.Sentiment, out.SentimentScore = m.Sentiment, m.SentimentScore
	out.Rationale = m.Rationale
	out.Distress = slices.Clone(rules.Distress)
	for _, d := range m.Distress {
		if !slices.Contains(out.Distress, d) {
			out.Distress = append(out.Distress, d)
		}
	}
	slices.SortFunc(out.Distress, func(a, b string) int {
		return slices.Index(sentiment.DistressFlags, a) - slices.Index(sentiment.DistressFlags, b)
	})
	out.RedFlags = slices.Clone(rules.RedFlags)
	for _, f := range m.RedFlags {
		if !slices.ContainsFunc(out.RedFlags, func(r RedFlag) bool { return r.Name == f }) {
			out.RedFlags = append(out.RedFlags, RedFlag{Name: f, Turn: -1, Source: "model"})
		}
	}
	// A model that names a red flag while calling the message less than an emergency is not trusted
	// on the level: a red flag is an emergency.
	if len(m.RedFlags) > 0 {
		out.Urgency = Emergency
	}
	if slices.Contains(out.Distress, sentiment.SelfHarm) && out.SelfHarm == "" {
		out.SelfHarm = sentiment.SelfHarmPassive
	}
	out.Model = &ModelProvenance{
		Model: m.Model, PromptVersion: m.PromptVersion, LatencyMS: m.Latency.Milliseconds(),
		Redacted: m.Redacted, Urgency: m.Urgency,
	}
	return out
}
