// Package llm holds what every model call of the product shares, whichever OpenAI-compatible server
// answers it (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp): the client, one retry on failures worth
// retrying, a circuit breaker, and the nonce that fences patient text off from instructions.
package llm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// NewClient returns a go-openai client for baseURL ("https://api.openai.com/v1",
// "http://localhost:11434/v1"). httpClient may be nil.
func NewClient(baseURL, apiKey string, httpClient *http.Client) *openai.Client {
	oc := openai.DefaultConfig(apiKey)
	oc.BaseURL = strings.TrimRight(baseURL, "/")
	if httpClient != nil {
		oc.HTTPClient = httpClient
	} else {
		oc.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second}}
	}
	return openai.NewClientWithConfig(oc)
}

// ErrCircuitOpen is returned while the breaker keeps calls away from a failing model.
var ErrCircuitOpen = errors.New("model circuit open")

// Call runs attempt (given a context limited to timeout) through the breaker, and once more after a
// jittered backoff when the failure is worth retrying. It returns the number of attempts made.
func Call(ctx context.Context, b *Breaker, timeout, backoff time.Duration, attempt func(context.Context) error) (int, error) {
	if b != nil && !b.Allow() {
		return 0, ErrCircuitOpen
	}
	var err error
	n := 0
	for n = 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, timeout)
		err = attempt(actx)
		cancel()
		if err == nil {
			if b != nil {
				b.Record(true)
			}
			return n, nil
		}
		if n == 2 || !Retryable(ctx, err) || !Sleep(ctx, backoff+time.Duration(randInt(int(backoff/2)))) {
			break
		}
	}
	if b != nil {
		b.Record(false)
	}
	return n, err
}

// Retryable reports a failure worth one more try: the attempt timed out (while the caller still
// waits), the server is overloaded (429) or failing (5xx), or the connection broke.
func Retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if apiErr, ok := errors.AsType[*openai.APIError](err); ok {
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500
	}
	if reqErr, ok := errors.AsType[*openai.RequestError](err); ok {
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return false
}

// Sleep waits d, or less when ctx ends first; it reports whether the full wait passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func randInt(n int) int {
	if n <= 0 {
		return 0
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return int(uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16|uint32(b[3])<<24) % n
}

// Nonce is a random tag for the markers around patient text: the patient cannot know it, so no text
// can close the data early and pose as an instruction.
func Nonce() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// JSONRequest is a chat request for a versioned system prompt and one user message, answered at
// temperature 0 with a JSON object that must follow schema (strict).
func JSONRequest(model, system, user, schemaName string, schema json.Marshaler, maxTokens int) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model: model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		// go-openai drops a zero temperature from the request (omitempty), which servers read as
		// their default of 1; the smallest positive float is sent instead and means 0.
		Temperature:         math.SmallestNonzeroFloat32,
		MaxCompletionTokens: maxTokens,
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: schemaName, Schema: schema, Strict: true},
		},
	}
}
