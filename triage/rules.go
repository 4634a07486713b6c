package triage

import (
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/clinictriage/assistant/lexicon"
)

// The safety rules of every language, in the lexicon package's pattern language (see
// rules/en.txt for the kinds). They are compiled into the binary: nothing in a message or the
// configuration can switch them off.
//
//go:embed rules/*.txt
var ruleFS embed.FS

// Turn is an earlier message of the conversation, oldest first.
type Turn struct {
	From string `json:"from"` // patient, bot or nurse
	Text string `json:"text"`
}

// Finding is one rule that matched: what it found, where, in which language's rules, and the scope
// modifiers that reached it.
type Finding struct {
	Kind      string             `json:"kind"`
	Name      string             `json:"name"`
	Lang      string             `json:"lang"`
	Text      string             `json:"text"`  // the words as the patient wrote them
	Start     int                `json:"start"` // byte offsets in the message (or context turn)
	End       int                `json:"end"`
	Modifiers []lexicon.Modifier `json:"modifiers,omitempty"`
	Turn      int                `json:"turn"` // -1: this message; otherwise the index in the context
}

// Current reports whether no modifier takes the finding out of the patient's present.
func (f Finding) Current() bool { return len(f.Modifiers) == 0 }

// RedFlag is a red flag that holds for this message.
type RedFlag struct {
	Name      string             `json:"name"`
	Text      string             `json:"text"`
	Start     int                `json:"start"`
	End       int                `json:"end"`
	Turn      int                `json:"turn"` // -1: in this message; otherwise carried from the context
	Modifiers []lexicon.Modifier `json:"modifiers,omitempty"`
	Source    string             `json:"source,omitempty"` // "model" when only the model saw it
}

// RulesResult is what the safety rules found in a message and its context.
type RulesResult struct {
	RedFlags []RedFlag `json:"red_flags"` // current ones: each makes the message an emergency
	Findings []Finding `json:"findings"`  // everything matched, modifiers included, for review
	Floor    Urgency   `json:"floor"`     // emergency when a current red flag holds; else empty
	Urgency  Urgency   `json:"urgency"`   // the rules' own estimate of the level
	Cues     []string  `json:"cues"`      // urgent:/soon:/... cues behind the estimate
	Intent   string    `json:"intent"`
	Resolved string    `json:"resolved,omitempty"` // how the patient said an earlier red flag is over
	Carried  []string  `json:"carried,omitempty"`  // red flags of earlier messages still holding
	Langs    []string  `json:"langs"`              // languages whose rules matched
	negative bool      // the message reads negative: feedback in it is a complaint
	scoping  *lexicon.Scoping
	doc      *lexicon.Doc
}

// Rules runs the safety rules. It is safe for concurrent use.
type Rules struct {
	lex      *lexicon.Lexicon
	findings []*lexicon.Rule // rules other than scope triggers
}

// kinds a rule file may use, besides the scope triggers.
var ruleKinds = []string{"flag", "emergency", "part", "answer", "urgent", "soon", "routine", "selfcare", "intent", "resolve", "worse", "except"}

// EmergencySigns are emergencies the rules know beyond TRIAGE-SCALE.md's red flags: threats to life
// now that the scale's list does not name. They set the same floor as a red flag (the model cannot
// lower them) without adding to the red flags the scale and the model share.
var EmergencySigns = []string{"meningitis", "sepsis"}

// compounds are red flags made of two parts, which may come from different messages.
var compounds = []struct {
	flag  string
	parts [2]string
}{
	{"infant_fever", [2]string{"infant", "fever"}},
	{"pregnancy_emergency", [2]string{"pregnant", "pregnancy_bleed"}},
	{"anaphylaxis", [2]string{"allergen", "airway_swelling"}},
}

