package conversation

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store"
)

// ProcessArgs is the job that takes one committed inbound message through the pipeline. It is
// inserted in the same transaction as the message, so a committed message is always processed, even
// after a crash.
type ProcessArgs struct {
	MessageID string `json:"message_id"`
}

// DeliverArgs is the job that sends one outbound message through the patient's channel. It is
// inserted in the same transaction as the message, so a stored reply is always sent (or its failure
// recorded), even after a crash.
type DeliverArgs struct {
	MessageID string `json:"message_id"`
}

// Kind names the job in River's table; it must never change once deployed.
func (DeliverArgs) Kind() string { return "deliver_message" }

// OutboundQueue is River's queue for deliveries: a backlog of messages to triage never delays a
// reply, and the reverse.
const OutboundQueue = "outbound"

// deliverOpts puts emergency replies first, then nurses' replies, then the rest.
func deliverOpts(kind string) *river.InsertOpts {
	priority := 3
	switch kind {
	case "emergency":
		priority = 1
	case "nurse":
		priority = 2
	}
	return &river.InsertOpts{Queue: OutboundQueue, Priority: priority, MaxAttempts: 12}
}

// enqueueDelivery inserts the delivery job of a stored outbound message in tx. A store without a
// job client (some tests) stores messages without sending them.
func (s *Store) enqueueDelivery(ctx context.Context, tx pgx.Tx, messageID, kind string) error {
	if s.jobs == nil {
		return nil
	}
	_, err := s.jobs.InsertTx(ctx, tx, DeliverArgs{MessageID: messageID}, deliverOpts(kind))
	return err
}

// Kind names the job in River's table; it must never change once deployed.
func (ProcessArgs) Kind() string { return "process_message" }

// Store reads and writes contacts, conversations and messages.
type Store struct {
	pool  *pgxpool.Pool
	jobs  *river.Client[pgx.Tx]
	group groupCommit
}

// NewStore returns a Store on pool that enqueues processing jobs with jobs (an insert-only River
// client is enough).
func NewStore(pool *pgxpool.Pool, jobs *river.Client[pgx.Tx]) *Store {
	return &Store{pool: pool, jobs: jobs, group: groupCommit{maxBatch: 64, maxFlushers: 4}}
}

// Accepted tells the caller what became of an inbound message.
type Accepted struct {
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
	Duplicate      bool   `json:"duplicate"`
}

// Accept normalises in, then in one transaction upserts the contact and its open conversation on the
// channel, inserts the message and enqueues its processing job; it returns once that transaction has
// committed. A message id already stored on the channel returns the stored ids with Duplicate set and
// enqueues nothing. Errors: EINVALID (the field is named), EUNAVAILABLE (database unreachable: the
// message is not stored and the caller should retry).
//
// Messages accepted at the same moment share a transaction (see groupCommit), so that a burst of
// webhooks costs a few commits rather than one each.
func (s *Store) Accept(ctx context.Context, in Inbound) (Accepted, error) {
	if err := in.Normalize(); err != nil {
		return Accepted{}, err
	}
	return s.group.submit(ctx, in, s.commitBatch)
}

// acceptSQL upserts contact and open conversation and inserts the message in one statement. The
// contact row is locked first and the conversation second by every delivery, so concurrent messages
// from one patient queue up instead of deadlocking. On a duplicate id it inserts nothing and returns
// no row (the contact's name and the conversation's last_message_at are still refreshed, which a
// redelivery of the same message does no harm to).
const acceptSQL = `
WITH contact AS (
    INSERT INTO contacts (address, name) VALUES ($1, $2)
    ON CONFLICT (address) DO UPDATE
        SET name = coalesce(EXCLUDED.name, contacts.name), updated_at = now()
    RETURNING id
), conv AS (
    INSERT INTO conversations (contact_id, channel)
    SELECT id, $3 FROM contact
    ON CONFLICT (contact_id, channel) WHERE status = 'open' DO UPDATE
        SET last_message_at = now()
    RETURNING id
)
INSERT INTO messages (conversation_id, direction, channel, channel_message_id, body, sent_at, created_at, provider,
                      kind, attachment, processed_at)
SELECT id, 'inbound', $3, $4, $5, $6, clock_timestamp(), $7, $8, $9,
       CASE WHEN $8 IN ('text', 'media', 'unsupported') THEN NULL ELSE clock_timestamp() END FROM conv
ON CONFLICT (channel, channel_message_id) DO NOTHING
RETURNING id, conversation_id`

