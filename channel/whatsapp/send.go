// Package whatsapp is the WhatsApp Business Cloud API: the webhook Meta posts patients' messages and
// delivery statuses to, and the sender of our messages through the Graph API.
package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clinictriage/assistant/channel"
)

// DefaultGraphURL is Meta's Graph API; DefaultVersion its version we speak.
const (
	DefaultGraphURL = "https://graph.facebook.com"
	DefaultVersion  = "v21.0"
)

// Config is the Cloud API account (WHATSAPP_* variables).
type Config struct {
	AppSecret     string // signs webhooks
	VerifyToken   string // the subscription handshake
	AccessToken   string // sends
	PhoneNumberID string
	GraphURL      string
	Version       string
	// Template is an approved template ("please reply to continue") sent instead of a free-form
	// message outside the 24-hour window; empty: none is configured.
	Template         string
	TemplateLanguage string
}

// Enabled reports whether every secret the channel needs is set.
func (c Config) Enabled() bool {
	return c.AppSecret != "" && c.VerifyToken != "" && c.AccessToken != "" && c.PhoneNumberID != ""
}

// Sender sends through the Graph API.
type Sender struct {
	cfg    Config
	client *http.Client
}

// NewSender returns a sender for cfg.
func NewSender(cfg Config, client *http.Client) *Sender {
	if cfg.GraphURL == "" {
		cfg.GraphURL = DefaultGraphURL
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &Sender{cfg: cfg, client: client}
}

// Provider names the sender.
func (s *Sender) Provider() string { return channel.WhatsAppCloud }

// Window is how long after the patient's last message free-form messages are allowed.
const Window = 24 * time.Hour

// Send posts one text (or the configured template) and returns the message's wamid. The answer only
// says the message was accepted: statuses come later by webhook.
func (s *Sender) Send(ctx context.Context, m channel.Message) (string, error) {
	to := m.To
	if !strings.HasPrefix(to, "+") {
		to = "+" + to
	}
	payload := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
	if m.Template != "" {
		lang := s.cfg.TemplateLanguage
		if lang == "" {
			lang = "en"
		}
		payload["type"] = "template"
		payload["template"] = map[string]any{"name": m.Template, "language": map[string]string{"code": lang}}
	} else {
		payload["type"] = "text"
		payload["text"] = map[string]any{"preview_url": false, "body": m.Text}
	}
	body, _ := json.Marshal(payload)
	url := fmt.Sprintf("%s/%s/%s/messages", strings.TrimRight(s.cfg.GraphURL, "/"), s.cfg.Version, s.cfg.PhoneNumberID)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+s.cfg.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	status, resp, retryAfter, err := channel.Do(ctx, s.client, channel.WhatsAppCloud, req)
	if err != nil {
		return "", err
	}
	if status/100 == 2 {
		var ok struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
		}
		if json.Unmarshal(resp, &ok) != nil || len(ok.Messages) == 0 || ok.Messages[0].ID == "" {
			// Accepted, but we cannot tell which message it is: sent, without statuses to follow.
			return "", nil
		}
		return ok.Messages[0].ID, nil
	}
	return "", classify(status, resp, retryAfter)
}

// Error codes that are worth retrying: throttling (130429 per number, 131056 per recipient, 80007
// per account, 4 per app) and the API's own passing troubles (1, 2, 131000, 131016). Any other code
// that comes with a 429 or a 5xx is retried too, unless it is known to be final.
var retryCodes = []int{1, 2, 4, 80007, 130429, 131000, 131016, 131056}

// permanentCodes are final whatever the HTTP status: outside the 24-hour window (131047), token
// expired (190), undeliverable (131026), unsupported (131051), not on WhatsApp (131030).
var permanentCodes = []int{131047, 190, 131026, 131051, 131030}

func classify(status int, body []byte, retryAfter time.Duration) error {
	var e struct {
		Error struct {
			Message   string `json:"message"`
			Code      int    `json:"code"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	err := &channel.Error{Provider: channel.WhatsAppCloud, Status: status, RetryAfter: retryAfter, Message: e.Error.Message}
	if e.Error.Code != 0 {
		err.Code = strconv.Itoa(e.Error.Code)
		if d := e.Error.ErrorData.Details; d != "" {
			err.Message += ": " + d
		}
		retry := slices.Contains(retryCodes, e.Error.Code) || (channel.Retryable(status) && !slices.Contains(permanentCodes, e.Error.Code))
		err.Permanent = !retry
	} else {
		err.Code = "http_" + strconv.Itoa(status)
		err.Permanent = !channel.Retryable(status)
	}
	return err.Tidy()
}
