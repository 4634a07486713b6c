package llm

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Before a message leaves for a model, what identifies the patient is replaced by a placeholder: the
// model needs the symptoms, never the person. Clinical numbers (temperatures, doses, blood pressure,
// glucose) stay: they are what the model needs.
var (
	emailRE = regexp.MustCompile(`[\p{L}0-9._%+\-]+@[\p{L}0-9.\-]+\.[\p{L}]{2,}`)
	// A date next to a birth word, in any of the served languages.
	dobRE = regexp.MustCompile(`(?i)(?:born(?:\s+on)?|dob|d\.o\.b\.?|date of birth|birthday|b-day|fecha de nacimiento|nac[ií]` +
		`|nacid[oa](?:\s+el)?|data de nascimento|nascid[oa](?:\s+em)?|n[ée]e?\s+le|date de naissance|geboren(?:\s+am)?` +
		`|geburtsdatum|geb\.|जन्म(?:\s*तिथि)?|janam|تاريخ الميلاد|مواليد|ولدت)\s*[:\-]?\s*` +
		`(\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}|\d{1,2}\s+\p{L}+\.?\s+\d{2,4}|\p{L}+\.?\s+\d{1,2},?\s+\d{4}|\d{4})`)
	numericDateRE = regexp.MustCompile(`\b(\d{1,2})[./\-](\d{1,2})[./\-](\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	// ID-like: national numbers (123-45-6789), record and insurance numbers (AB1234567, 12345678).
	idRE = regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b|\b\p{Lu}{1,4}[\-\s]?\d{5,}\b|\b\d{6,}\b`)
	// Phone numbers: eight digits or more, in any usual grouping.
	phoneRE = regexp.MustCompile(`(?:\+|\b00)?\d[\d\s().\-]{6,}\d`)
)

// Redaction placeholders.
const (
	redactedName  = "[NAME]"
	redactedPhone = "[PHONE]"
	redactedEmail = "[EMAIL]"
	redactedDate  = "[DATE]"
	redactedID    = "[ID]"
)

// Redact replaces in text the contact's name, phone numbers, e-mail addresses, dates of birth and
// ID-like numbers. It reports whether anything was replaced.
func Redact(text, name string) (string, bool) {
	orig := text
	text = emailRE.ReplaceAllString(text, redactedEmail)
	text = dobRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := dobRE.FindStringSubmatch(m)
		return strings.Replace(m, sub[1], redactedDate, 1)
	})
	// A full date whose year is long past is most likely a birth date; dates near now (appointments,
	// onset) stay, as they matter to triage.
	thisYear := time.Now().Year()
	text = numericDateRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := numericDateRE.FindStringSubmatch(m)
		year := sub[3]
		if year == "" {
			year = sub[4]
		}
		if y, _ := strconv.Atoi(year); y >= 1900 && y <= thisYear-2 {
			return redactedDate
		}
		return m
	})
	text = idRE.ReplaceAllString(text, redactedID)
	text = phoneRE.ReplaceAllStringFunc(text, func(m string) string {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits < 8 {
			return m // "38.5 - 39.1", "120 / 80": measurements, not numbers to call
		}
		return redactedPhone
	})
	text = redactName(text, name)
	return text, text != orig
}

// redactName replaces every word of the contact's name that is long enough to identify, as a whole
// word and in any case.
func redactName(text, name string) string {
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
		if len([]rune(part)) < 2 {
			continue
		}
		re, err := regexp.Compile(`(?i)(^|[^\p{L}\p{M}])` + regexp.QuoteMeta(part) + `($|[^\p{L}\p{M}])`)
		if err != nil {
			continue
		}
		// Loop: adjacent occurrences share a separator, which one pass would consume.
		for re.MatchString(text) {
			text = re.ReplaceAllString(text, "${1}"+redactedName+"${2}")
		}
	}
	return text
}
