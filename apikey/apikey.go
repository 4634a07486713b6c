// Package apikey issues and checks the keys that integrators present as `Authorization: Bearer <key>`.
// A key is shown once when it is made; only its SHA-256 is stored.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/store"
)

// keyPrefix marks our keys so that secret scanners and people can recognise a leaked one.
const keyPrefix = "tk_"

// Key is a stored API key, without its secret.
type Key struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Store creates, lists, revokes and verifies keys. Verified keys are remembered for a few seconds so
// that an ingest burst does not cost a query per request; a revocation takes effect within that time.
type Store struct {
	pool     *pgxpool.Pool
	cacheTTL time.Duration
	now      func() time.Time

	mu    sync.Mutex
	cache map[[32]byte]cached
}

type cached struct {
	key     Key
	expires time.Time
}

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, cacheTTL: 5 * time.Second, now: time.Now, cache: map[[32]byte]cached{}}
}

// Create makes a key named name and returns it with its secret, which is never retrievable again. With
// rotate, an active key of the same name is revoked first; without it the name must be free. Errors:
// EINVALID (name empty or taken), EUNAVAILABLE.
func (s *Store) Create(ctx context.Context, name string, rotate bool) (Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return Key{}, "", assistant.Errorf(assistant.EINVALID, "name: must be 1 to 100 characters")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Key{}, "", err
	}
	secret := keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(secret))
	k := Key{Name: name, Prefix: secret[:len(keyPrefix)+6]}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if rotate {
			if _, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, name); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `INSERT INTO api_keys (name, prefix, hash) VALUES ($1, $2, $3) RETURNING id, created_at`,
			name, k.Prefix, sum[:]).Scan(&k.ID, &k.CreatedAt)
	})
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "23505" {
		return Key{}, "", assistant.Errorf(assistant.EINVALID, "name: an active key is already named so (revoke it, or rotate)")
	}
	if err != nil {
		return Key{}, "", store.Classify("apikey: create", err)
	}
	return k, secret, nil
}

// List returns every key, newest first, revoked ones included.
func (s *Store) List(ctx context.Context) ([]Key, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys ORDER BY created_at DESC`)
	if err != nil {
		return nil, store.Classify("apikey: list", err)
	}
	keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Key, error) {
		var k Key
		err := r.Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
		return k, err
	})
	return keys, store.Classify("apikey: list", err)
}

// Revoke revokes the active key named name. Errors: ENOTFOUND, EUNAVAILABLE.
func (s *Store) Revoke(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL`, strings.TrimSpace(name))
	if err != nil {
		return store.Classify("apikey: revoke", err)
	}
	if tag.RowsAffected() == 0 {
		return assistant.Errorf(assistant.ENOTFOUND, "no active key is named so")
	}
	s.mu.Lock()
	clear(s.cache) // revocation takes effect here at once, elsewhere within the cache TTL
	s.mu.Unlock()
	return nil
}

// Verify returns the active key whose secret is presented. Errors: EUNAUTHORIZED (unknown or revoked),
// EUNAVAILABLE (the database cannot tell: the caller must not treat this as a bad key).
func (s *Store) Verify(ctx context.Context, secret string) (Key, error) {
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 200 {
		return Key{}, errUnknownKey
	}
	sum := sha256.Sum256([]byte(secret))
	now := s.now()
	s.mu.Lock()
	c, ok := s.cache[sum]
	s.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.key, nil
	}
	// One statement finds the key and notes its use (at most once a minute, to spare the row).
	var k Key
	err := s.pool.QueryRow(ctx, `
		WITH k AS (SELECT id FROM api_keys WHERE hash = $1 AND revoked_at IS NULL),
		touched AS (
			UPDATE api_keys SET last_used_at = now()
			WHERE id IN (SELECT id FROM k) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
		)
		SELECT id, name, prefix, created_at FROM api_keys WHERE id IN (SELECT id FROM k)`, sum[:]).
		Scan(&k.ID, &k.Name, &k.Prefix, &k.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Key{}, errUnknownKey
	}
	if err != nil {
		return Key{}, store.Classify("apikey: verify", err)
	}
	s.mu.Lock()
	if len(s.cache) > 10_000 {
		clear(s.cache) // bounded: a flood of distinct valid keys cannot grow it without end
	}
	s.cache[sum] = cached{key: k, expires: now.Add(s.cacheTTL)}
	s.mu.Unlock()
	return k, nil
}

var errUnknownKey = assistant.Errorf(assistant.EUNAUTHORIZED, "unknown or revoked API key")
