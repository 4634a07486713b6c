package delivery_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"golang.org/x/time/rate"

	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/channel/generic"
	"github.com/clinictriage/assistant/channel/twilio"
	"github.com/clinictriage/assistant/channel/whatsapp"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/delivery"
	"github.com/clinictriage/assistant/store/storetest"
)

// provider is a local stand-in for a provider's API: it records every request and answers from a
// script (the last answer repeats).
type provider struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	answers []answer
}

type recorded struct {
	Path, Auth, ContentType string
	Body                    []byte
	Header                  http.Header
}

type answer struct {
	status int
	body   string
	header map[string]string
}

func newProvider(t *testing.T, answers ...answer) *provider {
	p := &provider{t: t, answers: answers}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.reqs = append(p.reqs, recorded{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), Body: body, Header: r.Header.Clone()})
		a := p.answers[min(len(p.reqs), len(p.answers))-1]
		n := len(p.reqs)
		p.mu.Unlock()
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		io.WriteString(w, strings.ReplaceAll(a.body, "{n}", strconv.Itoa(n)))
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) requests() []recorded {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]recorded(nil), p.reqs...)
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// outbound stores a conversation whose patient wrote through prov at lastInbound, and a queued reply.
func outbound(t *testing.T, s *storetest.Schema, ch, prov, address string, lastInbound time.Time, text string) string {
	t.Helper()
	ctx := context.Background()
	var conv, msg string
	err := s.Pool.QueryRow(ctx, `
		WITH k AS (INSERT INTO contacts (address) VALUES ($1) RETURNING id)
		INSERT INTO conversations (contact_id, channel, language) SELECT id, $2, 'es' FROM k RETURNING id`, address, ch).Scan(&conv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, provider, created_at)
		VALUES ($1, 'inbound', $2, 'hola', nullif($3, ''), $4)`, conv, ch, prov, lastInbound); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, author, reply_kind, delivery_state, language)
		VALUES ($1, 'outbound', $2, $3, 'nurse', 'nurse', 'queued', 'es') RETURNING id`, conv, ch, text).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	return msg
}

func job(id string, attempt int) *river.Job[conversation.DeliverArgs] {
	return &river.Job[conversation.DeliverArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 12, CreatedAt: time.Now()}, Args: conversation.DeliverArgs{MessageID: id}}
}

type state struct {
	State, Provider, ProviderID, Code, Error string
}

func stateOf(t *testing.T, s *storetest.Schema, id string) state {
	t.Helper()
	var st state
	var pid, code, msg, prov *string
	if err := s.Pool.QueryRow(context.Background(), `SELECT delivery_state, provider, channel_message_id, delivery_error_code, delivery_error
		FROM messages WHERE id = $1`, id).Scan(&st.State, &prov, &pid, &code, &msg); err != nil {
		t.Fatal(err)
	}
	for dst, src := range map[*string]*string{&st.Provider: prov, &st.ProviderID: pid, &st.Code: code, &st.Error: msg} {
		if src != nil {
			*dst = *src
		}
	}
	return st
}

func waConfig(url string) whatsapp.Config {
	return whatsapp.Config{AppSecret: "s", VerifyToken: "v", AccessToken: "token-123", PhoneNumberID: "200000000000002", GraphURL: url}
}

func TestWhatsAppTextExactlyAsDocumented(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{200, `{"messaging_product":"whatsapp","contacts":[{"input":"+15555550123","wa_id":"15555550123"}],"messages":[{"id":"wamid.OUT1"}]}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550123", time.Now().Add(-time.Hour), "Llame al 112 ahora.")

	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	reqs := graph.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/v21.0/200000000000002/messages" || r.Auth != "Bearer token-123" || r.ContentType != "application/json" {
		t.Fatalf("request %s %q %q", r.Path, r.Auth, r.ContentType)
	}
	var got, want any
	json.Unmarshal(r.Body, &got)
	json.Unmarshal([]byte(`{"messaging_product":"whatsapp","recipient_type":"individual","to":"+15555550123","type":"text",
		"text":{"preview_url":false,"body":"Llame al 112 ahora."}}`), &want)
	if g, _ := json.Marshal(got); string(g) != mustJSON(want) {
		t.Fatalf("body %s", r.Body)
	}
	if st := stateOf(t, s, id); st.State != "sent" || st.ProviderID != "wamid.OUT1" || st.Provider != channel.WhatsAppCloud {
		t.Fatalf("after send: %+v", st)
	}
	// The job run again (River may run a job twice) sends nothing more.
	if err := w.Work(context.Background(), job(id, 2)); err != nil || len(graph.requests()) != 1 {
		t.Fatalf("second run: %v, %d requests", err, len(graph.requests()))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestThrottledThenSent(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t,
		answer{429, `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}`, nil},
		answer{200, `{"messages":[{"id":"wamid.OUT2"}]}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550124", time.Now().Add(-time.Hour), "hola")

	err := w.Work(context.Background(), job(id, 1))
	var perr *channel.Error
	if !errors.As(err, &perr) || perr.Permanent || perr.Code != "130429" {
		t.Fatalf("first attempt: %v", err)
	}
	if st := stateOf(t, s, id); st.State != "queued" || st.Code != "130429" || !strings.HasPrefix(st.Error, "retrying") {
		t.Fatalf("after a throttled attempt: %+v", st)
	}
	if err := w.Work(context.Background(), job(id, 2)); err != nil {
		t.Fatal(err)
	}
	if st := stateOf(t, s, id); st.State != "sent" || st.ProviderID != "wamid.OUT2" || st.Code != "" {
		t.Fatalf("after the retry: %+v", st)
	}
}

