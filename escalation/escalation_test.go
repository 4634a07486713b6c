package escalation_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/store/storetest"
)

// conversation makes a contact and a conversation to escalate.
func conversation(t *testing.T, s *storetest.Schema, phone string) string {
	t.Helper()
	var id string
	err := s.Pool.QueryRow(context.Background(), `
		WITH c AS (INSERT INTO contacts (address) VALUES ($1) RETURNING id)
		INSERT INTO conversations (contact_id, channel) SELECT id, 'api' FROM c RETURNING id`, phone).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func enqueue(t *testing.T, st *escalation.Store, s *storetest.Schema, conv, level string, now time.Time, codes ...string) escalation.Change {
	t.Helper()
	var reasons []escalation.Reason
	for _, c := range codes {
		reasons = append(reasons, escalation.Reason{Code: c, Text: "because " + c})
	}
	var ch escalation.Change
	err := pgx.BeginFunc(context.Background(), s.Pool, func(tx pgx.Tx) error {
		var err error
		ch, err = st.EnqueueTx(context.Background(), tx, conv, level, reasons, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestEnqueueRaiseAndReasons(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	conv := conversation(t, s, "+15550000001")
	t0 := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)

	ch := enqueue(t, st, s, conv, "soon", t0, "urgency:soon")
	if !ch.Created || ch.Escalation.Priority != 3 || !ch.Escalation.DueAt.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("first enqueue %+v", ch)
	}
	// A more urgent message raises it: priority and due time move up, reasons are added.
	t1 := t0.Add(10 * time.Minute)
	ch = enqueue(t, st, s, conv, "emergency", t1, "red_flag:chest_pain", "urgency:emergency")
	e := ch.Escalation
	if ch.Created || !ch.Raised || e.Level != "emergency" || e.Priority != 1 || !e.DueAt.Equal(t1.Add(5*time.Minute)) || len(e.Reasons) != 3 {
		t.Fatalf("raise %+v", ch)
	}
	// A less urgent one never lowers it, and a reason already there is not added twice.
	ch = enqueue(t, st, s, conv, "routine", t1.Add(time.Minute), "red_flag:chest_pain", "asked_for_human")
	e = ch.Escalation
	if ch.Raised || e.Priority != 1 || len(e.Reasons) != 4 || len(ch.Added) != 1 || ch.Added[0] != "asked_for_human" {
		t.Fatalf("lower %+v", ch)
	}
	open, err := st.Open(context.Background(), conv)
	if err != nil || open == nil || open.ID != e.ID || open.Owned() {
		t.Fatalf("open %+v %v", open, err)
	}
	other := conversation(t, s, "+15550000002")
	if o, err := st.Open(context.Background(), other); o != nil || err != nil {
		t.Fatalf("conversation without escalation: %+v %v", o, err)
	}
}

// Jobs for one conversation running at once leave one open escalation.
func TestConcurrentEnqueue(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	conv := conversation(t, s, "+15550000003")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			level := []string{"urgent", "soon", "emergency", "routine"}[i%4]
			enqueue(t, st, s, conv, level, time.Now(), "urgency:"+level)
		})
	}
	wg.Wait()
	var n, priority int
	if err := s.Pool.QueryRow(context.Background(), `SELECT count(*), min(priority) FROM escalations WHERE conversation_id = $1`, conv).Scan(&n, &priority); err != nil {
		t.Fatal(err)
	}
	if n != 1 || priority != 1 {
		t.Fatalf("%d escalations, priority %d; want one at priority 1", n, priority)
	}
}
