package escalation

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/audit"
	"github.com/clinictriage/assistant/store"
)

// Actor is who works the queue: a console user, with where the request came from (for the audit
// log).
type Actor struct {
	ID, Email, Role, IP string
}

func (a Actor) entry(action, target string, detail map[string]any) audit.Entry {
	id := a.ID
	return audit.Entry{ActorID: &id, ActorEmail: a.Email, Action: action, Target: target, IP: a.IP, Detail: detail}
}

// Outcomes a nurse resolves an escalation with; handed_back is what hand-back records.
var Outcomes = []string{"answered", "advice_given", "appointment_booked", "sent_to_emergency", "callback_arranged",
	"no_action_needed", "duplicate", "other"}

// OutcomeHandedBack is the outcome of a conversation handed back to the bot.
const OutcomeHandedBack = "handed_back"

// MaxNote bounds a note or a nurse's reply.
const MaxNote = 4000

// Claim makes actor the owner of an open, unclaimed escalation: of several nurses clicking at once,
// exactly one wins. Errors: ENOTFOUND, ECONFLICT (claimed already, or resolved), EUNAVAILABLE.
func (s *Store) Claim(ctx context.Context, actor Actor, id string) (Escalation, error) {
	var e Escalation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		e, err = scan(tx.QueryRow(ctx, `UPDATE escalations SET claimed_by = $2, claimed_at = now(), updated_at = now()
			WHERE id = $1 AND status = 'open' AND claimed_by IS NULL RETURNING `+columns, id, actor.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return s.whyNot(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, e, audit.Claim, "claim", "", nil)
	})
	return e, classify("escalation: claim", err)
}

// Next claims for actor the most urgent unclaimed escalation (priority, then due time). Several
// nurses asking at once each get a different one: rows another transaction holds are skipped, not
// waited for. Errors: ENOTFOUND when the queue has nothing unclaimed, EUNAVAILABLE.
func (s *Store) Next(ctx context.Context, actor Actor) (Escalation, error) {
	var e Escalation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		e, err = scan(tx.QueryRow(ctx, `
			WITH next AS (
				SELECT id FROM escalations WHERE status = 'open' AND claimed_by IS NULL
				ORDER BY priority, due_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
			UPDATE escalations e SET claimed_by = $1, claimed_at = now(), updated_at = now()
			FROM next WHERE e.id = next.id RETURNING `+prefixed("e", columns), actor.ID))
		if errors.Is(err, pgx.ErrNoRows) {
			return assistant.Errorf(assistant.ENOTFOUND, "no unclaimed patient is waiting")
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, e, audit.Claim, "claim", "", map[string]any{"next": true})
	})
	return e, classify("escalation: next", err)
}

// Release gives a claimed escalation back to the queue. Only its owner, or a lead, may release it.
// Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT (not claimed, or resolved), EUNAVAILABLE.
func (s *Store) Release(ctx context.Context, actor Actor, id string) (Escalation, error) {
	return s.change(ctx, actor, id, audit.Release, "release", "", func(ctx context.Context, tx pgx.Tx, e Escalation) (Escalation, error) {
		return scan(tx.QueryRow(ctx, `UPDATE escalations SET claimed_by = NULL, claimed_at = NULL, updated_at = now()
			WHERE id = $1 RETURNING `+columns, e.ID))
	})
}

// Resolve closes an escalation with an outcome (one of Outcomes) and an optional note. The bot
// answers the conversation again afterwards. Errors: EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT,
// EUNAVAILABLE.
func (s *Store) Resolve(ctx context.Context, actor Actor, id, outcome, note string) (Escalation, error) {
	if !slices.Contains(Outcomes, outcome) {
		return Escalation{}, assistant.Errorf(assistant.EINVALID, "outcome %q: one of %s", outcome, strings.Join(Outcomes, ", "))
	}
	if err := checkText("note", note, true); err != nil {
		return Escalation{}, err
	}
	return s.resolve(ctx, actor, id, outcome, note, audit.Resolve, "resolve")
}

