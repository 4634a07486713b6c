package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/audit"
)

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
