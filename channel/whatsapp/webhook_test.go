package whatsapp_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/channel/channeltest"
	"github.com/clinictriage/assistant/channel/whatsapp"
	"github.com/clinictriage/assistant/conversation"
)

const secret = "app-secret"

var cfg = whatsapp.Config{AppSecret: secret, VerifyToken: "verify-me", AccessToken: "t", PhoneNumberID: "200000000000002"}

// envelope wraps a change's value as Meta does.
func envelope(values ...string) string {
	var changes []string
	for _, v := range values {
		changes = append(changes, `{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"200000000000002"},`+v+`}}`)
	}
	return `{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[` + strings.Join(changes, ",") + `]}]}`
}

const contact = `"contacts":[{"profile":{"name":"Jane Patient"},"wa_id":"15555550123"}]`

func msg(id, typ, obj string) string {
	return `"messages":[{"from":"15555550123","id":"` + id + `","timestamp":"1767225600","type":"` + typ + `"` + obj + `}]`
}

var payloads = map[string]string{
	"text":        envelope(contact + `,` + msg("wamid.T1", "text", `,"text":{"body":"Hi, I need to reschedule my appointment"}`)),
	"interactive": envelope(contact + `,` + msg("wamid.I1", "interactive", `,"interactive":{"type":"button_reply","button_reply":{"id":"yes-1","title":"Yes, book it"}}`)),
	"list":        envelope(contact + `,` + msg("wamid.L1", "interactive", `,"interactive":{"type":"list_reply","list_reply":{"id":"slot-3","title":"Tuesday 9:00","description":"Dr Lee"}}`)),
	"button":      envelope(contact + `,` + msg("wamid.B1", "button", `,"button":{"payload":"CONFIRM","text":"Confirm"}`)),
	"image":       envelope(contact + `,` + msg("wamid.M1", "image", `,"image":{"id":"media-1","mime_type":"image/jpeg","sha256":"abc","caption":"this rash on my arm since yesterday"}`)),
	"image-bare":  envelope(contact + `,` + msg("wamid.M2", "image", `,"image":{"id":"media-2","mime_type":"image/jpeg","sha256":"def"}`)),
	"voice":       envelope(contact + `,` + msg("wamid.A1", "audio", `,"audio":{"id":"media-3","mime_type":"audio/ogg; codecs=opus"}`)),
	"location":    envelope(contact + `,` + msg("wamid.P1", "location", `,"location":{"latitude":51.5,"longitude":-0.12,"name":"Home","address":"1 High St"}`)),
	"reaction":    envelope(contact + `,` + msg("wamid.R1", "reaction", `,"reaction":{"message_id":"wamid.OUT","emoji":"👍"}`)),
	"unsupported": envelope(contact + `,` + msg("wamid.U1", "unsupported", `,"errors":[{"code":131051,"title":"Message type unknown"}]`)),
	"status":      envelope(`"statuses":[{"id":"wamid.OUT","status":"delivered","timestamp":"1767225700","recipient_id":"15555550123"}]`),
	"batch": envelope(
		contact+`,"messages":[{"from":"15555550123","id":"wamid.X1","timestamp":"1767225600","type":"text","text":{"body":"first"}},`+
			`{"from":"15555550123","id":"wamid.X2","timestamp":"1767225601","type":"text","text":{"body":"second"}}]`,
		`"contacts":[{"profile":{"name":"Sam"},"wa_id":"15555550999"}],"messages":[{"from":"15555550999","id":"wamid.X3","timestamp":"1767225602","type":"text","text":{"body":"third"}}]`,
		`"statuses":[{"id":"wamid.OUT","status":"read","timestamp":"1767225800","recipient_id":"15555550123"},`+
			`{"id":"wamid.OUT","status":"failed","timestamp":"1767225801","recipient_id":"15555550123","errors":[{"code":131026,"title":"Message undeliverable"}]}]`),
}

