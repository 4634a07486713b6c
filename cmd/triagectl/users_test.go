package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/audit"
	"github.com/clinictriage/assistant/store/storetest"
)

// users add, list and passwd against a schema of their own: the password comes from stdin, the
// account store's errors reach the operator, a new password logs in and ends the old sessions.
func TestUsersCommands(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	url := s.URL()
	ctx := context.Background()
	accounts := account.NewStore(s.Pool)

	out, _, err := ctlIn(t, url, "correct horse battery\r\n", "users", "add", "--email", "Ana@Clinic.Example", "--role", "lead")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(out)
	if len(f) != 2 || f[1] != "ana@clinic.example" || strings.Count(out, "\n") != 1 {
		t.Fatalf("add printed %q", out)
	}
	id := f[0]
	// The line ending (CRLF too) is not part of the password.
	if _, err := accounts.Login(ctx, "ana@clinic.example", "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatalf("login with the password given to add: %v", err)
	}
	entries, err := audit.List(ctx, s.Pool, audit.Filter{Action: audit.UserCreate})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit entries %+v, %v", entries, err)
	}
	if e := entries[0]; e.Target != id || e.ActorEmail != "triagectl" || e.IP != "local" || e.Detail["role"] != "lead" {
		t.Errorf("audit entry %+v", e)
	}

	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"another good password\n", []string{"--email", "ana@clinic.example", "--role", "nurse"}, "exists"},
		{"another good password\n", []string{"--email", "bo@clinic.example", "--role", "doctor"}, "role"},
		{"short\n", []string{"--email", "bo@clinic.example", "--role", "nurse"}, "at least 12"},
		{"another good password\n", []string{"--email", "not an address", "--role", "nurse"}, "email"},
		{"", []string{"--email", "bo@clinic.example", "--role", "nurse"}, "password"},
	} {
		out, _, err := ctlIn(t, url, c.stdin, append([]string{"users", "add"}, c.args...)...)
		if err == nil || assistant.ErrorCode(err) != assistant.EINVALID || !strings.Contains(userMessage(err), c.want) || exitCode(err) != 1 || out != "" {
			t.Errorf("add %v: %q, %v, want an error about %s", c.args, out, err, c.want)
		}
	}

	out, _, err = ctl(t, url, "users", "list")
	if err != nil || !strings.Contains(out, "ana@clinic.example") || !strings.Contains(out, "lead") || !strings.Contains(out, "LAST LOGIN") ||
		strings.Contains(out, "bo@clinic.example") {
		t.Fatalf("list: %q, %v", out, err)
	}
	out, _, err = ctl(t, url, "users", "list", "--json")
	var users []account.User
	if err != nil || json.Unmarshal([]byte(out), &users) != nil || len(users) != 1 || users[0].ID != id || users[0].LastLoginAt == nil {
		t.Fatalf("list --json: %q, %v", out, err)
	}

	before, err := accounts.Login(ctx, "ana@clinic.example", "correct horse battery", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ctlIn(t, url, "a brand new password\n", "users", "passwd", "--email", "ana@clinic.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.Authenticate(ctx, before.Token); err == nil {
		t.Error("a session opened before passwd survived it")
	}
	if _, err := accounts.Login(ctx, "ana@clinic.example", "a brand new password", "127.0.0.1"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if _, err := accounts.Login(ctx, "ana@clinic.example", "correct horse battery", "127.0.0.1"); err == nil {
		t.Error("the old password still logs in")
	}
	_, _, err = ctlIn(t, url, "a brand new password\n", "users", "passwd", "--email", "nobody@clinic.example")
	if assistant.ErrorCode(err) != assistant.ENOTFOUND {
		t.Errorf("passwd of an unknown user: %v", err)
	}
	if _, _, err = ctlIn(t, url, "short\n", "users", "passwd", "--email", "ana@clinic.example"); assistant.ErrorCode(err) != assistant.EINVALID {
		t.Errorf("passwd with a short password: %v", err)
	}
}

// users demo makes the three demo users once and prints a working password for each on every run.
func TestUsersDemo(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	url := s.URL()
	ctx := context.Background()
	accounts := account.NewStore(s.Pool)

	var first map[string]string
	for i := range 2 {
		out, errOut, err := ctl(t, url, "users", "demo")
		if err != nil {
			t.Fatalf("demo run %d: %v", i+1, err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("demo run %d printed %q", i+1, out)
		}
		passwords := map[string]string{}
		for _, l := range lines {
			f := strings.Fields(l)
			if len(f) != 3 || len(f[2]) < account.MinPassword {
				t.Fatalf("demo line %q", l)
			}
			passwords[f[0]] = f[2]
			res, err := accounts.Login(ctx, f[0], f[2], "127.0.0.1")
			if err != nil || res.User.Role != f[1] {
				t.Errorf("run %d: login as %s: %+v, %v", i+1, f[0], res.User, err)
			}
		}
		for email, role := range map[string]string{"nurse@demo.clinic": "nurse", "lead@demo.clinic": "lead", "admin@demo.clinic": "admin"} {
			if passwords[email] == "" || !strings.Contains(out, email+"  ") || !strings.Contains(out, role) {
				t.Errorf("run %d: no %s %s in %q", i+1, email, role, out)
			}
		}
		if want := []string{"3 created", "3 with a new password"}[i]; !strings.Contains(errOut, want) {
			t.Errorf("run %d: stderr %q, want %q", i+1, errOut, want)
		}
		if i == 0 {
			first = passwords
		} else if first["nurse@demo.clinic"] == passwords["nurse@demo.clinic"] {
			t.Error("the second run kept the nurse's password")
		}
	}
	if _, err := accounts.Login(ctx, "nurse@demo.clinic", first["nurse@demo.clinic"], "127.0.0.1"); err == nil {
		t.Error("the first run's password still logs in")
	}
	entries, err := audit.List(ctx, s.Pool, audit.Filter{Action: audit.UserCreate})
	if err != nil || len(entries) != 3 {
		t.Errorf("%d user_create entries, want 3 (%v)", len(entries), err)
	}
}