// Conversation is one thread between a contact and the clinic on one channel.
type Conversation struct {
	ID                 string    `json:"id"`
	Channel            string    `json:"channel"`
	Status             string    `json:"status"`
	Language           *string   `json:"language"`
	LanguageConfidence *float32  `json:"language_confidence"`
	Contact            Contact   `json:"contact"`
	CreatedAt          time.Time `json:"created_at"`
	LastMessageAt      time.Time `json:"last_message_at"`
	Messages           []Message `json:"messages"`
}

// Contact is the person writing.
type Contact struct {
	ID      string  `json:"id"`
	Address string  `json:"address"`
	Name    *string `json:"name"`
	Consent string  `json:"consent"` // opted_in or opted_out (of automated messages)
}

// Message is one message in a conversation, in or out.
type Message struct {
	ID                 string     `json:"id"`
	Direction          string     `json:"direction"`
	Channel            string     `json:"channel"`
	ChannelMessageID   *string    `json:"channel_message_id"`
	Text               string     `json:"text"`
	SentAt             *time.Time `json:"sent_at"`
	ReceivedAt         time.Time  `json:"received_at"`
	Language           *string    `json:"language"`
	LanguageConfidence *float32   `json:"language_confidence"`
	LanguageSource     *string    `json:"language_source"`
	Script             *string    `json:"script"`
	ProcessedAt        *time.Time `json:"processed_at"`
	Author             string     `json:"author"`
	ReplyKind          *string    `json:"reply_kind,omitempty"`
	InReplyTo          *string    `json:"in_reply_to,omitempty"`
	DeliveryState      *string    `json:"delivery_state,omitempty"`
	// AuthorEmail names the nurse who wrote a nurse's reply.
	AuthorEmail *string `json:"author_email,omitempty"`
	// DeliveryError says why an outbound message was not sent (or is being retried).
	DeliveryError *string `json:"delivery_error,omitempty"`
	Provider      *string `json:"provider,omitempty"`
	// Kind is text, media, location, reaction or unsupported; Attachment the provider's details.
	Kind       string         `json:"kind"`
	Attachment map[string]any `json:"attachment,omitempty"`
	// KBChunkIDs are the knowledge-base passages a bot answer cites.
	KBChunkIDs []int64 `json:"kb_chunk_ids,omitempty"`
}

