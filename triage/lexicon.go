package triage

import (
	"strings"
	"unicode"
)

// The Latin-script languages share an alphabet, so telling them apart takes statistics (lingua's
// n-gram models) or vocabulary. Vocabulary is cheap: the function words of a language ("the", "que",
// "und") make up a third of any sentence in it and say nothing about its topic. When they point to one
// language clearly, that answer stands without the n-gram models, which cost a few hundred
// microseconds a message; when they do not (short, mixed or unusual text), lingua decides.

// functionWords are each language's most frequent function words and everyday chat words. A word of
// several languages is listed under each ("de", "que", "no"): it then counts for all of them and the
// margin a decision needs does the rest.
var functionWords = map[string]map[string]bool{
	"en": wordSet(`the and is are was were my i you it to of in have has had with for not can do does did
		this that what how since been please thanks thank me he she we they will would should could get
		got at on be an if or but from about just still your our his her am im its there when why which
		who any some no yes hi hello been being than then them their him us okay`),
	"es": wordSet(`el la los las de del que y en un una es por para con no mi mis me se lo le les al muy
		pero tengo tiene tienen estoy está esta están hace desde ayer hoy cuando qué cómo como puedo
		necesito gracias hola su sus ya también hay son fue soy eso esto usted ustedes mañana buenas
		buenos días tarde noche dolor mucho poco sí nada algo otra otro`),
	"pt": wordSet(`o a os as de do da dos das que e em no na nos nas um uma é por para com não meu minha
		se ao muito mas tenho tem estou está desde ontem hoje quando como posso preciso obrigado obrigada
		olá você vocês já também seu sua foi são sou isso isto bom boa dia tarde noite dor pouco sim nada
		algo outra outro estava ele ela eles elas mim`),
	"fr": wordSet(`le la les de des du que et en un une est pour par avec pas ne mon ma mes je il elle
		nous vous au aux très mais ai suis depuis hier aujourd quand comment puis merci bonjour on ce cette
		sont été ça mal fait faire peux veux dois moi toi lui leur leurs qui quoi où rien beaucoup peu
		oui non jour soir matin`),
	"de": wordSet(`der die das und ist ich nicht ein eine einen einem mit von zu den dem des auf für mein
		meine meinen meinem seit gestern heute bitte danke habe hat haben bin sind wie was wann kann auch
		aber es sie wir hallo schon noch ihr mir mich am im in an war ob oder wenn weil dass kein keine
		sehr viel ja nein morgen abend tag guten`),
}

// shorthand is chat and SMS shorthand ("pls", "tmrw", "vc", "stp", "bzw"): rare in the text lingua
// learnt from, so a short message full of it can be mistaken for another language ("cancel my appt
// tmrw at 3 pls" reads as German). It counts as evidence on both paths.
var shorthand = map[string]map[string]bool{
	"en": wordSet(`pls plz tmrw tmr tmrrw 2moro appt appts thx thnx ty ur ive idk asap dont cant wont
		didnt doesnt isnt havent gonna wanna gotta msg btw rn omg abt hrs yrs cuz coz`),
	"es": wordSet(`xq pq porfa xfa tb tmb tmbn ntp hno bno xa dnd toy mñn q`),
	"pt": wordSet(`vc vcs tb tbm pq obg obgd blz hj td tds mto msm kd cmg vlw q`),
	"fr": wordSet(`stp svp jsp bcp pcq pck dsl rdv slt mdr ptdr jvais jsuis chui tkt auj qd dmd`),
	"de": wordSet(`bzw ggf mfg lg vllt hab nix nen grad bissl hdl`),
}

// letterHints are letters that, among the five Latin-script languages served, belong to one only.
var letterHints = map[rune]string{
	'ñ': "es", '¿': "es", '¡': "es",
	'ã': "pt", 'õ': "pt",
	'ß': "de", 'ä': "de", 'ö': "de", 'ü': "de",
	'è': "fr", 'ù': "fr", 'ë': "fr", 'ï': "fr", 'î': "fr", 'û': "fr", 'œ': "fr",
}

// latinEvidence counts, per Latin-script language, the tokens that are its function words or
// shorthand and the words that hold one of its own letters.
type latinEvidence struct {
	hits      map[string]int
	shorthand map[string]int
	words     int
}

func gatherLatinEvidence(tokens []string, enabled map[string]bool) latinEvidence {
	ev := latinEvidence{hits: map[string]int{}, shorthand: map[string]int{}}
	for _, w := range tokens {
		if strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		ev.words++
		for lang, words := range functionWords {
			if enabled[lang] && words[w] {
				ev.hits[lang]++
			}
		}
		for lang, words := range shorthand {
			if enabled[lang] && words[w] {
				ev.hits[lang]++
				ev.shorthand[lang]++
			}
		}
		for _, r := range w {
			if lang, ok := letterHints[r]; ok && enabled[lang] {
				ev.hits[lang]++
				break
			}
		}
	}
	return ev
}

// decisive returns the language the evidence points to beyond doubt: at least two hits, three times
// as many as any other language, and a fifth of the words. Its confidence grows with the lead.
func (ev latinEvidence) decisive() (string, float64, bool) {
	best, top, second := "", 0, 0
	for lang, n := range ev.hits {
		switch {
		case n > top:
			best, top, second = lang, n, top
		case n == top:
			best, second = "", n // a tie decides nothing
		case n > second:
			second = n
		}
	}
	if best == "" || top < 2 || top < 3*second || 5*top < ev.words {
		return "", 0, false
	}
	return best, 1 - 1/float64(1+top-second), true
}

// tokenize lower-cases text and splits it into runs of letters and digits (digits stay inside words
// for Arabizi: "3andi").
func tokenize(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}
