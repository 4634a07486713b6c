package lexicon

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A lexicon file holds statements, one a line (a line that starts with white space and "|" continues
// the one before); "#" starts a comment at the start of a line or after white space.
//
//	@pain = pain* | hurt* | ache | "feels like" * "on my chest"      a concept: named alternatives
//	flag chest_pain: @chest &3 @pain                                    a rule: kind, name, pattern
//
// A pattern is alternatives separated by "|"; an alternative is elements in order:
//
//	word        a word, compared after normalisation ("Bleeding" and "bleeeding" are one word)
//	word*       any word that starts so ("breath*": breath, breathe, breathing, breathless)
//	"a b c"     words next to each other; inside quotes, * alone stands for any one word
//	<38-45>     a number in that range ("38.5", "39,2", "٣٩")
//	@name       a concept of the same file, or of the file named common
//	(A | B)     any one of the alternatives, in place
//	A B         B right after A
//	A ~N B      B after A, with at most N words between
//	A &N B      B after or before A, with at most N words between
//
// The elements of one match lie in one sentence. What a kind or a name means is up to the package
// that loads the lexicon; the file's name (without extension) is the language of its rules.

// Rule is one compiled rule: its kind and name as written, where it was written, and its pattern.
type Rule struct {
	Kind, Name string
	Lang       string // the file's name: "en", "es", ... or "common"
	Source     string // file:line, for error messages and reviews
	pattern    *pattern
}

// Lexicon is a compiled set of lexicon files, ready to match.
type Lexicon struct {
	Rules []*Rule

	terms    []term
	exact    map[string][]int32 // normalised word -> term ids
	prefixes map[string][]int32 // normalised prefix -> term ids of prefix terms
	maxPre   int
	patterns []*pattern // every pattern, indexed by id, for per-doc caches

	// alts numbers every alternative of every rule, in rule order; anchors lists, for each term, the
	// alternatives that can start with it; open lists those that can start with a number or any word,
	// which are always tried.
	alts    []altRef
	anchors map[int32][]int
	open    []int
	// Likewise per pattern: which patterns a term can start, and which can start with anything; a
	// sequence is only matched in full when each of its elements can start somewhere in the message.
	patternsByTerm map[int32][]int
	openPatterns   []int

	pool sync.Pool // of *matcher
}

// altRef names one alternative of one rule.
type altRef struct{ rule, alt int }

type term struct {
	word   string
	prefix bool
}

type pattern struct {
	id   int
	alts []*seq
	name string // "@name" for concepts, for error messages
}

type seq struct {
	elems []*elem
	seps  []sep // seps[i] joins elems[i] and elems[i+1]
}

type sep struct {
	anyOrder bool
	gap      int // largest number of words between the two elements
}

type elemKind uint8

const (
	elemTerm elemKind = iota
	elemNumber
	elemAny
	elemConcept
)

type elem struct {
	kind    elemKind
	term    int32
	lo, hi  float64
	concept *pattern
}

// CompileFS compiles every file of fsys that matches glob (for example "rules/*.txt"). A file named
// common.txt is compiled first and its concepts are visible to all others.
func CompileFS(fsys fs.FS, glob string) (*Lexicon, error) {
	names, err := fs.Glob(fsys, glob)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		files[name] = string(b)
	}
	return Compile(files)
}

