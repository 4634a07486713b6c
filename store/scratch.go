package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Scratch is a throw-away schema in a database, migrated like the real one: evaluations and
// benchmarks load their own knowledge base there without touching the clinic's.
type Scratch struct {
	Name  string
	Pool  *pgxpool.Pool // search_path is the scratch schema, then public (where extensions live)
	admin *pgxpool.Pool
}

var scratchPrefix = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// NewScratch creates a schema named prefix_<random> in the database at url and applies every
// migration to it. Drop removes it.
func NewScratch(ctx context.Context, url, prefix string, maxConns int32) (*Scratch, error) {
	if !scratchPrefix.MatchString(prefix) {
		return nil, fmt.Errorf("store: scratch schema prefix %q: lower-case letters, digits and _ only", prefix)
	}
	admin, err := Open(ctx, url, 2)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize()); err != nil {
		admin.Close()
		return nil, Classify("store: create scratch schema", err)
	}
	s := &Scratch{Name: name, admin: admin}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		s.Drop(ctx)
		return nil, errors.New("store: DATABASE_URL is not a valid PostgreSQL connection URL")
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = name + ",public"
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	if s.Pool, err = OpenConfig(ctx, cfg); err != nil {
		s.Drop(ctx)
		return nil, err
	}
	m, err := NewMigrator(s.Pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		_, err = m.Up(ctx)
	}
	if err != nil {
		s.Drop(ctx)
		return nil, fmt.Errorf("store: migrate scratch schema: %w", err)
	}
	return s, nil
}

// Drop closes the scratch pool and removes the schema with everything in it.
func (s *Scratch) Drop(ctx context.Context) error {
	if s.Pool != nil {
		s.Pool.Close()
	}
	defer s.admin.Close()
	_, err := s.admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{s.Name}.Sanitize()+" CASCADE")
	return Classify("store: drop scratch schema", err)
}
