package triage

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/metrics"
	"github.com/clinictriage/assistant/store/storetest"
)

func TestPipelineLearnsConversationLanguage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	jobs, err := river.NewClient(riverpgxv5.New(s.Pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	convs := conversation.NewStore(s.Pool, jobs)
	m := metrics.New()
	p := NewPipeline(convs, testDetector(t), m, slog.New(slog.NewTextHandler(io.Discard, nil)))

	work := func(text, id string) conversation.Pending {
		t.Helper()
		acc, err := convs.Accept(ctx, conversation.Inbound{From: "+5511999990000", ChannelMessageID: id, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		job := &river.Job[conversation.ProcessArgs]{JobRow: &rivertype.JobRow{Attempt: 1}, Args: conversation.ProcessArgs{MessageID: acc.MessageID}}
		if err := p.Work(ctx, job); err != nil {
			t.Fatalf("work %s: %v", id, err)
		}
		pending, err := convs.ForProcessing(ctx, acc.MessageID)
		if err != nil {
			t.Fatal(err)
		}
		return pending
	}

	// A short first message: its language is recorded but the conversation learns it only tentatively.
	first := work("bom dia, estou com febre alta desde ontem à noite e dor no corpo", "m-1")
	if first.ConversationLanguage != "pt" {
		t.Fatalf("conversation language %q after a clear Portuguese message", first.ConversationLanguage)
	}
	// "sim" alone could be anything: the conversation's language decides.
	reply := work("sim", "m-2")
	var lang, source string
	if err := s.Pool.QueryRow(ctx, `SELECT language, language_source FROM messages WHERE id = $1`, reply.MessageID).Scan(&lang, &source); err != nil {
		t.Fatal(err)
	}
	if lang != "pt" || source != SourcePrior {
		t.Errorf("short reply: language %s from %s, want pt from the prior", lang, source)
	}

	// Running the same job again changes nothing and counts nothing twice.
	before := testutil.ToFloat64(m.MessagesLanguage.WithLabelValues("pt", SourcePrior))
	job := &river.Job[conversation.ProcessArgs]{JobRow: &rivertype.JobRow{Attempt: 2}, Args: conversation.ProcessArgs{MessageID: reply.MessageID}}
	if err := p.Work(ctx, job); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if after := testutil.ToFloat64(m.MessagesLanguage.WithLabelValues("pt", SourcePrior)); after != before {
		t.Errorf("second run counted the message again: %v → %v", before, after)
	}
	if err := s.Pool.QueryRow(ctx, `SELECT language, language_source FROM messages WHERE id = $1`, reply.MessageID).Scan(&lang, &source); err != nil || lang != "pt" {
		t.Errorf("after the second run: %s %s %v", lang, source, err)
	}
}

func TestPipelineCancelsJobForMissingMessage(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	jobs, _ := river.NewClient(riverpgxv5.New(s.Pool), &river.Config{})
	p := NewPipeline(conversation.NewStore(s.Pool, jobs), testDetector(t), metrics.New(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	job := &river.Job[conversation.ProcessArgs]{JobRow: &rivertype.JobRow{Attempt: 1}, Args: conversation.ProcessArgs{MessageID: "0198a3c2-0000-7000-8000-000000000000"}}
	err := p.Work(context.Background(), job)
	if _, ok := errors.AsType[*rivertype.JobCancelError](err); !ok {
		t.Fatalf("work on a missing message: %v, want a JobCancel error", err)
	}
}
