package kb

import (
	"context"
	"fmt"
	"net/http"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/clinictriage/assistant/llm"
)

// OpenAIEmbedder embeds with an OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, Ollama,
// llama.cpp server), in batches, with one retry on a timeout, 429 or 5xx.
type OpenAIEmbedder struct {
	client  *openai.Client
	model   string
	dims    int
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

// NewOpenAIEmbedder asks the server for one embedding to learn the model's dimension: the stored
// vectors and their index need it, and a server that cannot embed should fail at start, not at the
// first patient question.
func NewOpenAIEmbedder(ctx context.Context, cfg OpenAIEmbedderConfig) (*OpenAIEmbedder, error) {
	if cfg.BaseURL == "" || cfg.Model == "" {
		return nil, fmt.Errorf("kb: the embedding model needs a base URL and a model name")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	e := &OpenAIEmbedder{client: llm.NewClient(cfg.BaseURL, cfg.APIKey, cfg.HTTPClient), model: cfg.Model,
		timeout: cfg.Timeout, backoff: 500 * time.Millisecond, breaker: llm.NewBreaker(5, 30*time.Second)}
	v, err := e.request(ctx, []string{"dimension probe"})
	if err != nil {
		return nil, fmt.Errorf("kb: embedding model %q: %w", cfg.Model, err)
	}
	e.dims = len(v[0])
	if e.dims < 8 || e.dims > 16000 {
		return nil, fmt.Errorf("kb: embedding model %q returned vectors of %d dimensions", cfg.Model, e.dims)
	}
	return e, nil
}

// ID names the model, its dimension and the version of the text embedded; vectors of another model
// are never compared with its own.
func (e *OpenAIEmbedder) ID() string {
	return fmt.Sprintf("openai:%s@%d-t%d", e.model, e.dims, searchTextVersion)
}

// Dims is the vector size the model returns.
func (e *OpenAIEmbedder) Dims() int { return e.dims }

// Embed embeds texts, at most 64 per request.
func (e *OpenAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for i := 0; i < len(texts); i += 64 {
		vecs, err := e.request(ctx, texts[i:min(i+64, len(texts))])
		if err != nil {
			return nil, err
		}
		for _, v := range vecs {
			if e.dims != 0 && len(v) != e.dims {
				return nil, fmt.Errorf("kb: embedding model %q returned %d dimensions instead of %d", e.model, len(v), e.dims)
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
