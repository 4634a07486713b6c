package store_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/store/storetest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestMigrationsAreWellFormed(t *testing.T) {
	migs, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range migs {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d: versions must be consecutive from 1", i, m.Version)
		}
	}
}

func TestUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Empty(t)
	m, err := store.NewMigrator(s.Pool, quiet())
	if err != nil {
		t.Fatal(err)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current() || st.Version != 0 {
		t.Fatalf("fresh schema reported %+v", st)
	}

	applied, err := m.Up(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) < 2 {
		t.Fatalf("applied %v, want River's and ours", applied)
	}
	if st, err = m.Status(ctx); err != nil || !st.Current() {
		t.Fatalf("after up: %+v, %v", st, err)
	}
	for _, table := range []string{"contacts", "conversations", "messages", "api_keys", "river_job"} {
		var n int
		if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}

	again, err := m.Up(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second up applied %v, %v; want nothing", again, err)
	}

	reverted, err := m.Down(ctx, 1, false)
	if err != nil || len(reverted) != 1 {
		t.Fatalf("down one step: %v, %v", reverted, err)
	}
	if st, _ = m.Status(ctx); st.Current() {
		t.Fatal("status current after a down step")
	}
	if _, err := m.Down(ctx, 0, true); err != nil {
		t.Fatalf("down all: %v", err)
	}
	var tables int
	if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", s.Name).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("%d tables left after down --all", tables)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up after down --all: %v", err)
	}
	if st, _ = m.Status(ctx); !st.Current() {
		t.Fatalf("not current after re-up: %+v", st)
	}
}

// Replicas starting together all run migrations: the advisory lock must make that safe.
func TestConcurrentUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.Empty(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			m, err := store.NewMigrator(s.Pool, quiet())
			if err == nil {
				_, err = m.Up(ctx)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	migs, _ := store.Migrations()
	if n != len(migs) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(migs))
	}
}
