// Package twilio is Twilio Messaging, for SMS and WhatsApp: the webhooks Twilio posts patients'
// messages and status callbacks to (signatures checked with twilio-go's validator), and the sender of
// our messages through the Messages API.
package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clinictriage/assistant/channel"
)

// DefaultAPIURL is Twilio's REST API.
const DefaultAPIURL = "https://api.twilio.com"

// Config is the Twilio account (TWILIO_* variables).
type Config struct {
	AccountSID string
	AuthToken  string
	// From is our number ("+15550001111") or a Messaging Service SID ("MG…").
	From      string
	APIURL    string
	PublicURL string // the base URL Twilio calls us at, as configured in Twilio (signatures cover it)
}

// Enabled reports whether every secret the channel needs is set.
func (c Config) Enabled() bool {
	return c.AccountSID != "" && c.AuthToken != "" && c.From != "" && c.PublicURL != ""
}

// Sender sends through the Messages API.
type Sender struct {
	cfg    Config
	client *http.Client
}

// NewSender returns a sender for cfg.
func NewSender(cfg Config, client *http.Client) *Sender {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &Sender{cfg: cfg, client: client}
}

// Provider names the sender.
func (s *Sender) Provider() string { return channel.Twilio }

// StatusPath is where Twilio posts status callbacks.
const StatusPath = "/webhooks/twilio/status"

// Send creates a message and returns its SID. WhatsApp messages go to "whatsapp:+…" from
// "whatsapp:<our number>".
func (s *Sender) Send(ctx context.Context, m channel.Message) (string, error) {
	if m.Template != "" {
		// Twilio sends approved WhatsApp templates by content SID, which is not configured here.
		return "", &channel.Error{Provider: channel.Twilio, Code: "no_template", Message: "no WhatsApp template is configured for Twilio", Permanent: true}
	}
	form := url.Values{"Body": {m.Text}, "StatusCallback": {strings.TrimRight(s.cfg.PublicURL, "/") + StatusPath}}
	to := m.To
	if !strings.HasPrefix(to, "+") {
		to = "+" + to
	}
	whatsapp := m.Channel == "whatsapp"
	if whatsapp {
		to = "whatsapp:" + to
	}
	form.Set("To", to)
	if strings.HasPrefix(s.cfg.From, "MG") {
		form.Set("MessagingServiceSid", s.cfg.From)
	} else if whatsapp && !strings.HasPrefix(s.cfg.From, "whatsapp:") {
		form.Set("From", "whatsapp:"+s.cfg.From)
	} else {
		form.Set("From", s.cfg.From)
	}
	u := fmt.Sprintf("%s/2010-04-01/Accounts/%s/Messages.json", strings.TrimRight(s.cfg.APIURL, "/"), url.PathEscape(s.cfg.AccountSID))
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(s.cfg.AccountSID, s.cfg.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body, retryAfter, err := channel.Do(ctx, s.client, channel.Twilio, req)
	if err != nil {
		return "", err
	}
	var r struct {
		SID     string `json:"sid"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &r)
	if status/100 == 2 && r.SID != "" {
		return r.SID, nil
	}
	e := &channel.Error{Provider: channel.Twilio, Status: status, Message: r.Message, RetryAfter: retryAfter}
	if r.Code != 0 {
		e.Code = strconv.Itoa(r.Code)
		// 20429 and 14107 are Twilio's throttling; 20500 and 20503 its own troubles.
		e.Permanent = !slices.Contains([]int{20429, 14107, 20500, 20503}, r.Code) && !channel.Retryable(status)
	} else {
		e.Code = "http_" + strconv.Itoa(status)
		e.Permanent = !channel.Retryable(status)
	}
	return "", e.Tidy()
}
