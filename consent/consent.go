// Package consent keeps each contact's consent to automated messages: the keywords that opt out, opt
// back in or ask for help, in every supported language (configurable), the contact's current state
// and its history. An opted-out contact's messages are still stored and triaged, and still reach the
// nurses; only the bot stops writing.
package consent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/clinictriage/assistant/store"
)

// Actions a keyword asks for.
const (
	OptOut = "opt_out"
	OptIn  = "opt_in"
	Help   = "help"
)

// States of a contact.
const (
	OptedIn  = "opted_in"
	OptedOut = "opted_out"
)

// Keyword is one word and what it asks for; Lang is the language its confirmation is written in
// ("" for the language-neutral ones such as STOP, answered in the conversation's language).
type Keyword struct {
	Word, Action, Lang string
}

// DefaultKeywords are the carriers' keywords (CHANNELS.md) and their equivalents in the supported
// languages.
var DefaultKeywords = []Keyword{
	{"STOP", OptOut, ""}, {"STOPALL", OptOut, ""}, {"UNSUBSCRIBE", OptOut, "en"}, {"CANCEL", OptOut, "en"},
	{"END", OptOut, "en"}, {"QUIT", OptOut, "en"},
	{"START", OptIn, ""}, {"YES", OptIn, "en"}, {"UNSTOP", OptIn, "en"},
	{"HELP", Help, "en"}, {"INFO", Help, ""},
	// Spanish
	{"BAJA", OptOut, "es"}, {"PARAR", OptOut, "es"}, {"DETENER", OptOut, "es"}, {"CANCELAR", OptOut, "es"},
	{"ALTA", OptIn, "es"}, {"INICIAR", OptIn, "es"}, {"AYUDA", Help, "es"},
	// Portuguese
	{"SAIR", OptOut, "pt"}, {"DESCADASTRAR", OptOut, "pt"}, {"PARE", OptOut, "pt"},
	{"VOLTAR", OptIn, "pt"}, {"COMECAR", OptIn, "pt"}, {"AJUDA", Help, "pt"},
	// French
	{"ARRET", OptOut, "fr"}, {"ARRETER", OptOut, "fr"}, {"DESABONNER", OptOut, "fr"}, {"DESINSCRIRE", OptOut, "fr"},
	{"REPRENDRE", OptIn, "fr"}, {"DEBUT", OptIn, "fr"}, {"AIDE", Help, "fr"},
	// German
	{"STOPP", OptOut, "de"}, {"ABMELDEN", OptOut, "de"}, {"BEENDEN", OptOut, "de"},
	{"ANMELDEN", OptIn, "de"}, {"HILFE", Help, "de"},
	// Hindi, both scripts
	{"रोकें", OptOut, "hi"}, {"रोको", OptOut, "hi"}, {"बंद", OptOut, "hi"}, {"ROKO", OptOut, "hi-Latn"}, {"BAND", OptOut, "hi-Latn"},
	{"शुरू", OptIn, "hi"}, {"SHURU", OptIn, "hi-Latn"}, {"मदद", Help, "hi"}, {"MADAD", Help, "hi-Latn"},
	// Arabic
	{"توقف", OptOut, "ar"}, {"الغاء", OptOut, "ar"}, {"ايقاف", OptOut, "ar"}, {"اشتراك", OptIn, "ar"},
	{"ابدا", OptIn, "ar"}, {"مساعده", Help, "ar"},
}

// Keywords finds the keyword a message is. Only a message of one word (punctuation and case aside)
// is a keyword: "stop the pain" is a patient talking, not an opt-out.
type Keywords struct{ words map[string]Keyword }

// NewKeywords indexes keywords; a word given twice is an error.
func NewKeywords(list []Keyword) (*Keywords, error) {
	k := &Keywords{words: map[string]Keyword{}}
	for _, kw := range list {
		switch kw.Action {
		case OptOut, OptIn, Help:
		default:
			return nil, fmt.Errorf("consent: keyword %q: action %q is not opt_out, opt_in or help", kw.Word, kw.Action)
		}
		w := fold(kw.Word)
		if w == "" || strings.ContainsFunc(w, unicode.IsSpace) {
			return nil, fmt.Errorf("consent: keyword %q: one word is expected", kw.Word)
		}
		if prev, ok := k.words[w]; ok && prev.Action != kw.Action {
			return nil, fmt.Errorf("consent: keyword %q means both %s and %s", kw.Word, prev.Action, kw.Action)
		}
		k.words[w] = kw
	}
	return k, nil
}

// ParseKeywords reads "WORD:action[:lang],..." (TRIAGE_CONSENT_KEYWORDS), which replaces the defaults.
func ParseKeywords(s string) ([]Keyword, error) {
	var out []Keyword
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.Split(item, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("%q: WORD:opt_out|opt_in|help[:language] is expected", item)
		}
		kw := Keyword{Word: parts[0], Action: parts[1]}
		if len(parts) == 3 {
			kw.Lang = parts[2]
		}
		out = append(out, kw)
	}
	if len(out) == 0 {
		return nil, errors.New("no keywords")
	}
	return out, nil
}

// Match returns the keyword the whole message is, if it is one.
func (k *Keywords) Match(text string) (Keyword, bool) {
	w := fold(text)
	if w == "" || strings.ContainsFunc(w, unicode.IsSpace) {
		return Keyword{}, false
	}
	kw, ok := k.words[w]
	return kw, ok
}

// fold trims punctuation and symbols around a word, upper-cases it and removes accents (ARRÊT is
// ARRET, "Stop!" is STOP). Arabic loses its diacritics and hamza forms of alef the same way.
func fold(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	// A chain keeps state between calls: each call makes its own, so workers can match at once.
	stripMarks := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(stripMarks, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("أ", "ا", "إ", "ا", "آ", "ا", "ة", "ه", "ى", "ي").Replace(out)
	return strings.ToUpper(out)
}

// SetTx records a contact's new state with its history, in the caller's transaction. It reports
// whether the state changed (a second STOP changes nothing, but is still in the history).
func SetTx(ctx context.Context, tx pgx.Tx, contactID, state, keyword, messageID string) (changed bool, err error) {
	if state != OptedIn && state != OptedOut {
		return false, fmt.Errorf("consent: state %q", state)
	}
	var before string
	if err := tx.QueryRow(ctx, `SELECT consent FROM contacts WHERE id = $1 FOR UPDATE`, contactID).Scan(&before); err != nil {
		return false, store.Classify("consent: set", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE contacts SET consent = $2, consent_changed_at = now() WHERE id = $1 AND consent <> $2`,
		contactID, state); err != nil {
		return false, store.Classify("consent: set", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO consent_events (contact_id, state, keyword, message_id) VALUES ($1, $2, $3, $4)`,
		contactID, state, keyword, messageID); err != nil {
		return false, store.Classify("consent: history", err)
	}
	return before != state, nil
}
