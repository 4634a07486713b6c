// Package account is the console's people: users with a role (nurse, lead, admin), their passwords
// (argon2id), logins that slow down and then lock after repeated failures, and sessions carried by a
// cookie whose token is stored only as a hash, each with its CSRF token.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store"
)

// Roles, least to most privileged. A page for a role is open to the roles above it too.
const (
	RoleNurse = "nurse"
	RoleLead  = "lead"
	RoleAdmin = "admin"
)

// Roles lists the roles in order of privilege.
var Roles = []string{RoleNurse, RoleLead, RoleAdmin}

// Allows reports whether role may open what needs at least min.
func Allows(role, min string) bool {
	r, m := slices.Index(Roles, role), slices.Index(Roles, min)
	return r >= 0 && m >= 0 && r >= m
}

// User is a console account.
type User struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
	DisabledAt  *time.Time `json:"disabled_at"`
}

// Session is a logged-in user's session.
type Session struct {
	User      User
	CSRFToken string
	ExpiresAt time.Time
}

// Login policy: every failure makes the account wait longer before the next attempt (1 s, 2 s, 4 s …
// up to a minute); after MaxFailures in a row it locks for LockFor. SessionTTL is how long a session
// lives without use; a used session is extended.
const (
	MaxFailures = 10
	LockFor     = 15 * time.Minute
	SessionTTL  = 12 * time.Hour
	MinPassword = 12
	// attemptHold is how long one attempt holds the account while its password is checked.
	attemptHold = 5 * time.Second
)

// Store keeps users and sessions.
type Store struct {
	pool   *pgxpool.Pool
	hasher Hasher
	now    func() time.Time
}

// NewStore returns a Store on pool hashing with DefaultHasher.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, hasher: DefaultHasher, now: time.Now}
}

// WithHasher returns a copy of the store that hashes with h (tests use cheaper parameters).
func (s *Store) WithHasher(h Hasher) *Store {
	c := *s
	c.hasher = h
	return &c
}

// Create adds a user. Errors: EINVALID (e-mail, role or a password shorter than MinPassword), a
// conflict as EINVALID when the e-mail is taken, EUNAVAILABLE.
func (s *Store) Create(ctx context.Context, email, role, password string) (User, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	if !slices.Contains(Roles, role) {
		return User{}, assistant.Errorf(assistant.EINVALID, "role %q: use nurse, lead or admin", role)
	}
	if len([]rune(password)) < MinPassword {
		return User{}, assistant.Errorf(assistant.EINVALID, "password: at least %d characters", MinPassword)
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.pool.QueryRow(ctx, `INSERT INTO users (email, role, password_hash) VALUES ($1, $2, $3)
		ON CONFLICT (email) DO NOTHING RETURNING `+userColumns, email, role, hash).
		Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.LastLoginAt, &u.DisabledAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, assistant.Errorf(assistant.EINVALID, "email: a user with %s exists", email)
	}
	return u, store.Classify("account: create", err)
}

