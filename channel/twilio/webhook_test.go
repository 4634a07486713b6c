package twilio_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/channel/channeltest"
	"github.com/clinictriage/assistant/channel/twilio"
)

// The test vector of Twilio's documentation, through the validator the webhook uses.
func TestSignatureTestVector(t *testing.T) {
	v := twclient.NewRequestValidator("12345")
	params := map[string]string{"CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234",
		"From": "+14158675310", "To": "+18005551212"}
	if !v.Validate("https://mycompany.com/myapp.php?foo=1&bar=2", params, "GvWf1cFY/Q7PnoempGyD5oXAezc=") {
		t.Fatal("the documented signature does not validate")
	}
	if got := sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", toValues(params)); got != "GvWf1cFY/Q7PnoempGyD5oXAezc=" {
		t.Fatalf("the test's signer gives %s", got)
	}
	params["Digits"] = "1235"
	if v.Validate("https://mycompany.com/myapp.php?foo=1&bar=2", params, "GvWf1cFY/Q7PnoempGyD5oXAezc=") {
		t.Fatal("a changed parameter still validates")
	}
}

func toValues(m map[string]string) url.Values {
	v := url.Values{}
	for k, x := range m {
		v.Set(k, x)
	}
	return v
}

// sign computes X-Twilio-Signature as Twilio does: the URL, then each parameter's name and value in
// name order, HMAC-SHA1 with the auth token, Base64.
func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(u)
	for _, k := range keys {
		b.WriteString(k + form.Get(k))
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

var cfg = twilio.Config{AccountSID: "AC123", AuthToken: "auth-token", From: "+15550001111", PublicURL: "https://clinic.example"}

type fixture struct{ *channeltest.Fixture }

func newFixture(t *testing.T, c twilio.Config) *fixture {
	return &fixture{channeltest.New(t, func(e *echo.Echo, in channel.Intake, st channel.StatusRecorder, log *slog.Logger) {
		twilio.NewWebhook(c, in, st, log).Register(e)
	})}
}

// post sends a form signed for the public URL (or with the signature given).
func (f *fixture) post(t *testing.T, path string, form url.Values, signature string) (int, string, string) {
	t.Helper()
	if signature == "" {
		signature = sign(cfg.AuthToken, cfg.PublicURL+path, form)
	}
	req, _ := http.NewRequest(http.MethodPost, f.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", signature)
	return f.Do(t, req)
}

func sms(sid, body string) url.Values {
	return url.Values{"MessageSid": {sid}, "AccountSid": {"AC123"}, "From": {"+15555550123"}, "To": {"+15550001111"},
		"Body": {body}, "NumMedia": {"0"}, "SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"}, "FromCountry": {"US"}}
}

func TestInboundMessages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, cfg)
	wa := url.Values{"MessageSid": {"SM2"}, "From": {"whatsapp:+15555550124"}, "To": {"whatsapp:+15550001111"}, "Body": {"hola, tengo fiebre"},
		"ProfileName": {"Lucía"}, "WaId": {"15555550124"}, "NumMedia": {"0"}, "SomethingNew": {"ignored"}}
	photo := url.Values{"MessageSid": {"MM3"}, "From": {"whatsapp:+15555550124"}, "Body": {""}, "NumMedia": {"1"},
		"MediaUrl0": {"https://api.twilio.com/media/ME1"}, "MediaContentType0": {"image/jpeg"}}
	place := url.Values{"MessageSid": {"SM4"}, "From": {"whatsapp:+15555550124"}, "Latitude": {"40.4"}, "Longitude": {"-3.7"},
		"Address": {"Calle Mayor 1"}, "Label": {"Casa"}, "NumMedia": {"0"}}
	for name, form := range map[string]url.Values{"sms": sms("SM1", "I need a repeat prescription"), "whatsapp": wa, "photo": photo, "location": place} {
		for range 2 { // Twilio retries: stored once
			code, ctype, body := f.post(t, twilio.Path, form, "")
			if code != http.StatusOK || ctype != "text/xml" || !strings.Contains(body, "<Response/>") {
				t.Fatalf("%s: %d %s %q", name, code, ctype, body)
			}
		}
	}
	type row struct{ Channel, Kind, Body, Provider, From, Name string }
	rows, err := f.Schema.Pool.Query(context.Background(), `SELECT m.channel, m.kind, m.body, m.provider, k.address, coalesce(k.name, '')
		FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id ORDER BY m.created_at`)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var r row
		rows.Scan(&r.Channel, &r.Kind, &r.Body, &r.Provider, &r.From, &r.Name)
		got = append(got, r)
	}
	want := []row{
		{"sms", "text", "I need a repeat prescription", "twilio", "+15555550123", ""},
		{"whatsapp", "text", "hola, tengo fiebre", "twilio", "+15555550124", "Lucía"},
		{"whatsapp", "media", "", "twilio", "+15555550124", "Lucía"},
		{"whatsapp", "location", "", "twilio", "+15555550124", "Lucía"},
	}
	if len(got) != len(want) {
		t.Fatalf("stored %+v", got)
	}
	// Order between requests is not guaranteed by the map above: compare as sets.
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing %+v in %+v", w, got)
		}
	}
}

