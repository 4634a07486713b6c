package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/channel/whatsapp"
	"github.com/clinictriage/assistant/store/storetest"
)

// graphAPI is a local Graph API: it records each message sent and gives it a wamid.
type graphAPI struct {
	mu     sync.Mutex
	bodies []string
}

func (g *graphAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.bodies = append(g.bodies, r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(body))
	n := len(g.bodies)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.OUT%d"}]}`, n)
}

// waitFor returns the first request containing all of want, failing after a generous bound.
func (g *graphAPI) waitFor(t *testing.T, want ...string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		g.mu.Lock()
		for _, b := range g.bodies {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(b, w)
			}
			if ok {
				g.mu.Unlock()
				return b
			}
		}
		g.mu.Unlock()
	}
	t.Fatalf("the Graph API never received %q", want)
	return ""
}

// A patient's emergency over WhatsApp, end to end through the real server: the emergency reply goes
// out at once through the Graph API, a nurse sees the escalation, claims it and replies, and her
// reply reaches the patient's WhatsApp too.
func TestWhatsAppEmergencyToNurseReply(t *testing.T) {
	schema := storetest.New(t)
	if _, err := account.NewStore(schema.Pool).WithHasher(account.Hasher{Time: 1, Memory: 1024, Threads: 1}).
		Create(context.Background(), "nurse@clinic.example", account.RoleNurse, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	graph := &graphAPI{}
	graphSrv := httptest.NewServer(graph)
	defer graphSrv.Close()
	env := map[string]string{
		"DATABASE_URL": schema.URL(), "TRIAGE_ADDR": "127.0.0.1:0", "TRIAGE_WORKERS": "2",
		"WHATSAPP_APP_SECRET": "app-secret", "WHATSAPP_VERIFY_TOKEN": "verify", "WHATSAPP_ACCESS_TOKEN": "token-1",
		"WHATSAPP_PHONE_NUMBER_ID": "200000000000002", "WHATSAPP_GRAPH_URL": graphSrv.URL,
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, func(k string) string { return env[k] }, logs, func(a string) { addr <- a }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if strings.Contains(logs.String(), "15555550123") || strings.Contains(logs.String(), "elephant") {
			t.Errorf("the logs hold the patient's number or words")
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("server did not start: %v\n%s", err, logs)
	}

	notify := func(body string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+whatsapp.Path, strings.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", whatsapp.Sign("app-secret", []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("webhook: %d", resp.StatusCode)
		}
	}
	notify(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
		"contacts":[{"profile":{"name":"Jane Patient"},"wa_id":"15555550123"}],
		"messages":[{"from":"15555550123","id":"wamid.IN1","timestamp":"1767225600","type":"text",
		"text":{"body":"it feels like an elephant is sitting on my chest and my left arm is numb"}}]}}]}]}`)

	// The emergency reply, through the Graph API, to the patient's number.
	sent := graph.waitFor(t, "/v21.0/200000000000002/messages", "Bearer token-1", `"to":"+15555550123"`, "Call 911 now")
	if !strings.Contains(sent, `"type":"text"`) {
		t.Fatalf("emergency reply %s", sent)
	}
	// Meta reports it delivered.
	notify(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
		"statuses":[{"id":"wamid.OUT1","status":"delivered","timestamp":"1767225610","recipient_id":"15555550123"}]}}]}]}`)

	// The nurse logs in and finds the escalation in the queue.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	page := get("/console/login")
	resp, err := client.PostForm(base+"/console/login", url.Values{"csrf": {csrf.FindStringSubmatch(page)[1]},
		"email": {"nurse@clinic.example"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	queue := get("/console/")
	if !strings.Contains(queue, "Jane Patient") || !strings.Contains(queue, "badge emergency") {
		t.Fatalf("the queue does not show the emergency")
	}
	token := csrf.FindStringSubmatch(queue)[1]
	var esc, state string
	if err := schema.Pool.QueryRow(context.Background(), `SELECT e.id, m.delivery_state FROM escalations e
		JOIN messages m ON m.conversation_id = e.conversation_id AND m.reply_kind = 'emergency'`).Scan(&esc, &state); err != nil {
		t.Fatal(err)
	}
	if state != "delivered" {
		t.Fatalf("emergency reply state %s", state)
	}
	for _, action := range []url.Values{{"csrf": {token}}, {"csrf": {token}, "text": {"Stay on the line, an ambulance is on its way."}}} {
		path := "/console/escalations/" + esc + "/claim"
		if action.Has("text") {
			path = "/console/escalations/" + esc + "/reply"
		}
		resp, err := client.PostForm(base+path, action)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK { // after the redirect to the conversation
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	graph.waitFor(t, `"to":"+15555550123"`, "Stay on the line, an ambulance is on its way.")

	// Operators see the sends and the statuses, by provider, never by patient.
	metrics := scrape(t, base)
	for _, want := range []string{`triage_deliveries_total{outcome="sent",provider="whatsapp_cloud"}`,
		`triage_delivery_statuses_total{provider="whatsapp_cloud",state="delivered"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(metrics, "triage_deliver"))
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
