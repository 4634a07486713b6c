package kb

import "strings"

// The fixed words of answers, in every reply language ("hi-Latn" is Hindi in Latin letters, the way
// most Hindi speakers text).
var answerTexts = map[string]struct {
	source string // "Source: {title}"
	note   string // the page exists only in {lang}
}{
	"en":      {"Source: {title}", "We do not have this page in English yet; here it is in {lang}:"},
	"es":      {"Fuente: {title}", "Aún no tenemos esta página en español; aquí está en {lang}:"},
	"pt":      {"Fonte: {title}", "Ainda não temos esta página em português; aqui está em {lang}:"},
	"fr":      {"Source : {title}", "Cette page n'existe pas encore en français ; la voici en {lang} :"},
	"de":      {"Quelle: {title}", "Diese Seite gibt es noch nicht auf Deutsch; hier ist sie auf {lang}:"},
	"hi":      {"स्रोत: {title}", "यह जानकारी अभी हिंदी में उपलब्ध नहीं है; यह {lang} में है:"},
	"hi-Latn": {"Source: {title}", "Yeh jaankari abhi Hindi mein nahin hai; yeh {lang} mein hai:"},
	"ar":      {"المصدر: {title}", "هذه الصفحة غير متوفرة بالعربية بعد؛ إليك النص {lang}:"},
}

// languageNames names each language in each reply language (Arabic as the adverbial "in English").
var languageNames = map[string]map[string]string{
	"en":      {"en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "hi": "Hindi", "ar": "Arabic"},
	"es":      {"en": "inglés", "es": "español", "pt": "portugués", "fr": "francés", "de": "alemán", "hi": "hindi", "ar": "árabe"},
	"pt":      {"en": "inglês", "es": "espanhol", "pt": "português", "fr": "francês", "de": "alemão", "hi": "híndi", "ar": "árabe"},
	"fr":      {"en": "anglais", "es": "espagnol", "pt": "portugais", "fr": "français", "de": "allemand", "hi": "hindi", "ar": "arabe"},
	"de":      {"en": "Englisch", "es": "Spanisch", "pt": "Portugiesisch", "fr": "Französisch", "de": "Deutsch", "hi": "Hindi", "ar": "Arabisch"},
	"hi":      {"en": "अंग्रेज़ी", "es": "स्पेनिश", "pt": "पुर्तगाली", "fr": "फ़्रेंच", "de": "जर्मन", "hi": "हिंदी", "ar": "अरबी"},
	"hi-Latn": {"en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "hi": "Hindi", "ar": "Arabic"},
	"ar":      {"en": "بالإنجليزية", "es": "بالإسبانية", "pt": "بالبرتغالية", "fr": "بالفرنسية", "de": "بالألمانية", "hi": "بالهندية", "ar": "بالعربية"},
}

// textsFor returns the texts of a reply language, English when there are none.
func textsFor(lang string) string {
	if _, ok := answerTexts[lang]; ok {
		return lang
	}
	if base, _, _ := strings.Cut(lang, "-"); base != lang {
		if _, ok := answerTexts[base]; ok {
			return base
		}
	}
	return "en"
}

// sourceLine names the page an answer comes from.
func sourceLine(lang, title string) string {
	return strings.ReplaceAll(answerTexts[textsFor(lang)].source, "{title}", title)
}

// untranslatedNote tells the patient that the page below is in another language.
func untranslatedNote(lang, docLang string) string {
	l := textsFor(lang)
	name := languageNames[l][docLang]
	if name == "" {
		name = docLang
	}
	return strings.ReplaceAll(answerTexts[l].note, "{lang}", name)
}
