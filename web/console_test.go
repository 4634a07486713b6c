package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/clinictriage/assistant/escalation"
)

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	c := newConsole(t)

	// Pages without a session send the browser to the login page, and back afterwards.
	anon := c.browser(c.srv)
	resp, _ := anon.get("/console/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/login?next=") {
		t.Fatalf("anonymous queue: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Actions without a session are refused outright.
	if resp, _ := anon.post("/console/next", url.Values{}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous action: %d", resp.StatusCode)
	}

	// A login form posted without the form's token (from another site) is refused.
	b := c.browser(c.srv)
	if resp, _ := b.post("/console/login", url.Values{"email": {"ana@clinic.example"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without token: %d", resp.StatusCode)
	}

	// A wrong password: 401, the same words as for an unknown e-mail, and an audit entry.
	resp = b.login("ana@clinic.example", "wrong password!!")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if n := c.auditCount("login_failure", "ana@clinic.example"); n != 1 {
		t.Fatalf("%d login_failure entries", n)
	}
	// Straight away again: the account waits after a failure, and says so without checking.
	b2 := c.browser(c.srv)
	if resp := b2.login("ana@clinic.example", password); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("retry during the wait: %d", resp.StatusCode)
	}
	if n := c.auditCount("login_locked", "ana@clinic.example"); n != 1 {
		t.Fatalf("%d login_locked entries", n)
	}
	if resp := c.browser(c.srv).login("nobody@clinic.example", password); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown e-mail: %d", resp.StatusCode)
	}
	var anonymous int
	if err := c.schema.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'login_failure' AND actor_id IS NULL AND actor_email = 'nobody@clinic.example'`).Scan(&anonymous); err != nil || anonymous != 1 {
		t.Fatalf("unknown e-mail audit: %d %v", anonymous, err)
	}

	// A good login: an HttpOnly, SameSite session cookie (not Secure on plain HTTP) and a redirect.
	lee := c.browser(c.srv)
	resp = lee.login("lee@clinic.example", password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "triage_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/console" {
		t.Fatalf("session cookie %+v", session)
	}
	if n := c.auditCount("login_success", "lee@clinic.example"); n != 1 {
		t.Fatalf("%d login_success entries", n)
	}
	resp, page := lee.get("/console/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "lee@clinic.example") {
		t.Fatalf("queue after login: %d", resp.StatusCode)
	}
	csrf := bodyCSRF.FindStringSubmatch(page)[1]

	// Logging out needs the token too; afterwards the cookie opens nothing.
	if resp, _ := lee.post("/console/logout", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without token: %d", resp.StatusCode)
	}
	if resp, _ := lee.post("/console/logout", url.Values{"csrf": {csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := lee.http.Get(lee.base + "/console/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("queue after logout: %d", resp.StatusCode)
	}
	if n := c.auditCount("logout", "lee@clinic.example"); n != 1 {
		t.Fatalf("%d logout entries", n)
	}
}

// Behind a TLS-terminating proxy that the deployment trusts, cookies are Secure and the audit log
// has the client's address, not the proxy's.
func TestSecureCookiesBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	srv, _ := c.server(c.schema, true)
	b := c.browser(srv)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/console/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := resp.Cookies()
	if len(cookies) == 0 || !cookies[0].Secure {
		t.Fatalf("cookies behind https proxy: %+v", cookies)
	}
	form := url.Values{"csrf": {cookies[0].Value}, "email": {"ana@clinic.example"}, "password": {password}}
	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/console/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.AddCookie(cookies[0])
	resp, err = b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var ip string
	if err := c.schema.Pool.QueryRow(context.Background(), `SELECT ip FROM audit_log WHERE action = 'login_success'`).Scan(&ip); err != nil || ip != "203.0.113.7" {
		t.Fatalf("audited address %q %v", ip, err)
	}

	// Without trust, the same header is ignored: anyone can send it.
	b = c.browser(c.srv)
	req, _ = http.NewRequest(http.MethodGet, c.srv.URL+"/console/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, _ = b.http.Do(req)
	resp.Body.Close()
	if ck := resp.Cookies(); len(ck) == 0 || ck[0].Secure {
		t.Fatalf("untrusted proxy header made the cookie Secure: %+v", ck)
	}
}

func TestRolesAndCSRF(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	_, esc, _ := c.patient("Pat", "en", "urgent", "my baby has a fever of 40", "", "High fever in an infant")

	for _, tc := range []struct {
		email string
		want  map[string]int
	}{
		{"ana@clinic.example", map[string]int{"/console/": 200, "/console/dashboard": 403, "/console/audit": 403, "/console/users": 403}},
		{"lee@clinic.example", map[string]int{"/console/": 200, "/console/dashboard": 200, "/console/audit": 403, "/console/users": 403}},
		{"ada@clinic.example", map[string]int{"/console/": 200, "/console/dashboard": 200, "/console/audit": 200, "/console/users": 200}},
	} {
		b := c.as(tc.email)
		for path, want := range tc.want {
			if resp, _ := b.get(path); resp.StatusCode != want {
				t.Errorf("%s GET %s: %d, want %d", tc.email, path, resp.StatusCode, want)
			}
		}
	}

	ana := c.as("ana@clinic.example")
	claim := "/console/escalations/" + esc + "/claim"
	// No token, a wrong token, and another session's token are all refused, and nothing changes.
	bo := c.as("bo@clinic.example")
	for name, form := range map[string]url.Values{
		"none": {}, "wrong": {"csrf": {"not-the-token"}}, "other session": {"csrf": {bo.csrf}},
	} {
		if resp, body := ana.post(claim, form); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "reload the page") {
			t.Errorf("claim with %s token: %d", name, resp.StatusCode)
		}
	}
	e, err := c.escalations.Get(context.Background(), esc)
	if err != nil || e.ClaimedBy != nil {
		t.Fatalf("refused claims changed the escalation: %+v %v", e, err)
	}
	// The header works as well as the form field (for scripts).
	req, _ := http.NewRequest(http.MethodPost, ana.base+claim, nil)
	req.Header.Set("X-CSRF-Token", ana.csrf)
	resp, err := ana.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim with header token: %d", resp.StatusCode)
	}
}

func TestWorkAConversation(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	conv, esc, _ := c.patient("Maria", "es", "emergency", "tengo un dolor aplastante en el pecho <script>x</script>",
		"dolor aplastante en el pecho", "Red flag: chest pain")
	c.patient("Otto", "de", "soon", "Ausschlag seit drei Tagen", "", "Rash for three days")

	ana, bo, lee := c.as("ana@clinic.example"), c.as("bo@clinic.example"), c.as("lee@clinic.example")

	// The queue: most urgent first, the reasons as sentences, the language, the SLA.
	_, page := ana.get("/console/")
	if i, j := strings.Index(page, "Maria"), strings.Index(page, "Otto"); i < 0 || j < 0 || i > j {
		t.Fatalf("queue order: Maria at %d, Otto at %d", i, j)
	}
	for _, want := range []string{"Red flag: chest pain", "Spanish", "due in", "unclaimed"} {
		if !strings.Contains(page, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	// Filters.
	if _, rows := ana.get("/console/queue/rows?lang=de"); strings.Contains(rows, "Maria") || !strings.Contains(rows, "Otto") {
		t.Errorf("language filter")
	}
	if _, rows := ana.get("/console/queue/rows?level=emergency"); !strings.Contains(rows, "Maria") || strings.Contains(rows, "Otto") {
		t.Errorf("level filter")
	}
	if resp, _ := ana.get("/console/?level=apocalyptic"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad level filter: %d", resp.StatusCode)
	}

	// The conversation: the red flag's words marked, the patient's text escaped, the view audited.
	resp, page := ana.get("/console/conversations/" + conv)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("conversation: %d", resp.StatusCode)
	}
	if !strings.Contains(page, `<mark class="flag" title="red flag: chest pain">dolor aplastante en el pecho</mark>`) {
		t.Errorf("red flag words not highlighted")
	}
	if strings.Contains(page, "<script>x</script>") || !strings.Contains(page, "&lt;script&gt;x&lt;/script&gt;") {
		t.Errorf("patient text not escaped")
	}
	if n := c.auditCount("conversation_view", "ana@clinic.example"); n != 1 {
		t.Errorf("%d conversation_view entries", n)
	}
	if resp, _ := ana.get("/console/conversations/not-a-uuid"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bad conversation id: %d", resp.StatusCode)
	}

	base := "/console/escalations/" + esc
	// Reply before claiming: refused, and the draft is kept.
	if resp, body := ana.act(base+"/reply", "text", "Llame al 112 ahora"); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Llame al 112 ahora") {
		t.Fatalf("reply before claim: %d", resp.StatusCode)
	}
	// Claim; a second nurse loses.
	if resp, _ := ana.act(base + "/claim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d", resp.StatusCode)
	}
	if resp, body := bo.act(base + "/claim"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "another nurse claimed it first") {
		t.Fatalf("second claim: %d", resp.StatusCode)
	}
	if resp, _ := bo.act(base+"/reply", "text", "hola"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("reply by a nurse who does not own it: %d", resp.StatusCode)
	}
	if resp, _ := bo.act(base+"/resolve", "outcome", "answered"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("resolve by a nurse who does not own it: %d", resp.StatusCode)
	}
	// The owner replies, notes, changes the priority; bad input names the problem.
	if resp, _ := ana.act(base+"/reply", "text", "Llame al 112 ahora, le llamamos enseguida."); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", resp.StatusCode)
	}
	if resp, body := ana.act(base+"/reply", "text", "   "); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "reply: empty") {
		t.Fatalf("empty reply: %d", resp.StatusCode)
	}
	if resp, _ := bo.act(base+"/note", "body", "Spoke to her GP"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("note by another nurse: %d", resp.StatusCode)
	}
	if resp, body := ana.act(base+"/priority", "level", "urgent", "reason", ""); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "reason: empty") {
		t.Fatalf("priority without reason: %d", resp.StatusCode)
	}
	if resp, _ := ana.act(base+"/priority", "level", "urgent", "reason", "Pain eased, ambulance on its way"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("priority: %d", resp.StatusCode)
	}
	var author, state, body string
	if err := c.schema.Pool.QueryRow(context.Background(), `SELECT u.email, m.delivery_state, m.body FROM messages m JOIN users u ON u.id = m.author_id
		WHERE m.conversation_id = $1 AND m.author = 'nurse'`, conv).Scan(&author, &state, &body); err != nil {
		t.Fatal(err)
	}
	if author != "ana@clinic.example" || state != "queued" || !strings.HasPrefix(body, "Llame al 112") {
		t.Fatalf("stored reply: %s %s %q", author, state, body)
	}
	_, page = ana.get("/console/conversations/" + conv)
	for _, want := range []string{"Spoke to her GP", "Pain eased, ambulance on its way", "Nurse ana@clinic.example", "Claimed by <strong>you</strong>"} {
		if !strings.Contains(page, want) {
			t.Errorf("conversation lacks %q", want)
		}
	}
	if resp, body := ana.act(base+"/resolve", "outcome", "made_up"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "outcome") {
		t.Fatalf("bad outcome: %d", resp.StatusCode)
	}
	// A lead may release someone else's claim; then the nurse resolves after claiming again.
	if resp, _ := lee.act(base + "/release"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lead release: %d", resp.StatusCode)
	}
	if resp, _ := ana.act(base + "/claim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim again: %d", resp.StatusCode)
	}
	if resp, _ := ana.act(base+"/resolve", "outcome", "sent_to_emergency", "note", "Ambulance called"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d", resp.StatusCode)
	}
	if resp, body := ana.act(base+"/note", "body", "late"); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "resolved already") {
		t.Fatalf("note on resolved: %d", resp.StatusCode)
	}
	if resp, _ := ana.act("/console/escalations/00000000-0000-0000-0000-000000000000/claim"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown escalation: %d", resp.StatusCode)
	}

	// Every action is in the audit log, with who and from where; the admin can filter it.
	for action, want := range map[string]int{"claim": 2, "reply": 1, "priority_change": 1, "resolve": 1} {
		if n := c.auditCount(action, "ana@clinic.example"); n != want {
			t.Errorf("%d %s entries by ana, want %d", n, action, want)
		}
	}
	if n := c.auditCount("note", "bo@clinic.example"); n != 1 {
		t.Errorf("%d note entries by bo", n)
	}
	if n := c.auditCount("release", "lee@clinic.example"); n != 1 {
		t.Errorf("%d release entries by lee", n)
	}
	ada := c.as("ada@clinic.example")
	_, page = ada.get("/console/audit?action=resolve&actor=ana@clinic.example")
	if !strings.Contains(page, "sent_to_emergency") || strings.Contains(page, "<td>claim</td>") {
		t.Errorf("audit filter")
	}
	if resp, _ := ada.get("/console/audit?since=yesterday"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad since: %d", resp.StatusCode)
	}
	// A refused filter showed nothing, so only the first reading is recorded.
	if n := c.auditCount("audit_view", "ada@clinic.example"); n != 1 {
		t.Errorf("%d audit_view entries", n)
	}
}

func TestNextPatient(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	c.patient("Soon", "en", "soon", "rash", "", "Rash")
	urgentConv, _, _ := c.patient("Urgent", "en", "urgent", "high fever", "", "Fever")
	ana, bo := c.as("ana@clinic.example"), c.as("bo@clinic.example")
	resp, _ := ana.act("/console/next")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), urgentConv) {
		t.Fatalf("next: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := bo.act("/console/next"); resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), urgentConv) {
		t.Fatalf("second next: %s", resp.Header.Get("Location"))
	}
	resp, _ = bo.act("/console/next")
	if loc := resp.Header.Get("Location"); loc != "/console/?msg=empty" {
		t.Fatalf("next on an empty queue: %s", loc)
	}
	if _, page := bo.get("/console/?msg=empty"); !strings.Contains(page, "No unclaimed patient is waiting") {
		t.Fatalf("empty queue message missing")
	}
	_, mine := ana.get("/console/queue/rows?view=mine")
	if !strings.Contains(mine, "Urgent") || strings.Contains(mine, "Soon") {
		t.Fatalf("mine filter")
	}
}

// Many nurses clicking claim on the same escalations over HTTP: each is claimed exactly once.
func TestConcurrentClaimsOverHTTP(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	var escs []string
	for i := range 10 {
		_, e, _ := c.patient("P"+letter(i), "en", "urgent", "fever", "", "Fever")
		escs = append(escs, e)
	}
	nurses := []*browser{c.as("ana@clinic.example"), c.as("bo@clinic.example")}
	var mu sync.Mutex
	won := map[string]int{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			b := nurses[i%2]
			resp, _ := b.act("/console/escalations/" + escs[i%10] + "/claim")
			mu.Lock()
			defer mu.Unlock()
			switch resp.StatusCode {
			case http.StatusSeeOther:
				won[escs[i%10]]++
			case http.StatusConflict:
			default:
				t.Errorf("claim: %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	for _, e := range escs {
		if won[e] != 1 {
			t.Errorf("escalation claimed %d times", won[e])
		}
	}
}

func letter(i int) string { return string(rune('A' + i)) }

// A change made through one server process reaches a console connected to another, by LISTEN/NOTIFY.
func TestLiveEventsAcrossProcesses(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	second, _ := c.server(c.schema, false)
	watcher := c.browser(second)
	if resp := watcher.login("bo@clinic.example", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on the second process: %d", resp.StatusCode)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := watcher.events(ctx)
	waitFor(t, lines, "event: hello")

	// A new escalation (as the pipeline would open it) arrives.
	conv, esc, _ := c.patient("New", "en", "emergency", "chest pain", "", "Chest pain")
	waitFor(t, lines, "data: "+esc)
	// A claim through the first process arrives too.
	ana := c.as("ana@clinic.example")
	if resp, _ := ana.act("/console/escalations/" + esc + "/claim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d", resp.StatusCode)
	}
	waitFor(t, lines, "data: "+esc)
	// And the rows the console then fetches show it claimed.
	_, rows := watcher.get("/console/queue/rows")
	if !strings.Contains(rows, "ana@clinic.example") {
		t.Fatalf("refreshed rows do not show the claim")
	}
	// A new message in the conversation reaches its open page, which refreshes without a new audit
	// entry (the nurse's view of it is recorded once).
	if _, err := c.schema.Pool.Exec(ctx, `INSERT INTO messages (conversation_id, direction, channel, body) VALUES ($1, 'inbound', 'whatsapp', 'still hurts')`, conv); err != nil {
		t.Fatal(err)
	}
	waitFor(t, lines, "data: c:"+conv)
	ana.get("/console/conversations/" + conv)
	req, _ := http.NewRequest(http.MethodGet, ana.base+"/console/conversations/"+conv, nil)
	req.Header.Set("X-Console-Fetch", "1")
	resp, err := ana.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := c.auditCount("conversation_view", "ana@clinic.example"); n != 1 {
		t.Fatalf("%d conversation_view entries after a view and a live refresh", n)
	}
}

// What channels add shows on the conversation: a photo without words, a reply the provider refused
// and why, and that the patient opted out of automated messages.
func TestConversationShowsChannelDetails(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	conv, _, _ := c.patient("Rui", "pt", "soon", "tenho uma mancha na pele", "", "Skin")
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO messages (conversation_id, direction, channel, body, kind, attachment, processed_at)
		 VALUES ($1, 'inbound', 'whatsapp', '', 'media', '{"type": "image", "media_id": "m1"}', now())`,
		`INSERT INTO messages (conversation_id, direction, channel, body, author, reply_kind, delivery_state, delivery_error_code, delivery_error)
		 VALUES ($1, 'outbound', 'whatsapp', 'Olá', 'bot', 'holding', 'failed', '131047', 'more than 24 hours since the last message')`,
		`UPDATE contacts SET consent = 'opted_out' WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`,
	} {
		if _, err := c.schema.Pool.Exec(ctx, q, conv); err != nil {
			t.Fatal(err)
		}
	}
	_, page := c.as("ana@clinic.example").get("/console/conversations/" + conv)
	for _, want := range []string{"Sent a photo, not shown here", "Not delivered: 131047: more than 24 hours", "opted out of automated messages"} {
		if !strings.Contains(page, want) {
			t.Errorf("conversation lacks %q", want)
		}
	}
}

