package lexicon

import "slices"

// Modifier is a ConText scope that takes a finding out of the present, first-hand world of the
// message.
type Modifier string

// The modifiers. A finding under none of them is current.
const (
	Negated      Modifier = "negated"      // "no chest pain", "chest pain is gone"
	Past         Modifier = "past"         // "had a heart attack in 2019"
	Other        Modifier = "other"        // someone far away, or people in general
	Hypothetical Modifier = "hypothetical" // "what are the signs of a stroke?"
)

// Modifiers lists them in the order reports show them.
var Modifiers = []Modifier{Negated, Past, Other, Hypothetical}

// Trigger rules are written in lexicon files as `<modifier> <direction>: pattern`, where modifier is
// one of the above and direction says which words the trigger reaches:
//
//	forward   the words after it ("no" -> "no chest pain")
//	backward  the words before it ("is gone" <- "the pain is gone")
//	both      both sides
//	sentence  its whole sentence ("what are the signs": a question about everything in it)
//	message   the whole message ("back home in Manila": the person is far away)
//
// Two more kinds shape the scopes:
//
//	end <modifier|all>: words where a scope stops ("but", "now", "still")
//	pseudo all: phrases that contain a trigger but are none ("no doubt", "not only")
//
// A trigger reaches the findings of its own language's rules, and, when the message is written in the
// trigger's language (Doc.Lang), the findings of every language: a Spanish "de niño" puts in the past
// an English rule's "convuls*" that matched the Spanish "convulsiones", but English "no" must not negate
// Portuguese "dor no peito". Only a language's own terminators and pseudo-triggers shape its triggers.
// Where the language is unknown, a finding under another language's trigger stays current, which errs
// on the safe side.
//
// Scopes also stop at the end of a sentence; a negation or a past tense stops at a comma too, so that
// "no fever, chest hurts" leaves the chest pain current and "had a heart attack in 2019, need my
// refill" the refill.

// scopeWindow is how many words a forward or backward trigger reaches.
var scopeWindow = map[Modifier]int{Negated: 6, Past: 8, Other: 8, Hypothetical: 10}

// IsScopeRule reports whether r is a ConText trigger, terminator or pseudo-trigger rather than a
// finding.
func IsScopeRule(r *Rule) bool {
	switch r.Kind {
	case "end", "pseudo":
		return true
	}
	return slices.Contains(Modifiers, Modifier(r.Kind))
}

// Scoping knows, for one document, the triggers in it and how far each reaches.
type Scoping struct {
	doc      *Doc
	triggers []trigger
	lang     string
	now      map[string][]bool // per language: the tokens that say "now" (its `end past` words)
	ends     map[string][]bool // per language: its `end all` words
}

type trigger struct {
	mod        Modifier
	lang       string
	start, end int // the trigger's own words
	from, to   int // the words it reaches, [from, to)
}

