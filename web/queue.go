package web

import (
	"net/http"
	"net/url"
	"slices"

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

// queueRow is one escalation as the queue shows it.
type queueRow struct {
	escalation.QueueItem
	Reasons []string
	Trend   trend
	Mine    bool
}

type queueView struct {
	Filter    queueFilter
	Rows      []queueRow
	Levels    []string
	Languages []string
	Open      int
	Overdue   int
	Unclaimed int
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
	v := queueView{Filter: f, Levels: escalation.Levels, Languages: config.SupportedLanguages, Rows: make([]queueRow, len(items))}
	for i, it := range items {
		r := queueRow{QueueItem: it, Trend: trendOf(it.Scores), Mine: it.ClaimedBy != nil && *it.ClaimedBy == me}
		for _, reason := range it.Reasons {
			if !slices.Contains(r.Reasons, reason.Text) {
				r.Reasons = append(r.Reasons, reason.Text)
			}
		}
		v.Rows[i] = r
		v.Open++
		if now.After(it.DueAt) {
			v.Overdue++
		}
		if it.ClaimedBy == nil {
			v.Unclaimed++
		}
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
