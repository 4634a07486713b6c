package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/clinictriage/assistant/account"
)

// pages holds each page's template set: the layout plus the page's own file.
type pages struct{ sets map[string]*template.Template }

var pageNames = []string{"login", "error", "queue", "conversation", "dashboard", "audit", "users"}

var funcs = template.FuncMap{
	"levelLabel": levelLabel,
	"ago":        func(t, now time.Time) string { return duration(now.Sub(t)) },
	"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clock":      func(t time.Time) string { return t.UTC().Format("2 Jan 15:04 UTC") },
	"due":        dueText,
	"overdue":    func(t, now time.Time) bool { return now.After(t) },
	"allows":     account.Allows,
	"score":      func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	"humanize":   func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"langName":   langName,
	"noteLabel":  func(kind string) string { return noteLabels[kind] },
	"attachment": attachmentText,
	"percent":    func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" },
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
}

var noteLabels = map[string]string{
	"note": "Note", "claim": "Claimed", "release": "Released to the queue", "priority": "Priority changed",
	"resolve": "Resolved", "hand_back": "Handed back to the bot",
}

func parsePages() (*pages, error) {
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// page is what every page's layout reads.
type page struct {
	Session  account.Session
	LoggedIn bool
	Title    string
	Nav      string
	Now      time.Time
	Data     any
}

type errorView struct {
	Status         int
	Title, Message string
}

// render writes a whole page; the page's data is given to its "content" template.
func (s *server) render(c echo.Context, status int, name string, data any) error {
	return s.renderTemplate(c, status, name, "layout", data)
}

func (s *server) renderTemplate(c echo.Context, status int, name, tmpl string, data any) error {
	sess, ok := c.Get(sessionKey).(account.Session)
	p := page{Session: sess, LoggedIn: ok, Title: titles[name], Nav: name, Now: s.Now(), Data: data}
	// Rendered into a buffer first, so that a failure half-way is an error page, not half a page. The
	// buffers are reused: a long queue is most of a megabyte.
	buf := buffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 4<<20 {
			buf.Reset()
			buffers.Put(buf)
		}
	}()
	if err := s.pages.sets[name].ExecuteTemplate(buf, tmpl, p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var titles = map[string]string{
	"login": "Log in", "error": "Error", "queue": "Queue", "conversation": "Conversation",
	"dashboard": "Dashboard", "audit": "Audit log", "users": "Users",
}

func levelLabel(level string) string {
	switch level {
	case "self_care":
		return "self-care"
	case "":
		return "—"
	}
	return level
}

var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "hi": "Hindi", "ar": "Arabic",
}

func langName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	if code == "" {
		return "unknown"
	}
	return code
}

// duration is a wait as a nurse reads it: "45 s", "12 min", "3 h 05 min", "2 d 4 h".
func duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
}

func dueText(due, now time.Time) string {
	if now.After(due) {
		return "overdue by " + duration(now.Sub(due))
	}
	return "due in " + duration(due.Sub(now))
}

// trend is a conversation's recent sentiment, drawn as bars and named.
type trend struct {
	Bars      string
	Label     string // worsening, improving, steady, or one reading
	Worsening bool
	Latest    float64
	Known     bool
}

var barGlyphs = []rune("▁▂▃▄▅▆▇█")

// trendOf reads scores (oldest first, each in [-1, 1]).
func trendOf(scores []float64) trend {
	if len(scores) == 0 {
		return trend{Label: "no reading"}
	}
	var b strings.Builder
	for _, s := range scores {
		i := int(math.Round((s + 1) / 2 * float64(len(barGlyphs)-1)))
		b.WriteRune(barGlyphs[max(0, min(i, len(barGlyphs)-1))])
	}
	t := trend{Bars: b.String(), Latest: scores[len(scores)-1], Known: true, Label: "one reading"}
	if len(scores) > 1 {
		switch delta := scores[len(scores)-1] - scores[0]; {
		case delta <= -0.2:
			t.Label, t.Worsening = "worsening", true
		case delta >= 0.2:
			t.Label = "improving"
		default:
			t.Label = "steady"
		}
	}
	return t
}

// segment is a piece of a message's text, marked when it is the words a red flag matched.
type segment struct {
	Text string
	Flag string // the red flag's name when marked
}

type span struct {
	start, end int
	name       string
}

// highlight cuts text at the spans (byte offsets; overlapping and invalid ones are dropped), so that
// the template can mark the matched words without ever writing unescaped text.
func highlight(text string, spans []span) []segment {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out []segment
	pos := 0
	for _, sp := range spans {
		if sp.start < pos || sp.end > len(text) || sp.start >= sp.end ||
			!utf8.RuneStart(text[sp.start]) || (sp.end < len(text) && !utf8.RuneStart(text[sp.end])) {
			continue
		}
		if sp.start > pos {
			out = append(out, segment{Text: text[pos:sp.start]})
		}
		out = append(out, segment{Text: text[sp.start:sp.end], Flag: sp.name})
		pos = sp.end
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

// attachmentText says in words what a message without (only) words was.
func attachmentText(kind string, att map[string]any) string {
	str := func(k string) string { s, _ := att[k].(string); return s }
	switch kind {
	case "media":
		t := str("type") // WhatsApp's type, or Twilio's content type
		what := "a file"
		switch {
		case strings.HasPrefix(t, "image"):
			what = "a photo"
		case strings.HasPrefix(t, "audio"):
			what = "a voice message"
		case strings.HasPrefix(t, "video"):
			what = "a video"
		case t == "sticker":
			what = "a sticker"
		case t == "document", strings.HasPrefix(t, "application"):
			what = "a document"
		}
		if f := str("filename"); f != "" {
			what += " (" + f + ")"
		}
		return "Sent " + what + ", not shown here"
	case "location":
		lat, _ := att["latitude"].(float64)
		lon, _ := att["longitude"].(float64)
		place := strings.TrimSpace(strings.Join([]string{str("name"), str("address")}, " "))
		return fmt.Sprintf("Shared a location: %s (%.5f, %.5f)", place, lat, lon)
	case "reaction":
		if removed, _ := att["removed"].(bool); removed {
			return "Removed a reaction"
		}
		return "Reacted to a message"
	case "unsupported":
		return "Sent something this channel cannot show (the patient was asked to write it in words)"
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// notFoundPage is for a route that matched but names nothing.
func notFoundPage(what string) error {
	return echo.NewHTTPError(http.StatusNotFound, what+" not found")
}
