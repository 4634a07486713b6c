// Package delivery sends outbound messages (the bot's replies and nurses') through the provider the
// patient wrote through, as River jobs: throttled per sending number, retried with backoff when the
// provider is busy or down, never retried when it refuses for good (the refusal is recorded on the
// message, where nurses see it). It also applies the providers' delivery statuses, which may come late,
// twice or out of order, without ever moving a message back.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"golang.org/x/time/rate"

	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/metrics"
	"github.com/clinictriage/assistant/store"
)

// Sender delivers messages through one provider.
type Sender interface {
	Provider() string
	Send(ctx context.Context, m channel.Message) (providerID string, err error)
}

// Config is what the worker needs.
type Config struct {
	Pool    *pgxpool.Pool
	Senders []Sender // the configured providers; a provider without one is disabled
	// Rates bounds the messages per second each provider is sent from this process (its sending
	// number's throughput); a missing entry means no bound.
	Rates map[string]rate.Limit
	// WhatsAppTemplate is the approved template sent, instead of a free-form message, to a patient
	// whose last message is older than the 24-hour window ("" when none is configured).
	WhatsAppTemplate string
	Metrics          *metrics.Metrics // optional
	Log              *slog.Logger
	Now              func() time.Time
}

// Worker is the River worker of conversation.DeliverArgs.
type Worker struct {
	river.WorkerDefaults[conversation.DeliverArgs]
	cfg      Config
	senders  map[string]Sender
	limiters map[string]*rate.Limiter
}

// NewWorker returns the delivery worker.
func NewWorker(cfg Config) *Worker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	w := &Worker{cfg: cfg, senders: map[string]Sender{}, limiters: map[string]*rate.Limiter{}}
	for _, s := range cfg.Senders {
		w.senders[s.Provider()] = s
		if r, ok := cfg.Rates[s.Provider()]; ok && r > 0 {
			w.limiters[s.Provider()] = rate.NewLimiter(r, max(1, int(r)))
		}
	}
	return w
}

// Window is how long after a patient's last message WhatsApp allows free-form messages.
const Window = 24 * time.Hour

// Timeout bounds one attempt.
func (w *Worker) Timeout(*river.Job[conversation.DeliverArgs]) time.Duration { return time.Minute }

// NextRetry backs off from 2 seconds, doubling to 5 minutes, with jitter: an emergency reply is
// tried again quickly, and a provider that is down is not hammered.
func (w *Worker) NextRetry(job *river.Job[conversation.DeliverArgs]) time.Time {
	d := min(time.Duration(1<<min(job.Attempt, 9))*time.Second, 5*time.Minute)
	return time.Now().Add(d + rand.N(d/4+1))
}

// outbound is an outbound message as delivery reads it.
type outbound struct {
	channel.Message
	State       string
	Author      string // bot or nurse
	OptedOut    bool   // the contact wants no automated messages
	Provider    string // the provider of the patient's latest message
	LastInbound *time.Time
}

// MaxAge is how long a message is tried: past it, a temporary failure is recorded as final (River's
// snoozes for a provider's Retry-After do not count as attempts).
const MaxAge = 2 * time.Hour

