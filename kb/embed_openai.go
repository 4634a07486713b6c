package kb

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/clinictriage/assistant/llm"
)

// OpenAIEmbedder embeds with an OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, Ollama,
// llama.cpp server), in batches, with one retry on a timeout, 429 or 5xx.
type OpenAIEmbedder struct {
	client  *openai.Client
	model   string
	dims    atomic.Int64 // learnt from the first answer
	timeout time.Duration
	backoff time.Duration
	breaker *llm.Breaker
}

var _ Embedder = (*OpenAIEmbedder)(nil)

// OpenAIEmbedderConfig configures an OpenAIEmbedder.
type OpenAIEmbedderConfig struct {
	BaseURL, APIKey, Model string
	Timeout                time.Duration // per request (default 20s)
	HTTPClient             *http.Client  // optional
}

// NewOpenAIEmbedder asks the server for one embedding to learn the model's dimension, which the stored
// vectors and their index need. When the server does not answer, the embedder is returned with the
// error: the service still starts (the safety rules need no model), searches use full text alone,
// and the dimension is learnt from the first answer.
func NewOpenAIEmbedder(ctx context.Context, cfg OpenAIEmbedderConfig) (*OpenAIEmbedder, error) {
	if cfg.BaseURL == "" || cfg.Model == "" {
		return nil, fmt.Errorf("kb: the embedding model needs a base URL and a model name")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	e := &OpenAIEmbedder{client: llm.NewClient(cfg.BaseURL, cfg.APIKey, cfg.HTTPClient), model: cfg.Model,
		timeout: cfg.Timeout, backoff: 500 * time.Millisecond, breaker: llm.NewBreaker(5, 30*time.Second)}
	if _, err := e.Embed(ctx, []string{"dimension probe"}); err != nil {
		return e, fmt.Errorf("kb: embedding model %q: %w", cfg.Model, err)
	}
	return e, nil
}

// ID names the model and the version of the text embedded; vectors of another model are never
// compared with its own.
func (e *OpenAIEmbedder) ID() string { return fmt.Sprintf("openai:%s@t%d", e.model, searchTextVersion) }

// Dims is the vector size the model returns; 0 until the model has answered once.
func (e *OpenAIEmbedder) Dims() int { return int(e.dims.Load()) }

// Embed embeds texts, at most 64 per request.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += 64 {
		vecs, err := e.request(ctx, texts[i:min(i+64, len(texts))])
		if err != nil {
			return nil, err
		}
		for _, v := range vecs {
			if len(v) < 8 || len(v) > 16000 {
				return nil, fmt.Errorf("kb: embedding model %q returned a vector of %d dimensions", e.model, len(v))
			}
			e.dims.CompareAndSwap(0, int64(len(v)))
			if d := e.Dims(); len(v) != d {
				return nil, fmt.Errorf("kb: embedding model %q returned %d dimensions instead of %d", e.model, len(v), d)
			}
		}
		out = append(out, vecs...)
	}
	return out, nil
}

func (e *OpenAIEmbedder) request(ctx context.Context, texts []string) ([][]float32, error) {
	var vecs [][]float32
	_, err := llm.Call(ctx, e.breaker, e.timeout, e.backoff, func(actx context.Context) error {
		resp, err := e.client.CreateEmbeddings(actx, openai.EmbeddingRequestStrings{Input: texts, Model: openai.EmbeddingModel(e.model)})
		if err != nil {
			return err
		}
		if len(resp.Data) != len(texts) {
			return fmt.Errorf("%d embeddings for %d texts", len(resp.Data), len(texts))
		}
		vecs = make([][]float32, len(texts))
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(texts) || vecs[d.Index] != nil {
				return fmt.Errorf("embedding index %d out of order", d.Index)
			}
			if len(d.Embedding) == 0 {
				return fmt.Errorf("an empty embedding")
			}
			vecs[d.Index] = d.Embedding
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("kb: embed: %w", err)
	}
	return vecs, nil
}