// HandBack closes an escalation without a nurse's outcome: the conversation goes back to the bot.
// Errors as Resolve.
func (s *Store) HandBack(ctx context.Context, actor Actor, id, note string) (Escalation, error) {
	if err := checkText("note", note, true); err != nil {
		return Escalation{}, err
	}
	return s.resolve(ctx, actor, id, OutcomeHandedBack, note, audit.HandBack, "hand_back")
}

func (s *Store) resolve(ctx context.Context, actor Actor, id, outcome, note, action, kind string) (Escalation, error) {
	return s.change(ctx, actor, id, action, kind, note, func(ctx context.Context, tx pgx.Tx, e Escalation) (Escalation, error) {
		return scan(tx.QueryRow(ctx, `UPDATE escalations SET status = 'resolved', outcome = $2, resolved_at = now(), updated_at = now()
			WHERE id = $1 RETURNING `+columns, e.ID, outcome))
	})
}

// Reprioritize moves an escalation to another level, with the reason; its due time becomes that
// level's service level counted from when it opened. Errors: EINVALID, ENOTFOUND, EFORBIDDEN,
// ECONFLICT, EUNAVAILABLE.
func (s *Store) Reprioritize(ctx context.Context, actor Actor, id, level, reason string) (Escalation, error) {
	if !slices.Contains(Levels, level) {
		return Escalation{}, assistant.Errorf(assistant.EINVALID, "level %q: one of %s", level, strings.Join(Levels, ", "))
	}
	if err := checkText("reason", reason, false); err != nil {
		return Escalation{}, err
	}
	return s.change(ctx, actor, id, audit.PriorityChange, "priority", reason, func(ctx context.Context, tx pgx.Tx, e Escalation) (Escalation, error) {
		return scan(tx.QueryRow(ctx, `UPDATE escalations SET level = $2, priority = $3, due_at = created_at + make_interval(secs => $4), updated_at = now()
			WHERE id = $1 RETURNING `+columns, e.ID, level, Priority(level), s.sla.For(level).Seconds()))
	})
}

// AddNote adds an internal note, which nurses see and the patient never does. Any nurse may note
// an open escalation. Errors: EINVALID, ENOTFOUND, ECONFLICT (resolved), EUNAVAILABLE.
func (s *Store) AddNote(ctx context.Context, actor Actor, id, body string) error {
	if err := checkText("note", body, false); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		e, err := s.lockOpen(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, e, audit.Note, "note", body, map[string]any{"chars": utf8.RuneCountInString(body)})
	})
	return classify("escalation: note", err)
}

// ReplyTx checks, in the caller's transaction, that actor owns the open escalation of a
// conversation and records the reply in the audit log; the caller stores the message itself.
// Errors: ENOTFOUND, EFORBIDDEN (not the owner: claim it first), ECONFLICT, EUNAVAILABLE.
func (s *Store) ReplyTx(ctx context.Context, tx pgx.Tx, actor Actor, id, messageID string) (Escalation, error) {
	e, err := s.lockOpen(ctx, tx, id)
	if err != nil {
		return Escalation{}, classify("escalation: reply", err)
	}
	if e.ClaimedBy == nil || *e.ClaimedBy != actor.ID {
		return Escalation{}, assistant.Errorf(assistant.EFORBIDDEN, "claim the conversation before replying")
	}
	if _, err := tx.Exec(ctx, `UPDATE escalations SET updated_at = now() WHERE id = $1`, e.ID); err != nil {
		return Escalation{}, classify("escalation: reply", err)
	}
	return e, classify("escalation: reply", audit.Record(ctx, tx, actor.entry(audit.Reply, e.ConversationID,
		map[string]any{"escalation_id": e.ID, "message_id": messageID})))
}

