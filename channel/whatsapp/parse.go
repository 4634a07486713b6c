package whatsapp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/conversation"
)

// Batch is what one webhook POST holds: patients' messages and statuses of ours, from any number of
// entries and changes.
type Batch struct {
	Messages []conversation.Inbound
	Statuses []channel.Status
	Skipped  int // system notices and changes of other fields: acknowledged, not stored
}

type notification struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				MessagingProduct string `json:"messaging_product"`
				Contacts         []struct {
					Profile struct {
						Name string `json:"name"`
					} `json:"profile"`
					WaID string `json:"wa_id"`
				} `json:"contacts"`
				Messages []message `json:"messages"`
				Statuses []status  `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type media struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type message struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Text      *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID          string `json:"id"`
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Image    *media `json:"image"`
	Audio    *media `json:"audio"`
	Video    *media `json:"video"`
	Document *media `json:"document"`
	Sticker  *media `json:"sticker"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
	Reaction *struct {
		MessageID string  `json:"message_id"`
		Emoji     *string `json:"emoji"`
	} `json:"reaction"`
	Context *struct {
		From string `json:"from"`
		ID   string `json:"id"`
	} `json:"context"`
}

type status struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Timestamp   string `json:"timestamp"`
	RecipientID string `json:"recipient_id"`
	Errors      []struct {
		Code      int    `json:"code"`
		Title     string `json:"title"`
		Message   string `json:"message"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"errors"`
}

// Parse reads a notification's JSON. It refuses what is not a WhatsApp notification; within one,
// an entry it cannot use (an unknown type, a status it does not know) is kept as unsupported or
// skipped, never fails the rest.
func Parse(body []byte) (Batch, error) {
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return Batch{}, fmt.Errorf("whatsapp: not a notification: %w", err)
	}
	if n.Object != "whatsapp_business_account" {
		return Batch{}, fmt.Errorf("whatsapp: object %q is not whatsapp_business_account", n.Object)
	}
	var b Batch
	for _, e := range n.Entry {
		for _, ch := range e.Changes {
			if ch.Field != "messages" {
				b.Skipped++
				continue
			}
			names := map[string]string{}
			for _, c := range ch.Value.Contacts {
				names[c.WaID] = c.Profile.Name
			}
			for _, m := range ch.Value.Messages {
				in, ok := inbound(m, names)
				if !ok {
					b.Skipped++
					continue
				}
				b.Messages = append(b.Messages, in)
			}
			for _, s := range ch.Value.Statuses {
				st, ok := statusOf(s)
				if !ok {
					b.Skipped++
					continue
				}
				b.Statuses = append(b.Statuses, st)
			}
		}
	}
	return b, nil
}

func inbound(m message, names map[string]string) (conversation.Inbound, bool) {
	if m.ID == "" || m.From == "" || m.Type == "system" {
		return conversation.Inbound{}, false
	}
	in := conversation.Inbound{
		Channel: conversation.ChannelWhatsApp, Provider: channel.WhatsAppCloud, From: "+" + strings.TrimPrefix(m.From, "+"),
		ChannelMessageID: m.ID, Name: names[m.From], SentAt: unix(m.Timestamp), Kind: conversation.KindText,
	}
	att := map[string]any{"type": m.Type}
	switch {
	case m.Type == "text" && m.Text != nil:
		in.Text = m.Text.Body
		att = nil
	case m.Type == "interactive" && m.Interactive != nil && m.Interactive.ButtonReply != nil:
		in.Text, att["reply_id"] = m.Interactive.ButtonReply.Title, m.Interactive.ButtonReply.ID
	case m.Type == "interactive" && m.Interactive != nil && m.Interactive.ListReply != nil:
		in.Text, att["reply_id"] = m.Interactive.ListReply.Title, m.Interactive.ListReply.ID
	case m.Type == "button" && m.Button != nil:
		in.Text, att["payload"] = m.Button.Text, m.Button.Payload
	case m.Type == "location" && m.Location != nil:
		in.Kind = conversation.KindLocation
		att["latitude"], att["longitude"] = m.Location.Latitude, m.Location.Longitude
		att["name"], att["address"] = m.Location.Name, m.Location.Address
	case m.Type == "reaction" && m.Reaction != nil:
		in.Kind = conversation.KindReaction
		att["message_id"] = m.Reaction.MessageID
		if m.Reaction.Emoji != nil && *m.Reaction.Emoji != "" {
			in.Text = *m.Reaction.Emoji
		} else {
			att["removed"] = true
		}
	default:
		if md := mediaOf(m); md != nil {
			in.Kind, in.Text = conversation.KindMedia, md.Caption
			att["media_id"], att["mime_type"] = md.ID, md.MimeType
			if md.Filename != "" {
				att["filename"] = md.Filename
			}
		} else {
			// contacts, polls, orders, "unsupported" and whatever comes next: kept, and the patient is
			// asked to write in words.
			in.Kind = conversation.KindUnsupported
		}
	}
	if m.Context != nil && m.Context.ID != "" {
		if att == nil {
			att = map[string]any{}
		}
		att["in_reply_to"] = m.Context.ID
	}
	if in.Kind == conversation.KindText && strings.TrimSpace(in.Text) == "" {
		in.Kind = conversation.KindUnsupported // a button without a title: nothing to read
	}
	in.Attachment = att
	return in, true
}

func mediaOf(m message) *media {
	switch m.Type {
	case "image":
		return m.Image
	case "audio":
		return m.Audio
	case "video":
		return m.Video
	case "document":
		return m.Document
	case "sticker":
		return m.Sticker
	}
	return nil
}

func statusOf(s status) (channel.Status, bool) {
	st := channel.Status{Provider: channel.WhatsAppCloud, ProviderID: s.ID, At: unix(s.Timestamp)}
	switch s.Status {
	case "sent", "delivered", "read", "failed":
		st.State = s.Status
	case "played": // a voice message listened to: as good as read
		st.State = "read"
	default:
		return st, false
	}
	if s.ID == "" {
		return st, false
	}
	if len(s.Errors) > 0 {
		e := s.Errors[0]
		st.ErrorCode = strconv.Itoa(e.Code)
		st.Error = strings.TrimSpace(e.Title + ": " + e.ErrorData.Details)
	}
	return st, true
}

func unix(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