func TestPermanentRefusalIsNotRetried(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{400, `{"error":{"message":"Message failed to send because more than 24 hours have passed","type":"OAuthException","code":131047,"error_data":{"details":"Re-engagement message"}}}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550125", time.Now().Add(-time.Hour), "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatalf("a permanent refusal ends the job: %v", err)
	}
	if st := stateOf(t, s, id); st.State != "failed" || st.Code != "131047" || !strings.Contains(st.Error, "Re-engagement") {
		t.Fatalf("%+v", st)
	}
	if n := len(graph.requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
}

// Temporary failures are retried until the last attempt, which records the failure.
func TestLastAttemptRecordsFailure(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{503, `oops`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550126", time.Now().Add(-time.Hour), "hola")
	if err := w.Work(context.Background(), job(id, 11)); err == nil {
		t.Fatal("a 503 before the last attempt must be retried")
	}
	if err := w.Work(context.Background(), job(id, 12)); err != nil {
		t.Fatal(err)
	}
	if st := stateOf(t, s, id); st.State != "failed" || st.Code != "http_503" {
		t.Fatalf("%+v", st)
	}
}

func TestWindowClosed(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{200, `{"messages":[{"id":"wamid.TPL"}]}`, nil})
	cfg := waConfig(graph.srv.URL)
	cfg.TemplateLanguage = "es"
	old := time.Now().Add(-25 * time.Hour)

	// Without a template: nothing is sent, and the nurse is told why.
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(cfg, nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550127", old, "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	if st := stateOf(t, s, id); st.State != "failed" || st.Code != "window_closed" || !strings.Contains(st.Error, "24 hours") {
		t.Fatalf("%+v", st)
	}
	if n := len(graph.requests()); n != 0 {
		t.Fatalf("%d requests outside the window", n)
	}

	// With one: the template asks the patient to write back.
	w = delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, WhatsAppTemplate: "reply_to_continue",
		Senders: []delivery.Sender{whatsapp.NewSender(cfg, nil)}})
	id = outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550128", old, "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	reqs := graph.requests()
	if len(reqs) != 1 || !strings.Contains(string(reqs[0].Body), `"template":{"language":{"code":"es"},"name":"reply_to_continue"}`) ||
		strings.Contains(string(reqs[0].Body), "hola") {
		t.Fatalf("template request: %d %s", len(reqs), reqs[0].Body)
	}
	if st := stateOf(t, s, id); st.State != "failed" || !strings.Contains(st.Error, "reply_to_continue was sent") {
		t.Fatalf("%+v", st)
	}
}

func TestTwilioSMSAndWhatsApp(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	api := newProvider(t, answer{201, `{"sid":"SM000{n}","status":"queued"}`, nil})
	cfg := twilio.Config{AccountSID: "AC123", AuthToken: "secret", From: "+15550001111", APIURL: api.srv.URL, PublicURL: "https://clinic.example"}
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{twilio.NewSender(cfg, nil)}})

	sms := outbound(t, s, "sms", channel.Twilio, "+15555550129", time.Now(), "Su cita es mañana")
	wa := outbound(t, s, "whatsapp", channel.Twilio, "+15555550130", time.Now(), "hola")
	for _, id := range []string{sms, wa} {
		if err := w.Work(context.Background(), job(id, 1)); err != nil {
			t.Fatal(err)
		}
	}
	reqs := api.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, want := range []url.Values{
		{"To": {"+15555550129"}, "From": {"+15550001111"}, "Body": {"Su cita es mañana"}, "StatusCallback": {"https://clinic.example/webhooks/twilio/status"}},
		{"To": {"whatsapp:+15555550130"}, "From": {"whatsapp:+15550001111"}, "Body": {"hola"}, "StatusCallback": {"https://clinic.example/webhooks/twilio/status"}},
	} {
		r := reqs[i]
		got, _ := url.ParseQuery(string(r.Body))
		if r.Path != "/2010-04-01/Accounts/AC123/Messages.json" || r.Auth != "Basic QUMxMjM6c2VjcmV0" || got.Encode() != want.Encode() {
			t.Errorf("request %d: %s %s %s", i, r.Path, r.Auth, got.Encode())
		}
	}
	if st := stateOf(t, s, sms); st.State != "sent" || st.ProviderID != "SM0001" || st.Provider != channel.Twilio {
		t.Fatalf("%+v", st)
	}
}

func TestTwilioUnsubscribedIsPermanent(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	api := newProvider(t, answer{400, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`, nil})
	cfg := twilio.Config{AccountSID: "AC123", AuthToken: "secret", From: "+15550001111", APIURL: api.srv.URL, PublicURL: "https://clinic.example"}
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{twilio.NewSender(cfg, nil)}})
	id := outbound(t, s, "sms", channel.Twilio, "+15555550131", time.Now(), "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	if st := stateOf(t, s, id); st.State != "failed" || st.Code != "21610" {
		t.Fatalf("%+v", st)
	}
}

