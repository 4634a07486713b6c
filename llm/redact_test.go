package llm

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		text, name string
		gone       []string // must not survive
		kept       []string // must survive
	}{
		{"Hi, this is Maria Lopez, call me on +1 (555) 123-4567", "Maria Lopez", []string{"Maria", "Lopez", "555", "4567"}, []string{"call me"}},
		{"my email is jane.doe@example.com", "", []string{"jane.doe", "example.com"}, []string{"my email"}},
		{"DOB 04/11/1962, chest pain since 2 hours", "", []string{"1962"}, []string{"chest pain", "2 hours"}},
		{"nací el 12-03-1990 y tengo fiebre de 39.5", "", []string{"1990"}, []string{"39.5", "fiebre"}},
		{"my insurance number is AB1234567 and SSN 123-45-6789", "", []string{"1234567", "6789"}, []string{"insurance"}},
		{"MRN 00482913, BP 162/98, sugar 380, temp 38.5", "", []string{"00482913"}, []string{"162/98", "380", "38.5"}},
		{"whatsapp me at 00 44 7700 900123", "", []string{"7700", "900123"}, nil},
		{"JOHN says john's head hurts, ask for John-Paul", "John Paul", []string{"JOHN", "john", "Paul"}, []string{"head hurts"}},
		{"appointment on 14/12/2026 please", "", nil, []string{"14/12/2026"}},
		{"मेरा नाम राहुल है, सीने में दर्द", "राहुल", []string{"राहुल"}, []string{"सीने में दर्द"}},
	}
	for _, tc := range cases {
		got, changed := Redact(tc.text, tc.name)
		for _, g := range tc.gone {
			if strings.Contains(got, g) {
				t.Errorf("%q -> %q still holds %q", tc.text, got, g)
			}
		}
		for _, k := range tc.kept {
			if !strings.Contains(got, k) {
				t.Errorf("%q -> %q lost %q", tc.text, got, k)
			}
		}
		if changed != (len(tc.gone) > 0) {
			t.Errorf("%q: changed=%v", tc.text, changed)
		}
	}
}
