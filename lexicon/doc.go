// Package lexicon matches multilingual phrase lexicons against patient messages. It normalises text
// the way patients write it (case, accents, Arabic letter variants, repeated letters, digits of every
// script), compiles lexicon files written in a small pattern language, finds every phrase in a message
// with its place in the original text, and tells which matches a negation, a past tense, a distant
// person or a hypothetical question puts out of scope (ConText).
//
// The safety rules (package triage) and the sentiment and distress lexicons (package sentiment) are
// both written in it.
package lexicon

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Token is one word, number or emoji of a message.
type Token struct {
	Norm       string  // normalised form: what lexicon terms are compared with
	Start, End int     // byte offsets of the token in the original text
	Num        float64 // the value of a number token
	IsNum      bool
	Sentence   int // index of the sentence the token is in
	Clause     int // index of the clause (sentences split further at commas)
}

// Doc is a message prepared for matching.
type Doc struct {
	Text   string
	Tokens []Token
	// Lang is the language the message is written in, when known: its scope triggers reach findings
	// of every language's rules (a Spanish "no" negates an English word borrowed into Spanish).
	Lang string
}

// Span returns the original text of tokens [from, to).
func (d *Doc) Span(from, to int) string {
	if from >= to || to > len(d.Tokens) {
		return ""
	}
	return d.Text[d.Tokens[from].Start:d.Tokens[to-1].End]
}

// NewDoc tokenises and normalises text. Offsets refer to text as given.
func NewDoc(text string) *Doc {
	d := &Doc{Text: text}
	sentence, clause := 0, 0
	breakSentence, breakClause := false, false
	// place returns the sentence and clause of the next token, counting the breaks seen before it.
	place := func() (int, int) {
		if breakSentence {
			sentence++
			clause++
		} else if breakClause {
			clause++
		}
		breakSentence, breakClause = false, false
		return sentence, clause
	}
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWordRune(r) || isDigit(r):
			end := scanWord(text, i)
			sn, cl := place()
			d.addWord(text[i:end], i, end, sn, cl)
			i = end
			continue
		case isEmoji(r):
			sn, cl := place()
			d.Tokens = append(d.Tokens, Token{Norm: string(r), Start: i, End: i + size, Sentence: sn, Clause: cl})
		case r == '.' && ordinalDot(text, i):
			breakClause = true // "11. SSW", "3. Tag": a German ordinal, not the end of a sentence
		case isSentenceEnd(r):
			breakSentence = true
		case r == ',' || r == '،' || r == ':' || r == '(' || r == ')':
			breakClause = true
		}
		i += size
	}
	return d
}

// addWord appends one run of letters and digits, split where it mixes a number with letters only when
// the number is a measurement ("38.5c" -> "38.5", "c"); an English contraction's "t" joins its verb
// ("can't" -> "cant") so that lexicons need list only one form.
func (d *Doc) addWord(raw string, start, end, sentence, clause int) {
	if v, ok := parseNumber(raw); ok {
		d.Tokens = append(d.Tokens, Token{Norm: strconv.FormatFloat(v, 'f', -1, 64), Start: start, End: end, Num: v, IsNum: true, Sentence: sentence, Clause: clause})
		return
	}
	// A number glued to a unit: "38.5c", "103f", "6wks", "2yo".
	if n := numberPrefix(raw); n > 0 && n < len(raw) {
		if v, ok := parseNumber(raw[:n]); ok {
			d.Tokens = append(d.Tokens, Token{Norm: strconv.FormatFloat(v, 'f', -1, 64), Start: start, End: start + n, Num: v, IsNum: true, Sentence: sentence, Clause: clause})
			d.Tokens = append(d.Tokens, Token{Norm: Normalize(raw[n:]), Start: start + n, End: end, Sentence: sentence, Clause: clause})
			return
		}
	}
	norm := Normalize(raw)
	if norm == "t" && len(d.Tokens) > 0 {
		prev := &d.Tokens[len(d.Tokens)-1]
		if gap := d.Text[prev.End:start]; (gap == "'" || gap == "’") && strings.HasSuffix(prev.Norm, "n") && !prev.IsNum {
			prev.Norm += "t"
			prev.End = end
			return
		}
	}
	if norm == "" {
		return
	}
	d.Tokens = append(d.Tokens, Token{Norm: norm, Start: start, End: end, Sentence: sentence, Clause: clause})
}

// ordinalDot reports a dot right after one or two digits and followed by a space and a word: an
// ordinal ("11. SSW", "2. Woche") rather than the end of a sentence.
func ordinalDot(text string, i int) bool {
	digits := 0
	for j := i - 1; j >= 0 && text[j] >= '0' && text[j] <= '9'; j-- {
		digits++
	}
	if digits == 0 || digits > 2 || (i-digits > 0 && text[i-digits-1] != ' ' && text[i-digits-1] != '\n') {
		return false
	}
	if i+2 >= len(text) || text[i+1] != ' ' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i+2:])
	return unicode.IsLetter(r)
}

