// Package channeltest runs a provider's webhook against a real database, for the providers' tests: a
// migrated schema of its own, the conversation store (jobs inserted, not worked) and statuses recorded
// as in production.
package channeltest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/delivery"
	"github.com/clinictriage/assistant/store/storetest"
)

// Fixture is a webhook server on a schema of its own.
type Fixture struct {
	Schema *storetest.Schema
	Server *httptest.Server
}

// Register adds a provider's routes.
type Register func(e *echo.Echo, intake channel.Intake, statuses channel.StatusRecorder, log *slog.Logger)

// New starts the webhook server; it stops when the test ends.
func New(t *testing.T, register Register) *Fixture {
	t.Helper()
	s := storetest.New(t)
	jobs, err := river.NewClient(riverpgxv5.New(s.Pool), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	// Statuses as the service's error handler maps them (the body is the safe message).
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if he, ok := errors.AsType[*echo.HTTPError](err); ok {
			c.NoContent(he.Code)
			return
		}
		c.String(assistant.HTTPStatus(err), assistant.ErrorMessage(err))
	}
	statuses := func(ctx context.Context, st channel.Status) (bool, error) {
		return delivery.RecordStatus(ctx, s.Pool, st)
	}
	register(e, conversation.NewStore(s.Pool, jobs), statuses, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &Fixture{Schema: s, Server: srv}
}

// Count runs a counting query.
func (f *Fixture) Count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.Schema.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Do sends a request and returns the status, the content type and the body.
func (f *Fixture) Do(t *testing.T, req *http.Request) (int, string, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}
