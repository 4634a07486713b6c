package triage

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/consent"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/kb"
	"github.com/clinictriage/assistant/metrics"
	"github.com/clinictriage/assistant/sentiment"
	"github.com/clinictriage/assistant/store"
)

// Pipeline processes each committed inbound message in the order of the data flow in DESIGN.md:
// language, assessment (rules always, the model when configured), routing, and one transaction that
// stores what was decided. It is a River worker: a failure retries the job with backoff, and a job run
// twice changes nothing the second time.
type Pipeline struct {
	river.WorkerDefaults[conversation.ProcessArgs]

	pool          *pgxpool.Pool
	conversations *conversation.Store
	escalations   *escalation.Store
	languages     *LanguageDetector
	assessor      *Assessor
	classifier    Classifier // nil: rules only
	answerer      Answerer   // nil: no knowledge base
	route         RouteConfig
	keywords      *consent.Keywords
	metrics       *metrics.Metrics
	log           *slog.Logger
}

var _ river.Worker[conversation.ProcessArgs] = (*Pipeline)(nil)

// PipelineDeps wires the pipeline.
type PipelineDeps struct {
	Pool          *pgxpool.Pool
	Conversations *conversation.Store
	Escalations   *escalation.Store
	Languages     *LanguageDetector
	Assessor      *Assessor
	Classifier    Classifier // optional
	Answerer      Answerer   // optional: the knowledge base
	Route         RouteConfig
	Keywords      *consent.Keywords // nil: consent.DefaultKeywords
	Metrics       *metrics.Metrics
	Log           *slog.Logger
}

// NewPipeline returns the worker.
func NewPipeline(d PipelineDeps) *Pipeline {
	if d.Keywords == nil {
		k, err := consent.NewKeywords(consent.DefaultKeywords)
		if err != nil {
			panic(err) // the defaults are part of the program
		}
		d.Keywords = k
	}
	return &Pipeline{pool: d.Pool, conversations: d.Conversations, escalations: d.Escalations, languages: d.Languages,
		assessor: d.Assessor, classifier: d.Classifier, answerer: d.Answerer, route: d.Route, keywords: d.Keywords,
		metrics: d.Metrics, log: d.Log}
}

// Answerer is the knowledge base as the pipeline sees it.
type Answerer interface {
	Answer(ctx context.Context, q kb.Question) (kb.Answer, error)
}

// Timeout bounds one run: the model's two attempts and the database work, with room to spare.
func (p *Pipeline) Timeout(*river.Job[conversation.ProcessArgs]) time.Duration {
	return 90 * time.Second
}

// Work processes one message. A message that no longer exists (erased on request) cancels the job.
func (p *Pipeline) Work(ctx context.Context, job *river.Job[conversation.ProcessArgs]) error {
	msg, err := p.conversations.ForProcessing(ctx, job.Args.MessageID)
	if assistant.ErrorCode(err) == assistant.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if msg.Processed {
		p.log.InfoContext(ctx, "message already processed", "message_id", msg.MessageID, "attempt", job.Attempt)
		return nil
	}

	if strings.TrimSpace(msg.Text) == "" {
		return p.askForWords(ctx, msg)
	}
	// START and its kin are keywords only for a contact who opted out: to anyone else "yes" is an
	// answer, and is triaged.
	if kw, ok := p.keywords.Match(msg.Text); ok && (kw.Action == consent.OptOut || (kw.Action == consent.OptIn && msg.OptedOut)) {
		return p.consentKeyword(ctx, msg, kw)
	}

	lang := p.detectLanguage(msg)
	in := Input{Text: msg.Text, Lang: lang.Language, Context: turns(msg.Context), ContactName: msg.ContactName}
	a := p.assess(ctx, in)

	open, err := p.escalations.Open(ctx, msg.ConversationID)
	if err != nil {
		return err
	}
	prev, err := previousSentiment(ctx, p.pool, msg.ConversationID, msg.MessageID)
	if err != nil {
		return err
	}
	st := State{Open: open, PreviousNegative: prev == sentiment.Negative, Language: lang.Language, Script: lang.Script,
		OptedOut: msg.OptedOut}
	if kw, ok := p.keywords.Match(msg.Text); ok && kw.Action == consent.Help {
		st.Help = true
	}
	route := p.route
	route.KnowledgeBase = p.answerer != nil
	d := Route(a, st, route)
	if d.Action == ActionAnswer {
		if d, err = p.answer(ctx, msg, a, st, d); err != nil {
			return err
		}
	}

	done, err := p.record(ctx, msg, lang, a, d)
	if err != nil {
		return err
	}
	if done {
		p.count(lang, a, d)
	}
	p.log.InfoContext(ctx, "message processed",
		"message_id", msg.MessageID, "conversation_id", msg.ConversationID, "attempt", job.Attempt,
		"language", lang.Language, "language_source", lang.Source, "urgency", a.Urgency, "intent", a.Intent,
		"red_flags", flagNames(a.RedFlags), "distress", a.Distress, "source", a.Source, "failure", a.Failure,
		"action", d.Action, "rerun", !done)
	return nil
}