// NewRules compiles the embedded rules of every language and checks their kinds and names.
func NewRules() (*Rules, error) {
	lex, err := lexicon.CompileWithScope(ruleFS, "rules/*.txt")
	if err != nil {
		return nil, fmt.Errorf("triage: rules: %w", err)
	}
	r := &Rules{lex: lex}
	for _, rule := range lex.Rules {
		if lexicon.IsScopeRule(rule) {
			continue
		}
		if !slices.Contains(ruleKinds, rule.Kind) {
			return nil, fmt.Errorf("triage: rules: %s: unknown kind %q", rule.Source, rule.Kind)
		}
		switch rule.Kind {
		case "flag":
			if !slices.Contains(RedFlags, rule.Name) {
				return nil, fmt.Errorf("triage: rules: %s: %q is not a red flag of TRIAGE-SCALE.md", rule.Source, rule.Name)
			}
		case "emergency":
			if !slices.Contains(EmergencySigns, rule.Name) {
				return nil, fmt.Errorf("triage: rules: %s: %q is not an emergency sign (%s)", rule.Source, rule.Name, strings.Join(EmergencySigns, ", "))
			}
		case "intent":
			if !slices.Contains(Intents, rule.Name) {
				return nil, fmt.Errorf("triage: rules: %s: %q is not an intent", rule.Source, rule.Name)
			}
		case "resolve":
			if !slices.Contains([]string{"recovered", "past", "elsewhere", "denied"}, rule.Name) {
				return nil, fmt.Errorf("triage: rules: %s: resolve takes recovered, past, elsewhere or denied", rule.Source)
			}
		}
		r.findings = append(r.findings, rule)
	}
	return r, nil
}

// find matches the rules on one text and reports findings with their modifiers. A finding that an
// `except` rule of the same name overlaps is dropped ("can't breathe through my nose" is not a
// breathing emergency).
func (r *Rules) find(doc *lexicon.Doc, turn int) ([]Finding, *lexicon.Scoping) {
	matches := r.lex.Match(doc)
	scope := lexicon.NewScoping(doc, matches)
	var excepts []lexicon.Match
	for _, m := range matches {
		if m.Rule.Kind == "except" {
			excepts = append(excepts, m)
		}
	}
	var out []Finding
	for _, m := range matches {
		if lexicon.IsScopeRule(m.Rule) || m.Rule.Kind == "except" || excepted(m, excepts) {
			continue
		}
		f := Finding{
			Kind: m.Rule.Kind, Name: m.Rule.Name, Lang: m.Rule.Lang, Text: doc.Span(m.Start, m.End),
			Start: doc.Tokens[m.Start].Start, End: doc.Tokens[m.End-1].End, Turn: turn,
		}
		switch m.Rule.Kind {
		case "resolve", "worse":
			// Statements about earlier findings: no scope applies.
		case "intent":
			// "No chest pain" is still about symptoms, but a hypothetical question, someone far away
			// or an illness long past is not what the patient wants done.
			for _, mod := range scope.Of(m) {
				if mod != lexicon.Negated {
					f.Modifiers = append(f.Modifiers, mod)
				}
			}
		case "routine", "selfcare":
			// A request is the patient's own even in a message about a relative far away or an old
			// illness ("my cousin overseas has cancer, should I get checked?"); only a negation or a
			// hypothetical takes it back.
			for _, mod := range scope.Of(m) {
				if mod == lexicon.Negated || mod == lexicon.Hypothetical {
					f.Modifiers = append(f.Modifiers, mod)
				}
			}
		default:
			f.Modifiers = scope.Of(m)
		}
		out = append(out, f)
	}
	return out, scope
}

func excepted(m lexicon.Match, excepts []lexicon.Match) bool {
	for _, e := range excepts {
		if e.Rule.Name == m.Rule.Name && e.Start < m.End && m.Start < e.End {
			return true
		}
	}
	return false
}

// contextTurns is how many earlier messages the rules read: enough for a question and its answer and
// the message before, not so many that an old, settled red flag keeps coming back.
const contextTurns = 6

var sentencePunct = regexp.MustCompile(`[.?!;\n؟।]+`)

// Run applies the rules to a message and its recent context.
func (r *Rules) Run(text string, context []Turn) RulesResult {
	return r.RunDoc(lexicon.NewDoc(text), context, false)
}

