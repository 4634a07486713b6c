package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/audit"
	"github.com/clinictriage/assistant/store"
)

type levelCount struct {
	Level              string
	Open, Overdue, New int
}

type countRow struct {
	Name  string
	Count int
}

type dashboardView struct {
	Levels       []levelCount
	ClaimedBy    []countRow
	Outcomes     []countRow // resolved in the last 24 hours
	MedianClaimS *float64   // median time from opening to first claim, last 24 hours
}

// dashboard is the lead's view of the shift: the queue by level, who holds what, and how the last
// day went.
func (s *server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	var v dashboardView
	rows, err := s.Pool.Query(ctx, `
		SELECT level, count(*), count(*) FILTER (WHERE due_at < now()), count(*) FILTER (WHERE claimed_by IS NULL)
		FROM escalations WHERE status = 'open' GROUP BY level ORDER BY min(priority)`)
	if err != nil {
		return store.Classify("web: dashboard", err)
	}
	v.Levels, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (levelCount, error) {
		var l levelCount
		return l, r.Scan(&l.Level, &l.Open, &l.Overdue, &l.New)
	})
	if err != nil {
		return store.Classify("web: dashboard", err)
	}
	if v.ClaimedBy, err = s.counts(c, `
		SELECT u.email, count(*) FROM escalations e JOIN users u ON u.id::text = e.claimed_by
		WHERE e.status = 'open' GROUP BY u.email ORDER BY count(*) DESC, u.email`); err != nil {
		return err
	}
	if v.Outcomes, err = s.counts(c, `
		SELECT outcome, count(*) FROM escalations WHERE status = 'resolved' AND resolved_at > now() - interval '24 hours'
		GROUP BY outcome ORDER BY count(*) DESC, outcome`); err != nil {
		return err
	}
	err = s.Pool.QueryRow(ctx, `
		SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_claim - e.created_at))
		FROM escalations e
		JOIN LATERAL (SELECT min(created_at) AS first_claim FROM escalation_notes n
		              WHERE n.escalation_id = e.id AND n.kind = 'claim') c ON c.first_claim IS NOT NULL
		WHERE e.created_at > now() - interval '24 hours'`).Scan(&v.MedianClaimS)
	if err != nil {
		return store.Classify("web: dashboard", err)
	}
	return s.render(c, http.StatusOK, "dashboard", v)
}

func (s *server) counts(c echo.Context, sql string) ([]countRow, error) {
	rows, err := s.Pool.Query(c.Request().Context(), sql)
	if err != nil {
		return nil, store.Classify("web: dashboard", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (countRow, error) {
		var cr countRow
		return cr, r.Scan(&cr.Name, &cr.Count)
	})
	return out, store.Classify("web: dashboard", err)
}

type auditView struct {
	Filter  audit.Filter
	Since   string
	Entries []audit.Entry
	Actions []string
}

var auditActions = []string{audit.LoginSuccess, audit.LoginFailure, audit.LoginLocked, audit.Logout, audit.ConversationView,
	audit.Claim, audit.Release, audit.Reply, audit.Note, audit.PriorityChange, audit.Resolve, audit.HandBack,
	audit.AuditView, audit.UserCreate, audit.PasswordChange}

// auditPage lists the audit log, newest first, filtered by who, what, on what and since when.
// Reading it is itself recorded.
func (s *server) auditPage(c echo.Context) error {
	f := audit.Filter{
		Actor:  strings.ToLower(strings.TrimSpace(c.QueryParam("actor"))),
		Action: c.QueryParam("action"),
		Target: strings.TrimSpace(c.QueryParam("target")),
		Limit:  200,
	}
	if f.Action != "" && !slices.Contains(auditActions, f.Action) {
		return assistant.Errorf(assistant.EINVALID, "action %q: not an audited action", f.Action)
	}
	since := c.QueryParam("since")
	if since != "" {
		t, err := time.Parse("2006-01-02", since)
		if err != nil {
			return assistant.Errorf(assistant.EINVALID, "since: a date such as 2026-11-22 is expected")
		}
		f.Since = t
	}
	if n, err := strconv.Atoi(c.QueryParam("limit")); err == nil && n > 0 {
		f.Limit = min(n, 1000)
	}
	ctx := c.Request().Context()
	a := actor(c)
	if err := audit.Record(ctx, s.Pool, audit.Entry{ActorID: &a.ID, ActorEmail: a.Email, Action: audit.AuditView, IP: a.IP,
		Detail: map[string]any{"actor": f.Actor, "action": f.Action, "target": f.Target, "since": since}}); err != nil {
		return err
	}
	entries, err := audit.List(ctx, s.Pool, f)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "audit", auditView{Filter: f, Since: since, Entries: entries, Actions: auditActions})
}

func (s *server) usersPage(c echo.Context) error {
	users, err := s.Accounts.List(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users", struct {
		Users []account.User
	}{users})
}
