package web_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/store/storetest"
	"github.com/clinictriage/assistant/web"
)

const password = "correct horse battery"

// console is a console server on a schema of its own, with a nurse, a second nurse, a lead and an
// admin.
type console struct {
	t           *testing.T
	schema      *storetest.Schema
	srv         *httptest.Server
	accounts    *account.Store
	escalations *escalation.Store
	hub         *web.Hub
	users       map[string]account.User
}

func newConsole(t *testing.T) *console {
	t.Helper()
	s := storetest.New(t)
	c := &console{t: t, schema: s, users: map[string]account.User{}}
	c.accounts = account.NewStore(s.Pool).WithHasher(account.Hasher{Time: 1, Memory: 1024, Threads: 1})
	c.escalations = escalation.NewStore(s.Pool, escalation.DefaultSLA)
	for _, u := range []struct{ email, role string }{
		{"ana@clinic.example", account.RoleNurse}, {"bo@clinic.example", account.RoleNurse},
		{"lee@clinic.example", account.RoleLead}, {"ada@clinic.example", account.RoleAdmin},
	} {
		created, err := c.accounts.Create(context.Background(), u.email, u.role, password)
		if err != nil {
			t.Fatal(err)
		}
		c.users[u.email] = created
	}
	c.srv, c.hub = c.server(s, false)
	return c
}

// server starts one more console process on the schema's database: consoles of different processes
// must see each other's changes.
func (c *console) server(s *storetest.Schema, trustProxy bool) (*httptest.Server, *web.Hub) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := web.NewHub(s.Pool, log)
	ctx, cancel := context.WithCancel(context.Background())
	go hub.Run(ctx)
	e := echo.New()
	err := web.Register(e, web.Deps{
		Pool: s.Pool, Accounts: c.accounts, Conversations: conversation.NewStore(s.Pool, nil), Escalations: c.escalations,
		Events: hub, Log: log, TrustProxy: trustProxy,
	})
	if err != nil {
		c.t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	c.t.Cleanup(func() { hub.Close(); srv.Close(); cancel() })
	// Ready when it listens, as a process is once started: changes before that are not events.
	for deadline := time.Now().Add(10 * time.Second); !hub.Listening(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			c.t.Fatal("the event hub does not listen")
		}
	}
	return srv, hub
}

// browser is one user's cookie jar on a console server.
type browser struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func (c *console) browser(srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: c.t, base: srv.URL, http: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var (
	hiddenCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	bodyCSRF   = regexp.MustCompile(`data-csrf="([^"]+)"`)
)

// login logs in through the form, as a person would, and returns the response.
func (b *browser) login(email, pw string) *http.Response {
	b.t.Helper()
	_, page := b.get("/console/login")
	m := hiddenCSRF.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no csrf field on the login page")
	}
	resp, _ := b.post("/console/login", url.Values{"csrf": {m[1]}, "email": {email}, "password": {pw}})
	return resp
}

// as logs in and keeps the session's CSRF token.
func (c *console) as(email string) *browser {
	c.t.Helper()
	b := c.browser(c.srv)
	if resp := b.login(email, password); resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d", email, resp.StatusCode)
	}
	_, page := b.get("/console/")
	m := bodyCSRF.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no csrf token on the queue page")
	}
	b.csrf = m[1]
	return b
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.http.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.http.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// act posts a console form with the session's token.
func (b *browser) act(path string, fields ...string) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"csrf": {b.csrf}}
	for i := 0; i+1 < len(fields); i += 2 {
		form.Set(fields[i], fields[i+1])
	}
	return b.post(path, form)
}

// patient makes a conversation with an inbound message and its assessment, and escalates it.
// flag, when set, is a red flag whose words are the given span of text.
func (c *console) patient(name, lang, level, text, flagWords, reason string) (conv, esc, msg string) {
	c.t.Helper()
	ctx := context.Background()
	p := c.schema.Pool
	err := p.QueryRow(ctx, `
		WITH k AS (INSERT INTO contacts (address, name) VALUES ('+1555' || (random() * 1e7)::int, $1) RETURNING id)
		INSERT INTO conversations (contact_id, channel, language) SELECT id, 'whatsapp', $2 FROM k RETURNING id`, name, lang).Scan(&conv)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := p.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, language, processed_at)
		VALUES ($1, 'inbound', 'whatsapp', $2, $3, now()) RETURNING id`, conv, text, lang).Scan(&msg); err != nil {
		c.t.Fatal(err)
	}
	flags := "[]"
	if flagWords != "" {
		start := strings.Index(text, flagWords)
		flags = `[{"name":"chest_pain","text":` + quote(flagWords) + `,"start":` + strconv.Itoa(start) + `,"end":` + strconv.Itoa(start+len(flagWords)) + `,"turn":-1}]`
	}
	if _, err := p.Exec(ctx, `INSERT INTO assessments (message_id, conversation_id, urgency, intent, sentiment, sentiment_score, red_flags, source, rules)
		VALUES ($1, $2, $3, 'symptom_report', 'negative', -0.6, $4, 'rules', '{}')`, msg, conv, level, flags); err != nil {
		c.t.Fatal(err)
	}
	err = pgx.BeginFunc(ctx, p, func(tx pgx.Tx) error {
		ch, err := c.escalations.EnqueueTx(ctx, tx, conv, level, []escalation.Reason{{Code: "urgency:" + level, Text: reason, MessageID: msg}}, time.Now())
		esc = ch.Escalation.ID
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return conv, esc, msg
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// auditCount counts audit entries of an action by an actor.
func (c *console) auditCount(action, email string) int {
	c.t.Helper()
	var n int
	if err := c.schema.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_email = $2`,
		action, email).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

// events opens the event stream and returns its lines.
func (b *browser) events(ctx context.Context) <-chan string {
	b.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/console/events", nil)
	client := *b.http
	client.Timeout = 0
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b.t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := make(chan string, 64)
	go func() {
		defer resp.Body.Close()
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// waitFor reads lines until one equals want, failing after a generous deadline (a correctness
// bound for a stuck stream, not a timing assertion).
func waitFor(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q", want)
			}
			if l == want {
				return
			}
		case <-deadline:
			t.Fatalf("no %q on the stream", want)
		}
	}
}
