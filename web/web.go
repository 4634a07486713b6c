// Package web is the nurses' console: server-rendered pages (html/template, assets embedded, a little
// vanilla JavaScript) on the service's own HTTP server, under /console. Nurses work the live queue and
// the conversations in it; leads also see the dashboard; admins also read the audit log and the users.
//
// Every page and action checks the session and the role; every state-changing request carries the
// session's CSRF token; every login, view and action is written to the audit log.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
)

//go:embed templates static
var files embed.FS

// Prefix is where the console lives.
const Prefix = "/console"

// Cookie names. The session cookie holds a random token (its hash is in the database); the login
// cookie carries the CSRF token of the login form, before there is a session to hold one.
const (
	sessionCookie = "triage_session"
	loginCookie   = "triage_login"
)

// Deps is what the console needs from the rest of the service.
type Deps struct {
	Pool          *pgxpool.Pool
	Accounts      *account.Store
	Conversations *conversation.Store
	Escalations   *escalation.Store
	Events        *Hub
	Log           *slog.Logger
	// TrustProxy takes the client address from X-Forwarded-For and the scheme from
	// X-Forwarded-Proto; SecureCookies marks cookies Secure on every request (see config.Console).
	TrustProxy, SecureCookies bool
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
}

type server struct {
	Deps
	pages *pages
}

// Register adds the console's routes to e.
func Register(e *echo.Echo, d Deps) error {
	if d.Now == nil {
		d.Now = time.Now
	}
	p, err := parsePages()
	if err != nil {
		return err
	}
	s := &server{Deps: d, pages: p}
	if d.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}

	static, _ := fs.Sub(files, "static")
	assets := http.StripPrefix(Prefix+"/static/", http.FileServer(http.FS(static)))
	e.GET(Prefix+"/static/*", echo.WrapHandler(cacheFor(time.Hour, assets)))
	e.GET(Prefix, func(c echo.Context) error { return c.Redirect(http.StatusFound, Prefix+"/") })

	g := e.Group(Prefix, s.htmlErrors, s.headers)
	g.GET("/login", s.loginPage)
	g.POST("/login", s.login)

	nurse := g.Group("", s.session, s.csrf, s.role(account.RoleNurse))
	nurse.POST("/logout", s.logout)
	nurse.GET("/", s.queuePage)
	nurse.GET("/queue/rows", s.queueRows)
	nurse.GET("/events", s.events)
	nurse.POST("/next", s.next)
	nurse.GET("/conversations/:id", s.conversationPage)
	nurse.POST("/escalations/:id/claim", s.claim)
	nurse.POST("/escalations/:id/release", s.release)
	nurse.POST("/escalations/:id/reply", s.reply)
	nurse.POST("/escalations/:id/note", s.note)
	nurse.POST("/escalations/:id/priority", s.priority)
	nurse.POST("/escalations/:id/resolve", s.resolve)
	nurse.POST("/escalations/:id/handback", s.handBack)

	lead := g.Group("", s.session, s.csrf, s.role(account.RoleLead))
	lead.GET("/dashboard", s.dashboard)

	admin := g.Group("", s.session, s.csrf, s.role(account.RoleAdmin))
	admin.GET("/audit", s.auditPage)
	admin.GET("/users", s.usersPage)
	return nil
}

// sessionKey is where the session middleware leaves the session for handlers.
const sessionKey = "console_session"

func sessionOf(c echo.Context) account.Session {
	sess, _ := c.Get(sessionKey).(account.Session)
	return sess
}

// actor is the logged-in user, as the escalation store records them.
func actor(c echo.Context) escalation.Actor {
	u := sessionOf(c).User
	return escalation.Actor{ID: u.ID, Email: u.Email, Role: u.Role, IP: c.RealIP()}
}

// session admits requests with a live session cookie. A page asked for without one redirects to the
// login page (and back afterwards); anything else is a 401.
func (s *server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var token string
		if ck, err := c.Cookie(sessionCookie); err == nil {
			token = ck.Value
		}
		sess, err := s.Accounts.Authenticate(c.Request().Context(), token)
		if assistant.ErrorCode(err) == assistant.EUNAUTHORIZED {
			if c.Request().Method == http.MethodGet && !wantsFragment(c) {
				return c.Redirect(http.StatusSeeOther, Prefix+"/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return err
		}
		if err != nil {
			return err
		}
		c.Set(sessionKey, sess)
		return next(c)
	}
}

// csrf refuses a state-changing request that does not carry the session's token, as the form field
// csrf or the header X-CSRF-Token. SameSite=Lax cookies already keep most cross-site posts out; the
// token also covers older browsers and same-site attackers.
func (s *server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		token := c.Request().Header.Get("X-CSRF-Token")
		if token == "" {
			token = c.FormValue("csrf")
		}
		if !sessionOf(c).CheckCSRF(token) {
			return assistant.Errorf(assistant.EFORBIDDEN, "the form has expired or did not come from this console: reload the page and try again")
		}
		return next(c)
	}
}

// role admits users whose role is at least min.
func (s *server) role(min string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !account.Allows(sessionOf(c).User.Role, min) {
				return assistant.Errorf(assistant.EFORBIDDEN, "this page is for the %s role", min)
			}
			return next(c)
		}
	}
}

// headers keeps the console's pages out of caches and frames and confines scripts and styles to its
// own.
func (s *server) headers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		return next(c)
	}
}

// htmlErrors turns an error into an HTML page with its status (or, for the console's own scripts, a
// short text), so that the API's JSON error handler never answers a nurse.
func (s *server) htmlErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		status, msg := statusOf(err)
		if status >= 500 {
			s.Log.ErrorContext(c.Request().Context(), "console request failed", "route", c.Path(), "status", status, "err", err)
		}
		if status == http.StatusServiceUnavailable {
			c.Response().Header().Set("Retry-After", "5")
		}
		if wantsFragment(c) {
			return c.String(status, msg)
		}
		return s.render(c, status, "error", errorView{Status: status, Title: http.StatusText(status), Message: msg})
	}
}

func statusOf(err error) (int, string) {
	if he, ok := errors.AsType[*echo.HTTPError](err); ok {
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && he.Code < 500 {
			msg = m
		}
		return he.Code, msg
	}
	status := assistant.HTTPStatus(err)
	if status == http.StatusOK {
		status = http.StatusInternalServerError
	}
	msg := assistant.ErrorMessage(err)
	if status == http.StatusServiceUnavailable {
		msg = "The database cannot be reached just now. Nothing was lost; try again in a few seconds."
	}
	return status, msg
}

// wantsFragment reports a request from the console's scripts (fetch), which want text, not a page.
func wantsFragment(c echo.Context) bool {
	return c.Request().Header.Get("X-Console-Fetch") != "" || strings.HasPrefix(c.Path(), Prefix+"/queue/rows") ||
		c.Path() == Prefix+"/events"
}

// secure reports whether cookies must be Secure: the request came over TLS (directly, or through a
// trusted proxy that says so) or the deployment asks for it.
func (s *server) secure(c echo.Context) bool {
	if s.SecureCookies || c.Request().TLS != nil {
		return true
	}
	return s.TrustProxy && strings.EqualFold(c.Request().Header.Get("X-Forwarded-Proto"), "https")
}

func (s *server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode,
	})
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, max-age="+itoa(int(d.Seconds())))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// detach keeps the audit entry of a request the client gave up on.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}
