// Package storetest gives tests a real PostgreSQL database: a schema of their own, migrated, dropped
// when the test ends. Tests never mock the database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/store"
)

// DefaultURL is the test database that `make db` prepares.
const DefaultURL = "postgres://triage:triage@127.0.0.1:5432/triage_test?sslmode=disable"

// URL is TEST_DATABASE_URL, or the local test database.
func URL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

var (
	adminOnce sync.Once
	adminPool *pgxpool.Pool
	adminErr  error
)

// admin is one lazily opened pool shared by the whole test binary, used to create and drop schemas.
func admin(t testing.TB) *pgxpool.Pool {
	adminOnce.Do(func() {
		adminPool, adminErr = store.Open(context.Background(), URL(), 4)
	})
	if adminErr != nil {
		t.Fatalf("test database: %v (run `make db`, or set TEST_DATABASE_URL)", adminErr)
	}
	return adminPool
}

// Schema is a migrated schema of its own for one test.
type Schema struct {
	Name string
	Pool *pgxpool.Pool // search_path is the schema, then public (where the vector extension lives)
}

// URL returns a connection URL whose connections see this schema, for a server started as a process.
func (s *Schema) URL() string {
	u := URL()
	sep := "?"
	for i := 0; i < len(u); i++ {
		if u[i] == '?' {
			sep = "&"
		}
	}
	return u + sep + "search_path=" + s.Name + ",public"
}

// New creates a fresh schema, applies every migration to it and drops it when the test ends.
func New(t testing.TB) *Schema {
	t.Helper()
	s := Empty(t)
	m, err := store.NewMigrator(s.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatalf("migrate test schema: %v", err)
	}
	return s
}

// Empty creates a fresh schema without migrations (for testing the migrations themselves).
func Empty(t testing.TB) *Schema {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	if _, err := admin(t).Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	cfg, err := pgxpool.ParseConfig(URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = name + ",public"
	cfg.MaxConns = 20
	pool, err := store.OpenConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		if _, err := admin(t).Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop test schema: %v", err)
		}
	})
	return &Schema{Name: name, Pool: pool}
}
