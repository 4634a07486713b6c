package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/channel"
)

// Path is the webhook's path, for both the handshake and the notifications.
const Path = "/webhooks/whatsapp"

// MaxBody is the largest notification Meta sends.
const MaxBody = 3 << 20

// Webhook receives Meta's notifications.
type Webhook struct {
	cfg      Config
	intake   channel.Intake
	statuses channel.StatusRecorder
	log      *slog.Logger
}

// NewWebhook returns the webhook; statuses records delivery statuses (delivery.RecordStatus).
func NewWebhook(cfg Config, intake channel.Intake, statuses channel.StatusRecorder, log *slog.Logger) *Webhook {
	return &Webhook{cfg: cfg, intake: intake, statuses: statuses, log: log}
}

// Register adds the routes. With the channel's secrets unset they answer 404.
func (w *Webhook) Register(e *echo.Echo) {
	e.GET(Path, w.verify)
	e.POST(Path, w.notify)
}

// verify answers the subscription handshake with the challenge when the token is ours.
func (w *Webhook) verify(c echo.Context) error {
	if !w.cfg.Enabled() {
		return echo.ErrNotFound
	}
	q := c.QueryParams()
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || subtle.ConstantTimeCompare([]byte(token), []byte(w.cfg.VerifyToken)) != 1 {
		return c.String(http.StatusForbidden, "verification failed")
	}
	return c.String(http.StatusOK, q.Get("hub.challenge"))
}

// notify checks the signature over the raw body before anything is parsed or stored, stores every
// message and status of the notification, and answers 200 only once all are committed: otherwise Meta
// delivers it again (and what was stored is deduplicated).
func (w *Webhook) notify(c echo.Context) error {
	if !w.cfg.Enabled() {
		return echo.ErrNotFound
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, MaxBody+1))
	if err != nil {
		return assistant.Errorf(assistant.EINVALID, "body: could not be read")
	}
	if len(body) > MaxBody {
		return assistant.Errorf(assistant.ETOOLARGE, "body: over %d bytes", MaxBody)
	}
	if !Valid(w.cfg.AppSecret, body, c.Request().Header.Get("X-Hub-Signature-256")) {
		return assistant.Errorf(assistant.EUNAUTHORIZED, "X-Hub-Signature-256: missing or wrong")
	}
	batch, err := Parse(body)
	if err != nil {
		return assistant.Errorf(assistant.EINVALID, "body: not a WhatsApp notification")
	}
	ctx := c.Request().Context()
	for _, in := range batch.Messages {
		if _, err := w.intake.Accept(ctx, in); err != nil {
			if assistant.ErrorCode(err) == assistant.EINVALID {
				// One message we can never store (a malformed sender): retrying would not help, and
				// must not hold back the rest.
				w.log.WarnContext(ctx, "whatsapp message refused", "reason", assistant.ErrorMessage(err))
				continue
			}
			return err
		}
	}
	for _, st := range batch.Statuses {
		if _, err := w.statuses(ctx, st); err != nil {
			return err
		}
	}
	return c.NoContent(http.StatusOK)
}

// Valid reports whether header is "sha256=" and the hex HMAC-SHA256 of body keyed with secret,
// compared in constant time.
func Valid(secret string, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || secret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Sign returns the header value Meta would send for body (for tests and the benchmark).
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