func TestParseDocumentedPayloads(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]struct {
		kind, text string
		att        map[string]any
	}{
		"text":        {conversation.KindText, "Hi, I need to reschedule my appointment", nil},
		"interactive": {conversation.KindText, "Yes, book it", map[string]any{"type": "interactive", "reply_id": "yes-1"}},
		"list":        {conversation.KindText, "Tuesday 9:00", map[string]any{"type": "interactive", "reply_id": "slot-3"}},
		"button":      {conversation.KindText, "Confirm", map[string]any{"type": "button", "payload": "CONFIRM"}},
		"image":       {conversation.KindMedia, "this rash on my arm since yesterday", map[string]any{"type": "image", "media_id": "media-1", "mime_type": "image/jpeg"}},
		"image-bare":  {conversation.KindMedia, "", map[string]any{"type": "image", "media_id": "media-2", "mime_type": "image/jpeg"}},
		"voice":       {conversation.KindMedia, "", map[string]any{"type": "audio", "media_id": "media-3", "mime_type": "audio/ogg; codecs=opus"}},
		"location":    {conversation.KindLocation, "", map[string]any{"type": "location", "latitude": 51.5, "longitude": -0.12, "name": "Home", "address": "1 High St"}},
		"reaction":    {conversation.KindReaction, "👍", map[string]any{"type": "reaction", "message_id": "wamid.OUT"}},
		"unsupported": {conversation.KindUnsupported, "", map[string]any{"type": "unsupported"}},
	} {
		b, err := whatsapp.Parse([]byte(payloads[name]))
		if err != nil || len(b.Messages) != 1 {
			t.Errorf("%s: %v, %d messages", name, err, len(b.Messages))
			continue
		}
		in := b.Messages[0]
		if in.Kind != want.kind || in.Text != want.text || in.From != "+15555550123" || in.Name != "Jane Patient" ||
			in.Provider != channel.WhatsAppCloud || in.Channel != "whatsapp" || in.SentAt.Unix() != 1767225600 {
			t.Errorf("%s: %+v", name, in)
		}
		if g, w := mustJSON(in.Attachment), mustJSON(want.att); g != w {
			t.Errorf("%s: attachment %s, want %s", name, g, w)
		}
	}
	b, err := whatsapp.Parse([]byte(payloads["batch"]))
	if err != nil || len(b.Messages) != 3 || len(b.Statuses) != 2 || b.Messages[2].Name != "Sam" || b.Messages[2].From != "+15555550999" {
		t.Fatalf("batch: %v %+v", err, b)
	}
	if s := b.Statuses[1]; s.State != "failed" || s.ErrorCode != "131026" || s.ProviderID != "wamid.OUT" {
		t.Fatalf("failed status %+v", s)
	}
	for _, bad := range []string{``, `[]`, `{"object":"page","entry":[]}`, `{"object":`} {
		if _, err := whatsapp.Parse([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

type fixture struct{ *channeltest.Fixture }

func newFixture(t *testing.T, c whatsapp.Config) *fixture {
	return &fixture{channeltest.New(t, func(e *echo.Echo, in channel.Intake, st channel.StatusRecorder, log *slog.Logger) {
		whatsapp.NewWebhook(c, in, st, log).Register(e)
	})}
}

func (f *fixture) post(t *testing.T, body, signature string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.Server.URL+whatsapp.Path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	code, _, _ := f.Do(t, req)
	return code
}

func TestVerificationHandshake(t *testing.T) {
	t.Parallel()
	f := newFixture(t, cfg)
	for _, c := range []struct {
		query string
		code  int
		body  string
	}{
		{"hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", 403, ""},
		{"hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, ""},
	} {
		resp, err := http.Get(f.Server.URL + whatsapp.Path + "?" + c.query)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.code || (c.body != "" && string(body) != c.body) {
			t.Errorf("%s: %d %q", c.query, resp.StatusCode, body)
		}
	}
}

func TestSignatureCheckedBeforeAnythingIsStored(t *testing.T) {
	t.Parallel()
	f := newFixture(t, cfg)
	body := payloads["text"]
	for name, sig := range map[string]string{
		"missing":       "",
		"wrong secret":  whatsapp.Sign("another secret", []byte(body)),
		"no prefix":     strings.TrimPrefix(whatsapp.Sign(secret, []byte(body)), "sha256="),
		"not hex":       "sha256=zz",
		"other body":    whatsapp.Sign(secret, []byte(body+" ")),
		"re-serialised": whatsapp.Sign(secret, []byte(reserialise(body))),
	} {
		if code := f.post(t, body, sig); code != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, code)
		}
	}
	if n := f.Count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("%d messages stored from unsigned requests", n)
	}
	if code := f.post(t, body, whatsapp.Sign(secret, []byte(body))); code != http.StatusOK {
		t.Fatalf("signed: %d", code)
	}
	if code := f.post(t, `{"object":"page"}`, whatsapp.Sign(secret, []byte(`{"object":"page"}`))); code != http.StatusBadRequest {
		t.Fatalf("signed but not WhatsApp: %d", code)
	}
}

func reserialise(body string) string {
	var v any
	json.Unmarshal([]byte(body), &v)
	b, _ := json.Marshal(v)
	return string(b)
}

func TestNotificationsStoredOnceAndStatusesApplied(t *testing.T) {
	t.Parallel()
	f := newFixture(t, cfg)
	ctx := context.Background()
	for _, name := range []string{"text", "interactive", "button", "image", "image-bare", "voice", "location", "reaction", "unsupported", "batch", "batch"} {
		body := payloads[name]
		if code := f.post(t, body, whatsapp.Sign(secret, []byte(body))); code != http.StatusOK {
			t.Fatalf("%s: %d", name, code)
		}
	}
	// Each message once, however often it came; two patients.
	if n := f.Count(t, `SELECT count(*) FROM messages WHERE direction = 'inbound' AND provider = 'whatsapp_cloud'`); n != 12 {
		t.Fatalf("%d messages, want 12", n)
	}
	if n := f.Count(t, `SELECT count(DISTINCT conversation_id) FROM messages`); n != 2 {
		t.Fatalf("%d conversations", n)
	}
	// Locations and reactions are recorded, not triaged; the rest wait for the pipeline.
	if n := f.Count(t, `SELECT count(*) FROM river_job WHERE kind = 'process_message'`); n != 10 {
		t.Fatalf("%d triage jobs, want 10", n)
	}
	if n := f.Count(t, `SELECT count(*) FROM messages WHERE kind IN ('location', 'reaction') AND processed_at IS NOT NULL`); n != 2 {
		t.Fatalf("%d recorded-only messages", n)
	}
	var att string
	if err := f.Schema.Pool.QueryRow(ctx, `SELECT attachment::text FROM messages WHERE channel_message_id = 'wamid.M1'`).Scan(&att); err != nil ||
		!strings.Contains(att, `"media_id": "media-1"`) {
		t.Fatalf("media attachment %q %v", att, err)
	}

	// Statuses of an outbound message: read stands, a later failure does not undo it.
	var conv string
	if err := f.Schema.Pool.QueryRow(ctx, `SELECT conversation_id FROM messages WHERE channel_message_id = 'wamid.T1'`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Schema.Pool.Exec(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, author, delivery_state, provider, channel_message_id)
		VALUES ($1, 'outbound', 'whatsapp', 'ok', 'bot', 'sent', 'whatsapp_cloud', 'wamid.OUT')`, conv); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"status", "batch", "status"} {
		body := payloads[name]
		if code := f.post(t, body, whatsapp.Sign(secret, []byte(body))); code != http.StatusOK {
			t.Fatalf("%s: %d", name, code)
		}
	}
	var state string
	if err := f.Schema.Pool.QueryRow(ctx, `SELECT delivery_state FROM messages WHERE channel_message_id = 'wamid.OUT'`).Scan(&state); err != nil || state != "read" {
		t.Fatalf("state %q %v", state, err)
	}
}

func TestDisabledWithoutSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t, whatsapp.Config{})
	body := payloads["text"]
	if code := f.post(t, body, whatsapp.Sign("", []byte(body))); code != http.StatusNotFound {
		t.Fatalf("POST: %d", code)
	}
	resp, err := http.Get(f.Server.URL + whatsapp.Path + "?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
}

// The parser never panics and never returns a message without an id or a sender, whatever it is
// given. The documented payloads are its seed corpus, which `make test` runs.
func FuzzParse(f *testing.F) {
	for _, p := range payloads {
		f.Add([]byte(p))
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"text"}]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := whatsapp.Parse(body)
		if err != nil {
			return
		}
		for _, in := range b.Messages {
			if in.ChannelMessageID == "" || len(in.From) < 2 {
				t.Fatalf("message without id or sender: %+v", in)
			}
		}
		for _, s := range b.Statuses {
			if s.ProviderID == "" || channel.Rank(s.State) < 0 {
				t.Fatalf("bad status %+v", s)
			}
		}
	})
}
