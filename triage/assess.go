package triage

import (
	"context"
	"errors"
	"slices"

	"github.com/clinictriage/assistant/lexicon"
	"github.com/clinictriage/assistant/sentiment"
)

// Input is one inbound message with what the assessment may use around it.
type Input struct {
	Text        string
	Lang        string // detected language of the message
	Context     []Turn // earlier messages of the conversation, oldest first
	ContactName string // the patient's name, removed before anything is sent to a model
}

// Assessment is what the pipeline concludes about one message.
type Assessment struct {
	Urgency        Urgency          `json:"urgency"`
	Intent         string           `json:"intent"`
	SentimentScore float64          `json:"sentiment_score"`
	Sentiment      string           `json:"sentiment"`
	Distress       []string         `json:"distress"`
	SelfHarm       string           `json:"self_harm,omitempty"` // passive or active
	RedFlags       []RedFlag        `json:"red_flags"`
	Floor          Urgency          `json:"floor,omitempty"` // the lowest level the model may give
	Rationale      string           `json:"rationale,omitempty"`
	Source         string           `json:"source"` // "rules" or "rules+model"
	Rules          RulesResult      `json:"rules"`
	Feeling        sentiment.Result `json:"feeling"`
	Model          *ModelProvenance `json:"model,omitempty"`
	Failure        string           `json:"failure,omitempty"` // classifier_unavailable when the model failed
}

// ModelProvenance records how the model took part.
type ModelProvenance struct {
	Model         string  `json:"model"`
	PromptVersion string  `json:"prompt_version"`
	LatencyMS     int64   `json:"latency_ms"`
	Redacted      bool    `json:"redacted"`
	Urgency       Urgency `json:"urgency,omitempty"`
	Error         string  `json:"error,omitempty"`
}

// Assessor runs the embedded classifiers: the safety rules and the sentiment and distress lexicons.
// It needs no network and is safe for concurrent use.
type Assessor struct {
	rules    *Rules
	analyzer *sentiment.Analyzer
}

// NewAssessor compiles the embedded rules and lexicons.
func NewAssessor() (*Assessor, error) {
	rules, err := NewRules()
	if err != nil {
		return nil, err
	}
	analyzer, err := sentiment.NewAnalyzer()
	if err != nil {
		return nil, err
	}
	return &Assessor{rules: rules, analyzer: analyzer}, nil
}

// Assess is the rules-only assessment. Active self-harm (intent, plan, means, now) is a red flag;
// passive self-harm makes the message urgent at least.
func (a *Assessor) Assess(in Input) Assessment {
	doc := lexicon.NewDoc(in.Text)
	doc.Lang = in.Lang
	feel := a.analyzer.AnalyzeDoc(doc)
	rules := a.rules.RunDoc(doc, in.Context, feel.Label == sentiment.Negative || slices.Contains(feel.Distress, sentiment.Anger))
	if feel.SelfHarm == "" && len(in.Context) > 0 {
		// An answer to "are you safe?" carries the self-harm of the question it answers.
		feel = a.withContextSelfHarm(feel, in)
	}

	as := Assessment{
		Urgency:        rules.Urgency,
		Intent:         rules.Intent,
		SentimentScore: feel.Score,
		Sentiment:      feel.Label,
		Distress:       feel.Distress,
		SelfHarm:       feel.SelfHarm,
		RedFlags:       rules.RedFlags,
		Floor:          rules.Floor,
		Source:         "rules",
		Rules:          rules,
		Feeling:        feel,
	}
	// An overdose taken by someone who is thinking of suicide is self-harm happening now.
	if feel.SelfHarm == sentiment.SelfHarmPassive && slices.ContainsFunc(rules.RedFlags, func(f RedFlag) bool { return f.Name == "overdose" && f.Turn < 0 }) {
		feel.SelfHarm = sentiment.SelfHarmActive
		as.SelfHarm = sentiment.SelfHarmActive
	}
	switch feel.SelfHarm {
	case sentiment.SelfHarmActive:
		// Show the words of intent, or else those of the thoughts that made an overdose self-harm.
		i := slices.IndexFunc(feel.Evidence, func(e sentiment.Span) bool { return e.Flag == "self_harm_active" })
		if i < 0 {
			i = slices.IndexFunc(feel.Evidence, func(e sentiment.Span) bool { return e.Flag == "self_harm_passive" })
		}
		if i >= 0 {
			e := feel.Evidence[i]
			as.RedFlags = append(as.RedFlags, RedFlag{Name: "self_harm", Text: e.Text, Start: e.Start, End: e.End, Turn: -1})
		}
		as.Floor, as.Urgency = Emergency, Emergency
		as.Rules.Cues = append(as.Rules.Cues, "red_flag:self_harm")
	case sentiment.SelfHarmPassive:
		as.Urgency = Max(as.Urgency, Urgent)
		as.Rules.Cues = append(as.Rules.Cues, "distress:self_harm")
	}
	if as.Urgency == Emergency || as.Urgency == Urgent {
		if as.Intent != IntentSymptom && (len(as.RedFlags) > 0 || slices.Contains(as.Distress, sentiment.SelfHarm)) {
			as.Intent = IntentSymptom
		}
	}
	return as
}

// withContextSelfHarm keeps the self-harm of the patient's previous message when this one answers
// the question asked about it without repeating the words ("Are you safe?" "no").
func (a *Assessor) withContextSelfHarm(feel sentiment.Result, in Input) sentiment.Result {
	n := len(in.Context)
	if n < 2 || in.Context[n-1].From != "bot" {
		return feel
	}
	for i := n - 2; i >= 0 && in.Context[i].From != "bot"; i-- {
		if in.Context[i].From != "patient" || a.analyzer.Analyze(in.Context[i].Text).SelfHarm == "" {
			continue
		}
		if !slices.Contains(feel.Distress, sentiment.SelfHarm) {
			feel.Distress = append([]string{sentiment.SelfHarm}, feel.Distress...)
		}
		feel.SelfHarm = sentiment.SelfHarmPassive
		if feel.Label != sentiment.Negative {
			feel.Score, feel.Label = min(feel.Score, -0.3), sentiment.Negative
		}
		return feel
	}
	return feel
}

// Judge assesses with the rules and, when there is one, the model. A model failure leaves the rules'
// assessment standing, marked classifier_unavailable, so that routing escalates when in doubt.
func Judge(ctx context.Context, a *Assessor, c Classifier, in Input) (Assessment, string) {
	rules := a.Assess(in)
	if c == nil {
		return rules, ""
	}
	m, err := c.Classify(ctx, in)
	if err == nil {
		return Merge(rules, m), "ok"
	}
	outcome := "error"
	var verr *ValidationError
	switch {
	case errors.Is(err, ErrCircuitOpen):
		outcome = "circuit_open"
	case errors.As(err, &verr):
		outcome = "invalid"
	case errors.Is(err, context.DeadlineExceeded):
		outcome = "timeout"
	}
	rules.Failure = FailureClassifier
	rules.Model = &ModelProvenance{Model: m.Model, PromptVersion: m.PromptVersion, LatencyMS: m.Latency.Milliseconds(),
		Redacted: m.Redacted, Error: outcome}
	return rules, outcome
}