// NewScoping works out the scopes of the trigger matches among matches (as returned by Match over a
// lexicon holding both findings and scope rules).
func NewScoping(doc *Doc, matches []Match) *Scoping {
	s := &Scoping{doc: doc, lang: doc.Lang}
	// Pseudo-triggers and terminators work within their own language, like the triggers.
	pseudo := map[string][]Match{}
	type endKey struct {
		lang string
		mod  Modifier // "" for all
	}
	ends := map[endKey][]bool{}
	for _, m := range matches {
		switch m.Rule.Kind {
		case "pseudo":
			pseudo[m.Rule.Lang] = append(pseudo[m.Rule.Lang], m)
		case "end":
			k := endKey{m.Rule.Lang, ""}
			if m.Rule.Name != "all" {
				k.mod = Modifier(m.Rule.Name)
			}
			if ends[k] == nil {
				ends[k] = make([]bool, len(doc.Tokens))
			}
			for i := m.Start; i < m.End; i++ {
				ends[k][i] = true
			}
		}
	}
	s.now, s.ends = map[string][]bool{}, map[string][]bool{}
	for k, marks := range ends {
		switch k.mod {
		case Past:
			s.now[k.lang] = marks
		case "":
			s.ends[k.lang] = marks
		}
	}
	for _, m := range matches {
		mod, lang := Modifier(m.Rule.Kind), m.Rule.Lang
		if !slices.Contains(Modifiers, mod) || coveredBy(m, pseudo[lang]) {
			continue
		}
		all, own := ends[endKey{lang, ""}], ends[endKey{lang, mod}]
		stop := func(i int) bool { return (all != nil && all[i]) || (own != nil && own[i]) }
		t := trigger{mod: mod, lang: lang, start: m.Start, end: m.End, from: m.Start, to: m.End}
		window := scopeWindow[mod]
		sentence, clause := doc.Tokens[m.Start].Sentence, doc.Tokens[m.End-1].Clause
		sameUnit := func(i int) bool {
			tok := doc.Tokens[i]
			clauseBound := mod == Negated || mod == Past
			return tok.Sentence == sentence && (!clauseBound || tok.Clause == clause || tok.Clause == doc.Tokens[m.Start].Clause)
		}
		switch m.Rule.Name {
		case "forward", "both":
			for i := m.End; i < len(doc.Tokens) && i < m.End+window && sameUnit(i) && !stop(i); i++ {
				t.to = i + 1
			}
		}
		// A question reaches back only within its clause: in "chest pain, how do I know if it is a
		// heart attack?" the chest pain is reported, not asked about.
		backOK := func(i int) bool {
			return mod != Hypothetical || doc.Tokens[i].Clause == doc.Tokens[m.Start].Clause
		}
		switch m.Rule.Name {
		case "backward", "both":
			for i := m.Start - 1; i >= 0 && i >= m.Start-window && sameUnit(i) && !stop(i) && backOK(i); i-- {
				t.from = i
			}
		case "sentence":
			for i := m.Start - 1; i >= 0 && doc.Tokens[i].Sentence == sentence && backOK(i); i-- {
				t.from = i
			}
			for i := m.End; i < len(doc.Tokens) && doc.Tokens[i].Sentence == doc.Tokens[m.End-1].Sentence; i++ {
				t.to = i + 1
			}
		case "message":
			t.from, t.to = 0, len(doc.Tokens)
		}
		s.triggers = append(s.triggers, t)
	}
	return s
}

// saysNow reports whether a finding's part stands with one of the language's words for the present
// ("now", "again", "since this morning") in its clause, with no "but" between them.
func (s *Scoping) saysNow(lang string, p Part) bool {
	marks, ends := s.now[lang], s.ends[lang]
	if marks == nil {
		return false
	}
	toks := s.doc.Tokens
	clause := toks[p.Start].Clause
	for i := p.End; i < len(toks) && toks[i].Clause == clause && (ends == nil || !ends[i]); i++ {
		if marks[i] {
			return true
		}
	}
	for i := p.Start - 1; i >= 0 && toks[i].Clause == clause && (ends == nil || !ends[i]); i-- {
		if marks[i] {
			return true
		}
	}
	return false
}

func coveredBy(m Match, by []Match) bool {
	for _, p := range by {
		if p.Start <= m.Start && m.End <= p.End {
			return true
		}
	}
	return false
}

// Of returns the modifiers whose scope reaches a finding, in the order of Modifiers: any element of
// it in a trigger's scope puts the whole finding out of the present ("burning pee, no fever" is not a
// fever with urinary symptoms). A trigger that is itself one of the finding's words does not count:
// "can't breathe" is not a negated "breathe".
func (s *Scoping) Of(m Match) []Modifier {
	parts := m.Parts
	if len(parts) == 0 {
		parts = []Part{{m.Start, m.End}}
	}
	var found [4]bool
	for _, t := range s.triggers {
		if t.lang != m.Rule.Lang && (t.lang != s.lang || s.lang == "") {
			continue // another language's trigger, in text not written in that language
		}
		if slices.ContainsFunc(parts, func(p Part) bool { return t.start < p.End && p.Start < t.end }) {
			continue // the trigger is part of what was found
		}
		reached := func(p Part) bool { return t.from < p.End && p.Start < t.to }
		if t.mod == Past {
			// A part whose own clause says "now" is not in the past: "had a heart attack in 2020, and
			// since this morning again this pain like back then".
			reached = func(p Part) bool { return t.from < p.End && p.Start < t.to && !s.saysNow(t.lang, p) }
		}
		if slices.ContainsFunc(parts, reached) {
			found[slices.Index(Modifiers, t.mod)] = true
		}
	}
	var out []Modifier
	for i, ok := range found {
		if ok {
			out = append(out, Modifiers[i])
		}
	}
	return out
}
