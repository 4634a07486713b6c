package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
)

// Hub tells connected consoles that an escalation was opened, raised, claimed, released or
// resolved. It listens on PostgreSQL's "escalations" channel (a trigger notifies on every change, at
// commit), so that every server process sharing the database hears every change, whichever process
// made it. When it cannot listen it polls the table until it can again.
type Hub struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	// Poll is the polling period while LISTEN is unavailable; Retry is how soon LISTEN is tried again.
	Poll, Retry time.Duration

	mu        sync.Mutex
	subs      map[chan string]struct{}
	listening bool
	closed    chan struct{}
	closeOnce sync.Once
}

// Resync is sent instead of an escalation id when consoles may have missed changes (the listener
// reconnected): they reload what they show.
const Resync = "*"

// NewHub returns a hub on pool's database; Run starts it.
func NewHub(pool *pgxpool.Pool, log *slog.Logger) *Hub {
	return &Hub{pool: pool, log: log, Poll: 2 * time.Second, Retry: 5 * time.Second, subs: map[chan string]struct{}{},
		closed: make(chan struct{})}
}

// Close ends every event stream, so that a server shutting down does not wait for consoles to hang
// up (they reconnect to another process, or to this one when it is back).
func (h *Hub) Close() { h.closeOnce.Do(func() { close(h.closed) }) }

// Subscribe returns a channel of escalation ids (or Resync) and the function that ends the
// subscription. A subscriber that falls behind loses events, never blocks the hub: each one only
// makes a console reload, so one more does not matter.
func (h *Hub) Subscribe() (<-chan string, func()) {
	ch := make(chan string, 64)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// Listening reports whether the hub hears changes by LISTEN now (false: polling).
func (h *Hub) Listening() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listening
}

func (h *Hub) publish(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- id:
		default:
		}
	}
}

func (h *Hub) setListening(v bool) {
	h.mu.Lock()
	h.listening = v
	h.mu.Unlock()
}

// Run listens until ctx ends, falling back to polling whenever the listening connection fails.
func (h *Hub) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := h.listen(ctx)
		h.setListening(false)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("escalation notifications unavailable: polling", "err", err, "retry_in", h.Retry.String())
		h.poll(ctx, time.Now().Add(h.Retry))
	}
}

// listen holds a connection of its own (not one of the pool's) for LISTEN, and returns when it
// fails.
func (h *Hub) listen(ctx context.Context) error {
	cfg := h.pool.Config().ConnConfig.Copy()
	connectCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.ConnectConfig(connectCtx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `LISTEN escalations`); err != nil {
		return err
	}
	h.setListening(true)
	h.publish(Resync) // changes made while nobody listened
	prefix := schema + ":"
	for {
		// A connection that died without a word (a half-open TCP connection) would leave the consoles
		// believing they are live: after 30 s of silence the connection must answer a ping.
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		n, err := conn.WaitForNotification(wctx)
		quiet := wctx.Err() != nil && ctx.Err() == nil
		cancel()
		if quiet {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		// Processes on other schemas of the same database (tests) notify the same channel.
		if id, ok := strings.CutPrefix(n.Payload, prefix); ok {
			h.publish(id)
		}
	}
}

// poll publishes the escalations and queued conversations changed since the last look, until the
// deadline. It looks back a little further than its last look, because updated_at is the time a
// transaction began and a change can commit after a later one was seen; seen keeps each change from
// being published twice.
func (h *Hub) poll(ctx context.Context, until time.Time) {
	const overlap = 10 * time.Second
	since := time.Now().Add(-h.Poll)
	seen := map[string]time.Time{}
	t := time.NewTicker(h.Poll)
	defer t.Stop()
	for time.Now().Before(until) {
		// Changed escalations, and conversations in the queue with a new message or delivery state
		// (what the triggers would have notified).
		rows, err := h.pool.Query(ctx, `
			SELECT id::text, updated_at FROM escalations WHERE updated_at > $1
			UNION ALL
			SELECT 'c:' || e.conversation_id::text, max(m.at) FROM escalations e
			CROSS JOIN LATERAL (SELECT greatest(created_at, coalesce(delivery_updated_at, created_at)) AS at FROM messages
			                    WHERE conversation_id = e.conversation_id AND (created_at > $1 OR delivery_updated_at > $1)) m
			WHERE e.status = 'open' GROUP BY e.conversation_id
			ORDER BY 2`, since.Add(-overlap))
		if err == nil {
			var id string
			var at time.Time
			_, err = pgx.ForEachRow(rows, []any{&id, &at}, func() error {
				if prev, ok := seen[id]; !ok || at.After(prev) {
					seen[id] = at
					h.publish(id)
				}
				if at.After(since) {
					since = at
				}
				return nil
			})
		}
		if err != nil && ctx.Err() == nil {
			h.log.Warn("polling escalations", "err", err)
		}
		for id, at := range seen {
			if at.Before(since.Add(-2 * overlap)) {
				delete(seen, id)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// events streams the hub's events to a console as server-sent events. The browser's EventSource
// reconnects by itself; the console also reloads what it shows after a reconnection.
func (s *server) events(c echo.Context) error {
	w := c.Response()
	// Streams outlive the server's write timeout, which is meant for ordinary responses.
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		s.Log.Debug("cannot lift the write deadline for events", "err", err)
	}
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	var token string
	if ck, err := c.Cookie(sessionCookie); err == nil {
		token = ck.Value
	}
	events, stop := s.Events.Subscribe()
	defer stop()
	mode := "listen"
	if !s.Events.Listening() {
		mode = "poll"
	}
	if _, err := fmt.Fprintf(w, "retry: 2000\nevent: hello\ndata: %s\n\n", mode); err != nil {
		return nil
	}
	w.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	ctx := c.Request().Context()
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case <-s.Events.closed:
			return nil
		case id := <-events:
			_, err = fmt.Fprintf(w, "event: escalation\ndata: %s\n\n", id)
		case <-ping.C:
			// A session that ended (logout, a disabled account) ends its stream too.
			if _, aerr := s.Accounts.Authenticate(ctx, token); assistant.ErrorCode(aerr) == assistant.EUNAUTHORIZED {
				return nil
			}
			_, err = fmt.Fprint(w, ": ping\n\n")
		}
		if err != nil {
			return nil
		}
		w.Flush()
	}
}
