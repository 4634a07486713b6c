package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/sentiment"
	"github.com/clinictriage/assistant/triage"
)

// messageRequest is the body of POST /api/v1/messages.
type messageRequest struct {
	From      string `json:"from"`
	MessageID string `json:"message_id"`
	Text      string `json:"text"`
	Name      string `json:"name"`
	SentAt    string `json:"sent_at"`
	Channel   string `json:"channel"`
}

// postMessage accepts one patient message: 202 when it is new, 200 with the same ids when the
// message id was seen before. Either way the message is committed with its processing job before the
// answer is sent.
func (s *server) postMessage(c echo.Context) error {
	var req messageRequest
	if err := decodeJSON(c, &req); err != nil {
		s.Metrics.MessagesIngested.WithLabelValues("api", "rejected").Inc()
		return err
	}
	in := conversation.Inbound{
		Channel:          req.Channel,
		From:             req.From,
		ChannelMessageID: req.MessageID,
		Text:             req.Text,
		Name:             req.Name,
	}
	if req.SentAt != "" {
		t, err := time.Parse(time.RFC3339Nano, req.SentAt)
		if err != nil {
			s.Metrics.MessagesIngested.WithLabelValues("api", "rejected").Inc()
			return assistant.Errorf(assistant.EINVALID, "sent_at: must be an RFC 3339 time such as 2026-11-21T14:03:00Z")
		}
		in.SentAt = t
	}

	acc, err := s.Conversations.Accept(c.Request().Context(), in)
	// The label is one of the known channels whatever the caller sent.
	channel := conversation.ChannelAPI
	if ch := strings.ToLower(strings.TrimSpace(req.Channel)); slices.Contains(conversation.Channels, ch) {
		channel = ch
	}
	switch {
	case err != nil:
		outcome := "rejected"
		if assistant.ErrorCode(err) != assistant.EINVALID {
			outcome = "unavailable"
		}
		s.Metrics.MessagesIngested.WithLabelValues(channel, outcome).Inc()
		return err
	case acc.Duplicate:
		s.Metrics.MessagesIngested.WithLabelValues(channel, "duplicate").Inc()
		return c.JSON(http.StatusOK, acc)
	default:
		s.Metrics.MessagesIngested.WithLabelValues(channel, "accepted").Inc()
		return c.JSON(http.StatusAccepted, acc)
	}
}

// conversationView is a conversation with, beside each inbound message, its assessment, and the
// conversation's escalation.
type conversationView struct {
	*conversation.Conversation
	Messages       []messageView          `json:"messages"`
	Escalation     *escalation.Escalation `json:"escalation"`
	SentimentTrend sentiment.Trend        `json:"sentiment_trend"`
}

type messageView struct {
	conversation.Message
	Assessment *triage.StoredAssessment `json:"assessment,omitempty"`
}

func (s *server) getConversation(c echo.Context) error {
	ctx := c.Request().Context()
	conv, err := s.Conversations.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	assessments, err := triage.Assessments(ctx, s.Pool, conv.ID)
	if err != nil {
		return err
	}
	esc, err := s.Escalations.Latest(ctx, conv.ID)
	if err != nil {
		return err
	}
	view := conversationView{Conversation: conv, Escalation: esc, Messages: make([]messageView, len(conv.Messages))}
	var scores []float64
	for i, m := range conv.Messages {
		view.Messages[i] = messageView{Message: m}
		if a, ok := assessments[m.ID]; ok {
			view.Messages[i].Assessment = &a
			scores = append(scores, a.SentimentScore)
		}
	}
	view.SentimentTrend = sentiment.TrendOf(scores)
	return c.JSON(http.StatusOK, view)
}

// decodeJSON reads at most MaxBodyBytes and decodes one JSON object into v, with errors that say what
// is wrong and where: the body is too large, empty, not JSON, not an object, or a field has the
// wrong type.
func decodeJSON(c echo.Context, v any) error {
	r := c.Request()
	if r.ContentLength > MaxBodyBytes {
		return tooLarge()
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, MaxBodyBytes))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return tooLarge()
	}
	if err != nil {
		return assistant.Errorf(assistant.EINVALID, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return assistant.Errorf(assistant.EINVALID, "request body is empty: a JSON object is expected")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			if te.Field == "" {
				return assistant.Errorf(assistant.EINVALID, "request body must be a JSON object")
			}
			return assistant.Errorf(assistant.EINVALID, "%s: must be a JSON %s, not %s", te.Field, jsonKind(te.Type.Kind()), te.Value)
		}
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			return assistant.Errorf(assistant.EINVALID, "malformed JSON at byte %d: %s", se.Offset, se.Error())
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return assistant.Errorf(assistant.EINVALID, "malformed JSON: the body ends before the object does")
		}
		return assistant.Errorf(assistant.EINVALID, "malformed JSON: %s", err.Error())
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return assistant.Errorf(assistant.EINVALID, "malformed JSON: unexpected data after the object")
	}
	return nil
}

func tooLarge() error {
	return assistant.Errorf(assistant.ETOOLARGE, "request body is larger than %d bytes", MaxBodyBytes)
}

// jsonKind names a Go kind the way a JSON author would.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "number"
}