// consentKeyword records an opt-out or opt-in, with its history, and confirms it in the keyword's
// language (or the conversation's). A one-word STOP holds nothing to triage.
func (p *Pipeline) consentKeyword(ctx context.Context, msg conversation.Pending, kw consent.Keyword) error {
	lang := conversation.Language{Code: msg.ConversationLanguage, Source: "prior"}
	script := ""
	if code, sc, ok := strings.Cut(kw.Lang, "-"); ok {
		lang.Code, lang.Source, script = code, "text", sc
	} else if kw.Lang != "" {
		lang.Code, lang.Source = kw.Lang, "text"
	}
	if lang.Code == "" {
		lang.Code, lang.Source = p.route.DefaultLanguage, "default"
	}
	lang.Script = script
	state, kind := consent.OptedOut, ReplyOptedOut
	if kw.Action == consent.OptIn {
		state, kind = consent.OptedIn, ReplyOptedIn
	}
	text := ReplyText(kind, lang.Code, script, p.route.DefaultLanguage, p.route.EmergencyNumber, 0)
	replyLang := lang.Code
	if script != "" {
		replyLang += "-" + script
	}
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		first, err := p.conversations.RecordLanguageTx(ctx, tx, msg, lang)
		if err != nil || !first {
			return err
		}
		if _, err := consent.SetTx(ctx, tx, msg.ContactID, state, kw.Word, msg.MessageID); err != nil {
			return err
		}
		_, _, err = p.conversations.AddReplyTx(ctx, tx, conversation.Reply{ConversationID: msg.ConversationID, InReplyTo: msg.MessageID,
			Channel: msg.Channel, Kind: kind, Text: text, Language: replyLang})
		return err
	})
	if err != nil {
		return err
	}
	p.log.InfoContext(ctx, "consent changed", "message_id", msg.MessageID, "conversation_id", msg.ConversationID, "consent", state)
	return nil
}

// askForWords answers a photo, voice note or file that came without words: nothing in it can be
// assessed, so the patient is asked, in the conversation's language, to say it in words (and told
// the emergency number). A nurse already on the conversation sees it in the transcript.
func (p *Pipeline) askForWords(ctx context.Context, msg conversation.Pending) error {
	lang := conversation.Language{Code: msg.ConversationLanguage, Source: "prior"}
	if lang.Code == "" {
		lang.Code, lang.Source = p.route.DefaultLanguage, "default"
	}
	text := ReplyText(ReplyDescribe, lang.Code, "", p.route.DefaultLanguage, p.route.EmergencyNumber, 0)
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		first, err := p.conversations.RecordLanguageTx(ctx, tx, msg, lang)
		if err != nil || !first {
			return err
		}
		owned, err := p.escalations.OwnedTx(ctx, tx, msg.ConversationID)
		if err != nil || owned {
			return err // a nurse who owns the conversation answers it herself
		}
		if msg.OptedOut {
			// No automated message: a person looks at what the patient sent instead.
			_, err := p.escalations.EnqueueTx(ctx, tx, msg.ConversationID, string(Routine),
				[]escalation.Reason{{Code: "opted_out", Text: ReasonText("opted_out"), MessageID: msg.MessageID}}, time.Now())
			return err
		}
		_, _, err = p.conversations.AddReplyTx(ctx, tx, conversation.Reply{ConversationID: msg.ConversationID, InReplyTo: msg.MessageID,
			Channel: msg.Channel, Kind: ReplyDescribe, Text: text, Language: lang.Code})
		return err
	})
	if err != nil {
		return err
	}
	p.log.InfoContext(ctx, "media without words: asked for a description", "message_id", msg.MessageID, "conversation_id", msg.ConversationID)
	return nil
}

// answer asks the knowledge base. An answer becomes the reply; no answer (low confidence, or the
// model declined) sends the message to the team as no_answer. Only a database error fails the job,
// which then runs again.
func (p *Pipeline) answer(ctx context.Context, msg conversation.Pending, a Assessment, st State, d Decision) (Decision, error) {
	start := time.Now()
	ans, err := p.answerer.Answer(ctx, kb.Question{Text: msg.Text, Lang: ReplyLanguage(st, p.route), ContactName: msg.ContactName})
	if err != nil {
		return d, err
	}
	p.metrics.Answers.WithLabelValues(answerOutcome(ans)).Inc()
	p.metrics.AnswerLatency.Observe(metrics.Since(start))
	if ans.ModelFailure != "" {
		p.log.WarnContext(ctx, "answer model failed; the answer is extractive", "failure", ans.ModelFailure)
	}
	d.Answer = &AnswerInfo{DocID: ans.DocID, Lang: ans.Lang, Translated: ans.Translated, ChunkIDs: ans.ChunkIDs,
		Confidence: ans.Confidence, Method: ans.Method, Reason: ans.Reason, ModelFailure: ans.ModelFailure}
	if !ans.Answered {
		return Unanswered(d, a, st, p.route), nil
	}
	// The reply is labelled with the language its text is in: the patient's, or the clinic's when
	// the page has no translation (the note above it is in the patient's).
	d.Reply = &Reply{Kind: ReplyAnswer, Text: ans.Text, Language: ans.Lang, ChunkIDs: ans.ChunkIDs}
	if d.Reply.Language == "" {
		d.Reply.Language = ReplyLanguage(st, p.route)
	}
	return d, nil
}