// SetPassword replaces a user's password and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	email, err := normalizeEmail(email)
	if err != nil {
		return err
	}
	if len([]rune(password)) < MinPassword {
		return assistant.Errorf(assistant.EINVALID, "password: at least %d characters", MinPassword)
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id string
		err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL
			WHERE email = $1 RETURNING id`, email, hash).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return assistant.Errorf(assistant.ENOTFOUND, "no user %s", email)
		}
		if err != nil {
			return store.Classify("account: set password", err)
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return store.Classify("account: set password", err)
	})
}

// List returns every user.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, store.Classify("account: list", err)
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (User, error) {
		var u User
		err := r.Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.LastLoginAt, &u.DisabledAt)
		return u, err
	})
	return users, store.Classify("account: list", err)
}

const userColumns = `id, email, role, created_at, last_login_at, disabled_at`

// ErrBadLogin is the one answer to a wrong e-mail or password: which of the two was wrong is not told.
var ErrBadLogin = assistant.Errorf(assistant.EUNAUTHORIZED, "wrong e-mail or password")

// LoginResult is what a login attempt did.
type LoginResult struct {
	User    User
	Token   string // the session cookie's value, on success
	Session Session
	// Locked is set when the attempt was refused without looking at the password, because the
	// account waits after earlier failures; RetryAt says until when.
	Locked  bool
	RetryAt time.Time
	Known   bool // the e-mail belongs to a user (for the audit log, never for the answer)
}

// Login checks a password and opens a session. A wrong password adds a failure and a growing wait;
// an attempt during the wait is refused unchecked, so that guessing cannot go faster than the wait.
// Errors: ErrBadLogin (also while locked: the caller says "try again later" from Locked), EUNAVAILABLE.
func (s *Store) Login(ctx context.Context, email, password, ip string) (LoginResult, error) {
	var res LoginResult
	email, err := normalizeEmail(email)
	if err != nil {
		s.hasher.Compare(password, dummyHash) // the same work as for a real account
		return res, ErrBadLogin
	}
	now := s.now()
	var hash string
	var failures int
	// Take the attempt: the account is held for the length of the check, so attempts sent at once
	// queue up (the others are refused as waiting) instead of each getting a free guess.
	err = s.pool.QueryRow(ctx, `UPDATE users SET locked_until = $2 WHERE email = $1 AND (locked_until IS NULL OR locked_until <= $3)
		RETURNING `+userColumns+`, password_hash, failed_logins`, email, now.Add(attemptHold), now).
		Scan(&res.User.ID, &res.User.Email, &res.User.Role, &res.User.CreatedAt, &res.User.LastLoginAt, &res.User.DisabledAt, &hash, &failures)
	if errors.Is(err, pgx.ErrNoRows) {
		var locked time.Time
		err = s.pool.QueryRow(ctx, `SELECT id, locked_until FROM users WHERE email = $1`, email).Scan(&res.User.ID, &locked)
		if errors.Is(err, pgx.ErrNoRows) {
			s.hasher.Compare(password, dummyHash)
			return LoginResult{}, ErrBadLogin
		}
		if err != nil {
			return res, store.Classify("account: login", err)
		}
		res.Known, res.Locked, res.RetryAt = true, true, locked
		return res, ErrBadLogin
	}
	if err != nil {
		return res, store.Classify("account: login", err)
	}
	res.Known = true
	if res.User.DisabledAt != nil || !s.hasher.Compare(password, hash) {
		failures++
		until := now.Add(backoff(failures))
		if _, err := s.pool.Exec(ctx, `UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1`, res.User.ID, failures, until); err != nil {
			return res, store.Classify("account: login", err)
		}
		res.RetryAt = until
		return res, ErrBadLogin
	}
	token, sess, err := s.open(ctx, res.User, ip, now)
	if err != nil {
		return res, err
	}
	res.Token, res.Session = token, sess
	return res, nil
}

// backoff is the wait after the n-th failure in a row.
func backoff(n int) time.Duration {
	if n >= MaxFailures {
		return LockFor
	}
	return min(time.Second<<(n-1), time.Minute)
}

// open creates a session and resets the failures.
func (s *Store) open(ctx context.Context, u User, ip string, now time.Time) (string, Session, error) {
	token, err := randomToken(32)
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomToken(32)
	if err != nil {
		return "", Session{}, err
	}
	sum := sha256.Sum256([]byte(token))
	sess := Session{User: u, CSRFToken: csrf, ExpiresAt: now.Add(SessionTTL)}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, ip, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6)`, sum[:], u.ID, csrf, ip, now, sess.ExpiresAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1`, u.ID, now)
		return err
	})
	return token, sess, store.Classify("account: open session", err)
}

// Authenticate returns the session of a cookie token and extends it. Errors: EUNAUTHORIZED for an
// unknown, expired or disabled one; EUNAVAILABLE.
func (s *Store) Authenticate(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, assistant.Errorf(assistant.EUNAUTHORIZED, "not logged in")
	}
	sum := sha256.Sum256([]byte(token))
	now := s.now()
	var sess Session
	u := &sess.User
	// The session is extended at most once a minute: a console that loads a page every few seconds
	// does not write to the database every time.
	err := s.pool.QueryRow(ctx, `
		WITH live AS (
			SELECT s.token_hash, s.last_seen_at, s.csrf_token, s.expires_at, u.id, u.email, u.role, u.created_at,
			       u.last_login_at, u.disabled_at
			FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL
		), extended AS (
			UPDATE sessions s SET last_seen_at = $2, expires_at = $3
			FROM live WHERE s.token_hash = live.token_hash AND live.last_seen_at < $2 - interval '1 minute'
			RETURNING s.expires_at
		)
		SELECT id, email, role, created_at, last_login_at, disabled_at, csrf_token,
		       coalesce((SELECT expires_at FROM extended), live.expires_at)
		FROM live`,
		sum[:], now, now.Add(SessionTTL)).
		Scan(&u.ID, &u.Email, &u.Role, &u.CreatedAt, &u.LastLoginAt, &u.DisabledAt, &sess.CSRFToken, &sess.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, assistant.Errorf(assistant.EUNAUTHORIZED, "the session has ended: log in again")
	}
	return sess, store.Classify("account: authenticate", err)
}

// Logout ends the session of a cookie token.
func (s *Store) Logout(ctx context.Context, token string) error {
	sum := sha256.Sum256([]byte(token))
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, sum[:])
	return store.Classify("account: logout", err)
}

// CheckCSRF reports whether a submitted token is the session's, in constant time.
func (sess Session) CheckCSRF(submitted string) bool {
	return submitted != "" && subtle.ConstantTimeCompare([]byte(submitted), []byte(sess.CSRFToken)) == 1
}

func normalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email {
		return "", assistant.Errorf(assistant.EINVALID, "email: %q is not an e-mail address", email)
	}
	return email, nil
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("account: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