// Work sends one message. Errors returned make River try again; a permanent refusal, a disabled
// channel or a closed window is recorded on the message and ends the job, and so is any failure on
// the last attempt, so that no message stays "queued" for ever.
func (w *Worker) Work(ctx context.Context, job *river.Job[conversation.DeliverArgs]) error {
	m, err := w.load(ctx, job.Args.MessageID)
	if err != nil {
		return err
	}
	err = w.deliver(ctx, job, m)
	final := job.Attempt >= job.MaxAttempts || time.Since(job.CreatedAt) > MaxAge
	var snooze *river.JobSnoozeError
	if err == nil || !final || errors.As(err, &snooze) || ctx.Err() != nil {
		return err
	}
	perr, ok := errors.AsType[*channel.Error](err)
	if !ok {
		perr = &channel.Error{Code: "error", Message: "delivery failed: " + err.Error(), Permanent: true}
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return w.fail(wctx, m, w.providerOf(m), perr)
}

func (w *Worker) providerOf(m outbound) string {
	if m.Provider != "" {
		return m.Provider
	}
	return w.defaultProvider(m.Channel)
}

func (w *Worker) deliver(ctx context.Context, job *river.Job[conversation.DeliverArgs], m outbound) error {
	if m.State != "queued" {
		return nil // sent by an earlier run of this job
	}
	provider := w.providerOf(m)
	if m.OptedOut && m.Author == "bot" && m.Kind != "opted_out" && m.Kind != "help" {
		// The pipeline sends nothing to an opted-out contact; this holds if the contact opted out
		// between the reply and its sending. The confirmation of the opt-out, and HELP, still go.
		return w.fail(ctx, m, provider, &channel.Error{Provider: provider, Code: "opted_out", Permanent: true,
			Message: "the patient has opted out of automated messages"})
	}
	sender := w.senders[provider]
	if sender == nil {
		if provider == channel.API {
			// No callback URL: the integrator reads the message with GET /api/v1/conversations/{id}.
			return w.markSent(ctx, m, provider, "")
		}
		return w.fail(ctx, m, provider, &channel.Error{Provider: provider, Code: "channel_disabled", Permanent: true,
			Message: "the " + provider + " channel is not configured on this server: the message was not sent"})
	}
	if err := w.wait(ctx, provider); err != nil {
		return err
	}
	if m.Channel == "whatsapp" && (m.LastInbound == nil || w.cfg.Now().Sub(*m.LastInbound) > Window) {
		return w.windowClosed(ctx, m, provider, sender)
	}
	id, err := sender.Send(ctx, m.Message)
	if err == nil {
		return w.markSent(ctx, m, provider, id)
	}
	var perr *channel.Error
	if !errors.As(err, &perr) {
		return err
	}
	w.cfg.Log.WarnContext(ctx, "delivery refused", "provider", provider, "code", perr.Code, "status", perr.Status,
		"permanent", perr.Permanent, "attempt", job.Attempt, "message_id", m.ID)
	if perr.Permanent {
		return w.fail(ctx, m, provider, perr)
	}
	w.count(provider, "retry")
	if err := w.note(ctx, m.ID, perr); err != nil {
		return err
	}
	if perr.RetryAfter > 0 {
		return river.JobSnooze(min(perr.RetryAfter, 10*time.Minute))
	}
	return perr
}

// wait takes the provider's sending rate (the number's throughput).
func (w *Worker) wait(ctx context.Context, provider string) error {
	if l := w.limiters[provider]; l != nil {
		return l.Wait(ctx)
	}
	return nil
}

// windowClosed handles a WhatsApp message after the 24-hour window: the message is not sent (the
// provider would refuse it), the nurse sees why, and the configured template, if any, asks the patient
// to write again.
func (w *Worker) windowClosed(ctx context.Context, m outbound, provider string, sender Sender) error {
	e := &channel.Error{Provider: provider, Code: "window_closed", Permanent: true,
		Message: "more than 24 hours since the patient's last message: WhatsApp allows only approved templates"}
	if w.cfg.WhatsAppTemplate != "" && provider == channel.WhatsAppCloud {
		t := m.Message
		t.Template, t.Text = w.cfg.WhatsAppTemplate, ""
		if _, err := sender.Send(ctx, t); err != nil {
			var perr *channel.Error
			if errors.As(err, &perr) && !perr.Permanent {
				return err // try the template again later
			}
			e.Message += "; the template " + w.cfg.WhatsAppTemplate + " could not be sent either"
		} else {
			e.Message += "; the template " + w.cfg.WhatsAppTemplate + " was sent asking the patient to write back"
		}
	} else {
		e.Message += "; no template is configured (WHATSAPP_TEMPLATE)"
	}
	return w.fail(ctx, m, provider, e)
}

func (w *Worker) defaultProvider(ch string) string {
	switch ch {
	case "sms":
		return channel.Twilio
	case "whatsapp":
		if w.senders[channel.WhatsAppCloud] == nil && w.senders[channel.Twilio] != nil {
			return channel.Twilio
		}
		return channel.WhatsAppCloud
	}
	return channel.API
}

func (w *Worker) load(ctx context.Context, id string) (outbound, error) {
	var m outbound
	var kind, lang, provider *string
	err := w.cfg.Pool.QueryRow(ctx, `
		SELECT m.id, m.conversation_id, m.channel, m.body, m.reply_kind, m.language, m.delivery_state, k.address,
		       m.author, k.consent = 'opted_out',
		       (SELECT i.provider FROM messages i WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound'
		        ORDER BY i.created_at DESC LIMIT 1),
		       (SELECT max(i.created_at) FROM messages i WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound')
		FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id
		WHERE m.id = $1 AND m.direction = 'outbound'`, id).
		Scan(&m.ID, &m.ConversationID, &m.Channel, &m.Text, &kind, &lang, &m.State, &m.To, &m.Author, &m.OptedOut, &provider, &m.LastInbound)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, river.JobCancel(fmt.Errorf("delivery: no outbound message %s", id))
	}
	if err != nil {
		return m, store.Classify("delivery: load", err)
	}
	if kind != nil {
		m.Kind = *kind
	}
	if lang != nil {
		m.Language = *lang
	}
	if provider != nil {
		m.Provider = *provider
	}
	return m, nil
}

// markSent records the provider's acceptance, then applies any status that reached us before it (a
// provider can report on a message faster than we record its id).
func (w *Worker) markSent(ctx context.Context, m outbound, provider, providerID string) error {
	w.count(provider, "sent")
	// The message is out: recording it must not fail on the job's deadline, and is tried a few times,
	// because a retry of the job would send it again (delivery is at least once, never at most once:
	// a repeated message is better than a lost one).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var err error
	for try := range 4 {
		if try > 0 {
			time.Sleep(time.Duration(try) * 500 * time.Millisecond)
		}
		if err = w.recordSentOnce(ctx, m, provider, providerID); err == nil || !store.IsUnavailable(err) {
			break
		}
	}
	return store.Classify("delivery: sent", err)
}

