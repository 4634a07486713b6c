package triage

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/store"
)

// The assessments table belongs to this package: one row per inbound message, written in the same
// transaction as the message's escalation and reply.

// insertAssessmentTx stores an assessment and its routing decision; false when the message already
// had one (the job ran before).
func insertAssessmentTx(ctx context.Context, tx pgx.Tx, messageID, conversationID string, a Assessment, d Decision) (bool, error) {
	flags, _ := json.Marshal(nonNil(a.RedFlags))
	rules, _ := json.Marshal(a.Rules)
	decision, _ := json.Marshal(d)
	var model, prompt, modelUrgency *string
	var latency *int64
	redacted := false
	if a.Model != nil {
		model, prompt = &a.Model.Model, &a.Model.PromptVersion
		latency, redacted = &a.Model.LatencyMS, a.Model.Redacted
		if a.Model.Urgency != "" {
			u := string(a.Model.Urgency)
			modelUrgency = &u
		}
	}
	distress := a.Distress
	if distress == nil {
		distress = []string{}
	}
	tag, err := tx.Exec(ctx, `
		INSERT INTO assessments (message_id, conversation_id, urgency, intent, sentiment, sentiment_score, distress,
		    self_harm, red_flags, floor, source, rules, model, prompt_version, model_latency_ms, model_urgency,
		    redacted, failure, rationale, decision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (message_id) DO NOTHING`,
		messageID, conversationID, string(a.Urgency), a.Intent, a.Sentiment, a.SentimentScore, distress,
		nullable(a.SelfHarm), flags, nullable(string(a.Floor)), a.Source, rules, model, prompt, latency, modelUrgency,
		redacted, nullable(a.Failure), nullable(a.Rationale), decision)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// previousSentiment is the sentiment label of the patient's last assessed message before this one.
func previousSentiment(ctx context.Context, pool *pgxpool.Pool, conversationID, messageID string) (string, error) {
	var label string
	err := pool.QueryRow(ctx, `
		SELECT a.sentiment FROM assessments a JOIN messages m ON m.id = a.message_id
		WHERE a.conversation_id = $1 AND m.id <> $2
		  AND m.created_at < (SELECT created_at FROM messages WHERE id = $2)
		ORDER BY m.created_at DESC LIMIT 1`, conversationID, messageID).Scan(&label)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return label, store.Classify("triage: previous sentiment", err)
}

// StoredAssessment is an assessment as the conversation view shows it.
type StoredAssessment struct {
	MessageID      string          `json:"message_id"`
	Urgency        string          `json:"urgency"`
	Intent         string          `json:"intent"`
	Sentiment      string          `json:"sentiment"`
	SentimentScore float64         `json:"sentiment_score"`
	Distress       []string        `json:"distress"`
	SelfHarm       *string         `json:"self_harm,omitempty"`
	RedFlags       json.RawMessage `json:"red_flags"`
	Floor          *string         `json:"floor,omitempty"`
	Source         string          `json:"source"`
	Model          *string         `json:"model,omitempty"`
	PromptVersion  *string         `json:"prompt_version,omitempty"`
	ModelLatencyMS *int64          `json:"model_latency_ms,omitempty"`
	ModelUrgency   *string         `json:"model_urgency,omitempty"`
	Redacted       bool            `json:"redacted"`
	Failure        *string         `json:"failure,omitempty"`
	Rationale      *string         `json:"rationale,omitempty"`
	Decision       json.RawMessage `json:"decision"`
	Rules          json.RawMessage `json:"rules"`
}

// Assessments returns the assessments of a conversation's messages, by message id.
func Assessments(ctx context.Context, pool *pgxpool.Pool, conversationID string) (map[string]StoredAssessment, error) {
	rows, err := pool.Query(ctx, `
		SELECT message_id, urgency, intent, sentiment, sentiment_score, distress, self_harm, red_flags, floor, source,
		       model, prompt_version, model_latency_ms, model_urgency, redacted, failure, rationale, decision, rules
		FROM assessments WHERE conversation_id = $1`, conversationID)
	if err != nil {
		return nil, store.Classify("triage: assessments", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StoredAssessment, error) {
		var a StoredAssessment
		var score float32
		err := r.Scan(&a.MessageID, &a.Urgency, &a.Intent, &a.Sentiment, &score, &a.Distress, &a.SelfHarm, &a.RedFlags,
			&a.Floor, &a.Source, &a.Model, &a.PromptVersion, &a.ModelLatencyMS, &a.ModelUrgency, &a.Redacted, &a.Failure,
			&a.Rationale, &a.Decision, &a.Rules)
		a.SentimentScore = float64(score)
		return a, err
	})
	if err != nil {
		return nil, store.Classify("triage: assessments", err)
	}
	out := make(map[string]StoredAssessment, len(list))
	for _, a := range list {
		out[a.MessageID] = a
	}
	return out, nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
