package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/escalation"
)

// queueFilter is the queue page's filter as the query string gives it.
type queueFilter struct {
	View     string // all, unclaimed, mine
	Level    string
	Language string
}

func (f queueFilter) Query() string {
	v := url.Values{}
	if f.View != "all" {
		v.Set("view", f.View)
	}
	if f.Level != "" {
		v.Set("level", f.Level)
	}
	if f.Language != "" {
		v.Set("lang", f.Language)
	}
	return v.Encode()
}

func readFilter(c echo.Context) (queueFilter, error) {
	f := queueFilter{View: c.QueryParam("view"), Level: c.QueryParam("level"), Language: c.QueryParam("lang")}
	if f.View == "" {
		f.View = "all"
	}
	if !slices.Contains([]string{"all", "unclaimed", "mine"}, f.View) {
		return f, assistant.Errorf(assistant.EINVALID, "view %q: one of all, unclaimed, mine", f.View)
	}
	if f.Level != "" && !slices.Contains(escalation.Levels, f.Level) {
		return f, assistant.Errorf(assistant.EINVALID, "level %q is not a level", f.Level)
	}
	if f.Language != "" && !slices.Contains(config.SupportedLanguages, f.Language) {
		return f, assistant.Errorf(assistant.EINVALID, "language %q is not supported", f.Language)
	}
	return f, nil
}

// queueRow is one escalation as the queue shows it. Its texts are prepared here rather than by
// template functions: a queue of a thousand rows renders in a third of the time.
// Its fields are flat too: the template finds a promoted field by a slow search of the embedded
// structs.
type queueRow struct {
	ID, ConversationID, Level, Channel string
	ClaimedEmail                       string
	Claimed                            bool
	Reasons                            []string
	TrendBars, TrendLabel, TrendClass  string
	Mine                               bool
	Class                              string // the row's classes: level, overdue
	SLAClass                           string
	Label                              string // the level as shown
	Patient                            string
	LangName                           string
	Waiting                            string
	SinceISO                           string
	DueISO                             string
	DueText                            string
}

type queueView struct {
	Filter    queueFilter
	Rows      []queueRow
	Levels    []string
	Languages []string
	Stats     escalation.Stats // the whole queue, whatever the filter
	Truncated bool             // more rows match than one page lists
	Message   string
}

func (s *server) loadQueue(c echo.Context) (queueView, error) {
	f, err := readFilter(c)
	if err != nil {
		return queueView{}, err
	}
	me := sessionOf(c).User.ID
	qf := escalation.QueueFilter{Unclaimed: f.View == "unclaimed", Level: f.Level, Language: f.Language}
	if f.View == "mine" {
		qf.ClaimedBy = me
	}
	items, err := s.Escalations.Queue(c.Request().Context(), qf)
	if err != nil {
		return queueView{}, err
	}
	now := s.Now()
	stats, err := s.Escalations.Stats(c.Request().Context(), now)
	if err != nil {
		return queueView{}, err
	}
	v := queueView{Filter: f, Levels: escalation.Levels, Languages: config.SupportedLanguages, Rows: make([]queueRow, len(items)),
		Stats: stats, Truncated: len(items) == escalation.MaxQueue}
	for i, it := range items {
		r := queueRow{ID: it.ID, ConversationID: it.ConversationID, Level: it.Level, Channel: it.Channel,
			ClaimedEmail: it.ClaimedEmail, Claimed: it.ClaimedBy != nil, Mine: it.ClaimedBy != nil && *it.ClaimedBy == me,
			Class: "level-" + it.Level, SLAClass: "sla", Label: levelLabel(it.Level), Patient: it.ContactName,
			LangName: langName(it.Language), Waiting: duration(now.Sub(it.CreatedAt)),
			SinceISO: it.CreatedAt.UTC().Format(time.RFC3339), DueISO: it.DueAt.UTC().Format(time.RFC3339), DueText: dueText(it.DueAt, now)}
		if now.After(it.DueAt) {
			r.Class += " is-overdue"
			r.SLAClass += " overdue"
		}
		t := trendOf(it.Scores)
		r.TrendBars, r.TrendLabel, r.TrendClass = t.Bars, t.Label, "trend"
		if t.Worsening {
			r.TrendClass += " worsening"
		}
		if r.Patient == "" {
			r.Patient = "Patient"
		}
		for _, reason := range it.Reasons {
			if !slices.Contains(r.Reasons, reason.Text) {
				r.Reasons = append(r.Reasons, reason.Text)
			}
		}
		v.Rows[i] = r
	}
	return v, nil
}

func (s *server) queuePage(c echo.Context) error {
	v, err := s.loadQueue(c)
	if err != nil {
		return err
	}
	if c.QueryParam("msg") == "empty" {
		v.Message = "No unclaimed patient is waiting."
	}
	return s.render(c, http.StatusOK, "queue", v)
}

// queueRows is the queue's body alone, which the page fetches again on every event.
func (s *server) queueRows(c echo.Context) error {
	v, err := s.loadQueue(c)
	if err != nil {
		return err
	}
	return s.renderTemplate(c, http.StatusOK, "queue", "rows", v)
}

// next claims the most urgent unclaimed escalation and opens it.
func (s *server) next(c echo.Context) error {
	e, err := s.Escalations.Next(c.Request().Context(), actor(c))
	if assistant.ErrorCode(err) == assistant.ENOTFOUND {
		return c.Redirect(http.StatusSeeOther, Prefix+"/?msg=empty")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, Prefix+"/conversations/"+e.ConversationID+"?done=claim")
}