// Get returns the conversation with its messages, oldest first. Errors: EINVALID (id is not a
// conversation id), ENOTFOUND, EUNAVAILABLE.
func (s *Store) Get(ctx context.Context, id string) (*Conversation, error) {
	var uid pgtype.UUID
	if err := uid.Scan(id); err != nil {
		return nil, assistant.Errorf(assistant.EINVALID, "id: not a conversation id (a UUID is expected)")
	}
	c := &Conversation{Messages: []Message{}}
	err := s.pool.QueryRow(ctx, `
		SELECT c.id, c.channel, c.status, c.language, c.language_confidence, c.created_at, c.last_message_at,
		       k.id, k.address, k.name, k.consent
		FROM conversations c JOIN contacts k ON k.id = c.contact_id
		WHERE c.id = $1`, uid).Scan(&c.ID, &c.Channel, &c.Status, &c.Language, &c.LanguageConfidence,
		&c.CreatedAt, &c.LastMessageAt, &c.Contact.ID, &c.Contact.Address, &c.Contact.Name, &c.Contact.Consent)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, assistant.Errorf(assistant.ENOTFOUND, "conversation not found")
	}
	if err != nil {
		return nil, store.Classify("conversation: get", err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, m.direction, m.channel, m.channel_message_id, m.body, m.sent_at, m.created_at,
		       m.language, m.language_confidence, m.language_source, m.script, m.processed_at,
		       m.author, m.reply_kind, m.in_reply_to, m.delivery_state, m.kb_chunk_ids, u.email,
		       CASE WHEN m.delivery_error IS NULL THEN NULL ELSE coalesce(m.delivery_error_code || ': ', '') || m.delivery_error END,
		       m.provider, m.kind, m.attachment
		FROM messages m LEFT JOIN users u ON u.id = m.author_id
		WHERE m.conversation_id = $1
		ORDER BY m.created_at, m.id`, uid)
	if err != nil {
		return nil, store.Classify("conversation: get messages", err)
	}
	c.Messages, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Message, error) {
		var m Message
		err := row.Scan(&m.ID, &m.Direction, &m.Channel, &m.ChannelMessageID, &m.Text, &m.SentAt,
			&m.ReceivedAt, &m.Language, &m.LanguageConfidence, &m.LanguageSource, &m.Script, &m.ProcessedAt,
			&m.Author, &m.ReplyKind, &m.InReplyTo, &m.DeliveryState, &m.KBChunkIDs, &m.AuthorEmail, &m.DeliveryError, &m.Provider, &m.Kind, &m.Attachment)
		return m, err
	})
	if err != nil {
		return nil, store.Classify("conversation: get messages", err)
	}
	return c, nil
}

// Pending is what the pipeline needs to process one inbound message.
type Pending struct {
	MessageID            string
	ConversationID       string
	Channel              string
	Text                 string
	ContactName          string // "" when unknown; used only to redact it before a model sees the text
	ConversationLanguage string // "" when not yet known
	Context              []Turn // the conversation's messages before this one, oldest first
	Processed            bool   // an earlier run finished it: the job is being run twice
	ContactID            string
	OptedOut             bool // the contact wants no automated messages
}

// Turn is one earlier message of a conversation.
type Turn struct {
	From string // patient, bot or nurse
	Text string
}

// contextMessages is how many earlier messages the pipeline reads.
const contextMessages = 8

// ForProcessing loads an inbound message, its conversation's language and its latest earlier
// messages. Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) ForProcessing(ctx context.Context, messageID string) (Pending, error) {
	var p Pending
	var lang, name *string
	var created time.Time
	err := s.pool.QueryRow(ctx, `
		SELECT m.id, m.conversation_id, m.channel, m.body, c.language, k.name, m.processed_at IS NOT NULL, m.created_at,
		       k.id, k.consent = 'opted_out'
		FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		JOIN contacts k ON k.id = c.contact_id
		WHERE m.id = $1 AND m.direction = 'inbound'`, messageID).
		Scan(&p.MessageID, &p.ConversationID, &p.Channel, &p.Text, &lang, &name, &p.Processed, &created, &p.ContactID, &p.OptedOut)
	if errors.Is(err, pgx.ErrNoRows) {
		return Pending{}, assistant.Errorf(assistant.ENOTFOUND, "message not found")
	}
	if err != nil {
		return Pending{}, store.Classify("conversation: load message", err)
	}
	if lang != nil {
		p.ConversationLanguage = *lang
	}
	if name != nil {
		p.ContactName = *name
	}
	rows, err := s.pool.Query(ctx, `
		SELECT author, body FROM (
			SELECT author, body, created_at, id FROM messages
			WHERE conversation_id = $1 AND (created_at, id) < ($2, $3::uuid)
			ORDER BY created_at DESC, id DESC LIMIT $4) recent
		ORDER BY created_at, id`, p.ConversationID, created, p.MessageID, contextMessages)
	if err != nil {
		return Pending{}, store.Classify("conversation: load context", err)
	}
	p.Context, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Turn, error) {
		var t Turn
		return t, r.Scan(&t.From, &t.Text)
	})
	if err != nil {
		return Pending{}, store.Classify("conversation: load context", err)
	}
	return p, nil
}

// Language is what the pipeline learnt about the language of one message.
type Language struct {
	Code       string  // ISO 639-1; "" when it could not be told
	Confidence float64 // in [0, 1]
	Source     string  // "text", "prior" or "default"
	Script     string  // ISO 15924, e.g. "Latn"
	// Teach sets the conversation's language from this message: the detection was confident, or the
	// conversation had none yet.
	Teach bool
}

// RecordLanguage stores the language of a message and marks it processed, in a transaction of its
// own (see RecordLanguageTx). Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) RecordLanguage(ctx context.Context, p Pending, lang Language) (first bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		first, err = s.RecordLanguageTx(ctx, tx, p, lang)
		return err
	})
	if err != nil {
		return false, store.Classify("conversation: record language", err)
	}
	return first, nil
}

// RecordLanguageTx stores the language of a message and marks it processed, and teaches the language
// to the conversation when lang.Teach is set. It locks the message row, so concurrent runs of one job
// queue up; first reports whether this run was the one that marked the message processed.
func (s *Store) RecordLanguageTx(ctx context.Context, tx pgx.Tx, p Pending, lang Language) (first bool, err error) {
	err = tx.QueryRow(ctx, `
		UPDATE messages m
		SET language = $2, language_confidence = $3, language_source = $4, script = $5,
		    processed_at = coalesce(old.processed_at, now())
		FROM (SELECT processed_at FROM messages WHERE id = $1 FOR UPDATE) old
		WHERE m.id = $1
		RETURNING old.processed_at IS NULL`,
		p.MessageID, nullable(lang.Code), lang.Confidence, nullable(lang.Source), nullable(lang.Script)).Scan(&first)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, assistant.Errorf(assistant.ENOTFOUND, "message not found")
	}
	if err != nil {
		return false, err
	}
	if first && lang.Teach && lang.Code != "" {
		_, err = tx.Exec(ctx, `UPDATE conversations SET language = $2, language_confidence = $3 WHERE id = $1`,
			p.ConversationID, lang.Code, lang.Confidence)
	}
	return first, err
}

// Reply is an outbound message the bot sends in answer to an inbound one.
type Reply struct {
	ConversationID string
	InReplyTo      string // the inbound message answered
	Channel        string
	Kind           string // emergency, holding, ...
	Text           string
	Language       string
	ChunkIDs       []int64 // the knowledge-base passages an answer cites
}

// AddReplyTx stores a bot reply, queued for delivery, in the caller's transaction. A reply of the same
// kind to the same message is stored once, however often the job runs; inserted says whether this
// call stored it.
func (s *Store) AddReplyTx(ctx context.Context, tx pgx.Tx, r Reply) (id string, inserted bool, err error) {
	lang, script := r.Language, ""
	if l, sc, ok := strings.Cut(r.Language, "-"); ok {
		lang, script = l, sc
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO messages (conversation_id, direction, channel, body, author, reply_kind, in_reply_to,
		                      delivery_state, language, script, language_source, kb_chunk_ids)
		VALUES ($1, 'outbound', $2, $3, 'bot', $4, $5, 'queued', $6, $7, 'text', $8)
		ON CONFLICT (in_reply_to, reply_kind) WHERE author = 'bot' DO NOTHING
		RETURNING id`, r.ConversationID, r.Channel, r.Text, r.Kind, r.InReplyTo, nullable(lang), nullable(script), r.ChunkIDs).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return id, true, s.enqueueDelivery(ctx, tx, id, r.Kind)
}