// RunDoc is Run on a prepared document; negative says the message reads negative, which makes
// feedback a complaint.
func (r *Rules) RunDoc(doc *lexicon.Doc, context []Turn, negative bool) RulesResult {
	text := doc.Text
	findings, scope := r.find(doc, -1)
	res := RulesResult{Findings: findings, scoping: scope, doc: doc, negative: negative}

	if len(context) > contextTurns {
		context = context[len(context)-contextTurns:]
	}
	// Parts and red flags of the patient's earlier messages.
	var earlier []Finding
	for i, t := range context {
		if t.From != "patient" {
			continue
		}
		f, _ := r.find(lexicon.NewDoc(t.Text), i)
		earlier = append(earlier, f...)
	}
	// An answer read with the bot's question ("How old is your baby?" "6 weeks").
	if n := len(context); n > 0 && context[n-1].From == "bot" {
		q := sentencePunct.ReplaceAllString(context[n-1].Text, " ")
		joined := lexicon.NewDoc(q + " " + text)
		qa, _ := r.find(joined, -1)
		for _, f := range qa {
			if f.Kind == "answer" && f.End > len(q) {
				f.Kind, f.Start, f.End, f.Text = "part", max(0, f.Start-len(q)-1), f.End-len(q)-1, ""
				res.Findings = append(res.Findings, f)
			}
		}
	}

	res.RedFlags = currentFlags(res.Findings, -1)
	for _, c := range compounds {
		if flag, ok := compound(c.flag, c.parts, res.Findings, earlier); ok {
			res.RedFlags = append(res.RedFlags, flag)
		}
	}

	// Red flags of earlier messages hold until the patient says otherwise.
	carried := currentFlags(earlier, 0)
	for _, c := range compounds {
		if flag, ok := compound(c.flag, c.parts, earlier, nil); ok {
			carried = append(carried, flag)
		}
	}
	if len(carried) > 0 {
		res.Resolved = resolution(text, findings)
		if res.Resolved == "" {
			for _, f := range carried {
				if !slices.Contains(res.Carried, f.Name) {
					res.Carried = append(res.Carried, f.Name)
				}
			}
			res.RedFlags = append(res.RedFlags, carried...)
		}
	}

	res.RedFlags = dedupeFlags(res.RedFlags)
	if len(res.RedFlags) > 0 {
		res.Floor = Emergency
	}
	res.Urgency, res.Cues = estimate(res)
	if res.Urgency == Emergency {
		res.Floor = Emergency // an emergency sign, like a red flag, is not the model's to lower
	}
	res.Intent = intentOf(res)
	res.Langs = langsOf(res.Findings)
	return res
}

// currentFlags turns current flag findings into red flags.
func currentFlags(findings []Finding, turn int) []RedFlag {
	var out []RedFlag
	for _, f := range findings {
		if f.Kind == "flag" && f.Current() && (turn < 0 || f.Turn >= 0) {
			out = append(out, RedFlag{Name: f.Name, Text: f.Text, Start: f.Start, End: f.End, Turn: f.Turn})
		}
	}
	return out
}

// compound finds a two-part red flag: both parts current, in this message or the earlier ones.
func compound(name string, parts [2]string, here, earlier []Finding) (RedFlag, bool) {
	var first, second *Finding
	for _, set := range [][]Finding{here, earlier} {
		for i := range set {
			f := &set[i]
			if f.Kind != "part" || !f.Current() {
				continue
			}
			if f.Name == parts[0] && first == nil {
				first = f
			}
			if f.Name == parts[1] && second == nil {
				second = f
			}
		}
	}
	if first == nil || second == nil {
		return RedFlag{}, false
	}
	// Report the part of the latest message, so the nurse sees the words that completed it.
	shown := first
	if second.Turn < 0 || (first.Turn >= 0 && second.Turn > first.Turn) {
		shown = second
	}
	return RedFlag{Name: name, Text: shown.Text, Start: shown.Start, End: shown.End, Turn: shown.Turn}, true
}

func dedupeFlags(flags []RedFlag) []RedFlag {
	var out []RedFlag
	seen := map[string]bool{}
	for _, f := range flags {
		if !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
	}
	return out
}

