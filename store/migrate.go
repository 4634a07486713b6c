package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"regexp"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/clinictriage/assistant"
)

// The project's migrations: numbered pairs NNNN_name.up.sql and NNNN_name.down.sql, applied in order,
// each in its own transaction. River's own migrations are applied beside them by River's migrator.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered schema change with its inverse.
type Migration struct {
	Version  int
	Name     string
	Up, Down string
}

var migrationFile = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$`)

// Migrations returns the embedded migrations in order. It fails when a file is misnamed, a number is
// used twice, or a migration lacks its down file: such a build must not reach a database.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("store: migrations: %s is not named NNNN_name.up.sql or NNNN_name.down.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(migrationFS, "migrations/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: migrations: %w", err)
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: v, Name: m[2]}
			byVersion[v] = mig
		}
		if mig.Name != m[2] {
			return nil, fmt.Errorf("store: migrations: version %04d has two names, %s and %s", v, mig.Name, m[2])
		}
		if m[3] == "up" {
			mig.Up = string(body)
		} else {
			mig.Down = string(body)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.Up == "" || m.Down == "" {
			return nil, fmt.Errorf("store: migrations: %04d_%s needs both an up and a down file", m.Version, m.Name)
		}
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	return out, nil
}

// Migrator applies and reverts the schema: the project's migrations and River's, in the schema that
// the pool's search_path selects. Runs in several processes at once are serialised by an advisory
// lock, so replicas that start together do not race.
type Migrator struct {
	pool       *pgxpool.Pool
	river      *rivermigrate.Migrator[pgx.Tx]
	migrations []Migration
	log        *slog.Logger
}

// NewMigrator prepares a migrator for pool.
func NewMigrator(pool *pgxpool.Pool, log *slog.Logger) (*Migrator, error) {
	migs, err := Migrations()
	if err != nil {
		return nil, err
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("store: river migrator: %w", err)
	}
	return &Migrator{pool: pool, river: rm, migrations: migs, log: log}, nil
}

// Latest is the newest version of the project's migrations.
func (m *Migrator) Latest() int {
	if len(m.migrations) == 0 {
		return 0
	}
	return m.migrations[len(m.migrations)-1].Version
}

// Up applies every migration not yet applied, River's first, and returns what it applied.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	var applied []string
	err := m.locked(ctx, func(conn *pgxpool.Conn) error {
		res, err := m.river.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("store: river migrations: %w", err)
		}
		for _, v := range res.Versions {
			applied = append(applied, fmt.Sprintf("river %03d %s", v.Version, v.Name))
		}
		current, err := m.version(ctx, conn)
		if err != nil {
			return err
		}
		for _, mig := range m.migrations {
			if mig.Version <= current {
				continue
			}
			if err := m.apply(ctx, conn, mig, true); err != nil {
				return err
			}
			applied = append(applied, fmt.Sprintf("%04d %s", mig.Version, mig.Name))
		}
		return nil
	})
	return applied, err
}

// Down reverts the newest steps of the project's migrations. With all set it reverts every one of
// them and River's too, leaving an empty schema.
func (m *Migrator) Down(ctx context.Context, steps int, all bool) ([]string, error) {
	var reverted []string
	err := m.locked(ctx, func(conn *pgxpool.Conn) error {
		current, err := m.version(ctx, conn)
		if err != nil {
			return err
		}
		for i := len(m.migrations) - 1; i >= 0 && (all || len(reverted) < steps); i-- {
			mig := m.migrations[i]
			if mig.Version > current {
				continue
			}
			if err := m.apply(ctx, conn, mig, false); err != nil {
				return err
			}
			reverted = append(reverted, fmt.Sprintf("%04d %s", mig.Version, mig.Name))
		}
		if all {
			res, err := m.river.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1})
			if err != nil {
				return fmt.Errorf("store: river migrations down: %w", err)
			}
			for _, v := range res.Versions {
				reverted = append(reverted, fmt.Sprintf("river %03d %s", v.Version, v.Name))
			}
			if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS schema_migrations"); err != nil {
				return fmt.Errorf("store: drop schema_migrations: %w", err)
			}
		}
		return nil
	})
	return reverted, err
}

// Status tells how far the schema is from the binary's migrations.
type Status struct {
	Version      int  // the project's newest applied migration
	Latest       int  // the project's newest embedded migration
	RiverCurrent bool // River's migrations are all applied
}

// Current reports whether nothing is left to apply.
func (s Status) Current() bool { return s.Version == s.Latest && s.RiverCurrent }

// Status reads the applied versions; it does not take the lock and changes nothing.
func (m *Migrator) Status(ctx context.Context) (Status, error) {
	conn, err := m.pool.Acquire(ctx)
	if err != nil {
		return Status{}, Classify("store: status", err)
	}
	defer conn.Release()
	var st Status
	st.Latest = m.Latest()
	if st.Version, err = m.version(ctx, conn); err != nil {
		return Status{}, err
	}
	res, err := m.river.Validate(ctx, nil)
	if err != nil {
		return Status{}, Classify("store: river status", err)
	}
	st.RiverCurrent = res.OK
	return st, nil
}

// locked runs fn while holding a session advisory lock keyed on the current schema, on a connection
// of its own that fn may use.
func (m *Migrator) locked(ctx context.Context, fn func(*pgxpool.Conn) error) error {
	conn, err := m.pool.Acquire(ctx)
	if err != nil {
		return Classify("store: migrate", err)
	}
	defer conn.Release()
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return Classify("store: migrate", err)
	}
	h := fnv.New64a()
	h.Write([]byte("triage-migrations:" + schema))
	key := int64(h.Sum64())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return Classify("store: migrate: lock", err)
	}
	defer func() {
		// A background context: the unlock must happen even when ctx was cancelled, or the
		// connection would go back to the pool still holding the lock.
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key); err != nil {
			conn.Conn().Close(context.Background())
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return Classify("store: migrate: schema_migrations", err)
	}
	return fn(conn)
}

func (m *Migrator) version(ctx context.Context, conn *pgxpool.Conn) (int, error) {
	var v int
	err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v)
	if err != nil {
		var pgErr interface{ SQLState() string }
		if errors.As(err, &pgErr) && pgErr.SQLState() == "42P01" { // undefined_table: never migrated
			return 0, nil
		}
		return 0, Classify("store: schema version", err)
	}
	return v, nil
}

func (m *Migrator) apply(ctx context.Context, conn *pgxpool.Conn, mig Migration, up bool) error {
	direction, body := "up", mig.Up
	if !up {
		direction, body = "down", mig.Down
	}
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, body); err != nil {
			return err
		}
		var err error
		if up {
			_, err = tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", mig.Version, mig.Name)
		} else {
			_, err = tx.Exec(ctx, "DELETE FROM schema_migrations WHERE version = $1", mig.Version)
		}
		return err
	})
	if err != nil {
		return Classify(fmt.Sprintf("store: migration %04d_%s %s", mig.Version, mig.Name, direction), err)
	}
	m.log.Info("migration applied", "version", mig.Version, "name", mig.Name, "direction", direction)
	return nil
}

// Ready returns nil when the database answers and the schema is current, and otherwise an
// EUNAVAILABLE error that says which is wrong: what a readiness probe needs.
func (m *Migrator) Ready(ctx context.Context) error {
	st, err := m.Status(ctx)
	if err != nil {
		if assistant.ErrorCode(err) == assistant.EUNAVAILABLE {
			return err
		}
		return fmt.Errorf("%w: %w", assistant.Errorf(assistant.EUNAVAILABLE, "cannot read the schema version"), err)
	}
	if !st.Current() {
		return assistant.Errorf(assistant.EUNAVAILABLE, "schema not current: version %d of %d, River current %t (run triagectl migrate)",
			st.Version, st.Latest, st.RiverCurrent)
	}
	return nil
}