// AddNurseReplyTx stores a nurse's reply to the patient, queued for delivery on the conversation's
// channel and in its language, in the caller's transaction (which also checks that the nurse owns the
// conversation and records the reply in the audit log). Errors: EINVALID (empty or too long text),
// ENOTFOUND.
func (s *Store) AddNurseReplyTx(ctx context.Context, tx pgx.Tx, conversationID, authorID, text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", assistant.Errorf(assistant.EINVALID, "reply: empty")
	case utf8.RuneCountInString(text) > MaxReplyRunes:
		return "", assistant.Errorf(assistant.EINVALID, "reply: at most %d characters", MaxReplyRunes)
	}
	var id string
	err := tx.QueryRow(ctx, `
		INSERT INTO messages (conversation_id, direction, channel, body, author, author_id, reply_kind,
		                      delivery_state, language, language_source)
		SELECT c.id, 'outbound', c.channel, $3, 'nurse', $2, 'nurse', 'queued', c.language, 'prior'
		FROM conversations c WHERE c.id = $1
		RETURNING id`, conversationID, authorID, text).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", assistant.Errorf(assistant.ENOTFOUND, "conversation not found")
	}
	if err != nil {
		return "", store.Classify("conversation: nurse reply", err)
	}
	if _, err = tx.Exec(ctx, `UPDATE conversations SET last_message_at = now() WHERE id = $1`, conversationID); err != nil {
		return "", store.Classify("conversation: nurse reply", err)
	}
	return id, store.Classify("conversation: nurse reply", s.enqueueDelivery(ctx, tx, id, "nurse"))
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullableTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