func (w *Worker) recordSentOnce(ctx context.Context, m outbound, provider, providerID string) error {
	err := w.recordSent(ctx, m, provider, providerID)
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "23505" {
		// The provider gave an id it gave before. The message went out, and trying again would send it
		// twice: record it without the id (its statuses cannot be followed).
		w.cfg.Log.ErrorContext(ctx, "provider reused a message id", "provider", provider, "message_id", m.ID)
		err = w.recordSent(ctx, m, provider, "")
	}
	return err
}

func (w *Worker) recordSent(ctx context.Context, m outbound, provider, providerID string) error {
	return pgx.BeginFunc(ctx, w.cfg.Pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE messages SET delivery_state = 'sent', provider = $2, channel_message_id = nullif($3, ''),
			sent_at = now(), delivery_error_code = NULL, delivery_error = NULL, delivery_updated_at = now()
			WHERE id = $1 AND delivery_state = 'queued'`, m.ID, provider, providerID)
		if err != nil || providerID == "" {
			return err
		}
		if err := lockStatus(ctx, tx, provider, providerID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, applyEarlierSQL, provider, providerID)
		return err
	})
}

// lockStatus serialises, per provider id, recording a message's id with recording its statuses:
// otherwise each could miss the other's uncommitted row, and a status that came first would be lost.
func lockStatus(ctx context.Context, tx pgx.Tx, provider, providerID string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))`, provider, providerID)
	return err
}

func (w *Worker) count(provider, outcome string) {
	if w.cfg.Metrics != nil {
		w.cfg.Metrics.Deliveries.WithLabelValues(provider, outcome).Inc()
	}
}

func (w *Worker) fail(ctx context.Context, m outbound, provider string, e *channel.Error) error {
	w.count(provider, "failed")
	_, err := w.cfg.Pool.Exec(ctx, `UPDATE messages SET delivery_state = 'failed', provider = $2, delivery_error_code = $3,
		delivery_error = $4, delivery_updated_at = now() WHERE id = $1 AND delivery_state = 'queued'`, m.ID, provider, e.Code, e.Message)
	return store.Classify("delivery: failed", err)
}

// note records the latest temporary failure, so that nurses see why a message is still queued.
func (w *Worker) note(ctx context.Context, id string, e *channel.Error) error {
	_, err := w.cfg.Pool.Exec(ctx, `UPDATE messages SET delivery_error_code = $2, delivery_error = $3, delivery_updated_at = now()
		WHERE id = $1 AND delivery_state = 'queued'`, id, e.Code, "retrying: "+e.Message)
	return store.Classify("delivery: note", err)
}

// rankSQL orders states as channel.Rank does.
const rankSQL = `array_position(ARRAY['queued', 'sent', 'failed', 'delivered', 'read'], %s)`

// applyEarlierSQL moves a message to the furthest state its recorded statuses reached.
var applyEarlierSQL = fmt.Sprintf(`
	UPDATE messages m SET delivery_state = s.status, delivery_error_code = coalesce(s.error_code, m.delivery_error_code),
	       delivery_error = CASE WHEN s.status = 'failed' THEN coalesce(s.error, 'the provider reported the message failed') ELSE m.delivery_error END,
	       delivery_updated_at = now()
	FROM (SELECT status, error_code, error FROM delivery_statuses WHERE provider = $1 AND provider_id = $2
	      ORDER BY %s DESC LIMIT 1) s
	WHERE m.provider = $1 AND m.channel_message_id = $2 AND m.direction = 'outbound' AND %s < %s`,
	fmt.Sprintf(rankSQL, "status"), fmt.Sprintf(rankSQL, "m.delivery_state"), fmt.Sprintf(rankSQL, "s.status"))

// RecordStatus stores a provider's status report once and moves the message forward when it is
// further than where the message is. A report for a message not (yet) known is kept: it is applied
// when the message's id is recorded. It reports whether the status was new.
func RecordStatus(ctx context.Context, pool *pgxpool.Pool, st channel.Status) (bool, error) {
	if channel.Rank(st.State) < 0 {
		return false, fmt.Errorf("delivery: unknown state %q", st.State)
	}
	if st.At.IsZero() {
		st.At = time.Now()
	}
	var fresh bool
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := lockStatus(ctx, tx, st.Provider, st.ProviderID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO delivery_statuses (provider, provider_id, status, error_code, error, at)
			VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), $6) ON CONFLICT DO NOTHING`, st.Provider, st.ProviderID, st.State, st.ErrorCode, st.Error, st.At)
		if err != nil {
			return err
		}
		fresh = tag.RowsAffected() == 1
		if !fresh {
			return nil
		}
		_, err = tx.Exec(ctx, applyEarlierSQL, st.Provider, st.ProviderID)
		return err
	})
	return fresh, store.Classify("delivery: status", err)
}
