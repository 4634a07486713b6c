package conversation

import (
	"strings"
	"testing"

	"github.com/clinictriage/assistant"
)

func TestNormalize(t *testing.T) {
	valid := func() Inbound {
		return Inbound{From: "+15555550123", ChannelMessageID: "m-1", Text: "hello"}
	}
	cases := []struct {
		name    string
		edit    func(*Inbound)
		wantErr string // the field the error must name; "" for success
		check   func(*testing.T, Inbound)
	}{
		{"minimal", func(*Inbound) {}, "", func(t *testing.T, in Inbound) {
			if in.Channel != ChannelAPI {
				t.Errorf("channel %q, want api", in.Channel)
			}
		}},
		{"phone with spaces and dashes", func(in *Inbound) { in.From = " +1 (555) 555-0123 " }, "", func(t *testing.T, in Inbound) {
			if in.From != "+15555550123" {
				t.Errorf("from %q", in.From)
			}
		}},
		{"whatsapp id without plus", func(in *Inbound) { in.From = "15555550123" }, "", func(t *testing.T, in Inbound) {
			if in.From != "+15555550123" {
				t.Errorf("from %q", in.From)
			}
		}},
		{"user id", func(in *Inbound) { in.From = "patient-42@portal" }, "", nil},
		{"NUL removed from text", func(in *Inbound) { in.Text = "chest\x00 pain" }, "", func(t *testing.T, in Inbound) {
			if in.Text != "chest pain" {
				t.Errorf("text %q", in.Text)
			}
		}},
		{"control characters dropped from name", func(in *Inbound) { in.Name = " Ja\u0007ne " }, "", func(t *testing.T, in Inbound) {
			if in.Name != "Jane" {
				t.Errorf("name %q", in.Name)
			}
		}},
		{"channel upper case", func(in *Inbound) { in.Channel = "WhatsApp" }, "", func(t *testing.T, in Inbound) {
			if in.Channel != ChannelWhatsApp {
				t.Errorf("channel %q", in.Channel)
			}
		}},
		{"missing from", func(in *Inbound) { in.From = "  " }, "from", nil},
		{"phone too short", func(in *Inbound) { in.From = "+12" }, "from", nil},
		{"phone too long", func(in *Inbound) { in.From = "+1234567890123456" }, "from", nil},
		{"from with spaces and letters", func(in *Inbound) { in.From = "call me maybe" }, "from", nil},
		{"missing message id", func(in *Inbound) { in.ChannelMessageID = "" }, "message_id", nil},
		{"message id too long", func(in *Inbound) { in.ChannelMessageID = strings.Repeat("x", MaxMessageIDLen+1) }, "message_id", nil},
		{"message id with newline", func(in *Inbound) { in.ChannelMessageID = "a\nb" }, "message_id", nil},
		{"missing text", func(in *Inbound) { in.Text = "" }, "text", nil},
		{"whitespace text", func(in *Inbound) { in.Text = " \n\t " }, "text", nil},
		{"only NUL text", func(in *Inbound) { in.Text = "\x00" }, "text", nil},
		{"name too long", func(in *Inbound) { in.Name = strings.Repeat("n", MaxNameLen+1) }, "name", nil},
		{"unknown channel", func(in *Inbound) { in.Channel = "telegram" }, "channel", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.edit(&in)
			err := in.Normalize()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if tc.check != nil {
					tc.check(t, in)
				}
				return
			}
			if assistant.ErrorCode(err) != assistant.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			if msg := assistant.ErrorMessage(err); !strings.HasPrefix(msg, tc.wantErr+":") {
				t.Errorf("message %q does not name %s", msg, tc.wantErr)
			}
		})
	}
}

// Error messages are shown to callers and may be logged: they must never echo the value.
func TestNormalizeErrorsDoNotQuoteValues(t *testing.T) {
	in := Inbound{From: "secret-phone !!", ChannelMessageID: "m", Text: "x"}
	err := in.Normalize()
	if err == nil || strings.Contains(err.Error(), "secret-phone") {
		t.Fatalf("error %v quotes the value", err)
	}
}
