package twilio

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/conversation"
)

// Paths of the webhooks.
const (
	Path = "/webhooks/twilio"
	// StatusPath is declared in send.go: the senders ask for callbacks there.
)

// MaxBody bounds a webhook's form.
const MaxBody = 64 << 10

// Webhook receives Twilio's messages and status callbacks.
type Webhook struct {
	cfg       Config
	intake    channel.Intake
	statuses  channel.StatusRecorder
	validator twclient.RequestValidator
	log       *slog.Logger
}

// NewWebhook returns the webhooks; statuses records delivery statuses (delivery.RecordStatus).
func NewWebhook(cfg Config, intake channel.Intake, statuses channel.StatusRecorder, log *slog.Logger) *Webhook {
	return &Webhook{cfg: cfg, intake: intake, statuses: statuses, validator: twclient.NewRequestValidator(cfg.AuthToken), log: log}
}

// Register adds the routes. With the channel's secrets unset they answer 404.
func (w *Webhook) Register(e *echo.Echo) {
	e.POST(Path, w.message)
	e.POST(StatusPath, w.status)
}

// emptyTwiML tells Twilio there is nothing to answer now: replies go out later through the API.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

func (w *Webhook) message(c echo.Context) error {
	form, err := w.signedForm(c, Path)
	if err != nil {
		return err
	}
	in, ok := Parse(form)
	if !ok {
		return assistant.Errorf(assistant.EINVALID, "MessageSid and From: required")
	}
	if _, err := w.intake.Accept(c.Request().Context(), in); err != nil {
		if assistant.ErrorCode(err) != assistant.EINVALID {
			return err
		}
		w.log.WarnContext(c.Request().Context(), "twilio message refused", "reason", assistant.ErrorMessage(err))
	}
	return c.Blob(http.StatusOK, "text/xml", []byte(emptyTwiML))
}

func (w *Webhook) status(c echo.Context) error {
	form, err := w.signedForm(c, StatusPath)
	if err != nil {
		return err
	}
	if st, ok := ParseStatus(form); ok {
		if _, err := w.statuses(c.Request().Context(), st); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusNoContent)
}

// signedForm reads the form and checks X-Twilio-Signature against the public URL Twilio was given
// (behind a proxy, the request's own URL is not the one Twilio signed).
func (w *Webhook) signedForm(c echo.Context, path string) (url.Values, error) {
	if !w.cfg.Enabled() {
		return nil, echo.ErrNotFound
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, MaxBody+1))
	if err != nil {
		return nil, assistant.Errorf(assistant.EINVALID, "body: could not be read")
	}
	if len(body) > MaxBody {
		return nil, assistant.Errorf(assistant.ETOOLARGE, "body: over %d bytes", MaxBody)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, assistant.Errorf(assistant.EINVALID, "body: not a form")
	}
	u := strings.TrimRight(w.cfg.PublicURL, "/") + path
	if q := c.Request().URL.RawQuery; q != "" {
		u += "?" + q
	}
	params := make(map[string]string, len(form))
	for k, v := range form {
		params[k] = v[0]
	}
	if !w.validator.Validate(u, params, c.Request().Header.Get("X-Twilio-Signature")) {
		return nil, assistant.Errorf(assistant.EUNAUTHORIZED, "X-Twilio-Signature: missing or wrong")
	}
	return form, nil
}

// Parse reads an inbound message's form; unknown parameters are ignored, as Twilio adds them
// without notice. ok is false without a MessageSid or a sender.
func Parse(form url.Values) (conversation.Inbound, bool) {
	sid, from := form.Get("MessageSid"), strings.TrimSpace(form.Get("From"))
	if sid == "" {
		sid = form.Get("SmsMessageSid")
	}
	in := conversation.Inbound{Channel: conversation.ChannelSMS, Provider: channel.Twilio, ChannelMessageID: sid,
		Text: form.Get("Body"), Name: form.Get("ProfileName"), Kind: conversation.KindText}
	if addr, ok := strings.CutPrefix(from, "whatsapp:"); ok {
		in.Channel, from = conversation.ChannelWhatsApp, addr
	}
	in.From = from
	if sid == "" || from == "" {
		return in, false
	}
	att := map[string]any{}
	if n, _ := strconv.Atoi(form.Get("NumMedia")); n > 0 {
		in.Kind = conversation.KindMedia
		att["type"], att["count"] = form.Get("MediaContentType0"), n
		att["media_url"] = form.Get("MediaUrl0")
	}
	switch {
	case form.Get("Latitude") != "" && form.Get("Longitude") != "":
		in.Kind = conversation.KindLocation
		lat, _ := strconv.ParseFloat(form.Get("Latitude"), 64)
		lon, _ := strconv.ParseFloat(form.Get("Longitude"), 64)
		att["type"], att["latitude"], att["longitude"] = "location", lat, lon
		att["name"], att["address"] = form.Get("Label"), form.Get("Address")
		in.Text = ""
	case form.Get("ButtonText") != "":
		in.Text, att["type"], att["payload"] = form.Get("ButtonText"), "button", form.Get("ButtonPayload")
	}
	if in.Kind == conversation.KindText && strings.TrimSpace(in.Text) == "" {
		in.Kind = conversation.KindUnsupported
	}
	if len(att) > 0 {
		in.Attachment = att
	}
	return in, true
}

// ParseStatus reads a status callback. Twilio's queued, accepted and sending are not news: the
// message is queued on our side until Twilio accepts it.
func ParseStatus(form url.Values) (channel.Status, bool) {
	st := channel.Status{Provider: channel.Twilio, ProviderID: form.Get("MessageSid"), ErrorCode: form.Get("ErrorCode")}
	switch s := form.Get("MessageStatus"); s {
	case "sent", "delivered", "read":
		st.State = s
	case "undelivered", "failed":
		st.State = "failed"
		st.Error = "Twilio reported the message " + s
	default:
		return st, false
	}
	return st, st.ProviderID != ""
}
