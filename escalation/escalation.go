// Package escalation is the human queue: conversations the bot must not (or cannot) handle alone wait
// here for a nurse, ordered by priority and then by the due time of their service level. A
// conversation has at most one open escalation; later messages raise its priority and add their
// reasons to it.
package escalation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/store"
)

// Levels, most urgent first; they are the urgency levels of TRIAGE-SCALE.md.
var Levels = []string{"emergency", "urgent", "soon", "routine", "self_care"}

// Priority of a level: 1 is worked first.
func Priority(level string) int {
	if i := slices.Index(Levels, level); i >= 0 {
		return i + 1
	}
	return len(Levels)
}

// SLA is how long each level may wait for a nurse.
type SLA struct {
	Emergency, Urgent, Soon, Routine time.Duration
}

// DefaultSLA is TRIAGE-SCALE.md's: 5 minutes, 30 minutes, 4 hours, and a working day for routine.
var DefaultSLA = SLA{Emergency: 5 * time.Minute, Urgent: 30 * time.Minute, Soon: 4 * time.Hour, Routine: 24 * time.Hour}

// For returns the time a level may wait.
func (s SLA) For(level string) time.Duration {
	switch level {
	case "emergency":
		return s.Emergency
	case "urgent":
		return s.Urgent
	case "soon":
		return s.Soon
	}
	return s.Routine
}

// Reason says why a conversation is in the queue: a machine-readable code (red_flag:chest_pain,
// urgency:urgent, distress:self_harm, asked_for_human, no_answer, classifier_unavailable,
// negative_trend, ...) and a sentence for the nurse.
type Reason struct {
	Code      string    `json:"code"`
	Text      string    `json:"text"`
	MessageID string    `json:"message_id,omitempty"`
	At        time.Time `json:"at"`
}

// Escalation is one conversation's place in the queue.
type Escalation struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"conversation_id"`
	Status         string     `json:"status"`
	Level          string     `json:"level"`
	Priority       int        `json:"priority"`
	Reasons        []Reason   `json:"reasons"`
	DueAt          time.Time  `json:"due_at"`
	ClaimedBy      *string    `json:"claimed_by"`
	ClaimedAt      *time.Time `json:"claimed_at"`
	Outcome        *string    `json:"outcome"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ResolvedAt     *time.Time `json:"resolved_at"`
}

// Owned reports whether a nurse has claimed the open escalation: the bot is then silent.
func (e *Escalation) Owned() bool { return e != nil && e.Status == "open" && e.ClaimedBy != nil }

// Store reads and writes escalations.
type Store struct {
	pool *pgxpool.Pool
	sla  SLA
}

// NewStore returns a Store on pool with the given service levels.
func NewStore(pool *pgxpool.Pool, sla SLA) *Store { return &Store{pool: pool, sla: sla} }

// SLA returns the store's service levels.
func (s *Store) SLA() SLA { return s.sla }

// Change is what Enqueue did.
type Change struct {
	Escalation Escalation
	Created    bool // a new escalation was opened
	Raised     bool // an open one moved to a more urgent level
	Added      []string
}

