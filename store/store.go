// Package store opens the PostgreSQL pool every part of the service shares, applies the embedded
// migrations (the project's and River's), and tells whether the schema is current. The tables belong
// to the domain packages that query them; store only owns how the database is reached and shaped.
package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant"
)

// Open connects a pool to url and checks that the server answers. maxConns caps the pool.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error can quote the URL, password included: do not wrap it.
		return nil, errors.New("store: DATABASE_URL is not a valid PostgreSQL connection URL")
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig is Open for a parsed configuration (tests set a search_path on it).
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: database at %s:%d does not answer: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return pool, nil
}

// Classify turns a database error into a domain error: EUNAVAILABLE when the server cannot be reached
// or is shutting down (the caller may retry later), the error itself otherwise. Domain packages call it
// on every error that leaves them, so that the HTTP layer can answer 503 instead of 500.
func Classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if assistant.ErrorCode(err) != assistant.EINTERNAL {
		return err // already a domain error
	}
	if IsUnavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, assistant.Errorf(assistant.EUNAVAILABLE, "the database is unavailable, try again later"), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// IsUnavailable reports whether err means the database cannot serve now, rather than that the query
// was wrong: connection failures, a server shutting down or refusing connections, pool timeouts.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case len(pgErr.Code) == 5 && pgErr.Code[:2] == "08": // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutdown, cannot connect now
			return true
		case pgErr.Code == "53300": // too many connections
			return true
		}
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return true
	}
	// A connection that died mid-query (the server was killed or restarted) surfaces as an EOF from
	// the socket rather than as a typed error.
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
