package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/riverqueue/river"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store"
)

// groupCommit lets concurrent callers share transactions, as PostgreSQL's own group commit shares WAL
// flushes. A caller queues its message and, if fewer than maxFlushers are running, starts a flusher,
// which commits what is queued, up to maxBatch messages a transaction, until the queue is empty. Alone,
// a message is committed at once, with no added wait; in a burst, one transaction carries many. Every
// caller returns only after the transaction holding its message has committed or failed.
type groupCommit struct {
	maxBatch, maxFlushers int

	mu       sync.Mutex
	queue    []*intakeItem
	flushers int
}

type intakeItem struct {
	in   Inbound
	done chan intakeResult // buffered: the flusher never blocks on a caller that has gone
}

type intakeResult struct {
	acc Accepted
	err error
}

// batchTimeout bounds one transaction. Flushers run apart from any caller, so that one caller's
// cancellation cannot abort the messages of others.
const batchTimeout = 15 * time.Second

func (g *groupCommit) submit(ctx context.Context, in Inbound, commit func(context.Context, []*intakeItem)) (Accepted, error) {
	item := &intakeItem{in: in, done: make(chan intakeResult, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, item)
	if g.flushers < g.maxFlushers {
		g.flushers++
		go g.flush(context.WithoutCancel(ctx), commit)
	}
	g.mu.Unlock()

	select {
	case r := <-item.done:
		return r.acc, r.err
	case <-ctx.Done():
		// The message may still commit; a redelivery will then be answered as a duplicate.
		return Accepted{}, fmt.Errorf("conversation: accept: %w", ctx.Err())
	}
}

// flush commits queued batches until none is left.
func (g *groupCommit) flush(ctx context.Context, commit func(context.Context, []*intakeItem)) {
	for batch := g.next(); batch != nil; batch = g.next() {
		bctx, cancel := context.WithTimeout(ctx, batchTimeout)
		commit(bctx, batch)
		cancel()
	}
}

// next takes up to maxBatch queued messages, or retires the flusher when none are left.
func (g *groupCommit) next() []*intakeItem {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		g.flushers--
		return nil
	}
	n := min(len(g.queue), g.maxBatch)
	batch := slices.Clone(g.queue[:n])
	g.queue = slices.Delete(g.queue, 0, n)
	return batch
}

// commitBatch stores a batch in one transaction and answers every caller in it. When the transaction
// fails for a reason other than the database being unavailable, each message is retried in a
// transaction of its own, so that one message that cannot be stored does not hold back the others.
func (s *Store) commitBatch(ctx context.Context, batch []*intakeItem) {
	results, err := s.storeBatch(ctx, batch)
	if err != nil && len(batch) > 1 && !store.IsUnavailable(err) {
		for _, item := range batch {
			s.commitBatch(ctx, []*intakeItem{item})
		}
		return
	}
	for i, item := range batch {
		if err != nil {
			item.done <- intakeResult{err: store.Classify("conversation: accept", err)}
		} else {
			item.done <- intakeResult{acc: results[i]}
		}
	}
}

// storeBatch runs the transaction: every message's upserts and insert pipelined in one round trip,
// one River insert for the jobs of the new ones, the commit, then one query for the ids of the
// duplicates. A deadlock or serialization failure is retried.
func (s *Store) storeBatch(ctx context.Context, batch []*intakeItem) ([]Accepted, error) {
	// Concurrent batches take row locks in one global order (contact, then channel), so that they
	// queue behind each other instead of deadlocking.
	order := make([]int, len(batch))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := strings.Compare(batch[a].in.From, batch[b].in.From); c != 0 {
			return c
		}
		return strings.Compare(batch[a].in.Channel, batch[b].in.Channel)
	})

	var results []Accepted
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		results, err = s.tryStoreBatch(ctx, batch, order)
		if !isRetryable(err) {
			break
		}
	}
	return results, err
}

func (s *Store) tryStoreBatch(ctx context.Context, batch []*intakeItem, order []int) ([]Accepted, error) {
	results := make([]Accepted, len(batch))
	var dups []int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, i := range order {
			in := batch[i].in
			b.Queue(acceptSQL, in.From, nullable(in.Name), in.Channel, in.ChannelMessageID, in.Text, nullableTime(in.SentAt), in.provider(), in.Kind, in.Attachment)
		}
		br := tx.SendBatch(ctx, b)
		var jobs []river.InsertManyParams
		for _, i := range order {
			err := br.QueryRow().Scan(&results[i].MessageID, &results[i].ConversationID)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				dups = append(dups, i) // stored before, or earlier in this batch
			case err != nil:
				br.Close()
				return err
			case batch[i].in.Triaged():
				jobs = append(jobs, river.InsertManyParams{Args: ProcessArgs{MessageID: results[i].MessageID}})
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
		if len(jobs) > 0 {
			if _, err := s.jobs.InsertManyTx(ctx, tx, jobs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(dups) > 0 {
		if err := s.resolveDuplicates(ctx, batch, dups, results); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// resolveDuplicates fills in the stored ids of messages that were already there.
func (s *Store) resolveDuplicates(ctx context.Context, batch []*intakeItem, dups []int, results []Accepted) error {
	channels, ids := make([]string, len(dups)), make([]string, len(dups))
	for k, i := range dups {
		channels[k], ids[k] = batch[i].in.Channel, batch[i].in.ChannelMessageID
	}
	rows, err := s.pool.Query(ctx, `
		SELECT m.channel, m.channel_message_id, m.id, m.conversation_id
		FROM messages m JOIN unnest($1::text[], $2::text[]) AS d(channel, id)
		  ON m.channel = d.channel AND m.channel_message_id = d.id`, channels, ids)
	if err != nil {
		return err
	}
	found := map[[2]string]Accepted{}
	for rows.Next() {
		var channel, id string
		var acc Accepted
		if err := rows.Scan(&channel, &id, &acc.MessageID, &acc.ConversationID); err != nil {
			rows.Close()
			return err
		}
		acc.Duplicate = true
		found[[2]string{channel, id}] = acc
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, i := range dups {
		acc, ok := found[[2]string{batch[i].in.Channel, batch[i].in.ChannelMessageID}]
		if !ok {
			return assistant.Errorf(assistant.EINTERNAL, "a conflicting message is not stored")
		}
		results[i] = acc
	}
	return nil
}

// isRetryable reports a transaction that PostgreSQL aborted to break a deadlock or a serialization
// conflict: running it again is safe and will succeed.
func isRetryable(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}