func TestSignatureChecked(t *testing.T) {
	t.Parallel()
	f := newFixture(t, cfg)
	form := sms("SM9", "hello")
	for name, sig := range map[string]string{
		"wrong token":      sign("other", cfg.PublicURL+twilio.Path, form),
		"local URL":        sign(cfg.AuthToken, f.Server.URL+twilio.Path, form),
		"other parameters": sign(cfg.AuthToken, cfg.PublicURL+twilio.Path, sms("SM9", "hell0")),
		"garbage":          "not-base64!",
	} {
		if code, _, _ := f.post(t, twilio.Path, form, sig); code != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, code)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, f.Server.URL+twilio.Path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("missing signature: %d", resp.StatusCode)
	}
	if n := f.Count(t, `SELECT count(*) FROM messages`); n != 0 {
		t.Fatalf("%d messages stored from badly signed requests", n)
	}
}

func TestStatusCallbacks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, cfg)
	if code, _, _ := f.post(t, twilio.Path, sms("SM1", "hi"), ""); code != http.StatusOK {
		t.Fatal(code)
	}
	ctx := context.Background()
	if _, err := f.Schema.Pool.Exec(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, author, delivery_state, provider, channel_message_id)
		SELECT conversation_id, 'outbound', 'sms', 'ok', 'bot', 'sent', 'twilio', 'SMOUT' FROM messages LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ status, want string }{
		{"delivered", "delivered"}, {"sending", "delivered"}, {"sent", "delivered"}, {"undelivered", "delivered"}, {"read", "read"},
	} {
		form := url.Values{"MessageSid": {"SMOUT"}, "MessageStatus": {c.status}, "AccountSid": {"AC123"}, "ErrorCode": {""}}
		if code, _, _ := f.post(t, twilio.StatusPath, form, ""); code != http.StatusNoContent {
			t.Fatalf("%s: %d", c.status, code)
		}
		var state string
		f.Schema.Pool.QueryRow(ctx, `SELECT delivery_state FROM messages WHERE channel_message_id = 'SMOUT'`).Scan(&state)
		if state != c.want {
			t.Fatalf("after %s: %s, want %s", c.status, state, c.want)
		}
	}
	if code, _, _ := f.post(t, twilio.StatusPath, url.Values{"MessageSid": {"SMOUT"}, "MessageStatus": {"read"}}, "bad"); code != http.StatusUnauthorized {
		t.Fatalf("unsigned status: %d", code)
	}
}

func TestDisabledWithoutSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t, twilio.Config{})
	for _, p := range []string{twilio.Path, twilio.StatusPath} {
		if code, _, _ := f.post(t, p, sms("SM1", "hi"), "x"); code != http.StatusNotFound {
			t.Errorf("%s: %d", p, code)
		}
	}
}

// The parser never panics, and never returns a message without a sid or a sender. Its seeds run in
// `make test`.
func FuzzParse(f *testing.F) {
	f.Add(sms("SM1", "hello").Encode())
	f.Add("MessageSid=SM2&From=whatsapp%3A%2B15555550124&NumMedia=1&MediaContentType0=image%2Fjpeg")
	f.Add("MessageSid=SM4&From=whatsapp%3A%2B1&Latitude=1&Longitude=2")
	f.Add("MessageSid=SMOUT&MessageStatus=undelivered&ErrorCode=30003")
	f.Add("From=&Body=%00")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		if in, ok := twilio.Parse(form); ok && (in.ChannelMessageID == "" || in.From == "") {
			t.Fatalf("message without sid or sender: %+v", in)
		}
		if st, ok := twilio.ParseStatus(form); ok && (st.ProviderID == "" || channel.Rank(st.State) < 0) {
			t.Fatalf("bad status %+v", st)
		}
	})
}
