package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/audit"
	"github.com/clinictriage/assistant/config"
)

// demoUsers are the console accounts `triagectl users demo` keeps for `make run`, one for each role.
var demoUsers = []struct{ email, role string }{
	{"nurse@demo.clinic", account.RoleNurse},
	{"lead@demo.clinic", account.RoleLead},
	{"admin@demo.clinic", account.RoleAdmin},
}

// usersCommand runs `triagectl users ...`. Passwords are read from stdin, never from the command line
// (where the shell history and the process list would keep them).
func usersCommand(ctx context.Context, cfg config.Config, sub string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch sub {
	case "add":
		fs := flags("users add", stderr)
		email := fs.String("email", "", "the user's e-mail address, with which they log in")
		role := fs.String("role", "", "nurse, lead or admin")
		if err := parse(fs, args); err != nil {
			return err
		}
		if strings.TrimSpace(*email) == "" || *role == "" {
			return fmt.Errorf("%w: users add needs --email and --role", errUsage)
		}
		// Told before the password is asked for; the account store checks everything again.
		if !slices.Contains(account.Roles, *role) {
			return assistant.Errorf(assistant.EINVALID, "role %q: use nurse, lead or admin", *role)
		}
		password, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			u, err := createUser(ctx, pool, *email, *role, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "created %s user %s\n", u.Role, u.Email)
			fmt.Fprintln(stdout, u.ID, u.Email)
			return nil
		})
	case "passwd":
		fs := flags("users passwd", stderr)
		email := fs.String("email", "", "the e-mail address of the user")
		if err := parse(fs, args); err != nil {
			return err
		}
		if strings.TrimSpace(*email) == "" {
			return fmt.Errorf("%w: users passwd needs --email", errUsage)
		}
		password, err := readPassword(stdin, stderr)
		if err != nil {
			return err
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			if err := account.NewStore(pool).SetPassword(ctx, *email, password); err != nil {
				return err
			}
			if err := audit.Record(ctx, pool, audit.Entry{ActorEmail: "triagectl", Action: audit.PasswordChange,
				Target: strings.ToLower(strings.TrimSpace(*email)), IP: "local"}); err != nil {
				return fmt.Errorf("the password was changed, but the audit log could not record it: %w", err)
			}
			fmt.Fprintf(stderr, "changed the password of %s; their sessions have ended\n", strings.ToLower(strings.TrimSpace(*email)))
			return nil
		})
	case "list":
		fs := flags("users list", stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		if err := parse(fs, args); err != nil {
			return err
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			users, err := account.NewStore(pool).List(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(stdout).Encode(users)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tROLE\tCREATED\tLAST LOGIN\tDISABLED")
			for _, u := range users {
				login, disabled := "never", "no"
				if u.LastLoginAt != nil {
					login = u.LastLoginAt.Format(time.DateTime)
				}
				if u.DisabledAt != nil {
					disabled = u.DisabledAt.Format(time.DateTime)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, u.CreatedAt.Format(time.DateTime), login, disabled)
			}
			return tw.Flush()
		})
	case "demo":
		fs := flags("users demo", stderr)
		if err := parse(fs, args); err != nil {
			return err
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			return demo(ctx, pool, stdout, stderr)
		})
	}
	return fmt.Errorf("%w: users takes add, passwd, list or demo, not %q", errUsage, sub)
}

// createUser adds a user and records who did (this command) in the audit log.
func createUser(ctx context.Context, pool *pgxpool.Pool, email, role, password string) (account.User, error) {
	u, err := account.NewStore(pool).Create(ctx, email, role, password)
	if err != nil {
		return u, err
	}
	err = audit.Record(ctx, pool, audit.Entry{ActorEmail: "triagectl", Action: audit.UserCreate, Target: u.ID, IP: "local",
		Detail: map[string]any{"role": u.Role}})
	if err != nil {
		return u, fmt.Errorf("created user %s, but the audit log refused the entry: %w", u.Email, err)
	}
	return u, nil
}

// demo makes sure the demo users exist, each with a new random password, and prints
// "email  role  password" lines: a user made now gets one, an existing one has theirs replaced (which
// ends their sessions), so that every password printed works.
func demo(ctx context.Context, pool *pgxpool.Pool, stdout, stderr io.Writer) error {
	accounts := account.NewStore(pool)
	users, err := accounts.List(ctx)
	if err != nil {
		return err
	}
	existing := map[string]account.User{}
	for _, u := range users {
		existing[u.Email] = u
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	var created, reset int
	for _, d := range demoUsers {
		password, err := randomPassword()
		if err != nil {
			return err
		}
		role := d.role
		if u, ok := existing[d.email]; ok {
			if err := accounts.SetPassword(ctx, d.email, password); err != nil {
				return err
			}
			if err := audit.Record(ctx, pool, audit.Entry{ActorEmail: "triagectl", Action: audit.PasswordChange,
				Target: d.email, IP: "local", Detail: map[string]any{"demo": true}}); err != nil {
				return err
			}
			role = u.Role
			if u.DisabledAt != nil {
				fmt.Fprintf(stderr, "note: %s is disabled; its new password will not log in\n", d.email)
			}
			reset++
		} else {
			if _, err := createUser(ctx, pool, d.email, d.role, password); err != nil {
				return err
			}
			created++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.email, role, password)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "demo users: %d created, %d with a new password\n", created, reset)
	return nil
}

// randomPassword is 16 URL-safe characters from 96 random bits.
func randomPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// readPassword reads the first line of stdin, without its line ending. At a terminal it prompts on
// stderr first; what is typed is echoed (triagectl does not take a terminal library for this).
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(stderr, "password: ")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", assistant.Errorf(assistant.EINVALID, "password: none on stdin (pipe it in, or type it at the prompt)")
	}
	return password, nil
}
