// Package api is the service's HTTP surface for machines: health and readiness, Prometheus metrics,
// and the generic inbound API that integrators post patient messages to. Handlers are thin: they
// decode, call the domain and map its error codes to statuses in one place.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/metrics"
)

// MaxBodyBytes bounds every request body the API reads.
const MaxBodyBytes = 64 << 10

// Deps is what the API needs from the rest of the service.
type Deps struct {
	Pool          *pgxpool.Pool
	Conversations *conversation.Store
	Escalations   *escalation.Store
	Keys          *apikey.Store
	// Ready reports nil when the service can do its work: database reachable, schema current.
	Ready   func(context.Context) error
	Metrics *metrics.Metrics
	Log     *slog.Logger
}

type server struct{ Deps }

// New returns the HTTP handler with every route.
func New(d Deps) *echo.Echo {
	s := &server{d}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RequestID(), s.observe, middleware.RecoverWithConfig(middleware.RecoverConfig{
		// A panic is a bug: logged as one structured line (its stack names code, never data), answered 500.
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.Log.ErrorContext(c.Request().Context(), "panic in handler", "route", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	}))

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(d.Metrics.Registry, promhttp.HandlerOpts{})))

	v1 := e.Group("/api/v1", s.authenticate)
	v1.POST("/messages", s.postMessage)
	v1.GET("/conversations/:id", s.getConversation)
	return e
}

func (s *server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.Log.WarnContext(ctx, "not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": assistant.ErrorMessage(err)})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// keyContext is where authenticate leaves the verified key for handlers and logs.
const keyContext = "api_key"

// authenticate checks `Authorization: Bearer <key>`. A database that cannot answer is a 503, never a
// 401: a caller told its key is bad might stop retrying and lose messages.
func (s *server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		scheme, secret, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api"`)
			return assistant.Errorf(assistant.EUNAUTHORIZED, "missing API key: send the header Authorization: Bearer <key>")
		}
		key, err := s.Keys.Verify(c.Request().Context(), strings.TrimSpace(secret))
		if err != nil {
			if assistant.ErrorCode(err) == assistant.EUNAUTHORIZED {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="api", error="invalid_token"`)
			}
			return err
		}
		c.Set(keyContext, key)
		return next(c)
	}
}

// observe counts and times every request and writes one log line for it: route template, status and
// duration, never bodies, query strings or headers, which can hold patients' words and numbers.
func (s *server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // writes the response now, so that the status below is the one sent
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		req, status := c.Request(), c.Response().Status
		s.Metrics.HTTPRequests.WithLabelValues(req.Method, route, strconv.Itoa(status)).Inc()
		s.Metrics.HTTPDuration.WithLabelValues(req.Method, route).Observe(metrics.Since(start))
		if route == "/metrics" || route == "/healthz" || route == "/readyz" {
			return nil // scraped every few seconds: logging them would drown the rest
		}
		attrs := []any{
			"method", req.Method, "route", route, "status", status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID),
		}
		if key, ok := c.Get(keyContext).(apikey.Key); ok {
			attrs = append(attrs, "api_key", key.ID)
		}
		s.Log.InfoContext(req.Context(), "request", attrs...)
		return nil
	}
}

// handleError is the one place where errors become HTTP statuses and `{"error": "..."}` bodies.
// Internal errors are logged with the request id and shown as a generic sentence.
func (s *server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "internal error"
	if he, ok := errors.AsType[*echo.HTTPError](err); ok {
		status = he.Code
		msg = http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		}
	} else {
		status = assistant.HTTPStatus(err)
		if status == http.StatusServiceUnavailable {
			c.Response().Header().Set("Retry-After", "5")
		}
		msg = assistant.ErrorMessage(err)
	}
	if status >= 500 {
		s.Log.ErrorContext(c.Request().Context(), "request failed", "route", c.Path(), "status", status,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(status)
	} else {
		werr = c.JSON(status, map[string]string{"error": msg})
	}
	if werr != nil {
		s.Log.WarnContext(c.Request().Context(), "writing error response", "err", werr)
	}
}
