package escalation_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/store/storetest"
)

// actor creates a console user with a cheap hasher and returns it as an Actor.
func actor(t *testing.T, s *storetest.Schema, email, role string) escalation.Actor {
	t.Helper()
	u, err := account.NewStore(s.Pool).WithHasher(account.Hasher{Time: 1, Memory: 1024, Threads: 1}).
		Create(context.Background(), email, role, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return escalation.Actor{ID: u.ID, Email: u.Email, Role: u.Role, IP: "192.0.2.1"}
}

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := assistant.ErrorCode(err); got != want {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, want)
	}
}

func count(t *testing.T, s *storetest.Schema, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// conversationOf returns an escalation's conversation.
func conversationOf(t *testing.T, s *storetest.Schema, id string) string {
	t.Helper()
	var conv string
	if err := s.Pool.QueryRow(context.Background(), `SELECT conversation_id FROM escalations WHERE id = $1`, id).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	return conv
}

func mustClaim(t *testing.T, st *escalation.Store, a escalation.Actor, id string) escalation.Escalation {
	t.Helper()
	e, err := st.Claim(context.Background(), a, id)
	if err != nil {
		t.Fatalf("claim %s by %s: %v", id, a.Email, err)
	}
	return e
}

func ids(es []escalation.Escalation) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// Five nurses click every one of ten escalations at once: each escalation has exactly one owner,
// and only the winning claims leave a trace.
func TestConcurrentClaim(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	var nurses []escalation.Actor
	for i := range 5 {
		nurses = append(nurses, actor(t, s, fmt.Sprintf("nurse%d@clinic.test", i), "nurse"))
	}
	var escs []string
	for i := range 10 {
		conv := conversation(t, s, fmt.Sprintf("+1555010%04d", i))
		escs = append(escs, enqueue(t, st, s, conv, "urgent", time.Now(), "urgency:urgent").Escalation.ID)
	}

	type result struct {
		id, by string
		e      escalation.Escalation
		err    error
	}
	results := make(chan result, len(escs)*len(nurses))
	var wg sync.WaitGroup
	for _, id := range escs {
		for _, n := range nurses {
			wg.Go(func() {
				e, err := st.Claim(ctx, n, id)
				results <- result{id, n.ID, e, err}
			})
		}
	}
	wg.Wait()
	close(results)

	winners := map[string]string{}
	conflicts := 0
	for r := range results {
		switch assistant.ErrorCode(r.err) {
		case "":
			if prev, ok := winners[r.id]; ok {
				t.Errorf("escalation %s claimed by %s and %s", r.id, prev, r.by)
			}
			winners[r.id] = r.by
			if r.e.ID != r.id || r.e.ClaimedBy == nil || *r.e.ClaimedBy != r.by || r.e.ClaimedAt == nil {
				t.Errorf("winning claim returned %+v", r.e)
			}
		case assistant.ECONFLICT:
			conflicts++
		default:
			t.Errorf("claim %s: %v", r.id, r.err)
		}
	}
	if len(winners) != 10 || conflicts != 40 {
		t.Fatalf("%d claims succeeded, %d conflicted; want 10 and 40", len(winners), conflicts)
	}
	for id, by := range winners {
		e, err := st.Get(ctx, id)
		if err != nil || e.ClaimedBy == nil || *e.ClaimedBy != by {
			t.Errorf("escalation %s: %+v %v; want claimed by %s", id, e, err, by)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'claim'`); n != 10 {
		t.Errorf("%d claim audit rows, want 10", n)
	}
	if n := count(t, s, `SELECT count(*) FROM escalation_notes WHERE kind = 'claim'`); n != 10 {
		t.Errorf("%d claim notes, want 10", n)
	}
	// The audit rows name the winners, not the losers.
	rows, err := s.Pool.Query(ctx, `SELECT detail->>'escalation_id', actor_id::text FROM audit_log WHERE action = 'claim'`)
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]string{}
	for rows.Next() {
		var id, by string
		if err := rows.Scan(&id, &by); err != nil {
			t.Fatal(err)
		}
		audited[id] = by
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(audited) != fmt.Sprint(winners) {
		t.Errorf("audited claims %v, winners %v", audited, winners)
	}
}

// Nurses asking for the next patient at once each get a different one, most urgent first.
func TestNext(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

	open := func(phone, level string, at time.Time) string {
		return enqueue(t, st, s, conversation(t, s, phone), level, at, "urgency:"+level).Escalation.ID
	}
	routine := open("+15550200001", "routine", t0.Add(-2*time.Hour))
	urgentLater := open("+15550200002", "urgent", t0)                        // due t0+30m
	emergencyLater := open("+15550200003", "emergency", t0.Add(time.Minute)) // due t0+6m
	emergencyFirst := open("+15550200004", "emergency", t0)                  // due t0+5m
	urgentOverdue := open("+15550200005", "urgent", t0.Add(-40*time.Minute)) // due t0-10m
	soon := open("+15550200006", "soon", t0)                                 // due t0+4h
	// Opened first but raised later: due time, not age, puts it after urgentOverdue.
	raised := open("+15550200007", "routine", t0.Add(-3*time.Hour))
	enqueue(t, st, s, conversationOf(t, s, raised), "urgent", t0.Add(-35*time.Minute), "urgency:urgent") // due t0-5m
	want := []string{emergencyFirst, emergencyLater, urgentOverdue, raised, urgentLater, soon, routine}

	var nurses []escalation.Actor
	// Three, so that the last one taken at once is where due time and age disagree.
	for i := range 3 {
		nurses = append(nurses, actor(t, s, fmt.Sprintf("next%d@clinic.test", i), "nurse"))
	}
	got := make([]escalation.Escalation, len(nurses))
	errs := make([]error, len(nurses))
	var wg sync.WaitGroup
	for i, n := range nurses {
		wg.Go(func() { got[i], errs[i] = st.Next(ctx, n) })
	}
	wg.Wait()
	for i, e := range got {
		if errs[i] != nil {
			t.Fatalf("next for %s: %v", nurses[i].Email, errs[i])
		}
		if e.ClaimedBy == nil || *e.ClaimedBy != nurses[i].ID {
			t.Errorf("next for %s returned %+v, not claimed by them", nurses[i].Email, e)
		}
	}
	// Every taker takes the most urgent row nobody holds, so those taken are the most urgent ones.
	taken := ids(got)
	slices.Sort(taken)
	top := slices.Clone(want[:len(nurses)])
	slices.Sort(top)
	if !slices.Equal(taken, top) {
		t.Fatalf("concurrent next took %v, want the most urgent %v", taken, top)
	}

	for _, id := range want[len(nurses):] {
		e, err := st.Next(ctx, nurses[0])
		if err != nil || e.ID != id {
			t.Fatalf("next: %s %v, want %s", e.ID, err, id)
		}
	}
	_, err := st.Next(ctx, nurses[0])
	wantCode(t, "next on an empty queue", err, assistant.ENOTFOUND)
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'claim' AND detail->>'next' = 'true'`); n != len(want) {
		t.Errorf("%d next audit rows, want %d", n, len(want))
	}
}

// More nurses than patients: every patient is taken once, the others hear there is nobody waiting.
func TestNextMoreNursesThanPatients(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	for i := range 3 {
		enqueue(t, st, s, conversation(t, s, fmt.Sprintf("+1555025%04d", i)), "urgent", time.Now(), "urgency:urgent")
	}
	var nurses []escalation.Actor
	for i := range 8 {
		nurses = append(nurses, actor(t, s, fmt.Sprintf("many%d@clinic.test", i), "nurse"))
	}
	got := make([]escalation.Escalation, len(nurses))
	errs := make([]error, len(nurses))
	var wg sync.WaitGroup
	for i, n := range nurses {
		wg.Go(func() { got[i], errs[i] = st.Next(ctx, n) })
	}
	wg.Wait()
	taken := map[string]bool{}
	for i, err := range errs {
		switch assistant.ErrorCode(err) {
		case "":
			if taken[got[i].ID] {
				t.Errorf("escalation %s given twice", got[i].ID)
			}
			taken[got[i].ID] = true
		case assistant.ENOTFOUND:
		default:
			t.Errorf("next: %v", err)
		}
	}
	if len(taken) != 3 {
		t.Errorf("%d escalations taken, want 3", len(taken))
	}
	if n := count(t, s, `SELECT count(*) FROM escalations WHERE claimed_by IS NULL`); n != 0 {
		t.Errorf("%d escalations left unclaimed", n)
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	a := actor(t, s, "a@clinic.test", "nurse")
	b := actor(t, s, "b@clinic.test", "nurse")
	lead := actor(t, s, "lead@clinic.test", "lead")
	admin := actor(t, s, "admin@clinic.test", "admin")
	now := time.Now()
	claimed := enqueue(t, st, s, conversation(t, s, "+15550300001"), "urgent", now, "urgency:urgent").Escalation.ID
	unclaimed := enqueue(t, st, s, conversation(t, s, "+15550300002"), "soon", now, "urgency:soon").Escalation.ID
	mustClaim(t, st, a, claimed)

	// Another nurse may not touch a's claim, and nobody may close what nobody claimed.
	_, err := st.Release(ctx, b, claimed)
	wantCode(t, "release another's claim", err, assistant.EFORBIDDEN)
	_, err = st.Resolve(ctx, b, claimed, "answered", "")
	wantCode(t, "resolve another's claim", err, assistant.EFORBIDDEN)
	_, err = st.HandBack(ctx, b, claimed, "")
	wantCode(t, "hand back another's claim", err, assistant.EFORBIDDEN)
	_, err = st.Reprioritize(ctx, b, claimed, "emergency", "sounds worse")
	wantCode(t, "reprioritize another's claim", err, assistant.EFORBIDDEN)
	_, err = st.Claim(ctx, b, claimed)
	wantCode(t, "claim a claimed one", err, assistant.ECONFLICT)
	_, err = st.Resolve(ctx, b, unclaimed, "answered", "")
	wantCode(t, "resolve unclaimed", err, assistant.EFORBIDDEN)
	if !strings.Contains(assistant.ErrorMessage(err), "claim it first") {
		t.Errorf("resolve unclaimed: message %q, want \"claim it first\"", assistant.ErrorMessage(err))
	}
	_, err = st.Reprioritize(ctx, b, unclaimed, "urgent", "sounds worse")
	wantCode(t, "reprioritize unclaimed", err, assistant.EFORBIDDEN)
	_, err = st.HandBack(ctx, b, unclaimed, "")
	wantCode(t, "hand back unclaimed", err, assistant.EFORBIDDEN)
	_, err = st.Release(ctx, b, unclaimed)
	wantCode(t, "release unclaimed", err, assistant.ECONFLICT)
	_, err = st.Release(ctx, lead, unclaimed)
	wantCode(t, "lead releases unclaimed", err, assistant.ECONFLICT)

	// Refusals change nothing and leave no trace.
	if e, err := st.Get(ctx, claimed); err != nil || e.Status != "open" || e.Level != "urgent" || e.ClaimedBy == nil || *e.ClaimedBy != a.ID {
		t.Fatalf("after refusals: %+v %v", e, err)
	}
	if e, err := st.Get(ctx, unclaimed); err != nil || e.Status != "open" || e.ClaimedBy != nil {
		t.Fatalf("after refusals: %+v %v", e, err)
	}
	for _, q := range []string{`SELECT count(*) FROM audit_log WHERE actor_id = $1`, `SELECT count(*) FROM escalation_notes WHERE author_id = $1`} {
		if n := count(t, s, q, b.ID); n != 0 {
			t.Errorf("%s: %d rows after refused actions", q, n)
		}
	}

	// A nurse may act on an unclaimed one only by claiming it; any nurse may note it.
	if err := st.AddNote(ctx, b, claimed, "seen by b"); err != nil {
		t.Errorf("note on another's claim: %v", err)
	}

	// The owner may give it back, and claim it again.
	if e, err := st.Release(ctx, a, claimed); err != nil || e.ClaimedBy != nil || e.Status != "open" {
		t.Fatalf("owner releases: %+v %v", e, err)
	}
	mustClaim(t, st, a, claimed)

	// A lead (and an admin) may act on anyone's.
	e, err := st.Reprioritize(ctx, lead, claimed, "emergency", "lead says so")
	if err != nil || e.Level != "emergency" || e.ClaimedBy == nil || *e.ClaimedBy != a.ID {
		t.Fatalf("lead reprioritizes: %+v %v", e, err)
	}
	if e, err = st.Release(ctx, lead, claimed); err != nil || e.ClaimedBy != nil || e.ClaimedAt != nil || e.Status != "open" {
		t.Fatalf("lead releases: %+v %v", e, err)
	}
	mustClaim(t, st, a, claimed)
	if e, err = st.HandBack(ctx, admin, claimed, "admin closes"); err != nil || e.Status != "resolved" {
		t.Fatalf("admin hands back: %+v %v", e, err)
	}
	if e, err = st.Resolve(ctx, lead, unclaimed, "duplicate", ""); err != nil || e.Status != "resolved" {
		t.Fatalf("lead resolves unclaimed: %+v %v", e, err)
	}

	// Resolved: everything conflicts, for a lead too.
	resolved := claimed
	for _, who := range []escalation.Actor{a, lead} {
		_, err = st.Claim(ctx, who, resolved)
		wantCode(t, "claim resolved", err, assistant.ECONFLICT)
		_, err = st.Release(ctx, who, resolved)
		wantCode(t, "release resolved", err, assistant.ECONFLICT)
		_, err = st.Resolve(ctx, who, resolved, "answered", "")
		wantCode(t, "resolve resolved", err, assistant.ECONFLICT)
		_, err = st.HandBack(ctx, who, resolved, "")
		wantCode(t, "hand back resolved", err, assistant.ECONFLICT)
		_, err = st.Reprioritize(ctx, who, resolved, "urgent", "again")
		wantCode(t, "reprioritize resolved", err, assistant.ECONFLICT)
		wantCode(t, "note resolved", st.AddNote(ctx, who, resolved, "late note"), assistant.ECONFLICT)
	}

	// Unknown and malformed ids are not found, never internal errors.
	for _, id := range []string{"7d1c3b2a-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "not-a-uuid", ""} {
		_, err = st.Get(ctx, id)
		wantCode(t, "get "+id, err, assistant.ENOTFOUND)
		_, err = st.Claim(ctx, lead, id)
		wantCode(t, "claim "+id, err, assistant.ENOTFOUND)
		_, err = st.Release(ctx, lead, id)
		wantCode(t, "release "+id, err, assistant.ENOTFOUND)
		_, err = st.Resolve(ctx, lead, id, "answered", "")
		wantCode(t, "resolve "+id, err, assistant.ENOTFOUND)
		_, err = st.HandBack(ctx, lead, id, "")
		wantCode(t, "hand back "+id, err, assistant.ENOTFOUND)
		_, err = st.Reprioritize(ctx, lead, id, "urgent", "why")
		wantCode(t, "reprioritize "+id, err, assistant.ENOTFOUND)
		wantCode(t, "note "+id, st.AddNote(ctx, lead, id, "note"), assistant.ENOTFOUND)
	}
}

func TestInvalidInput(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	a := actor(t, s, "a@clinic.test", "nurse")
	id := enqueue(t, st, s, conversation(t, s, "+15550400001"), "urgent", time.Now(), "urgency:urgent").Escalation.ID
	mustClaim(t, st, a, id)
	// Runes, not bytes: é is two bytes.
	tooLong := strings.Repeat("é", escalation.MaxNote+1)
	longest := strings.Repeat("é", escalation.MaxNote)

	_, err := st.Resolve(ctx, a, id, "cured", "")
	wantCode(t, "unknown outcome", err, assistant.EINVALID)
	_, err = st.Resolve(ctx, a, id, escalation.OutcomeHandedBack, "")
	wantCode(t, "handed_back is HandBack's outcome", err, assistant.EINVALID)
	_, err = st.Resolve(ctx, a, id, "answered", tooLong)
	wantCode(t, "resolve note too long", err, assistant.EINVALID)
	_, err = st.HandBack(ctx, a, id, tooLong)
	wantCode(t, "hand back note too long", err, assistant.EINVALID)
	_, err = st.Reprioritize(ctx, a, id, "critical", "reason")
	wantCode(t, "unknown level", err, assistant.EINVALID)
	_, err = st.Reprioritize(ctx, a, id, "emergency", " \n\t")
	wantCode(t, "blank reason", err, assistant.EINVALID)
	_, err = st.Reprioritize(ctx, a, id, "emergency", tooLong)
	wantCode(t, "reason too long", err, assistant.EINVALID)
	wantCode(t, "empty note", st.AddNote(ctx, a, id, "  "), assistant.EINVALID)
	wantCode(t, "note too long", st.AddNote(ctx, a, id, tooLong), assistant.EINVALID)

	if e, err := st.Get(ctx, id); err != nil || e.Status != "open" || e.Level != "urgent" {
		t.Fatalf("after invalid input: %+v %v", e, err)
	}
	if n := count(t, s, `SELECT count(*) FROM escalation_notes WHERE kind <> 'claim'`); n != 0 {
		t.Fatalf("%d notes written by invalid calls", n)
	}
	if err := st.AddNote(ctx, a, id, longest); err != nil {
		t.Fatalf("note of MaxNote runes: %v", err)
	}
}

func TestResolveHandBackReprioritize(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	// Distinct service levels, so that the due time shows which one was used.
	sla := escalation.SLA{Emergency: time.Minute, Urgent: 7 * time.Minute, Soon: time.Hour, Routine: 48 * time.Hour}
	st := escalation.NewStore(s.Pool, sla)
	ctx := context.Background()
	a := actor(t, s, "a@clinic.test", "nurse")
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

	// Resolve, then a new message opens a new escalation.
	conv := conversation(t, s, "+15550500001")
	first := enqueue(t, st, s, conv, "urgent", t0, "urgency:urgent").Escalation
	mustClaim(t, st, a, first.ID)
	e, err := st.Resolve(ctx, a, first.ID, "advice_given", "rest and fluids")
	if err != nil || e.Status != "resolved" || e.Outcome == nil || *e.Outcome != "advice_given" || e.ResolvedAt == nil {
		t.Fatalf("resolve: %+v %v", e, err)
	}
	if o, err := st.Open(ctx, conv); o != nil || err != nil {
		t.Fatalf("open after resolve: %+v %v", o, err)
	}
	ch := enqueue(t, st, s, conv, "soon", t0.Add(time.Hour), "urgency:soon")
	if !ch.Created || ch.Escalation.ID == first.ID || ch.Escalation.Status != "open" || ch.Escalation.ClaimedBy != nil {
		t.Fatalf("enqueue after resolve: %+v", ch)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'resolve' AND target = $1 AND detail->>'outcome' = 'advice_given'
		AND detail->>'escalation_id' = $2`, conv, first.ID); n != 1 {
		t.Errorf("%d resolve audit rows, want 1", n)
	}

	// Hand back likewise.
	conv2 := conversation(t, s, "+15550500002")
	second := enqueue(t, st, s, conv2, "routine", t0, "asked_for_human").Escalation
	mustClaim(t, st, a, second.ID)
	e, err = st.HandBack(ctx, a, second.ID, "")
	if err != nil || e.Status != "resolved" || e.Outcome == nil || *e.Outcome != escalation.OutcomeHandedBack || e.ResolvedAt == nil {
		t.Fatalf("hand back: %+v %v", e, err)
	}
	if ch := enqueue(t, st, s, conv2, "routine", t0.Add(time.Hour), "asked_for_human"); !ch.Created || ch.Escalation.ID == second.ID {
		t.Fatalf("enqueue after hand back: %+v", ch)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'hand_back' AND detail->>'outcome' = 'handed_back'`); n != 1 {
		t.Errorf("%d hand_back audit rows, want 1", n)
	}

	// Reprioritize: due time is the new level's SLA from when it opened, and the claim stays.
	conv3 := conversation(t, s, "+15550500003")
	third := enqueue(t, st, s, conv3, "routine", t0, "asked_for_human").Escalation
	mustClaim(t, st, a, third.ID)
	for _, c := range []struct {
		level    string
		priority int
		due      time.Duration
	}{{"urgent", 2, 7 * time.Minute}, {"emergency", 1, time.Minute}, {"self_care", 5, 48 * time.Hour}, {"soon", 3, time.Hour}} {
		e, err := st.Reprioritize(ctx, a, third.ID, c.level, "called back: "+c.level)
		if err != nil {
			t.Fatalf("reprioritize to %s: %v", c.level, err)
		}
		if e.Level != c.level || e.Priority != c.priority || !e.DueAt.Equal(third.CreatedAt.Add(c.due)) || !e.CreatedAt.Equal(t0) ||
			e.Status != "open" || e.ClaimedBy == nil || *e.ClaimedBy != a.ID {
			t.Errorf("reprioritize to %s: %+v; want priority %d due %v", c.level, e, c.priority, t0.Add(c.due))
		}
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'priority_change' AND detail->>'from' = 'routine' AND detail->>'to' = 'urgent'`); n != 1 {
		t.Errorf("%d priority_change rows routine→urgent, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM escalation_notes WHERE kind = 'priority' AND escalation_id = $1`, third.ID); n != 4 {
		t.Errorf("%d priority notes, want 4", n)
	}
}

func TestReplyTx(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	a := actor(t, s, "a@clinic.test", "nurse")
	b := actor(t, s, "b@clinic.test", "nurse")
	lead := actor(t, s, "lead@clinic.test", "lead")
	conv := conversation(t, s, "+15550600001")
	id := enqueue(t, st, s, conv, "urgent", time.Now(), "urgency:urgent").Escalation.ID

	// reply stores a nurse's message and checks the escalation in one transaction, as the console does.
	reply := func(who escalation.Actor, id string) (string, error) {
		var msg string
		err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `INSERT INTO messages (conversation_id, direction, channel, body, author, author_id)
				VALUES ($1, 'outbound', 'api', 'Please call us.', 'nurse', $2) RETURNING id`, conv, who.ID).Scan(&msg); err != nil {
				return err
			}
			_, err := st.ReplyTx(ctx, tx, who, id, msg)
			return err
		})
		return msg, err
	}

	_, err := reply(a, id)
	wantCode(t, "reply to unclaimed", err, assistant.EFORBIDDEN)
	mustClaim(t, st, a, id)
	msg, err := reply(a, id)
	if err != nil {
		t.Fatalf("owner replies: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'reply' AND actor_id = $1 AND target = $2
		AND detail->>'message_id' = $3 AND detail->>'escalation_id' = $4`, a.ID, conv, msg, id); n != 1 {
		t.Errorf("%d reply audit rows for the owner's message, want 1", n)
	}
	_, err = reply(b, id)
	wantCode(t, "another nurse replies", err, assistant.EFORBIDDEN)
	_, err = reply(lead, id)
	wantCode(t, "lead replies without claiming", err, assistant.EFORBIDDEN)
	// The refused replies rolled back with their messages.
	if n := count(t, s, `SELECT count(*) FROM messages WHERE author_id <> $1`, a.ID); n != 0 {
		t.Errorf("%d messages of refused replies stored", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'reply'`); n != 1 {
		t.Errorf("%d reply audit rows, want 1", n)
	}

	_, err = reply(a, "not-a-uuid")
	wantCode(t, "reply to malformed id", err, assistant.ENOTFOUND)
	_, err = reply(a, "7d1c3b2a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
	wantCode(t, "reply to unknown id", err, assistant.ENOTFOUND)
	if _, err := st.Resolve(ctx, a, id, "answered", ""); err != nil {
		t.Fatal(err)
	}
	_, err = reply(a, id)
	wantCode(t, "reply to resolved", err, assistant.ECONFLICT)
}

func TestNotes(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	a := actor(t, s, "a@clinic.test", "nurse")
	b := actor(t, s, "b@clinic.test", "nurse")
	conv := conversation(t, s, "+15550700001")
	id := enqueue(t, st, s, conv, "soon", time.Now(), "urgency:soon").Escalation.ID

	if notes, err := st.Notes(ctx, conv); err != nil || len(notes) != 0 {
		t.Fatalf("notes before any: %+v %v", notes, err)
	}
	mustClaim(t, st, a, id)
	steps := []func() error{
		func() error { return st.AddNote(ctx, b, id, "knows the patient: asthma") },
		func() error { _, err := st.Reprioritize(ctx, a, id, "urgent", "wheezing on the phone"); return err },
		func() error { return st.AddNote(ctx, a, id, "inhaler used twice") },
		func() error { _, err := st.Resolve(ctx, a, id, "sent_to_emergency", "sent to A&E"); return err },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	wantCode(t, "note on resolved", st.AddNote(ctx, a, id, "too late"), assistant.ECONFLICT)

	notes, err := st.Notes(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	want := []escalation.Note{
		{Kind: "claim", Body: "", AuthorEmail: a.Email},
		{Kind: "note", Body: "knows the patient: asthma", AuthorEmail: b.Email},
		{Kind: "priority", Body: "wheezing on the phone", AuthorEmail: a.Email},
		{Kind: "note", Body: "inhaler used twice", AuthorEmail: a.Email},
		{Kind: "resolve", Body: "sent to A&E", AuthorEmail: a.Email},
	}
	if len(notes) != len(want) {
		t.Fatalf("notes %+v, want %d", notes, len(want))
	}
	for i, n := range notes {
		if n.Kind != want[i].Kind || n.Body != want[i].Body || n.AuthorEmail != want[i].AuthorEmail || n.ID == 0 || n.At.IsZero() {
			t.Errorf("note %d: %+v, want %+v", i, n, want[i])
		}
		if i > 0 && (n.At.Before(notes[i-1].At) || n.ID <= notes[i-1].ID) {
			t.Errorf("note %d is not after note %d", i, i-1)
		}
	}
	if other, err := st.Notes(ctx, conversation(t, s, "+15550700002")); err != nil || len(other) != 0 {
		t.Errorf("another conversation's notes: %+v %v", other, err)
	}
}

func TestQueue(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := escalation.NewStore(s.Pool, escalation.DefaultSLA)
	ctx := context.Background()
	a := actor(t, s, "a@clinic.test", "nurse")
	b := actor(t, s, "b@clinic.test", "nurse")
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

	type conv struct{ conv, esc string }
	open := func(phone, level string, at time.Time) conv {
		c := conversation(t, s, phone)
		return conv{c, enqueue(t, st, s, c, level, at, "urgency:"+level).Escalation.ID}
	}
	emergency := open("+15550800001", "emergency", t0)
	urgentOverdue := open("+15550800002", "urgent", t0.Add(-time.Hour))
	urgent := open("+15550800003", "urgent", t0)
	routine := open("+15550800004", "routine", t0.Add(-3*time.Hour))
	// Opened before urgentOverdue but raised later, so due after it.
	raised := open("+15550800006", "soon", t0.Add(-2*time.Hour))
	enqueue(t, st, s, raised.conv, "urgent", t0.Add(-50*time.Minute), "urgency:urgent") // due t0-20m
	done := open("+15550800005", "emergency", t0.Add(-time.Hour))
	mustClaim(t, st, a, emergency.esc)
	mustClaim(t, st, b, urgent.esc)
	mustClaim(t, st, a, done.esc)
	if _, err := st.Resolve(ctx, a, done.esc, "answered", ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE conversations SET language = 'en' WHERE id = $1`, []any{emergency.conv}},
		{`UPDATE conversations SET language = 'es' WHERE id = ANY($1)`, []any{[]string{urgentOverdue.conv, urgent.conv}}},
		{`UPDATE contacts SET name = 'Ana' WHERE id = (SELECT contact_id FROM conversations WHERE id = $1)`, []any{emergency.conv}},
	} {
		if _, err := s.Pool.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	// Six assessed messages: the queue shows the latest five scores, oldest first.
	for i, score := range []float64{-1, -0.5, -0.25, 0, 0.25, 0.5} {
		if _, err := s.Pool.Exec(ctx, `
			WITH m AS (INSERT INTO messages (conversation_id, direction, channel, body) VALUES ($1, 'inbound', 'api', 'it hurts') RETURNING id)
			INSERT INTO assessments (message_id, conversation_id, urgency, intent, sentiment, sentiment_score, source, rules, created_at)
			SELECT id, $1, 'urgent', 'symptom', 'negative', $2, 'rules', '{}', $3 FROM m`,
			urgentOverdue.conv, score, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}

	queue := func(f escalation.QueueFilter) []escalation.QueueItem {
		t.Helper()
		items, err := st.Queue(ctx, f)
		if err != nil {
			t.Fatalf("queue %+v: %v", f, err)
		}
		return items
	}
	escIDs := func(items []escalation.QueueItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}

	all := queue(escalation.QueueFilter{})
	if got, want := escIDs(all), []string{emergency.esc, urgentOverdue.esc, raised.esc, urgent.esc, routine.esc}; !slices.Equal(got, want) {
		t.Fatalf("queue %v, want %v (priority, then due; resolved left out)", got, want)
	}
	byID := map[string]escalation.QueueItem{}
	for _, it := range all {
		byID[it.ID] = it
		if it.Channel != "api" || it.LastActivity.IsZero() || it.Status != "open" {
			t.Errorf("item %+v", it)
		}
	}
	if it := byID[emergency.esc]; it.ClaimedEmail != a.Email || it.Language != "en" || it.ContactName != "Ana" || it.ConversationID != emergency.conv {
		t.Errorf("claimed item %+v", it)
	}
	if it := byID[urgent.esc]; it.ClaimedEmail != b.Email || it.Language != "es" {
		t.Errorf("claimed item %+v", it)
	}
	if it := byID[routine.esc]; it.ClaimedEmail != "" || it.Language != "" || it.ContactName != "" || it.ClaimedBy != nil {
		t.Errorf("unclaimed item without language %+v", it)
	}
	if got, want := byID[urgentOverdue.esc].Scores, []float64{-0.5, -0.25, 0, 0.25, 0.5}; !slices.Equal(got, want) {
		t.Errorf("scores %v, want %v", got, want)
	}
	if got := byID[routine.esc].Scores; len(got) != 0 {
		t.Errorf("scores without assessments: %v", got)
	}
	if got := byID[routine.esc].Reasons; len(got) != 1 || got[0].Code != "urgency:routine" {
		t.Errorf("reasons %+v", got)
	}

	for _, c := range []struct {
		f    escalation.QueueFilter
		want []string
	}{
		{escalation.QueueFilter{Unclaimed: true}, []string{urgentOverdue.esc, raised.esc, routine.esc}},
		{escalation.QueueFilter{ClaimedBy: a.ID}, []string{emergency.esc}},
		{escalation.QueueFilter{ClaimedBy: b.ID}, []string{urgent.esc}},
		{escalation.QueueFilter{Level: "urgent"}, []string{urgentOverdue.esc, raised.esc, urgent.esc}},
		{escalation.QueueFilter{Level: "soon"}, nil},
		{escalation.QueueFilter{Language: "es"}, []string{urgentOverdue.esc, urgent.esc}},
		{escalation.QueueFilter{Language: "es", Unclaimed: true}, []string{urgentOverdue.esc}},
		{escalation.QueueFilter{Limit: 2}, []string{emergency.esc, urgentOverdue.esc}},
	} {
		if got := escIDs(queue(c.f)); !slices.Equal(got, c.want) {
			t.Errorf("queue %+v: %v, want %v", c.f, got, c.want)
		}
	}
	_, err := st.Queue(ctx, escalation.QueueFilter{Level: "critical"})
	wantCode(t, "queue of an unknown level", err, assistant.EINVALID)
}
