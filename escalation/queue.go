package escalation

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store"
)

// QueueFilter selects open escalations; zero fields select everything.
type QueueFilter struct {
	Unclaimed bool
	ClaimedBy string // a user id: "mine"
	Level     string
	Language  string
	Limit     int // default and cap MaxQueue
}

// MaxQueue bounds one listing of the queue.
const MaxQueue = 1000

// QueueItem is one row of the nurses' queue: the escalation with what a nurse needs to pick the next
// patient, without opening the conversation.
type QueueItem struct {
	Escalation
	Channel      string
	Language     string // the conversation's, "" when not known yet
	ContactName  string
	ClaimedEmail string
	// Scores are the sentiment scores of the conversation's latest inbound messages, oldest first.
	Scores       []float64
	LastActivity time.Time
}

// Queue lists open escalations by priority, then due time. Errors: EINVALID, EUNAVAILABLE.
func (s *Store) Queue(ctx context.Context, f QueueFilter) ([]QueueItem, error) {
	if f.Level != "" && !slices.Contains(Levels, f.Level) {
		return nil, assistant.Errorf(assistant.EINVALID, "level %q is not a level", f.Level)
	}
	if f.Limit <= 0 || f.Limit > MaxQueue {
		f.Limit = MaxQueue
	}
	rows, err := s.pool.Query(ctx, `
		SELECT `+prefixed("e", columns)+`, c.channel, coalesce(c.language, ''), coalesce(ct.name, ''),
		       coalesce(u.email, ''), c.last_message_at,
		       coalesce((SELECT array_agg(a.sentiment_score::float8 ORDER BY a.created_at)
		                 FROM (SELECT sentiment_score, created_at FROM assessments
		                       WHERE conversation_id = e.conversation_id ORDER BY created_at DESC LIMIT 5) a), '{}')
		FROM escalations e
		JOIN conversations c ON c.id = e.conversation_id
		JOIN contacts ct ON ct.id = c.contact_id
		LEFT JOIN users u ON u.id::text = e.claimed_by
		WHERE e.status = 'open'
		  AND (NOT $1 OR e.claimed_by IS NULL)
		  AND ($2 = '' OR e.claimed_by = $2)
		  AND ($3 = '' OR e.level = $3)
		  AND ($4 = '' OR c.language = $4)
		ORDER BY e.priority, e.due_at, e.created_at
		LIMIT $5`, f.Unclaimed, f.ClaimedBy, f.Level, f.Language, f.Limit)
	if err != nil {
		return nil, store.Classify("escalation: queue", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (QueueItem, error) {
		var it QueueItem
		var reasons []byte
		e := &it.Escalation
		err := r.Scan(&e.ID, &e.ConversationID, &e.Status, &e.Level, &e.Priority, &reasons, &e.DueAt, &e.ClaimedBy,
			&e.ClaimedAt, &e.Outcome, &e.CreatedAt, &e.UpdatedAt, &e.ResolvedAt,
			&it.Channel, &it.Language, &it.ContactName, &it.ClaimedEmail, &it.LastActivity, &it.Scores)
		if err != nil {
			return it, err
		}
		return it, unmarshalReasons(reasons, e)
	})
	return items, store.Classify("escalation: queue", err)
}

// Stats counts the whole queue: open escalations, the unclaimed ones, and those past their due time.
type Stats struct {
	Open, Unclaimed, Overdue int
}

// Stats counts the open escalations. Errors: EUNAVAILABLE.
func (s *Store) Stats(ctx context.Context, now time.Time) (Stats, error) {
	var st Stats
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE claimed_by IS NULL), count(*) FILTER (WHERE due_at < $1)
		FROM escalations WHERE status = 'open'`, now).Scan(&st.Open, &st.Unclaimed, &st.Overdue)
	return st, store.Classify("escalation: stats", err)
}

// Get returns one escalation. Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) Get(ctx context.Context, id string) (Escalation, error) {
	e, err := scan(s.pool.QueryRow(ctx, `SELECT `+columns+` FROM escalations WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Escalation{}, assistant.Errorf(assistant.ENOTFOUND, "no escalation %s", id)
	}
	return e, classify("escalation: get", err)
}