// scanWord returns the end of the word starting at i: letters, combining marks and digits, with a
// decimal separator kept inside numbers ("38.5", "38,5").
func scanWord(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) || isDigit(r) {
			i += size
			continue
		}
		if (r == '.' || r == ',') && i > 0 && i+size < len(text) {
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if isDigit(prev) && isDigit(next) {
				i += size
				continue
			}
		}
		break
	}
	return i
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func isDigit(r rune) bool { return unicode.IsDigit(r) }

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', ';', '\n', '؟', '।', '¿', '¡', '…':
		return true
	}
	return false
}

// isEmoji reports symbols patients use as words: faces, hands, hearts.
func isEmoji(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2B00 && r <= 0x2BFF)
}

// numberPrefix returns the length of a leading number in s (digits with one decimal separator).
func numberPrefix(s string) int {
	n, seenSep := 0, false
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if isDigit(r) {
			n += size
			continue
		}
		if (r == '.' || r == ',') && !seenSep && n > 0 {
			seenSep = true
			n += size
			continue
		}
		break
	}
	return n
}

// parseNumber reads a number in any script's digits, with a dot or a comma as decimal separator.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsDigit(r):
			b.WriteRune('0' + digitValue(r))
		case r == '.' || r == ',':
			b.WriteByte('.')
		default:
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	return v, err == nil
}

// digitValue reads a decimal digit of any script (Arabic-Indic, Devanagari, ...): Unicode keeps each
// script's ten digits in a row from zero, so the distance to the first digit of the run is the value.
func digitValue(r rune) rune {
	base := r
	for base > r-9 && unicode.IsDigit(base-1) {
		base--
	}
	return r - base
}

// Normalize puts one word in the form lexicons are compared in: NFKC, lower case, Latin accents
// removed, Arabic letter variants and diacritics unified, Devanagari nukta and chandrabindu folded.
// Letters repeated for emphasis ("paaain") are handled when matching (see Variants).
func Normalize(word string) string {
	word = norm.NFKC.String(word)
	var b strings.Builder
	var lastBase rune // the last base letter, to know whether a combining mark belongs to Latin
	for _, r := range norm.NFD.String(strings.ToLower(word)) {
		if unicode.Is(unicode.Mn, r) {
			if unicode.Is(unicode.Latin, lastBase) || lastBase < 0x80 {
				continue // é -> e, ñ -> n, ç -> c
			}
			switch {
			case r >= 0x064B && r <= 0x065F, r == 0x0670: // Arabic harakat, superscript alef
				continue
			case r == 0x093C: // Devanagari nukta: ज़ and ज are typed interchangeably
				continue
			case r == 0x0901: // chandrabindu, typed as anusvara
				r = 0x0902
			}
		} else {
			lastBase = r
		}
		switch r {
		case 'أ', 'إ', 'آ', 'ٱ':
			r = 'ا'
		case 'ى', 'ئ', 'ی':
			r = 'ي'
		case 'ة':
			r = 'ه'
		case 'ؤ':
			r = 'و'
		case 'ک':
			r = 'ك'
		case 'ـ', '\u200c', '\u200d', '\'', '’', '‘': // tatweel, zero-width joiners, apostrophes
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Variants returns other forms a word may stand for. A letter repeated three times or more for
// emphasis is cut to two ("bleeeeding" -> "bleeding") and to one ("paaaain" -> "pain"); collapsing
// every double letter would make "noose" a "nose". An Arabic word loses the conjunctions, prepositions
// and article written attached to it ("وحرارته" -> "حرارته", "بالصدر" -> "صدر") when at least three
// letters remain, so that lexicons list the bare word.
func Variants(word string) []string {
	var out []string
	if hasTripleRun(word) {
		out = append(out, squeeze(word, 2), squeeze(word, 1))
	}
	for _, p := range arabicClitics {
		if rest, ok := strings.CutPrefix(word, p); ok && utf8.RuneCountInString(rest) >= 3 {
			out = append(out, rest)
		}
	}
	return out
}

// arabicClitics are the prefixes written attached to Arabic words, longest first (normalised: أ is ا).
var arabicClitics = []string{"وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك"}

func hasTripleRun(word string) bool {
	var last rune
	n := 0
	for _, r := range word {
		if r == last {
			n++
			if n >= 3 && unicode.IsLetter(r) {
				return true
			}
		} else {
			last, n = r, 1
		}
	}
	return false
}

// squeeze cuts every run of three or more equal letters to keep letters.
func squeeze(word string, keep int) string {
	var b strings.Builder
	var last rune
	n := 0
	runes := []rune(word)
	for i, r := range runes {
		if r == last {
			n++
		} else {
			last, n = r, 1
		}
		// Length of the run this rune belongs to.
		runLen := n
		for j := i + 1; j < len(runes) && runes[j] == r; j++ {
			runLen++
		}
		if runLen >= 3 && unicode.IsLetter(r) && n > keep {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
