package triage

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/kb"
)

func (f *pipelineFixture) consentOf(convID string) (state string, events int) {
	f.t.Helper()
	err := f.s.Pool.QueryRow(context.Background(), `SELECT k.consent, (SELECT count(*) FROM consent_events e WHERE e.contact_id = k.id)
		FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = $1`, convID).Scan(&state, &events)
	if err != nil {
		f.t.Fatal(err)
	}
	return state, events
}

func kinds(ms []conversation.Message) []string {
	var out []string
	for _, m := range ms {
		if m.ReplyKind != nil {
			out = append(out, *m.ReplyKind)
		}
	}
	return out
}

// STOP stops automated messages, but not triage or the nurses; START resumes; "yes" from a contact
// who never opted out is an answer, not a keyword.
func TestPipelineConsent(t *testing.T) {
	t.Parallel()
	f := newPipeline(t, nil)
	const from = "+15555550140"
	conv := f.send(from, "c1", "Stop!")
	if st, n := f.consentOf(conv); st != "opted_out" || n != 1 {
		t.Fatalf("after STOP: %s, %d events", st, n)
	}
	o := f.outcome(conv)
	if k := kinds(o.replies); len(k) != 1 || k[0] != ReplyOptedOut || !strings.Contains(o.replies[0].Text, "START") {
		t.Fatalf("confirmation %v", k)
	}

	// Still triaged and escalated, without a word from the bot.
	f.send(from, "c2", "what time do you open on saturday?")
	o = f.outcome(conv)
	if len(o.replies) != 1 || o.escalation == nil || !slices.Contains(reasonCodes(o.escalation), "opted_out") {
		t.Fatalf("routine question after STOP: %d replies, escalation %v", len(o.replies), reasonCodes(o.escalation))
	}
	f.send(from, "c3", "crushing chest pain spreading to my jaw, sweating")
	o = f.outcome(conv)
	if len(o.replies) != 1 || o.escalation.Level != "emergency" || o.assessment.Urgency != "emergency" {
		t.Fatalf("emergency after STOP: %d replies, level %s", len(o.replies), o.escalation.Level)
	}

	// START opts back in, in the keyword's language, and the bot speaks again.
	f.send(from, "c4", "alta")
	if st, n := f.consentOf(conv); st != "opted_in" || n != 2 {
		t.Fatalf("after ALTA: %s, %d events", st, n)
	}
	o = f.outcome(conv)
	last := o.replies[len(o.replies)-1]
	if *last.ReplyKind != ReplyOptedIn || !strings.Contains(last.Text, "Volverá a recibir") {
		t.Fatalf("opt-in confirmation %q", last.Text)
	}

	// To a contact who is opted in, YES is a message like any other.
	other := f.send("+15555550141", "c5", "YES")
	if st, n := f.consentOf(other); st != "opted_in" || n != 0 {
		t.Fatalf("YES from an opted-in contact changed consent: %s %d", st, n)
	}
	if o := f.outcome(other); o.assessment.MessageID == "" {
		t.Fatal("YES from an opted-in contact was not triaged")
	}
}

// HELP gets the service's help with the emergency number, and a person looks at it.
func TestPipelineHelpKeyword(t *testing.T) {
	t.Parallel()
	f := newPipeline(t, nil)
	conv := f.send("+15555550142", "h1", "HELP")
	o := f.outcome(conv)
	if k := kinds(o.replies); len(k) != 1 || k[0] != ReplyHelp || !strings.Contains(o.replies[0].Text, "112") {
		t.Fatalf("help reply %v", k)
	}
	if o.escalation == nil || !slices.Contains(reasonCodes(o.escalation), "help_keyword") {
		t.Fatalf("help not escalated: %v", reasonCodes(o.escalation))
	}
}

// A photo without words: the patient is asked to describe it, in the conversation's language; with a
// nurse on the conversation, the bot stays silent.
func TestPipelineMediaWithoutWords(t *testing.T) {
	t.Parallel()
	f := newPipeline(t, nil)
	ctx := context.Background()
	conv := f.send("+15555550143", "m0", "hola, tengo una pregunta sobre mi receta")
	acc, err := f.convs.Accept(ctx, conversation.Inbound{From: "+15555550143", ChannelMessageID: "m1", Kind: conversation.KindMedia,
		Attachment: map[string]any{"type": "image", "media_id": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	f.work(acc.MessageID, 1)
	o := f.outcome(conv)
	last := o.replies[len(o.replies)-1]
	if *last.ReplyKind != ReplyDescribe || !strings.Contains(last.Text, "describa con palabras") {
		t.Fatalf("reply to a photo: %s %q", *last.ReplyKind, last.Text)
	}
}

// claimingAnswerer is a knowledge base during whose answer a nurse claims the conversation.
type claimingAnswerer struct {
	f      *pipelineFixture
	nurse  string
	called bool
}

func (c *claimingAnswerer) Answer(ctx context.Context, q kb.Question) (kb.Answer, error) {
	c.called = true
	_, err := c.f.s.Pool.Exec(ctx, `UPDATE escalations SET claimed_by = $1, claimed_at = now() WHERE status = 'open'`, c.nurse)
	return kb.Answer{Answered: true, Text: "We open at 8.", Lang: "en", Translated: true, Confidence: 0.9, Method: "extractive"}, err
}

// A nurse who claims the conversation while the bot prepares an answer silences the bot: the answer
// is not sent.
func TestPipelineSilentAfterAClaimMidAnswer(t *testing.T) {
	t.Parallel()
	f := newPipeline(t, nil)
	ctx := context.Background()
	var nurse string
	if err := f.s.Pool.QueryRow(ctx, `INSERT INTO users (email, role, password_hash) VALUES ('n@clinic.example', 'nurse', 'x') RETURNING id`).Scan(&nurse); err != nil {
		t.Fatal(err)
	}
	conv := f.send("+15555550160", "s1", "I have had a fever of 39 for two days and a bad cough")
	before := len(f.outcome(conv).replies)
	a := &claimingAnswerer{f: f, nurse: nurse}
	f.pipeline.answerer = a
	f.send("+15555550160", "s2", "what time do you open on saturday?")
	o := f.outcome(conv)
	if !a.called {
		t.Fatal("the question did not reach the knowledge base")
	}
	if len(o.replies) != before {
		t.Fatalf("the bot answered after the claim: %v", kinds(o.replies))
	}
}