// change runs fn on an open escalation that actor owns (or that a lead acts on), with a note of kind
// and the audit entry, in one transaction.
func (s *Store) change(ctx context.Context, actor Actor, id, action, kind, note string, fn func(context.Context, pgx.Tx, Escalation) (Escalation, error)) (Escalation, error) {
	var out Escalation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		e, err := s.lockOpen(ctx, tx, id)
		if err != nil {
			return err
		}
		owner := e.ClaimedBy != nil && *e.ClaimedBy == actor.ID
		lead := actor.Role == "lead" || actor.Role == "admin"
		switch {
		case action == audit.Release && e.ClaimedBy == nil:
			return assistant.Errorf(assistant.ECONFLICT, "nobody has claimed it")
		case !owner && !lead && e.ClaimedBy != nil:
			return assistant.Errorf(assistant.EFORBIDDEN, "another nurse has claimed it")
		case !owner && !lead:
			return assistant.Errorf(assistant.EFORBIDDEN, "claim it first")
		}
		before := e
		if out, err = fn(ctx, tx, e); err != nil {
			return err
		}
		detail := map[string]any{}
		switch action {
		case audit.PriorityChange:
			detail["from"], detail["to"] = before.Level, out.Level
		case audit.Resolve, audit.HandBack:
			detail["outcome"] = *out.Outcome
		}
		return s.record(ctx, tx, actor, out, action, kind, note, detail)
	})
	return out, classify("escalation: "+kind, err)
}

// lockOpen locks an open escalation for the rest of the transaction.
func (s *Store) lockOpen(ctx context.Context, tx pgx.Tx, id string) (Escalation, error) {
	e, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM escalations WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Escalation{}, assistant.Errorf(assistant.ENOTFOUND, "no escalation %s", id)
	}
	if err != nil {
		return Escalation{}, err
	}
	if e.Status != "open" {
		return Escalation{}, assistant.Errorf(assistant.ECONFLICT, "it was resolved already")
	}
	return e, nil
}

// whyNot explains a claim that updated nothing.
func (s *Store) whyNot(ctx context.Context, tx pgx.Tx, id string) error {
	e, err := scan(tx.QueryRow(ctx, `SELECT `+columns+` FROM escalations WHERE id = $1`, id))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return assistant.Errorf(assistant.ENOTFOUND, "no escalation %s", id)
	case err != nil:
		return err
	case e.Status != "open":
		return assistant.Errorf(assistant.ECONFLICT, "it was resolved already")
	}
	return assistant.Errorf(assistant.ECONFLICT, "another nurse claimed it first")
}

// record writes the note of the change (its history in the conversation) and the audit entry.
func (s *Store) record(ctx context.Context, tx pgx.Tx, actor Actor, e Escalation, action, kind, body string, detail map[string]any) error {
	if _, err := tx.Exec(ctx, `INSERT INTO escalation_notes (escalation_id, conversation_id, author_id, kind, body) VALUES ($1, $2, $3, $4, $5)`,
		e.ID, e.ConversationID, actor.ID, kind, body); err != nil {
		return err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["escalation_id"] = e.ID
	return audit.Record(ctx, tx, actor.entry(action, e.ConversationID, detail))
}

// Note is one entry of an escalation's history: a nurse's note, or an action with its reason.
type Note struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Body        string    `json:"body"`
	AuthorEmail string    `json:"author"`
	At          time.Time `json:"at"`
}

// Notes returns a conversation's notes and actions, oldest first.
func (s *Store) Notes(ctx context.Context, conversationID string) ([]Note, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.id, n.kind, n.body, u.email, n.created_at FROM escalation_notes n
		JOIN users u ON u.id = n.author_id WHERE n.conversation_id = $1 ORDER BY n.created_at, n.id`, conversationID)
	if err != nil {
		return nil, store.Classify("escalation: notes", err)
	}
	notes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Note, error) {
		var n Note
		err := r.Scan(&n.ID, &n.Kind, &n.Body, &n.AuthorEmail, &n.At)
		return n, err
	})
	return notes, store.Classify("escalation: notes", err)
}

func checkText(field, s string, optional bool) error {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && !optional:
		return assistant.Errorf(assistant.EINVALID, "%s: empty", field)
	case utf8.RuneCountInString(s) > MaxNote:
		return assistant.Errorf(assistant.EINVALID, "%s: at most %d characters", field, MaxNote)
	}
	return nil
}

// classify keeps domain errors and classifies the rest.
func classify(op string, err error) error {
	if err == nil || assistant.ErrorCode(err) != assistant.EINTERNAL {
		return err
	}
	var pgErr interface{ SQLState() string }
	if errors.As(err, &pgErr) && pgErr.SQLState() == "22P02" { // invalid_text_representation: not a UUID
		return assistant.Errorf(assistant.ENOTFOUND, "no such escalation")
	}
	return store.Classify(op, err)
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
