// Package conversation is the durable intake of patient chats: contacts, their conversations and every
// message in and out. A message the caller hands over is either committed together with the job that
// will process it, or not at all; redelivery of the same channel message id is a no-op.
package conversation

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clinictriage/assistant"
)

// Channels a message can arrive on.
const (
	ChannelAPI      = "api"
	ChannelWhatsApp = "whatsapp"
	ChannelSMS      = "sms"
)

// Channels lists every channel, in the order error messages name them.
var Channels = []string{ChannelAPI, ChannelWhatsApp, ChannelSMS}

// Limits on what a caller may send. Text has no limit of its own: the request body limit bounds it.
const (
	MaxMessageIDLen = 256
	MaxNameLen      = 200
	maxUserIDLen    = 128
	// MaxReplyRunes bounds a nurse's reply: an SMS of more than ten segments, or a WhatsApp text well
	// under its 4,096-character limit.
	MaxReplyRunes = 1600
)

// Inbound is one message from a patient as a channel adapter or the API hands it over.
type Inbound struct {
	Channel          string    // one of Channels; empty means ChannelAPI
	From             string    // phone number or channel user id
	ChannelMessageID string    // the sender's id for the message, unique per channel
	Text             string    // what the patient wrote
	Name             string    // the patient's display name, optional
	SentAt           time.Time // when the patient sent it, zero when unknown
	// Provider is the service that carried it (whatsapp_cloud, twilio); empty means the generic API.
	// Answers go back through it.
	Provider string
	// Kind is what was sent: text (the default), media, location, reaction or unsupported. Text and
	// media (whose caption is the text, and may be empty) are triaged; a message without words (media
	// without a caption, or something unsupported) makes the bot ask for words.
	Kind string
	// Attachment holds the provider's details of media, a location or a reaction.
	Attachment map[string]any
}

// Kinds of inbound message.
const (
	KindText        = "text"
	KindMedia       = "media"
	KindLocation    = "location"
	KindReaction    = "reaction"
	KindUnsupported = "unsupported"
)

var kinds = []string{KindText, KindMedia, KindLocation, KindReaction, KindUnsupported}

// Triaged reports whether the message goes through the pipeline.
func (in Inbound) Triaged() bool {
	return in.Kind == KindText || in.Kind == KindMedia || in.Kind == KindUnsupported
}

func (in Inbound) provider() string {
	if in.Provider == "" {
		return "api"
	}
	return in.Provider
}

var (
	phoneLike = regexp.MustCompile(`^\+?[0-9][0-9 ().\-]*$`)
	userID    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:@+\-]*$`)
)

// Normalize checks in and puts it in canonical form: phone numbers become E.164 ("+15555550123"),
// surrounding white space goes, NUL characters (which PostgreSQL cannot store) are removed from the
// text. It returns an EINVALID error that names the field; it never quotes the value, which may be a
// phone number or a patient's words.
func (in *Inbound) Normalize() error {
	in.Channel = strings.ToLower(strings.TrimSpace(in.Channel))
	if in.Channel == "" {
		in.Channel = ChannelAPI
	}
	if !slices.Contains(Channels, in.Channel) {
		return invalid("channel: must be one of %s", strings.Join(Channels, ", "))
	}

	from, err := normalizeAddress(in.From)
	if err != nil {
		return err
	}
	in.From = from

	in.ChannelMessageID = strings.TrimSpace(in.ChannelMessageID)
	switch {
	case in.ChannelMessageID == "":
		return invalid("message_id: is required")
	case utf8.RuneCountInString(in.ChannelMessageID) > MaxMessageIDLen:
		return invalid("message_id: must be at most %d characters", MaxMessageIDLen)
	case hasControl(in.ChannelMessageID):
		return invalid("message_id: must not contain control characters")
	}

	if in.Kind == "" {
		in.Kind = KindText
	}
	if !slices.Contains(kinds, in.Kind) {
		return invalid("kind: must be one of %s", strings.Join(kinds, ", "))
	}
	in.Text = strings.ToValidUTF8(strings.ReplaceAll(in.Text, "\x00", ""), "\uFFFD")
	if in.Kind != KindText {
		// A photo without a caption, a location or a reaction has no words of its own.
		in.Text = strings.TrimSpace(in.Text)
	} else if strings.TrimSpace(in.Text) == "" {
		if in.Text == "" {
			return invalid("text: is required")
		}
		return invalid("text: must not be empty or only white space")
	}

	in.Name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(in.Name, "")))
	if utf8.RuneCountInString(in.Name) > MaxNameLen {
		return invalid("name: must be at most %d characters", MaxNameLen)
	}
	return nil
}

// normalizeAddress turns a phone number in any common written form into E.164 and accepts other
// channel user ids as they are.
func normalizeAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("from: is required")
	}
	if phoneLike.MatchString(s) {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		if len(digits) < 5 || len(digits) > 15 {
			return "", invalid("from: a phone number must have 5 to 15 digits (E.164, e.g. +15555550123)")
		}
		return "+" + digits, nil
	}
	if len(s) > maxUserIDLen || !userID.MatchString(s) {
		return "", invalid("from: must be a phone number (E.164, e.g. +15555550123) or a user id of letters, digits and . _ - : @ +")
	}
	return s, nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func invalid(format string, args ...any) error {
	return assistant.Errorf(assistant.EINVALID, format, args...)
}
