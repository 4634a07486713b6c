package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/audit"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/triage"
)

// item is one entry of the transcript: a message (with its assessment when it is the patient's) or
// a nurse's note or action.
type item struct {
	At         time.Time
	Message    *conversation.Message
	Segments   []segment
	Assessment *assessmentView
	Note       *escalation.Note
}

type flagView struct {
	Name, Text string
	Carried    bool // held from an earlier message of the conversation
	ByModel    bool // only the model saw it
}

type findingView struct {
	Kind, Name, Text string
	Modifiers        []string
}

type assessmentView struct {
	triage.StoredAssessment
	Flags    []flagView
	Excluded []findingView // matched but negated, past, about someone else or hypothetical
}

type conversationView struct {
	Conversation *conversation.Conversation
	Escalation   *escalation.Escalation
	ClaimedEmail string
	Mine         bool
	CanAct       bool // owner, or a lead acting on someone else's claim
	Items        []item
	Trend        trend
	Levels       []string
	Outcomes     []string
	MaxReply     int
	Flash        string
	FlashError   bool
	Draft        string // the reply that failed, so that it is not lost
}

var doneText = map[string]string{
	"claim": "You have claimed this conversation: the bot stays silent while you own it.", "release": "Released to the queue.",
	"reply": "Reply queued for delivery.", "note": "Note added.", "priority": "Priority changed.",
	"resolve": "Resolved.", "handback": "Handed back to the bot.",
}

func (s *server) conversationPage(c echo.Context) error {
	v, err := s.loadConversation(c.Request().Context(), c, c.Param("id"))
	if err != nil {
		return err
	}
	if wantsFragment(c) {
		// The open page refreshing itself on a live event: the nurse's view of it is recorded already.
		return s.render(c, http.StatusOK, "conversation", v)
	}
	a := actor(c)
	actx, cancel := detach(c.Request().Context())
	defer cancel()
	detail := map[string]any{}
	if v.Escalation != nil {
		detail["escalation_id"] = v.Escalation.ID
	}
	if err := audit.Record(actx, s.Pool, audit.Entry{ActorID: &a.ID, ActorEmail: a.Email, Action: audit.ConversationView,
		Target: v.Conversation.ID, IP: a.IP, Detail: detail}); err != nil {
		return err // a view that cannot be recorded is not shown
	}
	if t, ok := doneText[c.QueryParam("done")]; ok {
		v.Flash = t
	}
	return s.render(c, http.StatusOK, "conversation", v)
}

func (s *server) loadConversation(ctx context.Context, c echo.Context, id string) (conversationView, error) {
	conv, err := s.Conversations.Get(ctx, id)
	if assistant.ErrorCode(err) == assistant.EINVALID {
		return conversationView{}, notFoundPage("conversation")
	}
	if err != nil {
		return conversationView{}, err
	}
	assessments, err := triage.Assessments(ctx, s.Pool, conv.ID)
	if err != nil {
		return conversationView{}, err
	}
	esc, err := s.Escalations.Latest(ctx, conv.ID)
	if err != nil {
		return conversationView{}, err
	}
	notes, err := s.Escalations.Notes(ctx, conv.ID)
	if err != nil {
		return conversationView{}, err
	}
	me := sessionOf(c).User
	v := conversationView{Conversation: conv, Escalation: esc, Levels: escalation.Levels, Outcomes: escalation.Outcomes,
		MaxReply: conversation.MaxReplyRunes}
	if esc != nil && esc.ClaimedBy != nil {
		v.Mine = *esc.ClaimedBy == me.ID
		if err := s.Pool.QueryRow(ctx, `SELECT email FROM users WHERE id::text = $1`, *esc.ClaimedBy).Scan(&v.ClaimedEmail); err != nil &&
			!errors.Is(err, pgx.ErrNoRows) {
			return v, store.Classify("web: claimant", err)
		}
	}
	v.CanAct = esc != nil && esc.Status == "open" && (v.Mine || me.Role == "lead" || me.Role == "admin")
	var scores []float64
	for i := range conv.Messages {
		m := &conv.Messages[i]
		it := item{At: m.ReceivedAt, Message: m, Segments: []segment{{Text: m.Text}}}
		if a, ok := assessments[m.ID]; ok {
			av := assessmentOf(a)
			it.Assessment = &av
			it.Segments = highlight(m.Text, flagSpans(a))
			scores = append(scores, a.SentimentScore)
		}
		v.Items = append(v.Items, it)
	}
	for i := range notes {
		v.Items = append(v.Items, item{At: notes[i].At, Note: &notes[i]})
	}
	sort.SliceStable(v.Items, func(i, j int) bool { return v.Items[i].At.Before(v.Items[j].At) })
	if len(scores) > 5 {
		scores = scores[len(scores)-5:]
	}
	v.Trend = trendOf(scores)
	return v, nil
}