// Whatever is typed as the e-mail, a failed login is answered 401 and audited.
func TestOddLoginInputIsAudited(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	for _, email := range []string{"nul\x00@clinic.example", "\xff\xfe@clinic.example", strings.Repeat("é", 400)} {
		if resp := c.browser(c.srv).login(email, "whatever password"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%q: %d", email, resp.StatusCode)
		}
	}
	var n int
	if err := c.schema.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'login_failure'`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d failures audited (%v)", n, err)
	}
}

// The lead's dashboard counts the last day as it happened.
func TestDashboardFigures(t *testing.T) {
	t.Parallel()
	c := newConsole(t)
	ctx := context.Background()
	_, claimed, _ := c.patient("P1", "en", "urgent", "fever and rigors", "", "Fever")
	c.patient("P2", "es", "soon", "tos desde hace una semana", "", "Cough")
	_, late, _ := c.patient("P3", "en", "routine", "can I get my results", "", "Results")
	if _, err := c.schema.Pool.Exec(ctx, `UPDATE escalations SET due_at = now() - interval '1 minute' WHERE id = $1`, late); err != nil {
		t.Fatal(err)
	}
	if _, err := c.schema.Pool.Exec(ctx, `
		WITH k AS (INSERT INTO contacts (address) VALUES ('+15555550199') RETURNING id),
		     v AS (INSERT INTO conversations (contact_id, channel, language) SELECT id, 'sms', 'fr' FROM k RETURNING id)
		INSERT INTO messages (conversation_id, direction, channel, body, language) SELECT id, 'inbound', 'sms', 'merci', 'fr' FROM v`); err != nil {
		t.Fatal(err)
	}
	ana := c.users["ana@clinic.example"]
	if _, err := c.escalations.Claim(ctx, escalation.Actor{ID: ana.ID, Email: ana.Email, Role: ana.Role, IP: "192.0.2.1"}, claimed); err != nil {
		t.Fatal(err)
	}
	_, page := c.as("lee@clinic.example").get("/console/dashboard")
	for _, want := range []string{
		`id="day-messages">4<`, `id="day-conversations">4<`, `id="day-escalated">3 (75% of conversations)<`, `(1 claimed)`,
		`id="day-breaches" class="overdue">1<`, `English: 2 (50%)`, `French: 1 (25%)`, `negative: 3 (100%)`, `ana@clinic.example: 1`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}
