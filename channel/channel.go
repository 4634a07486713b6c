// Package channel is what the service shares with the messaging providers it talks to: the message a
// sender is asked to deliver, the answer of a provider as an error that says whether to try again,
// and the providers' names. The providers themselves are in the sub-packages (whatsapp, twilio,
// generic).
package channel

import (
	"context"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/clinictriage/assistant/conversation"
)

// Intake stores an inbound message (conversation.Store): a webhook answers the provider only after
// it returns.
type Intake interface {
	Accept(ctx context.Context, in conversation.Inbound) (conversation.Accepted, error)
}

// StatusRecorder stores a provider's status report (delivery.RecordStatus) and says whether it was
// news.
type StatusRecorder func(context.Context, Status) (bool, error)

// Providers.
const (
	WhatsAppCloud = "whatsapp_cloud" // Meta's WhatsApp Business Cloud API
	Twilio        = "twilio"         // Twilio Messaging: SMS and WhatsApp
	API           = "api"            // the generic API's callback URL
)

// Message is one outbound message for a sender.
type Message struct {
	ID             string // ours: the messages row
	ConversationID string
	Channel        string // api, whatsapp or sms
	To             string // the contact's address: E.164 phone number or the API caller's user id
	Text           string
	Kind           string // the bot's reply kind (emergency, holding, answer, ...) or "nurse"
	Language       string
	// Template, when set, asks for an approved WhatsApp template by name instead of free text (outside
	// the 24-hour window).
	Template string
}

// Error is a provider's refusal. Permanent errors are recorded and shown to nurses, never retried;
// the others are retried with backoff, after RetryAfter when the provider said how long to wait.
type Error struct {
	Provider   string
	Status     int    // the HTTP status, 0 when the request did not get an answer
	Code       string // the provider's error code: 131047, 63016, 21610, ...
	Message    string // the provider's words (never the patient's)
	Permanent  bool
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("%s: %s error %s (HTTP %d): %s", e.Provider, kind, e.Code, e.Status, e.Message)
}

// Tidy gives a refusal the words nurses read: the HTTP status's text when the provider said
// nothing, and at most 300 bytes of what it said, cut on a character boundary (the database stores
// only valid UTF-8).
func (e *Error) Tidy() *Error {
	if e.Message == "" {
		e.Message = http.StatusText(e.Status)
	}
	if len(e.Message) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
			cut--
		}
		e.Message = e.Message[:cut]
	}
	return e
}

// Transient wraps a failure to reach a provider (network, timeout) as a temporary error.
func Transient(provider string, err error) *Error {
	return &Error{Provider: provider, Code: "unreachable", Message: err.Error()}
}

// Status is a provider's report on an outbound message.
type Status struct {
	Provider   string
	ProviderID string // the provider's id of our message
	State      string // sent, delivered, read or failed
	At         time.Time
	ErrorCode  string
	Error      string
}

// States of an outbound message, in the only order they may move in: a status reported late never
// moves a message back.
var States = []string{"queued", "sent", "delivered", "read"}

// Rank orders delivery states: queued 0, sent 1, delivered 2, read 3; failed is terminal, ranked
// above sent (a failure can follow acceptance) but below delivered (a message delivered did not
// fail).
func Rank(state string) int {
	switch state {
	case "queued":
		return 0
	case "sent":
		return 1
	case "failed":
		return 2
	case "delivered":
		return 3
	case "read":
		return 4
	}
	return -1
}
