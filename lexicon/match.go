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

// matcher holds the per-document caches of one Match call. Matchers are pooled per lexicon: their
// arrays, sized to the lexicon, are reset by bumping a generation number instead of clearing them.
type matcher struct {
	lex     *Lexicon
	doc     *Doc
	gen     uint32
	occ     [][]span // per pattern id, valid when occGen[id] == gen
	occGen  []uint32
	canGen  []uint32 // per pattern id: == gen when it can start somewhere in the document
	numbers bool     // the document has a number
	tryGen  []uint32 // per alternative: == gen when it is to be tried
	terms   [][]span // per term id: the tokens that are it, valid when termGen[id] == gen
	termGen []uint32
	present []int32 // the term ids found in the document
	nums    map[*elem][]span
	scratch [][]span // element spans of the sequences being matched, one buffer per nesting depth
	depth   int
}

func (l *Lexicon) matcher(doc *Doc) *matcher {
	m, _ := l.pool.Get().(*matcher)
	if m == nil {
		m = &matcher{lex: l, occ: make([][]span, len(l.patterns)), occGen: make([]uint32, len(l.patterns)),
			canGen: make([]uint32, len(l.patterns)),
			tryGen: make([]uint32, len(l.alts)), terms: make([][]span, len(l.terms)), termGen: make([]uint32, len(l.terms)),
			nums: map[*elem][]span{}}
	}
	m.gen++
	if m.gen == 0 { // wrapped: old marks could read as current
		clear(m.occGen)
		clear(m.canGen)
		clear(m.termGen)
		clear(m.tryGen)
		m.gen = 1
	}
	m.doc = doc
	m.present = m.present[:0]
	clear(m.nums)
	return m
}

// Match finds every occurrence of every rule in doc, each rule's in token order. Only the alternatives
// whose first element can start at a word of doc are tried (see anchors), which keeps the cost close
// to the size of the message rather than of the lexicon. It is safe for concurrent use.
func (l *Lexicon) Match(doc *Doc) []Match {
	m := l.matcher(doc)
	defer func() { m.doc = nil; l.pool.Put(m) }()
	m.indexTokens()

	for _, g := range l.open {
		m.tryGen[g] = m.gen
	}
	for _, p := range l.openPatterns {
		m.canGen[p] = m.gen
	}
	for _, id := range m.present {
		for _, g := range l.anchors[id] {
			m.tryGen[g] = m.gen
		}
		for _, p := range l.patternsByTerm[id] {
			m.canGen[p] = m.gen
		}
	}
	m.numbers = false
	for _, t := range doc.Tokens {
		if t.IsNum {
			m.numbers = true
			break
		}
	}
	try := m.tryGen
	var out []Match
	var seen map[span]bool
	lastRule := -1
	for g, mark := range try {
		if mark != m.gen {
			continue
		}
		ref := l.alts[g]
		r := l.Rules[ref.rule]
		if ref.rule != lastRule {
			seen, lastRule = nil, ref.rule
		}
		m.seqMatches(r.pattern.alts[ref.alt], func(whole span, parts []span) {
			if seen == nil {
				seen = map[span]bool{}
			}
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
	return out
}

// indexTokens finds, for each token, the lexicon terms it is: the exact word, and every prefix term
// that starts it, for the word as written and for its emphasis variants.
func (m *matcher) indexTokens() {
	for i, t := range m.doc.Tokens {
		if t.IsNum {
			continue
		}
		add := func(ids []int32) {
			for _, id := range ids {
				if m.termGen[id] != m.gen {
					m.termGen[id], m.terms[id] = m.gen, m.terms[id][:0]
					m.present = append(m.present, id)
				}
				// A token can reach a term by several forms (exact, prefix, variant): once is enough.
				if n := len(m.terms[id]); n > 0 && m.terms[id][n-1].start == i {
					continue
				}
				m.terms[id] = append(m.terms[id], span{i, i + 1})
			}
		}
		forms := []string{t.Norm}
		if v := Variants(t.Norm); len(v) > 0 {
			forms = append(forms, v...)
		}
		for _, form := range forms {
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
	if m.occGen[p.id] == m.gen {
		return m.occ[p.id]
	}
	var out []span
	for _, s := range p.alts {
		m.seqMatches(s, func(whole span, _ []span) { out = append(out, whole) })
	}
	m.occ[p.id], m.occGen[p.id] = dedupe(out), m.gen
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

// canOccur is a necessary condition for e to occur, from the words of the document alone.
func (m *matcher) canOccur(e *elem) bool {
	switch e.kind {
	case elemTerm:
		return m.termGen[e.term] == m.gen
	case elemNumber:
		return m.numbers
	case elemAny:
		return len(m.doc.Tokens) > 0
	}
	return m.canGen[e.concept.id] == m.gen
}

func (m *matcher) elemOcc(e *elem) []span {
	switch e.kind {
	case elemTerm:
		if m.termGen[e.term] != m.gen {
			return nil
		}
		return m.terms[e.term]
	case elemNumber:
		out, ok := m.nums[e]
		if !ok {
			for i, t := range m.doc.Tokens {
				if t.IsNum && t.Num >= e.lo && t.Num <= e.hi {
					out = append(out, span{i, i + 1})
				}
			}
			m.nums[e] = out
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
	// First a cheap test that every element can start somewhere, then the full one.
	for _, e := range s.elems {
		if !m.canOccur(e) {
			return
		}
	}
	for _, e := range s.elems {
		if len(m.elemOcc(e)) == 0 {
			return // an element that does not occur: no match
		}
	}
	if m.depth == len(m.scratch) {
		m.scratch = append(m.scratch, make([]span, 0, 8))
	}
	parts := m.scratch[m.depth][:0]
	for range s.elems {
		parts = append(parts, span{})
	}
	m.scratch[m.depth] = parts
	m.depth++
	defer func() { m.depth-- }()
	for _, f := range m.elemOcc(s.elems[0]) {
		parts[0] = f
		m.extend(s, 1, f, parts, found)
	}
}

func (m *matcher) extend(s *seq, i int, whole span, parts []span, found func(span, []span)) {
	if i == len(s.elems) {
		found(whole, parts)
		return
	}
	sentence := m.doc.Tokens[whole.start].Sentence
	sp, prev := s.seps[i-1], parts[i-1]
	for _, c := range m.elemOcc(s.elems[i]) {
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
		m.extend(s, i+1, span{min(whole.start, c.start), max(whole.end, c.end)}, parts, found)
	}
}
