// Package generic is the generic API's way back: when TRIAGE_API_CALLBACK_URL is set, every message
// for a patient who wrote through the API is posted there as JSON, signed with an HMAC of the body so
// that the integrator can tell it came from us.
package generic

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/clinictriage/assistant/channel"
)

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body keyed with the callback secret>".
const SignatureHeader = "X-Triage-Signature"

// Sender posts to the callback URL.
type Sender struct {
	url, secret string
	client      *http.Client
}

// NewSender returns a sender to url, signing with secret.
func NewSender(url, secret string, client *http.Client) *Sender {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &Sender{url: url, secret: secret, client: client}
}

// Provider names the sender.
func (s *Sender) Provider() string { return channel.API }

// Callback is the body posted for each message.
type Callback struct {
	MessageID      string `json:"message_id"`
	ConversationID string `json:"conversation_id"`
	To             string `json:"to"`
	Text           string `json:"text"`
	Kind           string `json:"kind"`
	Language       string `json:"language,omitempty"`
}

// Sign returns the signature header's value for body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send posts the message; the provider id is our own message id (the integrator has no other).
func (s *Sender) Send(ctx context.Context, m channel.Message) (string, error) {
	body, _ := json.Marshal(Callback{MessageID: m.ID, ConversationID: m.ConversationID, To: m.To, Text: m.Text, Kind: m.Kind, Language: m.Language})
	req, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(s.secret, body))
	req.Header.Set("Idempotency-Key", m.ID)
	status, _, retryAfter, err := channel.Do(ctx, s.client, channel.API, req)
	if err != nil {
		return "", err
	}
	if status/100 == 2 {
		return m.ID, nil
	}
	return "", (&channel.Error{Provider: channel.API, Status: status, Code: "http_" + strconv.Itoa(status),
		Permanent: !channel.Retryable(status), RetryAfter: retryAfter}).Tidy()
}