func TestDisabledChannelAndAPICallback(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	// No WhatsApp credentials: the message is recorded as not sent, with the reason.
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550132", time.Now(), "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	if st := stateOf(t, s, id); st.State != "failed" || st.Code != "channel_disabled" {
		t.Fatalf("%+v", st)
	}
	// The API without a callback: the integrator reads the conversation.
	id = outbound(t, s, "api", "api", "user-17", time.Now(), "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	if st := stateOf(t, s, id); st.State != "sent" {
		t.Fatalf("%+v", st)
	}
	// With a callback: a signed POST.
	hook := newProvider(t, answer{204, ``, nil})
	w = delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{generic.NewSender(hook.srv.URL+"/hook", "shh", nil)}})
	id = outbound(t, s, "api", "api", "user-18", time.Now(), "hola")
	if err := w.Work(context.Background(), job(id, 1)); err != nil {
		t.Fatal(err)
	}
	reqs := hook.requests()
	if len(reqs) != 1 || reqs[0].Header.Get(generic.SignatureHeader) != generic.Sign("shh", reqs[0].Body) {
		t.Fatalf("callback %+v", reqs)
	}
	var cb generic.Callback
	if err := json.Unmarshal(reqs[0].Body, &cb); err != nil || cb.MessageID != id || cb.To != "user-18" || cb.Text != "hola" || cb.Kind != "nurse" {
		t.Fatalf("callback body %s", reqs[0].Body)
	}
}

// The per-number rate holds: with one message allowed now and the next far off, the second waits
// (here until its attempt is cancelled) instead of reaching the provider.
func TestRateLimitHoldsSends(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{200, `{"messages":[{"id":"wamid.R"}]}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)},
		Rates: map[string]rate.Limit{channel.WhatsAppCloud: rate.Every(time.Hour)}})
	first := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550133", time.Now(), "uno")
	second := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550134", time.Now(), "dos")
	if err := w.Work(context.Background(), job(first, 1)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := w.Work(ctx, job(second, 1)); err == nil {
		t.Fatal("the second message went past the rate")
	}
	if n := len(graph.requests()); n != 1 {
		t.Fatalf("%d requests", n)
	}
	if st := stateOf(t, s, second); st.State != "queued" {
		t.Fatalf("held message %+v", st)
	}
}

func TestStatusesNeverMoveBack(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{200, `{"messages":[{"id":"wamid.S1"}]}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550135", time.Now(), "hola")
	ctx := context.Background()

	// "delivered" arrives before we have recorded the message's id: kept, then applied.
	st := channel.Status{Provider: channel.WhatsAppCloud, ProviderID: "wamid.S1", State: "delivered", At: time.Now()}
	if fresh, err := delivery.RecordStatus(ctx, s.Pool, st); err != nil || !fresh {
		t.Fatalf("%v %v", fresh, err)
	}
	if err := w.Work(ctx, job(id, 1)); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, s, id).State; got != "delivered" {
		t.Fatalf("early status not applied: %s", got)
	}
	// A late "sent" and a duplicate "delivered" change nothing; "read" moves on; "failed" after it does not.
	for _, c := range []struct {
		state string
		fresh bool
		want  string
	}{{"sent", true, "delivered"}, {"delivered", false, "delivered"}, {"read", true, "read"}, {"failed", true, "read"}, {"delivered", false, "read"}} {
		st.State = c.state
		fresh, err := delivery.RecordStatus(ctx, s.Pool, st)
		if err != nil || fresh != c.fresh {
			t.Fatalf("%s: fresh %v, %v", c.state, fresh, err)
		}
		if got := stateOf(t, s, id).State; got != c.want {
			t.Fatalf("after %s: %s, want %s", c.state, got, c.want)
		}
	}
	if _, err := delivery.RecordStatus(ctx, s.Pool, channel.Status{Provider: channel.WhatsAppCloud, ProviderID: "x", State: "bogus"}); err == nil {
		t.Fatal("an unknown state was accepted")
	}
}

