package channel

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// MaxResponse bounds what is read of a provider's answer.
const MaxResponse = 64 << 10

// Do sends req and reads the answer. A request that got no answer is a temporary error of provider;
// a 429 or 5xx without a better reading of the body is temporary too (with Retry-After when given).
func Do(ctx context.Context, client *http.Client, provider string, req *http.Request) (status int, body []byte, retryAfter time.Duration, err error) {
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return 0, nil, 0, ctx.Err()
		}
		return 0, nil, 0, Transient(provider, err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, MaxResponse))
	if err != nil {
		return resp.StatusCode, nil, 0, Transient(provider, err)
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			retryAfter = time.Duration(n) * time.Second
		}
	}
	return resp.StatusCode, body, retryAfter, nil
}

// Retryable reports whether an HTTP status is worth trying again: throttling and server errors.
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}