// EnqueueTx puts the conversation in the queue at level with reasons, inside the caller's
// transaction. An open escalation is raised when level is more urgent (priority and due time move up,
// never down) and gains the reasons it does not have yet.
func (s *Store) EnqueueTx(ctx context.Context, tx pgx.Tx, conversationID, level string, reasons []Reason, now time.Time) (Change, error) {
	if !slices.Contains(Levels, level) {
		return Change{}, fmt.Errorf("escalation: %q is not a level", level)
	}
	for i := range reasons {
		if reasons[i].At.IsZero() {
			reasons[i].At = now
		}
	}
	due := now.Add(s.sla.For(level))
	rs, _ := json.Marshal(reasons)
	// Try to open one; the unique index on open escalations makes this safe against a concurrent job
	// for the same conversation.
	row := tx.QueryRow(ctx, `
		INSERT INTO escalations (conversation_id, level, priority, reasons, due_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (conversation_id) WHERE status = 'open' DO NOTHING
		RETURNING `+columns, conversationID, level, Priority(level), rs, due, now)
	e, err := scan(row)
	if err == nil {
		ch := Change{Escalation: e, Created: true}
		for _, r := range reasons {
			ch.Added = append(ch.Added, r.Code)
		}
		return ch, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Change{}, store.Classify("escalation: enqueue", err)
	}

	e, err = scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM escalations WHERE conversation_id = $1 AND status = 'open' FOR UPDATE`, conversationID))
	if err != nil {
		return Change{}, store.Classify("escalation: enqueue", err)
	}
	ch := Change{}
	for _, r := range reasons {
		if !slices.ContainsFunc(e.Reasons, func(x Reason) bool { return x.Code == r.Code }) {
			e.Reasons = append(e.Reasons, r)
			ch.Added = append(ch.Added, r.Code)
		}
	}
	if Priority(level) < e.Priority {
		e.Level, e.Priority, ch.Raised = level, Priority(level), true
		if due.Before(e.DueAt) {
			e.DueAt = due
		}
	}
	if !ch.Raised && len(ch.Added) == 0 {
		ch.Escalation = e
		return ch, nil
	}
	rs, _ = json.Marshal(e.Reasons)
	e, err = scan(tx.QueryRow(ctx, `
		UPDATE escalations SET level = $2, priority = $3, reasons = $4, due_at = $5, updated_at = $6
		WHERE id = $1 RETURNING `+columns, e.ID, e.Level, e.Priority, rs, e.DueAt, now))
	if err != nil {
		return Change{}, store.Classify("escalation: raise", err)
	}
	ch.Escalation = e
	return ch, nil
}

// Open returns the conversation's open escalation, or nil when there is none.
func (s *Store) Open(ctx context.Context, conversationID string) (*Escalation, error) {
	e, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM escalations WHERE conversation_id = $1 AND status = 'open'`, conversationID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, store.Classify("escalation: open", err)
	}
	return &e, nil
}

// OwnedTx reports, in the caller's transaction, whether a nurse owns the conversation's open
// escalation now, and holds a share lock on it to the end of the transaction: a claim that commits
// first is seen, and one that comes after waits for the caller's commit.
func (s *Store) OwnedTx(ctx context.Context, tx pgx.Tx, conversationID string) (bool, error) {
	var owned bool
	err := tx.QueryRow(ctx, `SELECT claimed_by IS NOT NULL FROM escalations WHERE conversation_id = $1 AND status = 'open' FOR SHARE`,
		conversationID).Scan(&owned)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return owned, store.Classify("escalation: owned", err)
}

// Latest returns the conversation's most recent escalation, open or resolved, or nil.
func (s *Store) Latest(ctx context.Context, conversationID string) (*Escalation, error) {
	e, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM escalations WHERE conversation_id = $1
		ORDER BY status = 'open' DESC, created_at DESC LIMIT 1`, conversationID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, store.Classify("escalation: latest", err)
	}
	return &e, nil
}

const columns = `id, conversation_id, status, level, priority, reasons, due_at, claimed_by, claimed_at, outcome,
	created_at, updated_at, resolved_at`

func scan(row pgx.Row) (Escalation, error) {
	var e Escalation
	var reasons []byte
	err := row.Scan(&e.ID, &e.ConversationID, &e.Status, &e.Level, &e.Priority, &reasons, &e.DueAt, &e.ClaimedBy,
		&e.ClaimedAt, &e.Outcome, &e.CreatedAt, &e.UpdatedAt, &e.ResolvedAt)
	if err != nil {
		return Escalation{}, err
	}
	return e, unmarshalReasons(reasons, &e)
}

func unmarshalReasons(b []byte, e *Escalation) error {
	if err := json.Unmarshal(b, &e.Reasons); err != nil {
		return fmt.Errorf("escalation: reasons: %w", err)
	}
	return nil
}