// resolution tells how this message says an earlier red flag is over, if it does: "recovered" (the
// person is better now: still same-day care), "past", "elsewhere" or "denied".
func resolution(text string, findings []Finding) string {
	var how []string
	worse := false
	for _, f := range findings {
		switch f.Kind {
		case "resolve":
			// A bare "no" denies only as the reply's first word: inside a sentence it is part of
			// what the patient says ("no, she still isn't breathing right", "saans nahi aa rahi").
			if f.Name == "denied" && strings.TrimFunc(text[:min(f.Start, len(text))], func(r rune) bool { return !unicode.IsLetter(r) }) != "" {
				continue
			}
			how = append(how, f.Name)
		case "worse":
			worse = true
		}
	}
	if worse && !slices.Contains(how, "past") && !slices.Contains(how, "elsewhere") {
		return "" // "no, it's getting worse": not resolved
	}
	for _, h := range []string{"elsewhere", "past", "recovered", "denied"} {
		if slices.Contains(how, h) {
			return h
		}
	}
	return ""
}

// estimate is the rules' own urgency level: red flags first, then the most urgent current cue.
func estimate(res RulesResult) (Urgency, []string) {
	var cues []string
	if len(res.RedFlags) > 0 {
		for _, f := range res.RedFlags {
			cues = append(cues, "red_flag:"+f.Name)
		}
		return Emergency, cues
	}
	levels := map[string]Urgency{"emergency": Emergency, "urgent": Urgent, "soon": Soon, "routine": Routine, "selfcare": SelfCare}
	best := Urgency("")
	for _, f := range res.Findings {
		u, ok := levels[f.Kind]
		if !ok || f.Turn >= 0 || !f.Current() {
			continue
		}
		if f.Kind == "selfcare" && f.Name == "chat" {
			// Thanks and ok set no level of their own: "cough and a runny nose, ok thanks" is about
			// the cough. Only a message with nothing else is chat (see byIntent and routing).
			if !res.negative && !slices.Contains(cues, "selfcare:chat") {
				cues = append(cues, "selfcare:chat")
			}
			continue
		}
		if cue := f.Kind + ":" + f.Name; !slices.Contains(cues, cue) {
			cues = append(cues, cue)
		}
		best = Max(best, u)
	}
	if res.Resolved == "recovered" {
		cues = append(cues, "resolved:recovered")
		best = Max(best, Urgent)
	}
	if best == "" {
		best = byIntent(res)
	}
	return best, cues
}

// byIntent is the level of a message with no clinical or service cue: a symptom without red flags or
// same-day signs is for the coming days; an administrative request is routine; questions, thanks and
// chat are self-care.
func byIntent(res RulesResult) Urgency {
	switch intentOf(res) {
	case IntentSymptom:
		return Soon
	case IntentMedication, IntentAppointment, IntentResults, IntentBilling, IntentHuman:
		return Routine
	case IntentFeedback:
		if res.negative {
			return Routine // a complaint goes to someone who can act on it
		}
	}
	return SelfCare
}

// intentOf picks the intent with the most current evidence; symptoms win when anything clinical
// holds, so that a symptom buried in a booking request is read as a symptom.
func intentOf(res RulesResult) string {
	count := map[string]int{}
	for _, f := range res.Findings {
		if f.Kind == "intent" && f.Turn < 0 && f.Current() {
			count[f.Name]++
		}
	}
	if res.Urgency == Emergency || res.Urgency == Urgent {
		if count[IntentSymptom] > 0 || len(res.RedFlags) > 0 {
			return IntentSymptom
		}
	}
	best, bestN := IntentOther, 0
	for _, in := range []string{IntentHuman, IntentMedication, IntentAppointment, IntentResults, IntentBilling,
		IntentLogistics, IntentSymptom, IntentFeedback} {
		if count[in] > bestN {
			best, bestN = in, count[in]
		}
	}
	return best
}

func langsOf(findings []Finding) []string {
	var out []string
	for _, f := range findings {
		if f.Lang != "common" && !slices.Contains(out, f.Lang) {
			out = append(out, f.Lang)
		}
	}
	slices.Sort(out)
	return out
}

func (r RulesResult) text() string {
	if r.doc == nil {
		return ""
	}
	return r.doc.Text
}

// String summarises a result for test failures, without the patient's words.
func (r RulesResult) String() string {
	var flags []string
	for _, f := range r.RedFlags {
		flags = append(flags, f.Name)
	}
	return fmt.Sprintf("%s flags=%s cues=%s intent=%s", r.Urgency, strings.Join(flags, ","), strings.Join(r.Cues, ","), r.Intent)
}
