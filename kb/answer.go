package kb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clinictriage/assistant/llm"
)

// Question is what a patient asked the knowledge base.
type Question struct {
	Text        string
	Lang        string // the language to answer in: "es", or "hi-Latn" for Hindi written in Latin letters
	ContactName string // removed, with other identifiers, before the question goes to a model
}

// Answer is the knowledge base's reply to a question, or why there is none.
type Answer struct {
	Answered   bool    `json:"answered"`
	Text       string  `json:"text,omitempty"`
	Lang       string  `json:"lang,omitempty"` // the language of Text (the patient's, or the clinic's with a note)
	Translated bool    `json:"translated"`     // false when the page exists only in the clinic's language
	DocID      string  `json:"doc_id,omitempty"`
	Title      string  `json:"title,omitempty"`
	ChunkIDs   []int64 `json:"chunk_ids,omitempty"` // the passages the answer is drawn from
	Confidence float64 `json:"confidence"`
	Method     string  `json:"method,omitempty"` // extractive or model
	// Reason says why there is no answer: low_confidence (retrieval is not sure enough) or declined
	// (the model found that the passages do not hold the answer).
	Reason string `json:"reason,omitempty"`
	// ModelFailure says why a configured model was not used (timeout, invalid, unavailable,
	// circuit_open): the answer is then extractive.
	ModelFailure string        `json:"model_failure,omitempty"`
	ModelLatency time.Duration `json:"-"`
}

// Answer methods and reasons.
const (
	MethodExtractive = "extractive"
	MethodModel      = "model"

	ReasonLowConfidence = "low_confidence"
	ReasonDeclined      = "declined"
)

// MaxAnswerChars bounds the body of an extractive answer: a chat message read on a phone, and one SMS
// concatenation rarely longer than a few segments.
const MaxAnswerChars = 480

// Responder answers questions from the knowledge base: extractively, or through a model that may use
// only the retrieved passages when one is configured.
type Responder struct {
	store         *Store
	minConfidence float64
	model         *ModelAnswerer // nil: extractive answers only
}

// NewResponder answers from s when the search's confidence reaches minConfidence. model may be nil.
func NewResponder(s *Store, minConfidence float64, model *ModelAnswerer) *Responder {
	return &Responder{store: s, minConfidence: minConfidence, model: model}
}

// Answer searches the knowledge base and composes the reply. A retrieval below the threshold, or a
// model that declines, gives an unanswered Answer (the caller escalates). A model that fails or
// answers garbage never silences the bot: the answer falls back to the extractive one. Errors come
// only from the search (the database), so that the caller retries the whole message.
func (r *Responder) Answer(ctx context.Context, q Question) (Answer, error) {
	res, err := r.store.Search(ctx, Query{Text: q.Text, Lang: q.Lang, Limit: 3})
	if err != nil {
		return Answer{}, err
	}
	out := Answer{Confidence: res.Confidence}
	if len(res.Hits) == 0 || res.Confidence < r.minConfidence {
		out.Reason = ReasonLowConfidence
		return out, nil
	}
	if r.model != nil {
		m, err := r.model.Answer(ctx, q, res.Hits)
		out.ModelLatency = m.Latency
		switch {
		case err == nil && m.Declined:
			out.Reason, out.Method = ReasonDeclined, MethodModel
			return out, nil
		case err == nil:
			h := res.Hits[m.Hit]
			out.Answered, out.Method, out.Text, out.Lang = true, MethodModel, m.Text+"\n"+sourceLine(q.Lang, h.Title), q.Lang
			out.Translated, out.DocID, out.Title, out.ChunkIDs = true, h.DocID, h.Title, m.ChunkIDs
			return out, nil
		default:
			out.ModelFailure = modelFailure(err)
		}
	}
	r.extractive(&out, q, res.Hits[0])
	return out, nil
}

// extractive quotes the best passage: its most relevant lines, in the patient's language when the page
// exists in it, else in the clinic's with a one-line note saying so.
func (r *Responder) extractive(out *Answer, q Question, h Hit) {
	qf := r.store.features(q.Text)
	var b strings.Builder
	base, _, _ := strings.Cut(q.Lang, "-")
	translated := h.Lang == base
	if !translated {
		b.WriteString(untranslatedNote(q.Lang, h.Lang))
		b.WriteString("\n")
	}
	heading := h.Title
	if n := len(h.Best.HeadingPath); n > 0 {
		heading = h.Best.HeadingPath[n-1]
	}
	b.WriteString(heading)
	b.WriteString(":\n")
	b.WriteString(excerpt(h.Best.Body, qf, r.store, MaxAnswerChars))
	b.WriteString("\n")
	b.WriteString(sourceLine(q.Lang, h.Title))
	out.Answered, out.Method, out.Text = true, MethodExtractive, b.String()
	out.Lang, out.Translated, out.DocID, out.Title, out.ChunkIDs = h.Lang, translated, h.DocID, h.Title, []int64{h.Best.ID}
	if !translated {
		out.Lang = h.Lang
	}
}

// excerpt picks the lines of a passage that speak to the question, in their order, within max
// characters; a passage that fits is quoted whole.
func excerpt(body string, qf textFeatures, s *Store, max int) string {
	body = strings.TrimSpace(body)
	if utf8.RuneCountInString(body) <= max {
		return body
	}
	var units []string
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) <= max {
			units = append(units, line)
			continue
		}
		units = append(units, splitBounded(line, max)...)
	}
	type scoredUnit struct {
		i     int
		score float64
	}
	scored := make([]scoredUnit, len(units))
	for i, u := range units {
		scored[i] = scoredUnit{i, coverage(qf, s.features(u))}
	}
	sort.SliceStable(scored, func(a, b int) bool { return scored[a].score > scored[b].score })
	keep := map[int]bool{}
	total := 0
	for _, su := range scored {
		n := utf8.RuneCountInString(units[su.i]) + 1
		if total+n > max {
			if len(keep) == 0 {
				keep[su.i] = true // the best line alone is over the limit only when it was cut to max
			}
			continue
		}
		keep[su.i] = true
		total += n
	}
	var lines []string
	for i, u := range units {
		if keep[i] {
			lines = append(lines, u)
		}
	}
	return strings.Join(lines, "\n")
}

// modelFailure names a model failure for the record (never the model's text).
func modelFailure(err error) string {
	var ve *answerValidationError
	switch {
	case errors.As(err, &ve):
		return "invalid"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, llm.ErrCircuitOpen):
		return "circuit_open"
	}
	return "unavailable"
}

// answerValidationError is a model answer that is not what was asked for.
type answerValidationError struct{ reason string }

func (e *answerValidationError) Error() string { return "model answer invalid: " + e.reason }

func errAnswerInvalid(format string, args ...any) error {
	return &answerValidationError{reason: fmt.Sprintf(format, args...)}
}

// Store is the knowledge base the responder searches.
func (r *Responder) Store() *Store { return r.store }