// flagSpans are the words of this message that its current red flags matched.
func flagSpans(a triage.StoredAssessment) []span {
	var flags []triage.RedFlag
	if json.Unmarshal(a.RedFlags, &flags) != nil {
		return nil
	}
	var out []span
	for _, f := range flags {
		if f.Turn == -1 && f.Source != "model" {
			out = append(out, span{start: f.Start, end: f.End, name: f.Name})
		}
	}
	return out
}

func assessmentOf(a triage.StoredAssessment) assessmentView {
	v := assessmentView{StoredAssessment: a}
	var flags []triage.RedFlag
	if json.Unmarshal(a.RedFlags, &flags) == nil {
		for _, f := range flags {
			v.Flags = append(v.Flags, flagView{Name: f.Name, Text: f.Text, Carried: f.Turn != -1, ByModel: f.Source == "model"})
		}
	}
	var rules triage.RulesResult
	if json.Unmarshal(a.Rules, &rules) == nil {
		for _, f := range rules.Findings {
			if f.Current() || f.Turn != -1 {
				continue
			}
			fv := findingView{Kind: f.Kind, Name: f.Name, Text: f.Text}
			for _, m := range f.Modifiers {
				fv.Modifiers = append(fv.Modifiers, string(m))
			}
			v.Excluded = append(v.Excluded, fv)
		}
	}
	return v
}

// act runs an action on an escalation and shows its conversation again: after success by a
// redirect (so that a reload does not repeat it), after a refusal with the reason and its status.
func (s *server) act(c echo.Context, done string, fn func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	e, err := s.Escalations.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := fn(ctx, actor(c), e); err != nil {
		status, msg := statusOf(err)
		if status >= 500 {
			return err
		}
		v, lerr := s.loadConversation(ctx, c, e.ConversationID)
		if lerr != nil {
			return lerr
		}
		v.Flash, v.FlashError = msg, true
		if done == "reply" {
			v.Draft = c.FormValue("text")
		}
		return s.render(c, status, "conversation", v)
	}
	return c.Redirect(http.StatusSeeOther, Prefix+"/conversations/"+e.ConversationID+"?done="+done)
}

func (s *server) claim(c echo.Context) error {
	return s.act(c, "claim", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		_, err := s.Escalations.Claim(ctx, a, e.ID)
		return err
	})
}

func (s *server) release(c echo.Context) error {
	return s.act(c, "release", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		_, err := s.Escalations.Release(ctx, a, e.ID)
		return err
	})
}

func (s *server) note(c echo.Context) error {
	return s.act(c, "note", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		return s.Escalations.AddNote(ctx, a, e.ID, c.FormValue("body"))
	})
}

func (s *server) priority(c echo.Context) error {
	return s.act(c, "priority", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		_, err := s.Escalations.Reprioritize(ctx, a, e.ID, c.FormValue("level"), c.FormValue("reason"))
		return err
	})
}

func (s *server) resolve(c echo.Context) error {
	return s.act(c, "resolve", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		_, err := s.Escalations.Resolve(ctx, a, e.ID, c.FormValue("outcome"), c.FormValue("note"))
		return err
	})
}

func (s *server) handBack(c echo.Context) error {
	return s.act(c, "handback", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		_, err := s.Escalations.HandBack(ctx, a, e.ID, c.FormValue("note"))
		return err
	})
}

// reply stores a nurse's message to the patient, queued for the patient's channel, after checking
// in the same transaction that the nurse owns the conversation; the audit entry commits with it.
func (s *server) reply(c echo.Context) error {
	return s.act(c, "reply", func(ctx context.Context, a escalation.Actor, e escalation.Escalation) error {
		err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			msgID, err := s.Conversations.AddNurseReplyTx(ctx, tx, e.ConversationID, a.ID, c.FormValue("text"))
			if err != nil {
				return err
			}
			_, err = s.Escalations.ReplyTx(ctx, tx, a, e.ID, msgID)
			return err
		})
		return store.Classify("web: reply", err)
	})
}