// Compile compiles lexicon files given by name. Errors name the file and line.
func Compile(files map[string]string) (*Lexicon, error) {
	c := &compiler{lex: &Lexicon{exact: map[string][]int32{}, prefixes: map[string][]int32{}}, termIDs: map[term]int32{}}
	names := make([]string, 0, len(files))
	var common string
	for name := range files {
		if langOf(name) == "common" {
			common = name
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var commonConcepts map[string]*conceptDef
	if common != "" {
		defs, err := c.parseFile(common, files[common], nil)
		if err != nil {
			return nil, err
		}
		commonConcepts = defs
	}
	for _, name := range names {
		if _, err := c.parseFile(name, files[name], commonConcepts); err != nil {
			return nil, err
		}
	}
	c.lex.indexAnchors()
	return c.lex, nil
}

// indexAnchors works out, for every rule alternative, the terms its first element can be.
func (l *Lexicon) indexAnchors() {
	l.anchors = map[int32][]int{}
	memo := map[*pattern]firstSet{}
	l.patternsByTerm = map[int32][]int{}
	for _, p := range l.patterns {
		fs := firstOfPattern(p, memo)
		if fs.open {
			l.openPatterns = append(l.openPatterns, p.id)
			continue
		}
		for id := range fs.terms {
			l.patternsByTerm[id] = append(l.patternsByTerm[id], p.id)
		}
	}
	for ri, r := range l.Rules {
		for ai, alt := range r.pattern.alts {
			g := len(l.alts)
			l.alts = append(l.alts, altRef{ri, ai})
			fs := firstOfElem(alt.elems[0], memo)
			if fs.open {
				l.open = append(l.open, g)
				continue
			}
			for id := range fs.terms {
				l.anchors[id] = append(l.anchors[id], g)
			}
		}
	}
}

// firstSet is what a pattern can start with: some terms, or (open) anything.
type firstSet struct {
	terms map[int32]bool
	open  bool
}

func firstOfElem(e *elem, memo map[*pattern]firstSet) firstSet {
	switch e.kind {
	case elemTerm:
		return firstSet{terms: map[int32]bool{e.term: true}}
	case elemConcept:
		return firstOfPattern(e.concept, memo)
	}
	return firstSet{open: true}
}

func firstOfPattern(p *pattern, memo map[*pattern]firstSet) firstSet {
	if fs, ok := memo[p]; ok {
		return fs
	}
	fs := firstSet{terms: map[int32]bool{}}
	for _, alt := range p.alts {
		sub := firstOfElem(alt.elems[0], memo)
		if sub.open {
			fs = firstSet{open: true}
			break
		}
		for id := range sub.terms {
			fs.terms[id] = true
		}
	}
	memo[p] = fs
	return fs
}

func langOf(file string) string {
	base := path.Base(file)
	return strings.TrimSuffix(base, path.Ext(base))
}

type compiler struct {
	lex     *Lexicon
	termIDs map[term]int32
}

type conceptDef struct {
	source  string
	text    string
	pattern *pattern
	busy    bool // being compiled: a reference back to it is a cycle
}

type statement struct {
	line int
	text string
}

func (c *compiler) parseFile(name, body string, common map[string]*conceptDef) (map[string]*conceptDef, error) {
	var stmts []statement
	for i, raw := range strings.Split(body, "\n") {
		line := stripComment(raw)
		if strings.TrimSpace(line) == "" {
			continue
		}
		trimmed := strings.TrimSpace(line)
		if len(line) > 0 && unicode.IsSpace(rune(line[0])) && strings.HasPrefix(trimmed, "|") && len(stmts) > 0 {
			stmts[len(stmts)-1].text += " " + trimmed
			continue
		}
		stmts = append(stmts, statement{line: i + 1, text: trimmed})
	}

	lang := langOf(name)
	concepts := map[string]*conceptDef{}
	type ruleDef struct {
		kind, name, text, source string
	}
	var rules []ruleDef
	for _, st := range stmts {
		source := fmt.Sprintf("%s:%d", name, st.line)
		if strings.HasPrefix(st.text, "@") {
			lhs, rhs, ok := strings.Cut(st.text, "=")
			cname := strings.TrimSpace(lhs)
			if !ok || !validName(cname[1:]) {
				return nil, fmt.Errorf("%s: a concept is written @name = pattern", source)
			}
			if prev, dup := concepts[cname]; dup {
				return nil, fmt.Errorf("%s: concept %s is already defined at %s", source, cname, prev.source)
			}
			concepts[cname] = &conceptDef{source: source, text: strings.TrimSpace(rhs)}
			continue
		}
		head, rhs, ok := cutOutsideQuotes(st.text, ':')
		fields := strings.Fields(head)
		if !ok || len(fields) != 2 || !validName(fields[0]) || !validName(fields[1]) {
			return nil, fmt.Errorf("%s: a rule is written kind name: pattern", source)
		}
		rules = append(rules, ruleDef{kind: fields[0], name: fields[1], text: strings.TrimSpace(rhs), source: source})
	}

	resolve := func(ref string) *conceptDef {
		if d, ok := concepts[ref]; ok {
			return d
		}
		return common[ref]
	}
	var compileConcept func(d *conceptDef) (*pattern, error)
	var parse func(text, source string) (*pattern, error)
	compileConcept = func(d *conceptDef) (*pattern, error) {
		if d.pattern != nil {
			return d.pattern, nil
		}
		if d.busy {
			return nil, fmt.Errorf("%s: concept refers to itself", d.source)
		}
		d.busy = true
		p, err := parse(d.text, d.source)
		d.busy = false
		if err != nil {
			return nil, err
		}
		d.pattern = p
		return p, nil
	}
	parse = func(text, source string) (*pattern, error) {
		return c.parsePattern(text, source, func(ref string) (*pattern, error) {
			d := resolve(ref)
			if d == nil {
				return nil, fmt.Errorf("%s: unknown concept %s", source, ref)
			}
			return compileConcept(d)
		})
	}
	for name, d := range concepts {
		p, err := compileConcept(d)
		if err != nil {
			return nil, err
		}
		p.name = name
	}
	for _, r := range rules {
		p, err := parse(r.text, r.source)
		if err != nil {
			return nil, err
		}
		c.lex.Rules = append(c.lex.Rules, &Rule{Kind: r.kind, Name: r.name, Lang: lang, Source: r.source, pattern: p})
	}
	return concepts, nil
}

func (c *compiler) parsePattern(text, source string, concept func(string) (*pattern, error)) (*pattern, error) {
	p := &pattern{id: len(c.lex.patterns)}
	c.lex.patterns = append(c.lex.patterns, p)
	for _, alt := range splitOutsideQuotes(text, '|') {
		s, err := c.parseSeq(strings.TrimSpace(alt), source, concept)
		if err != nil {
			return nil, err
		}
		p.alts = append(p.alts, s)
	}
	if len(p.alts) == 0 {
		return nil, fmt.Errorf("%s: empty pattern", source)
	}
	return p, nil
}

func (c *compiler) parseSeq(text, source string, concept func(string) (*pattern, error)) (*seq, error) {
	if text == "" {
		return nil, fmt.Errorf("%s: empty alternative (two | in a row?)", source)
	}
	s := &seq{}
	pending := sep{}
	havePending := false
	add := func(e *elem) {
		if len(s.elems) > 0 {
			s.seps = append(s.seps, pending)
		}
		s.elems = append(s.elems, e)
		pending, havePending = sep{}, false
	}
	pieces, err := splitPieces(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	for _, piece := range pieces {
		switch {
		case (piece[0] == '~' || piece[0] == '&') && len(piece) > 1:
			n, err := strconv.Atoi(piece[1:])
			if err != nil || n < 0 || n > 20 {
				return nil, fmt.Errorf("%s: %s: a gap is ~N or &N with N from 0 to 20", source, piece)
			}
			if len(s.elems) == 0 || havePending {
				return nil, fmt.Errorf("%s: %s must stand between two elements", source, piece)
			}
			pending, havePending = sep{anyOrder: piece[0] == '&', gap: n}, true
		case piece[0] == '"':
			words := strings.Fields(strings.Trim(piece, `"`))
			if len(words) == 0 {
				return nil, fmt.Errorf("%s: empty quotes", source)
			}
			for _, w := range words {
				elems, err := c.wordElems(w, source)
				if err != nil {
					return nil, err
				}
				for _, e := range elems {
					add(e)
				}
			}
		case piece[0] == '(':
			p, err := c.parsePattern(piece[1:len(piece)-1], source, concept)
			if err != nil {
				return nil, err
			}
			add(&elem{kind: elemConcept, concept: p})
		case piece[0] == '@':
			p, err := concept(piece)
			if err != nil {
				return nil, err
			}
			add(&elem{kind: elemConcept, concept: p})
		default:
			elems, err := c.wordElems(piece, source)
			if err != nil {
				return nil, err
			}
			for _, e := range elems {
				add(e)
			}
		}
	}
	if havePending {
		return nil, fmt.Errorf("%s: a gap must stand between two elements", source)
	}
	return s, nil
}

// wordElems compiles one written word: *, <lo-hi>, word or word*. A written word can become several
// tokens ("j'ai" is "j" then "ai"), which must then stand next to each other.
func (c *compiler) wordElems(w, source string) ([]*elem, error) {
	if w == "*" {
		return []*elem{{kind: elemAny}}, nil
	}
	if strings.HasPrefix(w, "<") && strings.HasSuffix(w, ">") {
		lo, hi, ok := strings.Cut(w[1:len(w)-1], "-")
		a, err1 := strconv.ParseFloat(lo, 64)
		b, err2 := strconv.ParseFloat(hi, 64)
		if !ok || err1 != nil || err2 != nil || a > b {
			return nil, fmt.Errorf("%s: %s: a number range is <low-high>", source, w)
		}
		return []*elem{{kind: elemNumber, lo: a, hi: b}}, nil
	}
	prefix := strings.HasSuffix(w, "*")
	toks := NewDoc(strings.TrimSuffix(w, "*")).Tokens
	if len(toks) == 0 {
		return nil, fmt.Errorf("%s: %q holds no word", source, w)
	}
	out := make([]*elem, 0, len(toks))
	for i, t := range toks {
		if t.IsNum {
			out = append(out, &elem{kind: elemNumber, lo: t.Num, hi: t.Num})
			continue
		}
		out = append(out, &elem{kind: elemTerm, term: c.termID(term{word: t.Norm, prefix: prefix && i == len(toks)-1})})
	}
	return out, nil
}

func (c *compiler) termID(t term) int32 {
	if id, ok := c.termIDs[t]; ok {
		return id
	}
	id := int32(len(c.lex.terms))
	c.lex.terms = append(c.lex.terms, t)
	c.termIDs[t] = id
	if t.prefix {
		c.lex.prefixes[t.word] = append(c.lex.prefixes[t.word], id)
		c.lex.maxPre = max(c.lex.maxPre, utf8.RuneCountInString(t.word))
	} else {
		c.lex.exact[t.word] = append(c.lex.exact[t.word], id)
	}
	return id
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-+.<>", r) {
			return false
		}
	}
	return true
}

// stripComment cuts a comment: "#" at the start of the line or after white space, outside quotes.
func stripComment(line string) string {
	inQuote := false
	for i, r := range line {
		switch {
		case r == '"':
			inQuote = !inQuote
		case r == '#' && !inQuote && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[:i]
		}
	}
	return line
}

// walk calls fn with every rune of s that is outside quotes and the parenthesis depth around it
// (an opening parenthesis counts inside, its closing one outside); fn returns true to stop.
func walk(s string, fn func(i int, r rune, depth int) bool) {
	inQuote, depth := false, 0
	for i, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
			continue
		case inQuote:
			continue
		case r == '(':
			depth++
		case r == ')':
			depth--
		}
		if fn(i, r, depth) {
			return
		}
	}
}

