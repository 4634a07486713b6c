package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// MinServerVersion is the oldest PostgreSQL the service supports (server_version_num).
const MinServerVersion = 130000

// CheckServer verifies that the database behind pool can run the service: PostgreSQL 13 or newer with
// the pgvector extension created. Its errors say what to install or run, for operators who bring their
// own database.
func CheckServer(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	var version int
	var versionText, db string
	if err := pool.QueryRow(ctx, `SELECT current_setting('server_version_num')::int, current_setting('server_version'), current_database()`).
		Scan(&version, &versionText, &db); err != nil {
		return "", Classify("store: check server", err)
	}
	if version < MinServerVersion {
		return "", fmt.Errorf("PostgreSQL %s is too old: version 13 or newer is needed", versionText)
	}
	var vector string
	err := pool.QueryRow(ctx, `SELECT extversion FROM pg_extension WHERE extname = 'vector'`).Scan(&vector)
	if errors.Is(err, pgx.ErrNoRows) {
		var available bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')`).Scan(&available); err != nil {
			return "", Classify("store: check server", err)
		}
		if available {
			return "", fmt.Errorf("pgvector is installed on the server but not enabled in database %q: run `CREATE EXTENSION vector;` in it as a superuser", db)
		}
		major := version / 10000
		return "", fmt.Errorf("the server (PostgreSQL %s) has no pgvector extension: install it on the database server "+
			"(Debian and Ubuntu: apt-get install postgresql-%d-pgvector, or build it from https://github.com/pgvector/pgvector), "+
			"then run `CREATE EXTENSION vector;` in database %q as a superuser", versionText, major, db)
	}
	if err != nil {
		return "", Classify("store: check server", err)
	}
	return fmt.Sprintf("PostgreSQL %s, pgvector %s, database %s", versionText, vector, db), nil
}
