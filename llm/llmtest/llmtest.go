// Package llmtest is an OpenAI-compatible chat completion and embeddings server for tests and
// benchmarks: it can answer well, slowly, with errors, with malformed JSON, with values outside the
// vocabulary, or with whatever a test scripts, and it records every request it got.
package llmtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode"

	openai "github.com/sashabaranov/go-openai"
)

// Reply is what the server sends back for one request.
type Reply struct {
	Status  int           // HTTP status; 0 means 200
	Content string        // the assistant message content, for 200
	Body    string        // a raw body instead (for broken JSON or error bodies)
	Delay   time.Duration // wait before answering
	Finish  string        // finish_reason; "" means stop
}

// Behavior decides the reply to each request; n counts requests from 1.
type Behavior func(n int, req openai.ChatCompletionRequest) Reply

// Server is a running fake model.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	behavior Behavior
	requests []openai.ChatCompletionRequest
	raw      []string
	embed    EmbedBehavior
	embeds   int // embedding requests received
}

// New starts a server with the given behavior. Its base URL for clients is URL + "/v1".
func New(b Behavior) *Server {
	s := &Server{behavior: b}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// BaseURL is what a client's TRIAGE_LLM_BASE_URL would be.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// SetBehavior changes how the server answers from now on.
func (s *Server) SetBehavior(b Behavior) {
	s.mu.Lock()
	s.behavior = b
	s.mu.Unlock()
}

// Requests returns the requests received so far.
func (s *Server) Requests() []openai.ChatCompletionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), s.requests...)
}

// RawRequests returns the request bodies as sent, for checks the decoded form hides (temperature).
func (s *Server) RawRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.raw...)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/embeddings") {
		s.handleEmbeddings(w, r)
		return
	}
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req openai.ChatCompletionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.raw = append(s.raw, string(body))
	n, b := len(s.requests), s.behavior
	s.mu.Unlock()

	reply := b(n, req)
	if scripted(w, r, reply.Delay, reply.Status, reply.Body) {
		return
	}
	finish := reply.Finish
	if finish == "" {
		finish = "stop"
	}
	resp := map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []map[string]any{{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": reply.Content}}},
		"usage": map[string]int{"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
	}
	json.NewEncoder(w).Encode(resp)
}

// EmbedReply is what the server sends back for one embeddings request.
type EmbedReply struct {
	Status  int           // HTTP status; 0 means 200
	Body    string        // a raw body instead
	Delay   time.Duration // wait before answering
	Vectors [][]float32   // the embeddings, in input order
}

// EmbedBehavior decides the reply to each embeddings request; n counts them from 1.
type EmbedBehavior func(n int, input []string) EmbedReply

// SetEmbedBehavior changes how the server answers embeddings requests (by default: BagOfWords(64)).
func (s *Server) SetEmbedBehavior(b EmbedBehavior) {
	s.mu.Lock()
	s.embed = b
	s.mu.Unlock()
}

// EmbedRequests counts the embeddings requests received.
func (s *Server) EmbedRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.embeds
}

// BagOfWords embeds each text as its lower-cased words hashed into dims buckets, L2-normalised: a
// deterministic stand-in for an embedding model, different from the product's local embedder.
func BagOfWords(dims int) EmbedBehavior {
	return func(_ int, input []string) EmbedReply {
		out := make([][]float32, len(input))
		for i, t := range input {
			v := make([]float32, dims)
			for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				h := fnv.New32a()
				h.Write([]byte(w))
				v[h.Sum32()%uint32(dims)]++
			}
			var n float64
			for _, x := range v {
				n += float64(x * x)
			}
			if n == 0 {
				v[0], n = 1, 1
			}
			for j := range v {
				v[j] /= float32(math.Sqrt(n))
			}
			out[i] = v
		}
		return EmbedReply{Vectors: out}
	}
}

// FailEmbeddings answers every embeddings request with the HTTP status.
func FailEmbeddings(status int) EmbedBehavior {
	return func(int, []string) EmbedReply { return EmbedReply{Status: status} }
}

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Input json.RawMessage `json:"input"`
		Model string          `json:"model"`
	}
	var input []string
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || json.Unmarshal(req.Input, &input) != nil {
		var one string
		if err != nil || json.Unmarshal(req.Input, &one) != nil {
			http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
			return
		}
		input = []string{one}
	}
	s.mu.Lock()
	s.embeds++
	n, b := s.embeds, s.embed
	s.mu.Unlock()
	if b == nil {
		b = BagOfWords(64)
	}
	reply := b(n, input)
	if scripted(w, r, reply.Delay, reply.Status, reply.Body) {
		return
	}
	data := make([]map[string]any, len(reply.Vectors))
	for i, v := range reply.Vectors {
		data[i] = map[string]any{"object": "embedding", "index": i, "embedding": v}
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model,
		"usage": map[string]int{"prompt_tokens": 10, "total_tokens": 10}})
}

// Answer is the JSON a well-behaved model returns.
type Answer struct {
	Urgency        string   `json:"urgency"`
	Intent         string   `json:"intent"`
	Sentiment      string   `json:"sentiment"`
	SentimentScore float64  `json:"sentiment_score"`
	Distress       []string `json:"distress"`
	RedFlags       []string `json:"red_flags"`
	Rationale      string   `json:"rationale"`
}

// JSON renders the answer as the content of a reply.
func (a Answer) JSON() string {
	if a.Distress == nil {
		a.Distress = []string{}
	}
	if a.RedFlags == nil {
		a.RedFlags = []string{}
	}
	b, _ := json.Marshal(a)
	return string(b)
}

// Always answers every request with the same reply.
func Always(r Reply) Behavior { return func(int, openai.ChatCompletionRequest) Reply { return r } }

// Good answers every request with the given assessment.
func Good(a Answer) Behavior { return Always(Reply{Content: a.JSON()}) }

// Sequence answers the n-th request with replies[n-1] and repeats the last one after that.
func Sequence(replies ...Reply) Behavior {
	return func(n int, _ openai.ChatCompletionRequest) Reply {
		if n > len(replies) {
			n = len(replies)
		}
		return replies[n-1]
	}
}

// UserContent returns the text of the user message of a request.
func UserContent(req openai.ChatCompletionRequest) string {
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleUser {
			return m.Content
		}
	}
	return ""
}

// scripted waits a reply's delay, then writes its failure status or its raw body. It reports whether
// the response is complete (or the client has gone), so that only a normal reply is left to build.
func scripted(w http.ResponseWriter, r *http.Request, delay time.Duration, status int, body string) bool {
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return true
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if status != 0 && status != http.StatusOK {
		w.WriteHeader(status)
		if body == "" {
			body = fmt.Sprintf(`{"error":{"message":"scripted failure %d","type":"server_error"}}`, status)
		}
		io.WriteString(w, body)
		return true
	}
	if body != "" {
		io.WriteString(w, body)
		return true
	}
	return false
}
