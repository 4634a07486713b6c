package web

import (
	"context"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant/store"
)

type levelCount struct {
	Level              string
	Open, Overdue, New int
}

type countRow struct {
	Name  string
	Count int
	Share float64 // of the rows' total
}

// shift is how the last day went.
type shift struct {
	Messages, Conversations, Escalated int
	EscalationRate                     float64 // escalations opened per conversation that wrote
	Claimed                            int
	MedianClaim, P90Claim              string // from opening to the first claim
	Breaches                           int    // claimed (or, unclaimed, resolved or still waiting) after the due time
	Outcomes, Sentiment, Languages     []countRow
}

type dashboardView struct {
	Levels    []levelCount
	ClaimedBy []countRow
	Day       shift
}

// dashboard is the lead's view: the queue now by level, who holds what, and the last 24 hours:
// volumes, escalation rate, time to claim, SLA breaches, outcomes, and the sentiment and language mix.
func (s *server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	var v dashboardView
	now := s.Now()
	since := now.Add(-24 * time.Hour)
	rows, err := s.Pool.Query(ctx, `
		SELECT level, count(*), count(*) FILTER (WHERE due_at < $1), count(*) FILTER (WHERE claimed_by IS NULL)
		FROM escalations WHERE status = 'open' GROUP BY level ORDER BY min(priority)`, now)
	if err != nil {
		return store.Classify("web: dashboard", err)
	}
	if v.Levels, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (levelCount, error) {
		var l levelCount
		return l, r.Scan(&l.Level, &l.Open, &l.Overdue, &l.New)
	}); err != nil {
		return store.Classify("web: dashboard", err)
	}
	if v.ClaimedBy, err = s.counts(ctx, `SELECT u.email, count(*) FROM escalations e JOIN users u ON u.id::text = e.claimed_by
		WHERE e.status = 'open' GROUP BY u.email ORDER BY count(*) DESC, u.email`); err != nil {
		return err
	}
	d := &v.Day
	for _, q := range []struct {
		dst *[]countRow
		sql string
	}{
		{&d.Outcomes, `SELECT outcome, count(*) FROM escalations WHERE status = 'resolved' AND resolved_at > $1
			GROUP BY outcome ORDER BY count(*) DESC, outcome`},
		{&d.Sentiment, `SELECT sentiment, count(*) FROM assessments WHERE created_at > $1 GROUP BY sentiment ORDER BY count(*) DESC, sentiment`},
		{&d.Languages, `SELECT coalesce(language, 'unknown'), count(*) FROM messages WHERE direction = 'inbound' AND created_at > $1
			GROUP BY 1 ORDER BY count(*) DESC, 1`},
	} {
		if *q.dst, err = s.counts(ctx, q.sql, since); err != nil {
			return err
		}
	}
	err = s.Pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT conversation_id) FROM messages WHERE direction = 'inbound' AND created_at > $1`,
		since).Scan(&d.Messages, &d.Conversations)
	if err != nil {
		return store.Classify("web: dashboard", err)
	}
	// The first claim of each escalation opened in the window, from its history of actions.
	var median, p90 *float64
	err = s.Pool.QueryRow(ctx, `
		WITH e AS (
			SELECT e.id, e.created_at, e.due_at, e.resolved_at,
			       (SELECT min(n.created_at) FROM escalation_notes n WHERE n.escalation_id = e.id AND n.kind = 'claim') AS first_claim
			FROM escalations e WHERE e.created_at > $1)
		SELECT count(*), count(first_claim),
		       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_claim - created_at)),
		       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_claim - created_at)),
		       count(*) FILTER (WHERE coalesce(first_claim, resolved_at, $2) > due_at)
		FROM e`, since, now).Scan(&d.Escalated, &d.Claimed, &median, &p90, &d.Breaches)
	if err != nil {
		return store.Classify("web: dashboard", err)
	}
	if d.Conversations > 0 {
		d.EscalationRate = float64(d.Escalated) / float64(d.Conversations)
	}
	if median != nil {
		d.MedianClaim, d.P90Claim = duration(time.Duration(*median*float64(time.Second))), duration(time.Duration(*p90*float64(time.Second)))
	}
	return s.render(c, http.StatusOK, "dashboard", v)
}

// counts runs a (name, count) query and adds each row's share of the total.
func (s *server) counts(ctx context.Context, sql string, args ...any) ([]countRow, error) {
	rows, err := s.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, store.Classify("web: dashboard", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (countRow, error) {
		var cr countRow
		return cr, r.Scan(&cr.Name, &cr.Count)
	})
	total := 0
	for _, r := range out {
		total += r.Count
	}
	for i := range out {
		out[i].Share = float64(out[i].Count) / float64(max(1, total))
	}
	return out, store.Classify("web: dashboard", err)
}