// No automated message reaches a contact who opted out; the confirmation of the opt-out and a
// nurse's own words still do.
func TestOptedOutContact(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	graph := newProvider(t, answer{200, `{"messages":[{"id":"wamid.C{n}"}]}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	ctx := context.Background()
	nurse := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555550150", time.Now(), "Le llamo en 5 minutos")
	var conv string
	if err := s.Pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE id = $1`, nurse).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE contacts SET consent = 'opted_out' WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`, conv); err != nil {
		t.Fatal(err)
	}
	bot := func(kind string) string {
		var id string
		if err := s.Pool.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, author, reply_kind, delivery_state)
			VALUES ($1, 'outbound', 'whatsapp', $2, 'bot', $2, 'queued') RETURNING id`, conv, kind).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	holding, confirmation := bot("holding"), bot("opted_out")
	for _, id := range []string{nurse, holding, confirmation} {
		if err := w.Work(ctx, job(id, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if st := stateOf(t, s, holding); st.State != "failed" || st.Code != "opted_out" {
		t.Fatalf("automated message: %+v", st)
	}
	for _, id := range []string{nurse, confirmation} {
		if st := stateOf(t, s, id); st.State != "sent" {
			t.Fatalf("%s: %+v", id, st)
		}
	}
	if n := len(graph.requests()); n != 2 {
		t.Fatalf("%d requests", n)
	}
}

// A 5xx with a code not on the known lists is retried; a code known to be final is not, whatever
// the status; any failure on the last attempt is recorded, not left queued.
func TestRetryClassification(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	for _, c := range []struct {
		answer answer
		retry  bool
	}{
		{answer{503, `{"error":{"message":"Business account is in maintenance","code":131057}}`, nil}, true},
		{answer{500, `{"error":{"message":"Access token has expired","code":190}}`, nil}, false},
		{answer{429, `{"error":{"message":"Spam rate limit hit","code":131048}}`, nil}, true},
	} {
		graph := newProvider(t, c.answer)
		w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
		id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+1555555"+strconv.Itoa(1000+c.answer.status), time.Now(), "hola")
		err := w.Work(ctx, job(id, 1))
		if (err != nil) != c.retry {
			t.Errorf("%d %s: err %v, want retry %v", c.answer.status, c.answer.body, err, c.retry)
		}
		if c.retry {
			if err := w.Work(ctx, job(id, 12)); err != nil {
				t.Fatal(err)
			}
			if st := stateOf(t, s, id); st.State != "failed" {
				t.Errorf("after the last attempt: %+v", st)
			}
		}
	}
	// The job's context ends (shutdown): River runs it again later; nothing is recorded as failed.
	graph := newProvider(t, answer{200, `{"messages":[{"id":"wamid.Z"}]}`, nil})
	w := delivery.NewWorker(delivery.Config{Pool: s.Pool, Log: quiet, Senders: []delivery.Sender{whatsapp.NewSender(waConfig(graph.srv.URL), nil)}})
	id := outbound(t, s, "whatsapp", channel.WhatsAppCloud, "+15555552000", time.Now(), "hola")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.Work(cctx, job(id, 12)); err == nil {
		t.Fatal("a cancelled attempt reported success")
	}
	if st := stateOf(t, s, id); st.State != "queued" {
		t.Fatalf("a cancelled attempt changed the message: %+v", st)
	}
}
