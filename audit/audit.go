// Package audit is the record of who saw or did what in the console, when and from where: logins
// (failed ones too), conversations viewed, claims, replies, notes, priority changes, resolutions. The
// database refuses to change or delete an entry (see migration 0004), so the record can be trusted
// by whoever reads it later.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/store"
)

// Actions recorded.
const (
	LoginSuccess     = "login_success"
	LoginFailure     = "login_failure"
	LoginLocked      = "login_locked"
	Logout           = "logout"
	ConversationView = "conversation_view"
	Claim            = "claim"
	Release          = "release"
	Reply            = "reply"
	Note             = "note"
	PriorityChange   = "priority_change"
	Resolve          = "resolve"
	HandBack         = "hand_back"
	AuditView        = "audit_view"
	UserCreate       = "user_create"
	PasswordChange   = "password_change"
)

// Entry is one audit record.
type Entry struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    *string        `json:"actor_id"`
	ActorEmail string         `json:"actor_email"`
	Action     string         `json:"action"`
	Target     string         `json:"target,omitempty"`
	IP         string         `json:"ip"`
	Detail     map[string]any `json:"detail,omitempty"`
}

// Execer is a pool or a transaction: an action and its audit entry commit together.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Record appends an entry through db (pass the action's transaction, so that both commit or neither).
func Record(ctx context.Context, db Execer, e Entry) error {
	detail := e.Detail
	if detail == nil {
		detail = map[string]any{}
	}
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var target *string
	if e.Target != "" {
		target = &e.Target
	}
	_, err = db.Exec(ctx, `INSERT INTO audit_log (actor_id, actor_email, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.ActorID, e.ActorEmail, e.Action, target, e.IP, d)
	return store.Classify("audit: record", err)
}

// Filter selects entries; zero fields select everything.
type Filter struct {
	Actor  string // e-mail, exact
	Action string
	Target string
	Since  time.Time
	Until  time.Time
	Limit  int // default 200
}

// List returns entries newest first.
func List(ctx context.Context, pool *pgxpool.Pool, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var since, until *time.Time
	if !f.Since.IsZero() {
		since = &f.Since
	}
	if !f.Until.IsZero() {
		until = &f.Until
	}
	rows, err := pool.Query(ctx, `
		SELECT id, at, actor_id, actor_email, action, coalesce(target, ''), ip, detail FROM audit_log
		WHERE ($1 = '' OR actor_email = $1) AND ($2 = '' OR action = $2) AND ($3 = '' OR target = $3)
		  AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
		ORDER BY at DESC, id DESC LIMIT $6`, f.Actor, f.Action, f.Target, since, until, f.Limit)
	if err != nil {
		return nil, store.Classify("audit: list", err)
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		var d []byte
		if err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorEmail, &e.Action, &e.Target, &e.IP, &d); err != nil {
			return e, err
		}
		return e, json.Unmarshal(d, &e.Detail)
	})
	return entries, store.Classify("audit: list", err)
}
