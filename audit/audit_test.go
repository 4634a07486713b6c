package audit_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/clinictriage/assistant/audit"
	"github.com/clinictriage/assistant/store/storetest"
)

const (
	aliceID = "1b4e28ba-2fa1-4d2a-8f3e-7c1d2e3f4a5b"
	bobID   = "9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
	conv1   = "conversation-1"
)

func record(t *testing.T, db audit.Execer, e audit.Entry) {
	t.Helper()
	if err := audit.Record(context.Background(), db, e); err != nil {
		t.Fatal(err)
	}
}

func actions(es []audit.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func TestRecordAndList(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	alice, bob := aliceID, bobID

	// An hour-old entry, written directly: Record always stamps now().
	if _, err := s.Pool.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_email, action, ip) VALUES (now() - interval '1 hour', $1, 'alice@clinic.test', 'login_success', '192.0.2.9')`, alice); err != nil {
		t.Fatal(err)
	}
	var cut time.Time
	if err := s.Pool.QueryRow(ctx, `SELECT now() - interval '30 minutes'`).Scan(&cut); err != nil {
		t.Fatal(err)
	}
	record(t, s.Pool, audit.Entry{ActorID: &alice, ActorEmail: "alice@clinic.test", Action: audit.ConversationView, Target: conv1, IP: "192.0.2.1",
		Detail: map[string]any{"tab": "notes"}})
	record(t, s.Pool, audit.Entry{ActorID: &bob, ActorEmail: "bob@clinic.test", Action: audit.Claim, Target: conv1, IP: "192.0.2.2"})
	// A failed login with an unknown e-mail has no actor id.
	record(t, s.Pool, audit.Entry{ActorEmail: "who@example.test", Action: audit.LoginFailure, IP: "198.51.100.7"})
	// An entry recorded in a transaction that rolls back is gone with it.
	rollback := errors.New("rollback")
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		record(t, tx, audit.Entry{ActorID: &bob, ActorEmail: "bob@clinic.test", Action: audit.Resolve, Target: conv1, IP: "192.0.2.2"})
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}

	list := func(f audit.Filter) []audit.Entry {
		t.Helper()
		es, err := audit.List(ctx, s.Pool, f)
		if err != nil {
			t.Fatalf("list %+v: %v", f, err)
		}
		return es
	}
	all := list(audit.Filter{})
	if got, want := actions(all), []string{audit.LoginFailure, audit.Claim, audit.ConversationView, audit.LoginSuccess}; !reflect.DeepEqual(got, want) {
		t.Fatalf("list %v, want %v (newest first)", got, want)
	}
	failure, claim, view, login := all[0], all[1], all[2], all[3]
	if failure.ActorID != nil || failure.ActorEmail != "who@example.test" || failure.Target != "" || failure.IP != "198.51.100.7" || len(failure.Detail) != 0 {
		t.Errorf("failed login entry %+v", failure)
	}
	if claim.ActorID == nil || *claim.ActorID != bob || claim.Target != conv1 || claim.ID == 0 || claim.At.IsZero() {
		t.Errorf("claim entry %+v", claim)
	}
	if view.Detail["tab"] != "notes" || view.ActorID == nil || *view.ActorID != alice {
		t.Errorf("view entry %+v", view)
	}
	if !login.At.Before(cut) {
		t.Errorf("old entry at %v, not before %v", login.At, cut)
	}

	for _, c := range []struct {
		f    audit.Filter
		want []string
	}{
		{audit.Filter{Actor: "alice@clinic.test"}, []string{audit.ConversationView, audit.LoginSuccess}},
		{audit.Filter{Actor: "nobody@clinic.test"}, nil},
		{audit.Filter{Action: audit.Claim}, []string{audit.Claim}},
		{audit.Filter{Target: conv1}, []string{audit.Claim, audit.ConversationView}},
		{audit.Filter{Since: cut}, []string{audit.LoginFailure, audit.Claim, audit.ConversationView}},
		{audit.Filter{Until: cut}, []string{audit.LoginSuccess}},
		{audit.Filter{Actor: "alice@clinic.test", Since: cut}, []string{audit.ConversationView}},
		{audit.Filter{Action: audit.Resolve}, nil},
		{audit.Filter{Limit: 2}, []string{audit.LoginFailure, audit.Claim}},
	} {
		if got := actions(list(c.f)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("list %+v: %v, want %v", c.f, got, c.want)
		}
	}
}

// Nobody, not even the service's own role, can change or remove an entry.
func TestAppendOnly(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	alice := aliceID
	record(t, s.Pool, audit.Entry{ActorID: &alice, ActorEmail: "alice@clinic.test", Action: audit.LoginSuccess, IP: "192.0.2.1"})
	record(t, s.Pool, audit.Entry{ActorID: &alice, ActorEmail: "alice@clinic.test", Action: audit.Claim, Target: conv1, IP: "192.0.2.1",
		Detail: map[string]any{"escalation_id": "e1"}})
	before, err := audit.List(ctx, s.Pool, audit.Filter{})
	if err != nil || len(before) != 2 {
		t.Fatalf("list: %+v %v", before, err)
	}

	for _, q := range []string{
		`UPDATE audit_log SET actor_email = 'mallory@clinic.test'`,
		`UPDATE audit_log SET detail = '{}' WHERE action = 'claim'`,
		`DELETE FROM audit_log`,
		`DELETE FROM audit_log WHERE action = 'login_success'`,
		`TRUNCATE audit_log`,
	} {
		_, err := s.Pool.Exec(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error %v, want append-only refusal", q, err)
		}
	}

	after, err := audit.List(ctx, s.Pool, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("entries changed:\nbefore %+v\nafter  %+v", before, after)
	}
}
