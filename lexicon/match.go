package lexicon

import (
	"unicode/utf8"
)

// Match is one place where a rule's pattern occurs in a document.
type Match struct {
	Rule       *Rule
	Start, End int    // token range [Start, End)
	Parts      []Part // the token ranges of the pattern's elements; the words between them are not part of it
}

// Part is the token range one element of a pattern matched.
type Part struct{ Start, End int }

type span struct{ start, end int }

// matcher holds the per-document caches of one Match call.
type matcher struct {
	lex   *Lexicon
	doc   *Doc
	byTok [][]int32 // term ids each token matches
	occ   [][]span  // per pattern id; nil = not computed yet
	done  []bool
	terms map[int32][]int // term id -> token positions
}

// Match finds every occurrence of every rule in doc. A rule that occurs several times is reported
// once per place, in token order.
func (l *Lexicon) Match(doc *Doc) []Match {
	return l.MatchRules(doc, l.Rules)
}

// MatchRules is Match restricted to the given rules of this lexicon.
func (l *Lexicon) MatchRules(doc *Doc, rules []*Rule) []Match {
	m := &matcher{lex: l, doc: doc, occ: make([][]span, len(l.patterns)), done: make([]bool, len(l.patterns)), terms: map[int32][]int{}}
	m.indexTokens()
	var out []Match
	for _, r := range rules {
		seen := map[span]bool{}
		for _, alt := range r.pattern.alts {
			m.seqMatches(alt, func(whole span, parts []span) {
				if seen[whole] {
					return
				}
				seen[whole] = true
				ps := make([]Part, len(parts))
				for i, p := range parts {
					ps[i] = Part{p.start, p.end}
				}
				out = append(out, Match{Rule: r, Start: whole.start, End: whole.end, Parts: ps})
			})
		}
	}
	return out
}

// indexTokens finds, for each token, the lexicon terms it is: the exact word, and every prefix term
// that starts it, for the word as written and for its emphasis variants.
func (m *matcher) indexTokens() {
	for i, t := range m.doc.Tokens {
		if t.IsNum {
			continue
		}
		seen := map[int32]bool{}
		add := func(ids []int32) {
			for _, id := range ids {
				if !seen[id] {
					seen[id] = true
					m.terms[id] = append(m.terms[id], i)
				}
			}
		}
		for _, form := range append([]string{t.Norm}, Variants(t.Norm)...) {
			add(m.lex.exact[form])
			if len(m.lex.prefixes) == 0 {
				continue
			}
			n := 0
			for j := range form {
				if j == 0 {
					continue
				}
				if n++; n > m.lex.maxPre {
					break
				}
				add(m.lex.prefixes[form[:j]])
			}
			if utf8.RuneCountInString(form) <= m.lex.maxPre {
				add(m.lex.prefixes[form])
			}
		}
	}
}

// patternOcc returns the spans where any alternative of p occurs, computed once per document.
func (m *matcher) patternOcc(p *pattern) []span {
	if m.done[p.id] {
		return m.occ[p.id]
	}
	var out []span
	for _, s := range p.alts {
		m.seqMatches(s, func(whole span, _ []span) { out = append(out, whole) })
	}
	m.occ[p.id], m.done[p.id] = dedupe(out), true
	return m.occ[p.id]
}

func dedupe(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	out := spans[:0]
	seen := map[span]bool{}
	for _, s := range spans {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (m *matcher) elemOcc(e *elem) []span {
	switch e.kind {
	case elemTerm:
		pos := m.terms[e.term]
		out := make([]span, len(pos))
		for i, p := range pos {
			out[i] = span{p, p + 1}
		}
		return out
	case elemNumber:
		var out []span
		for i, t := range m.doc.Tokens {
			if t.IsNum && t.Num >= e.lo && t.Num <= e.hi {
				out = append(out, span{i, i + 1})
			}
		}
		return out
	case elemAny:
		out := make([]span, len(m.doc.Tokens))
		for i := range m.doc.Tokens {
			out[i] = span{i, i + 1}
		}
		return out
	default:
		return m.patternOcc(e.concept)
	}
}

// seqMatches calls found with every span where the elements of s occur in order, each joined to the
// one before as its separator allows, all in one sentence, and with the span of each element.
func (m *matcher) seqMatches(s *seq, found func(whole span, parts []span)) {
	first := m.elemOcc(s.elems[0])
	if len(first) == 0 {
		return
	}
	rest := make([][]span, len(s.elems))
	for i := 1; i < len(s.elems); i++ {
		rest[i] = m.elemOcc(s.elems[i])
		if len(rest[i]) == 0 {
			return
		}
	}
	parts := make([]span, len(s.elems))
	for _, f := range first {
		parts[0] = f
		m.extend(s, rest, 1, f, parts, found)
	}
}

func (m *matcher) extend(s *seq, rest [][]span, i int, whole span, parts []span, found func(span, []span)) {
	if i == len(s.elems) {
		found(whole, parts)
		return
	}
	sentence := m.doc.Tokens[whole.start].Sentence
	sp, prev := s.seps[i-1], parts[i-1]
	for _, c := range rest[i] {
		if m.doc.Tokens[c.start].Sentence != sentence || m.doc.Tokens[c.end-1].Sentence != sentence {
			continue
		}
		ok := false
		switch {
		case c.start >= prev.end:
			ok = c.start-prev.end <= sp.gap
		case sp.anyOrder && c.end <= prev.start:
			ok = prev.start-c.end <= sp.gap
		}
		if !ok {
			continue
		}
		parts[i] = c
		m.extend(s, rest, i+1, span{min(whole.start, c.start), max(whole.end, c.end)}, parts, found)
	}
}