// cutOutsideQuotes cuts s at the first sepr that is neither quoted nor inside parentheses.
func cutOutsideQuotes(s string, sepr rune) (string, string, bool) {
	at := -1
	walk(s, func(i int, r rune, depth int) bool {
		if r == sepr && depth == 0 {
			at = i
		}
		return at >= 0
	})
	if at < 0 {
		return s, "", false
	}
	return s[:at], s[at+utf8.RuneLen(sepr):], true
}

func splitOutsideQuotes(s string, sepr rune) []string {
	var out []string
	for {
		before, after, ok := cutOutsideQuotes(s, sepr)
		out = append(out, before)
		if !ok {
			return out
		}
		s = after
	}
}

// closingParen returns the index of the parenthesis that closes the one s starts with, or -1.
func closingParen(s string) int {
	at := -1
	walk(s, func(i int, r rune, depth int) bool {
		if r == ')' && depth == 0 {
			at = i
		}
		return at >= 0
	})
	return at
}

// splitPieces splits an alternative at white space, keeping quoted phrases whole.
func splitPieces(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unclosed quote in %s", s)
			}
			out = append(out, s[:end+2])
			s = s[end+2:]
			continue
		}
		if s[0] == '(' {
			end := closingParen(s)
			if end < 0 {
				return nil, fmt.Errorf("unclosed parenthesis in %s", s)
			}
			out = append(out, s[:end+1])
			s = s[end+1:]
			continue
		}
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out, nil
}

// Size reports the compiled lexicon's size: rules, patterns, alternatives and distinct terms.
func (l *Lexicon) Size() (rules, patterns, alts, terms int) {
	return len(l.Rules), len(l.patterns), len(l.alts), len(l.terms)
}
