package conversation_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/store/storetest"
)

func setup(t *testing.T) (*conversation.Store, *storetest.Schema) {
	t.Helper()
	s := storetest.New(t)
	jobs, err := river.NewClient(riverpgxv5.New(s.Pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return conversation.NewStore(s.Pool, jobs), s
}

func count(t *testing.T, s *storetest.Schema, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestAcceptStoresMessageAndJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, s := setup(t)
	sent := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	acc, err := st.Accept(ctx, conversation.Inbound{From: "+1 555 555 0123", ChannelMessageID: "m-1",
		Text: "feels like an elephant on my chest", Name: "Jane", SentAt: sent})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Duplicate || acc.MessageID == "" || acc.ConversationID == "" {
		t.Fatalf("accepted %+v", acc)
	}
	if n := count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'process_message' AND args->>'message_id' = $1`, acc.MessageID); n != 1 {
		t.Fatalf("%d jobs for the message, want 1", n)
	}

	// A second message from the same patient joins the same open conversation.
	acc2, err := st.Accept(ctx, conversation.Inbound{From: "+15555550123", ChannelMessageID: "m-2", Text: "still there"})
	if err != nil {
		t.Fatal(err)
	}
	if acc2.ConversationID != acc.ConversationID {
		t.Fatalf("second message opened conversation %s, want %s", acc2.ConversationID, acc.ConversationID)
	}

	c, err := st.Get(ctx, acc.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Contact.Address != "+15555550123" || c.Contact.Name == nil || *c.Contact.Name != "Jane" {
		t.Errorf("contact %+v", c.Contact)
	}
	if len(c.Messages) != 2 || c.Messages[0].ID != acc.MessageID || c.Messages[1].ID != acc2.MessageID {
		t.Fatalf("messages %+v, want m-1 then m-2", c.Messages)
	}
	m := c.Messages[0]
	if m.Direction != "inbound" || m.Text != "feels like an elephant on my chest" || m.SentAt == nil || !m.SentAt.Equal(sent) {
		t.Errorf("message %+v", m)
	}

	// The same id on another channel is another message.
	acc3, err := st.Accept(ctx, conversation.Inbound{Channel: "sms", From: "+15555550123", ChannelMessageID: "m-1", Text: "hi"})
	if err != nil || acc3.Duplicate || acc3.ConversationID == acc.ConversationID {
		t.Fatalf("sms message: %+v, %v", acc3, err)
	}
}

// Providers redeliver: fifty concurrent deliveries of one id must leave one message and one job.
func TestConcurrentDuplicateDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, s := setup(t)
	const n = 50
	results := make([]conversation.Accepted, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = st.Accept(ctx, conversation.Inbound{From: "+15555550199", ChannelMessageID: "wamid.same", Text: "help", Name: fmt.Sprint("caller ", i%3)})
		})
	}
	close(start)
	wg.Wait()
	fresh := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("delivery %d: %v", i, errs[i])
		}
		if !results[i].Duplicate {
			fresh++
		}
		if results[i].MessageID != results[0].MessageID || results[i].ConversationID != results[0].ConversationID {
			t.Fatalf("delivery %d got %+v, delivery 0 got %+v", i, results[i], results[0])
		}
	}
	if fresh != 1 {
		t.Errorf("%d deliveries reported a new message, want exactly 1", fresh)
	}
	if got := count(t, s, `SELECT count(*) FROM messages`); got != 1 {
		t.Errorf("%d message rows, want 1", got)
	}
	if got := count(t, s, `SELECT count(*) FROM river_job WHERE kind = 'process_message'`); got != 1 {
		t.Errorf("%d jobs, want 1", got)
	}
	if got := count(t, s, `SELECT count(*) FROM conversations`); got != 1 {
		t.Errorf("%d conversations, want 1", got)
	}
}

// Message and job are one unit: when the job cannot be inserted, no trace of the message remains.
func TestMessageAndJobCommitTogether(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, s := setup(t)
	if _, err := s.Pool.Exec(ctx, `
		CREATE FUNCTION refuse_job() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'job table refuses inserts'; END $$;
		CREATE TRIGGER refuse_job BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION refuse_job();`); err != nil {
		t.Fatal(err)
	}
	_, err := st.Accept(ctx, conversation.Inbound{From: "+15555550100", ChannelMessageID: "m-x", Text: "hello", Name: "New Patient"})
	if err == nil {
		t.Fatal("accept succeeded although the job could not be inserted")
	}
	for _, table := range []string{"messages", "conversations", "contacts", "river_job"} {
		if n := count(t, s, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows after a failed accept", table, n)
		}
	}

	// And the other way: once jobs can be inserted again, the redelivery is accepted as new.
	if _, err := s.Pool.Exec(ctx, `DROP TRIGGER refuse_job ON river_job`); err != nil {
		t.Fatal(err)
	}
	acc, err := st.Accept(ctx, conversation.Inbound{From: "+15555550100", ChannelMessageID: "m-x", Text: "hello"})
	if err != nil || acc.Duplicate {
		t.Fatalf("redelivery after the failure: %+v, %v", acc, err)
	}
}

// The database dying in the middle of the transaction is reported as unavailable (the caller answers
// 503 and the provider retries), and nothing is half-written.
func TestDatabaseLostMidTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, s := setup(t)
	// The job insert kills its own connection, as a server crash or failover would.
	if _, err := s.Pool.Exec(ctx, `
		CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
		CREATE TRIGGER die BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION die();`); err != nil {
		t.Fatal(err)
	}
	_, err := st.Accept(ctx, conversation.Inbound{From: "+15555550101", ChannelMessageID: "m-y", Text: "hello"})
	if code := assistant.ErrorCode(err); code != assistant.EUNAVAILABLE {
		t.Fatalf("error %v (code %q), want EUNAVAILABLE", err, code)
	}
	for _, table := range []string{"messages", "conversations", "contacts"} {
		if n := count(t, s, "SELECT count(*) FROM "+table); n != 0 {
			t.Errorf("%s has %d rows after the connection died", table, n)
		}
	}
}

func TestGetErrors(t *testing.T) {
	t.Parallel()
	st, _ := setup(t)
	ctx := context.Background()
	if _, err := st.Get(ctx, "not-a-uuid"); assistant.ErrorCode(err) != assistant.EINVALID {
		t.Errorf("malformed id: %v", err)
	}
	if _, err := st.Get(ctx, "0198a3c2-0000-7000-8000-000000000000"); assistant.ErrorCode(err) != assistant.ENOTFOUND {
		t.Errorf("unknown id: %v", err)
	}
}

func TestRecordLanguageIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, s := setup(t)
	acc, err := st.Accept(ctx, conversation.Inbound{From: "+15555550102", ChannelMessageID: "m-l", Text: "tengo fiebre"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.ForProcessing(ctx, acc.MessageID)
	if err != nil || p.Processed || p.ConversationLanguage != "" {
		t.Fatalf("pending %+v, %v", p, err)
	}
	lang := conversation.Language{Code: "es", Confidence: 0.9, Source: "text", Script: "Latn", Teach: true}
	first, err := st.RecordLanguage(ctx, p, lang)
	if err != nil || !first {
		t.Fatalf("first record: %v, %v", first, err)
	}
	first, err = st.RecordLanguage(ctx, p, lang)
	if err != nil || first {
		t.Fatalf("second record: first=%v, %v", first, err)
	}
	p, _ = st.ForProcessing(ctx, acc.MessageID)
	if !p.Processed || p.ConversationLanguage != "es" {
		t.Fatalf("after recording: %+v", p)
	}
	var msgLang string
	if err := s.Pool.QueryRow(ctx, `SELECT language FROM messages WHERE id = $1`, acc.MessageID).Scan(&msgLang); err != nil || msgLang != "es" {
		t.Fatalf("message language %q, %v", msgLang, err)
	}
}

// Messages accepted together share a transaction; one that the database refuses must not take the
// others down with it.
func TestOneBadMessageDoesNotSinkItsBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, s := setup(t)
	if _, err := s.Pool.Exec(ctx, `
		CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.body = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_poison();`); err != nil {
		t.Fatal(err)
	}
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			text := "hello"
			if i%10 == 0 {
				text = "poison"
			}
			_, errs[i] = st.Accept(ctx, conversation.Inbound{From: fmt.Sprintf("+1555000%04d", i%7), ChannelMessageID: fmt.Sprint("b-", i), Text: text})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if poison := i%10 == 0; poison != (err != nil) {
			t.Errorf("message %d (poison %t): error %v", i, poison, err)
		}
	}
	if got := count(t, s, `SELECT count(*) FROM messages`); got != n-n/10 {
		t.Errorf("%d messages stored, want %d", got, n-n/10)
	}
	if got := count(t, s, `SELECT count(*) FROM river_job`); got != n-n/10 {
		t.Errorf("%d jobs, want %d", got, n-n/10)
	}
}
