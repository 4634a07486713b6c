package kb

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/lexicon"
)

// Embedder turns texts into vectors whose cosine similarity says how alike they are.
type Embedder interface {
	// ID names the embedder and its version ("local-hash@v1-512-3f2a..."): vectors are stored under
	// it, and a new ID means re-embedding.
	ID() string
	Dims() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// The vocabulary of the local embedder: concepts that patients and the clinic's pages name in
// different words and languages ("pee", "urinate", "orinar", "पेशाब" -> urination; "shot", "jab",
// "vacuna" -> vaccine), and each language's stop words.
//
//go:embed vocabulary/*.txt
var vocabularyFS embed.FS

// vocabulary is the compiled vocabulary: concepts and stop words, and a hash of its files that
// versions everything computed from it.
type vocabulary struct {
	lex   *lexicon.Lexicon
	stops map[string]bool
	hash  string
}

// loadVocabulary compiles the embedded vocabulary once.
var loadVocabulary = sync.OnceValues(func() (*vocabulary, error) {
	files := map[string]string{}
	h := sha256.New()
	names, err := fs.Glob(vocabularyFS, "vocabulary/*.txt")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(vocabularyFS, n)
		if err != nil {
			return nil, err
		}
		files[n] = string(b)
		h.Write(b)
	}
	lex, err := lexicon.Compile(files)
	if err != nil {
		return nil, fmt.Errorf("kb: vocabulary: %w", err)
	}
	v := &vocabulary{lex: lex, stops: map[string]bool{}, hash: hex.EncodeToString(h.Sum(nil))[:10]}
	for _, r := range lex.Rules {
		switch r.Kind {
		case "concept", "topic":
		case "stop":
		default:
			return nil, fmt.Errorf("kb: vocabulary: %s: kind %q (concept, topic or stop expected)", r.Source, r.Kind)
		}
	}
	// Stop words are single words: read them from the files directly, continuation lines included.
	for _, body := range files {
		for _, stmt := range statements(body) {
			if rest, ok := strings.CutPrefix(stmt, "stop "); ok {
				if _, words, ok := strings.Cut(rest, ":"); ok {
					for _, w := range strings.Split(words, "|") {
						if w = strings.TrimSpace(w); w != "" {
							v.stops[lexicon.Normalize(w)] = true
						}
					}
				}
			}
		}
	}
	return v, nil
})

// statements joins a lexicon file's lines into statements: a line that starts with white space and
// "|" continues the one before; comments are dropped.
func statements(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, "|") && line != t && len(out) > 0:
			out[len(out)-1] += " " + t
		default:
			out = append(out, t)
		}
	}
	return out
}

// content reports whether a token says something about the topic: a word of two letters or more
// that is not a stop word.
func (v *vocabulary) content(t lexicon.Token) bool {
	return !t.IsNum && !v.stops[t.Norm] && utf8.RuneCountInString(t.Norm) >= 2
}

// concepts returns the concept matches of a document.
func (v *vocabulary) concepts(doc *lexicon.Doc) []lexicon.Match {
	ms := v.lex.Match(doc)
	out := ms[:0]
	for _, m := range ms {
		if m.Rule.Kind == "concept" || m.Rule.Kind == "topic" {
			out = append(out, m)
		}
	}
	return out
}

// LocalEmbedder embeds without a network or downloaded weights: hashed features of words, of their
// character n-grams (for inflections and cognates) and of the concepts the vocabulary finds, with
// sublinear weights, L2-normalised. Concepts are what make a Spanish question find an English page.
type LocalEmbedder struct {
	dims  int
	vocab *vocabulary
	id    string
}

var _ Embedder = (*LocalEmbedder)(nil)

// Feature weights of the local embedder.
const (
	wordWeight    = 1.0
	ngramWeight   = 0.35
	conceptWeight = 2.2
)

// localVersion versions the local embedder's features: a change to them re-embeds.
const localVersion = 2

// NewLocalEmbedder returns the local embedder. dims is the vector size (512 is a good default).
func NewLocalEmbedder(dims int) (*LocalEmbedder, error) {
	if dims < 64 || dims > 4096 {
		return nil, fmt.Errorf("kb: local embedder: %d dimensions is out of range 64-4096", dims)
	}
	v, err := loadVocabulary()
	if err != nil {
		return nil, err
	}
	return &LocalEmbedder{dims: dims, vocab: v, id: fmt.Sprintf("local-hash@a%d.t%d-%d-%s", localVersion, searchTextVersion, dims, v.hash)}, nil
}

// ID names the embedder; it changes with the vocabulary, so that a new vocabulary re-embeds.
func (e *LocalEmbedder) ID() string { return e.id }

// Dims is the vector size.
func (e *LocalEmbedder) Dims() int { return e.dims }

// Embed embeds texts; it never fails.
func (e *LocalEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.Vector(t)
	}
	return out, nil
}

// Concepts returns the vocabulary concepts a text names, for explanations and tests.
func (e *LocalEmbedder) Concepts(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range e.vocab.concepts(lexicon.NewDoc(text)) {
		if !seen[m.Rule.Name] {
			seen[m.Rule.Name] = true
			out = append(out, m.Rule.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Vector embeds one text.
func (e *LocalEmbedder) Vector(text string) []float32 {
	doc := lexicon.NewDoc(text)
	counts := map[string]float64{}
	for _, t := range doc.Tokens {
		if !e.vocab.content(t) {
			continue
		}
		counts["w:"+t.Norm] += wordWeight
		r := []rune("<" + t.Norm + ">")
		for n := 3; n <= 4; n++ {
			for i := 0; i+n <= len(r); i++ {
				counts["g:"+string(r[i:i+n])] += ngramWeight
			}
		}
	}
	for _, m := range e.vocab.concepts(doc) {
		counts["k:"+m.Rule.Name] += conceptWeight
	}
	v := make([]float64, e.dims)
	for f, c := range counts {
		h := fnv.New64a()
		h.Write([]byte(f))
		sum := h.Sum64()
		idx := int(sum % uint64(e.dims))
		sign := 1.0
		if sum>>63 == 1 {
			sign = -1 // signed hashing: collisions cancel out on average instead of piling up
		}
		w := 1 + math.Log(c) // sublinear: a word said ten times is not ten times the evidence
		if c < 1 {
			w = c
		}
		v[idx] += sign * w
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, e.dims)
	if norm == 0 {
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// LocalDims is the vector size of the default local embedder.
const LocalDims = 512

// NewEmbedder returns the embedder the configuration asks for: an OpenAI-compatible model when
// TRIAGE_EMBED_MODEL is set, the local embedder otherwise. httpClient may be nil. A remote model that
// does not answer yet comes back with the error (see NewOpenAIEmbedder); a nil embedder means the
// configuration cannot work at all.
func NewEmbedder(ctx context.Context, c config.KB, httpClient *http.Client) (Embedder, error) {
	if c.EmbedModel == "" {
		e, err := NewLocalEmbedder(LocalDims)
		if err != nil {
			return nil, err
		}
		return e, nil
	}
	e, err := NewOpenAIEmbedder(ctx, OpenAIEmbedderConfig{BaseURL: c.EmbedBaseURL, APIKey: c.EmbedAPIKey, Model: c.EmbedModel, HTTPClient: httpClient})
	if e == nil {
		return nil, err
	}
	return e, err
}
