package web

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/clinictriage/assistant/store/storetest"
)

// Without LISTEN, the hub still hears every change, by polling, and tells each change once.
func TestHubPollsWhenItCannotListen(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	h := NewHub(s.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.Poll = 20 * time.Millisecond
	events, stop := h.Subscribe()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.poll(ctx, time.Now().Add(time.Minute))

	var id string
	err := s.Pool.QueryRow(ctx, `
		WITH k AS (INSERT INTO contacts (address) VALUES ('+15550001111') RETURNING id),
		     c AS (INSERT INTO conversations (contact_id, channel) SELECT id, 'api' FROM k RETURNING id)
		INSERT INTO escalations (conversation_id, level, priority, due_at) SELECT id, 'urgent', 2, now() FROM c RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	next := func() string {
		select {
		case got := <-events:
			return got
		case <-time.After(10 * time.Second):
			return ""
		}
	}
	if got := next(); got != id {
		t.Fatalf("polled %q, want %q", got, id)
	}
	// Later polls overlap the earlier ones, but an unchanged escalation is not told again.
	time.Sleep(5 * h.Poll)
	select {
	case got := <-events:
		t.Fatalf("told again: %q", got)
	default:
	}
	if _, err := s.Pool.Exec(ctx, `UPDATE escalations SET claimed_by = 'x', updated_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != id {
		t.Fatalf("change polled as %q, want %q", got, id)
	}
	// A new message in the queued conversation is polled too, as its conversation.
	var conv string
	if err := s.Pool.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, channel, body)
		SELECT conversation_id, 'inbound', 'api', 'more' FROM escalations WHERE id = $1 RETURNING conversation_id`, id).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != "c:"+conv {
		t.Fatalf("new message polled as %q, want c:%s", got, conv)
	}
}
