package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/audit"
)

type loginView struct {
	CSRF, Next, Email, Error string
}

// loginPage shows the form, with a fresh token in a cookie and in the form: a login posted from
// another site has neither (login CSRF).
func (s *server) loginPage(c echo.Context) error {
	token := randomToken()
	s.setCookie(c, loginCookie, token, 3600)
	return s.render(c, http.StatusOK, "login", loginView{CSRF: token, Next: safeNext(c.QueryParam("next"))})
}

func (s *server) login(c echo.Context) error {
	ctx := c.Request().Context()
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	view := loginView{Next: safeNext(c.FormValue("next")), Email: email}
	ck, err := c.Cookie(loginCookie)
	if err != nil || ck.Value == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.FormValue("csrf"))) != 1 {
		view.CSRF = randomToken()
		s.setCookie(c, loginCookie, view.CSRF, 3600)
		view.Error = "The login form had expired. Please try again."
		return s.render(c, http.StatusForbidden, "login", view)
	}
	ip := c.RealIP()
	res, err := s.Accounts.Login(ctx, email, password, ip)
	if err != nil && assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		return err
	}
	entry := audit.Entry{ActorEmail: printable(strings.ToLower(email), 254), IP: ip}
	if res.Known {
		entry.ActorID = &res.User.ID
	}
	if err != nil {
		entry.Action = audit.LoginFailure
		if res.Locked {
			entry.Action = audit.LoginLocked
		}
		actx, cancel := detach(ctx)
		defer cancel()
		if aerr := audit.Record(actx, s.Pool, entry); aerr != nil {
			return aerr
		}
		view.CSRF = ck.Value
		view.Error = "Wrong e-mail or password."
		if res.Locked {
			// This tells that the e-mail is an account's: the price of telling a nurse why she must wait.
			// The wait itself, applied before the password is checked, is what bounds guessing.
			view.Error = fmt.Sprintf("Too many failed attempts: try again in %s.", waitText(res.RetryAt.Sub(s.Now()).Seconds()))
		}
		status := http.StatusUnauthorized
		if res.Locked {
			status = http.StatusTooManyRequests
		}
		return s.render(c, status, "login", view)
	}
	entry.Action = audit.LoginSuccess
	if err := audit.Record(ctx, s.Pool, entry); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, res.Token, int(res.Session.ExpiresAt.Sub(s.Now()).Seconds()))
	s.setCookie(c, loginCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, view.Next)
}

func (s *server) logout(c echo.Context) error {
	ctx := c.Request().Context()
	a := actor(c)
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.Accounts.Logout(ctx, ck.Value); err != nil {
			return err
		}
	}
	if err := audit.Record(ctx, s.Pool, audit.Entry{ActorID: &a.ID, ActorEmail: a.Email, Action: audit.Logout, IP: a.IP}); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, Prefix+"/login")
}

// safeNext keeps a post-login redirect inside the console, so that the login page cannot be used to
// send a nurse to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, Prefix+"/login") {
		return Prefix + "/"
	}
	return next
}

func waitText(secs float64) string {
	s := int(math.Ceil(secs))
	switch {
	case s <= 1:
		return "a second"
	case s < 90:
		return fmt.Sprintf("%d seconds", s)
	}
	return fmt.Sprintf("%d minutes", (s+59)/60)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// printable keeps what was typed as an e-mail fit for the audit log: valid UTF-8, no control
// characters (PostgreSQL refuses NUL), at most n characters.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return s
}
