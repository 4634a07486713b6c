package triage

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/metrics"
)

// Pipeline processes each committed inbound message, in the order of the data flow: load it, tell its
// language, record what was learnt. Later steps (assessment, routing, answers) join here. It is a
// River worker: a failure retries the job with backoff, and every step is safe to run twice.
type Pipeline struct {
	river.WorkerDefaults[conversation.ProcessArgs]

	conversations *conversation.Store
	languages     *LanguageDetector
	metrics       *metrics.Metrics
	log           *slog.Logger
}

var _ river.Worker[conversation.ProcessArgs] = (*Pipeline)(nil)

// NewPipeline wires the pipeline's parts.
func NewPipeline(conversations *conversation.Store, languages *LanguageDetector, m *metrics.Metrics, log *slog.Logger) *Pipeline {
	return &Pipeline{conversations: conversations, languages: languages, metrics: m, log: log}
}

// Work processes one message. A message that no longer exists (erased on request) cancels the job
// instead of retrying it.
func (p *Pipeline) Work(ctx context.Context, job *river.Job[conversation.ProcessArgs]) error {
	msg, err := p.conversations.ForProcessing(ctx, job.Args.MessageID)
	if assistant.ErrorCode(err) == assistant.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}

	lang := p.detectLanguage(msg)

	first, err := p.conversations.RecordLanguage(ctx, msg, conversation.Language{
		Code:       lang.Language,
		Confidence: lang.Confidence,
		Source:     lang.Source,
		Script:     lang.Script,
		Teach:      lang.Confident() || msg.ConversationLanguage == "",
	})
	if err != nil {
		return err
	}
	if first {
		p.metrics.MessagesLanguage.WithLabelValues(labelOr(lang.Language, "unknown"), lang.Source).Inc()
	}
	p.log.InfoContext(ctx, "message processed",
		"message_id", msg.MessageID, "conversation_id", msg.ConversationID, "attempt", job.Attempt,
		"language", lang.Language, "language_confidence", lang.Confidence, "language_source", lang.Source,
		"rerun", msg.Processed)
	return nil
}

// detectLanguage tells the message's language, with the conversation's as the prior for short text.
func (p *Pipeline) detectLanguage(msg conversation.Pending) Detection {
	start := time.Now()
	d := p.languages.Detect(msg.Text, msg.ConversationLanguage)
	p.metrics.LanguageDetection.Observe(metrics.Since(start))
	return d
}

func labelOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