func answerOutcome(a kb.Answer) string {
	switch {
	case !a.Answered:
		return a.Reason
	case a.ModelFailure != "":
		return "extractive_fallback"
	}
	return a.Method
}

// assess runs the rules, then the model when there is one (see Judge), and counts what happened.
func (p *Pipeline) assess(ctx context.Context, in Input) Assessment {
	start := time.Now()
	a, outcome := Judge(ctx, p.assessor, p.classifier, in)
	switch {
	case outcome == "":
		p.metrics.RulesAssessment.Observe(metrics.Since(start))
	case outcome == "ok":
		p.metrics.Classifier.WithLabelValues(outcome).Inc()
		p.metrics.ModelLatency.Observe(float64(a.Model.LatencyMS) / 1000)
	default:
		p.metrics.Classifier.WithLabelValues(outcome).Inc()
		p.log.WarnContext(ctx, "model classifier failed; the rules stand", "outcome", outcome)
	}
	return a
}

// record stores language, assessment, escalation and reply in one transaction. It reports false when
// another run of the job stored them first.
func (p *Pipeline) record(ctx context.Context, msg conversation.Pending, lang Detection, a Assessment, d Decision) (bool, error) {
	stored := false
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		first, err := p.conversations.RecordLanguageTx(ctx, tx, msg, conversation.Language{
			Code: lang.Language, Confidence: lang.Confidence, Source: lang.Source, Script: lang.Script,
			Teach: lang.Confident() || msg.ConversationLanguage == "",
		})
		if err != nil || !first {
			return err
		}
		if d.Reply != nil {
			// A nurse may have claimed the conversation while the message was being assessed or
			// answered: from her claim on, the bot is silent.
			owned, err := p.escalations.OwnedTx(ctx, tx, msg.ConversationID)
			if err != nil {
				return err
			}
			if owned {
				d.Reply, d.Action = nil, ActionNurse
			}
		}
		if _, err := insertAssessmentTx(ctx, tx, msg.MessageID, msg.ConversationID, a, d); err != nil {
			return err
		}
		if d.Escalate {
			reasons := make([]escalation.Reason, len(d.Reasons))
			for i, r := range d.Reasons {
				r.MessageID = msg.MessageID
				reasons[i] = r
			}
			if _, err := p.escalations.EnqueueTx(ctx, tx, msg.ConversationID, string(d.Level), reasons, time.Now()); err != nil {
				return err
			}
		}
		if d.Reply != nil {
			if _, _, err := p.conversations.AddReplyTx(ctx, tx, conversation.Reply{
				ConversationID: msg.ConversationID, InReplyTo: msg.MessageID, Channel: msg.Channel,
				Kind: d.Reply.Kind, Text: d.Reply.Text, Language: d.Reply.Language, ChunkIDs: d.Reply.ChunkIDs,
			}); err != nil {
				return err
			}
		}
		stored = true
		return nil
	})
	if err != nil {
		return false, store.Classify("triage: record", err)
	}
	return stored, nil
}

func (p *Pipeline) count(lang Detection, a Assessment, d Decision) {
	p.metrics.MessagesLanguage.WithLabelValues(labelOr(lang.Language, "unknown"), lang.Source).Inc()
	p.metrics.Assessments.WithLabelValues(string(a.Urgency), a.Source).Inc()
	p.metrics.Decisions.WithLabelValues(d.Action).Inc()
	for _, f := range a.RedFlags {
		p.metrics.RedFlags.WithLabelValues(f.Name).Inc()
	}
}

// detectLanguage tells the message's language, with the conversation's as the prior for short text.
func (p *Pipeline) detectLanguage(msg conversation.Pending) Detection {
	start := time.Now()
	d := p.languages.Detect(msg.Text, msg.ConversationLanguage)
	p.metrics.LanguageDetection.Observe(metrics.Since(start))
	return d
}

func turns(ts []conversation.Turn) []Turn {
	out := make([]Turn, len(ts))
	for i, t := range ts {
		out[i] = Turn{From: t.From, Text: t.Text}
	}
	return out
}

func flagNames(flags []RedFlag) []string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = f.Name
	}
	return out
}

func labelOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
