package account

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store/storetest"
)

// cheap hashes fast: the parameters are read back from each hash, so tests need not pay for the
// production ones.
var cheap = Hasher{Time: 1, Memory: 1024, Threads: 1}

func newStore(t *testing.T) (*Store, *time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	s := NewStore(storetest.New(t).Pool).WithHasher(cheap)
	s.now = func() time.Time { return now }
	return s, &now
}

func TestCreateValidates(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	u, err := s.Create(ctx, "  Ana.Nurse@Clinic.Example ", RoleNurse, "correct horse battery")
	if err != nil || u.Email != "ana.nurse@clinic.example" || u.Role != RoleNurse {
		t.Fatalf("%+v %v", u, err)
	}
	for _, c := range []struct{ email, role, password, want string }{
		{"ana.nurse@clinic.example", RoleNurse, "correct horse battery", "exists"},
		{"not an email", RoleNurse, "correct horse battery", "email"},
		{"bo@clinic.example", "doctor", "correct horse battery", "role"},
		{"bo@clinic.example", RoleLead, "short", "password"},
	} {
		_, err := s.Create(ctx, c.email, c.role, c.password)
		if assistant.ErrorCode(err) != assistant.EINVALID || !strings.Contains(assistant.ErrorMessage(err), c.want) {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestLoginSessionsAndLockout(t *testing.T) {
	t.Parallel()
	s, now := newStore(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, "lead@clinic.example", RoleLead, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Login(ctx, "LEAD@clinic.example", "correct horse battery", "10.0.0.1")
	if err != nil || res.Token == "" || res.Session.CSRFToken == "" || res.User.Role != RoleLead {
		t.Fatalf("login: %+v %v", res, err)
	}
	sess, err := s.Authenticate(ctx, res.Token)
	if err != nil || sess.User.Email != "lead@clinic.example" || !sess.CheckCSRF(res.Session.CSRFToken) || sess.CheckCSRF("forged") || sess.CheckCSRF("") {
		t.Fatalf("authenticate: %+v %v", sess, err)
	}
	if _, err := s.Authenticate(ctx, res.Token+"x"); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		t.Fatalf("forged token: %v", err)
	}

	// Wrong passwords: each failure makes the account wait longer; during the wait even the right
	// password is refused unchecked.
	if _, err := s.Login(ctx, "lead@clinic.example", "wrong password!", "10.0.0.2"); err != ErrBadLogin {
		t.Fatal(err)
	}
	res, err = s.Login(ctx, "lead@clinic.example", "correct horse battery", "10.0.0.2")
	if err != ErrBadLogin || !res.Locked || !res.Known {
		t.Fatalf("during the wait: %+v %v", res, err)
	}
	*now = now.Add(2 * time.Second)
	for i := 2; i <= MaxFailures; i++ {
		at := *now
		res, err := s.Login(ctx, "lead@clinic.example", "wrong password!", "10.0.0.2")
		if err != ErrBadLogin || res.Locked {
			t.Fatalf("failure %d: %+v %v", i, res, err)
		}
		if wait := res.RetryAt.Sub(at); (i < MaxFailures && wait != min(time.Second<<(i-1), time.Minute)) || (i == MaxFailures && wait != LockFor) {
			t.Fatalf("after %d failures the wait is %v", i, wait)
		}
		*now = res.RetryAt.Add(time.Millisecond)
	}
	if res, err := s.Login(ctx, "lead@clinic.example", "correct horse battery", "10.0.0.1"); err != nil {
		t.Fatalf("after the lock: %+v %v", res, err)
	}
	// An unknown e-mail gets the same answer.
	if res, err := s.Login(ctx, "nobody@clinic.example", "correct horse battery", "10.0.0.3"); err != ErrBadLogin || res.Known {
		t.Fatalf("unknown: %+v %v", res, err)
	}

	// Sessions end on logout, on expiry, and when the password changes.
	if err := s.Logout(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, res.Token); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		t.Fatalf("after logout: %v", err)
	}
	res, _ = s.Login(ctx, "lead@clinic.example", "correct horse battery", "10.0.0.1")
	*now = now.Add(SessionTTL + time.Minute)
	if _, err := s.Authenticate(ctx, res.Token); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		t.Fatalf("after expiry: %v", err)
	}
	res, _ = s.Login(ctx, "lead@clinic.example", "correct horse battery", "10.0.0.1")
	if err := s.SetPassword(ctx, "lead@clinic.example", "another long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, res.Token); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		t.Fatalf("after a new password: %v", err)
	}
}

func TestHasher(t *testing.T) {
	h, err := cheap.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !cheap.Compare("correct horse battery", h) || cheap.Compare("correct horse batterY", h) || DefaultHasher.Compare("x", "$argon2id$garbage") {
		t.Fatal("compare")
	}
	// Another hasher reads the parameters from the hash.
	if !DefaultHasher.Compare("correct horse battery", h) {
		t.Fatal("parameters not read from the hash")
	}
	if !Allows(RoleAdmin, RoleLead) || !Allows(RoleLead, RoleNurse) || Allows(RoleNurse, RoleLead) || Allows("guest", RoleNurse) {
		t.Fatal("role order")
	}
}

// Guesses sent at once do not each get checked: one attempt holds the account, the others are
// refused unchecked as waiting.
func TestConcurrentGuessesQueue(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	if _, err := s.Create(ctx, "cara@clinic.example", RoleNurse, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	results := make(chan LoginResult, 10)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			res, _ := s.Login(ctx, "cara@clinic.example", "guess number "+strconv.Itoa(i), "192.0.2.9")
			results <- res
		})
	}
	wg.Wait()
	close(results)
	checked := 0
	for r := range results {
		if !r.Locked {
			checked++
		}
	}
	var failures int
	if err := s.pool.QueryRow(ctx, `SELECT failed_logins FROM users WHERE email = 'cara@clinic.example'`).Scan(&failures); err != nil {
		t.Fatal(err)
	}
	if checked != 1 || failures != 1 {
		t.Fatalf("%d guesses checked, %d failures recorded; want 1 and 1", checked, failures)
	}
}
