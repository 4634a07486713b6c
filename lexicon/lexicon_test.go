package lexicon

import (
	"slices"
	"strings"
	"testing"
)

func norms(d *Doc) []string {
	var out []string
	for _, t := range d.Tokens {
		out = append(out, t.Norm)
	}
	return out
}

func TestNewDoc(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"I can't BREATHE!!", []string{"i", "cant", "breathe"}},
		{"I can’t breathe", []string{"i", "cant", "breathe"}},
		{"temp 38,5 since 2am", []string{"temp", "38.5", "since", "2", "am"}},
		{"fever 103F", []string{"fever", "103", "f"}},
		{"Fièvre très élevée", []string{"fievre", "tres", "elevee"}},
		{"paaaain sooo bad", []string{"paaaain", "sooo", "bad"}},
		{"j'ai mal", []string{"j", "ai", "mal"}},
		{"أنا عندي ألم في صدري", []string{"انا", "عندي", "الم", "في", "صدري"}},
		{"حرارة ٣٩ درجة", []string{"حراره", "39", "درجه"}},
		{"मुझे १०२ बुखार है", []string{"मुझे", "102", "बुखार", "है"}},
		{"help 😭😭", []string{"help", "😭", "😭"}},
	}
	for _, tc := range cases {
		if got := norms(NewDoc(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
	d := NewDoc("no pain. chest, ok")
	if d.Tokens[1].Sentence != 0 || d.Tokens[2].Sentence != 1 || d.Tokens[2].Clause == d.Tokens[3].Clause {
		t.Errorf("sentences and clauses: %+v", d.Tokens)
	}
	if got := d.Span(0, 2); got != "no pain" {
		t.Errorf("span %q", got)
	}
}

func TestVariants(t *testing.T) {
	for in, want := range map[string][]string{
		"noose":      nil,
		"paaaain":    {"paain", "pain"},
		"bleeeeding": {"bleeding", "bleding"},
		"وحرارته":    {"حرارته"},
		"بالصدر":     {"صدر", "الصدر"},
		"ولد":        nil,
	} {
		if got := Variants(in); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", in, got, want)
		}
	}
}

func compile(t *testing.T, files map[string]string) *Lexicon {
	t.Helper()
	l, err := Compile(files)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func found(l *Lexicon, text string) []string {
	var out []string
	for _, m := range l.Match(NewDoc(text)) {
		out = append(out, m.Rule.Name)
	}
	return out
}

func TestPatterns(t *testing.T) {
	l := compile(t, map[string]string{
		"common.txt": `@me = i | me | my`,
		"en.txt": `
# comments and continuation lines
@chest = chest | "rib cage"
@pain = pain* | hurt* | ache
	| pressure | tight*
flag chest_pain: @chest &3 @pain
flag elephant: "elephant on * chest"
flag fever: fever ~2 <39-43> | <102-108> f
flag breath: @me ~2 "cant breath*"
flag grouped: (arm | leg) ~2 (weak | "cant move")
`,
	})
	cases := []struct {
		text string
		want []string
	}{
		{"my chest hurts", []string{"chest_pain"}},
		{"pain in my chest", []string{"chest_pain"}},
		{"chest is fine. pain in my knee", nil},
		{"tightness around the rib cage", []string{"chest_pain"}},
		{"feels like an elephant on my chest", []string{"elephant"}},
		{"fever of 39.4 today", []string{"fever"}},
		{"fever 38", nil},
		{"103F since noon", []string{"fever"}},
		{"I really can't breathe", []string{"breath"}},
		{"my chest hurtssss", []string{"chest_pain"}},
		{"paaaain in my chest", []string{"chest_pain"}},
		{"my left leg is weak", []string{"grouped"}},
		{"arm cant move", []string{"grouped"}},
	}
	for _, tc := range cases {
		got := found(l, tc.text)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for in, want := range map[string]string{
		`flag x: @nope`:              "unknown concept",
		`@a = @b` + "\n" + `@b = @a`: "refers to itself",
		`flag x y: z`:                "kind name: pattern",
		`flag x: a ~ b`:              "holds no word",
		`flag x: a ~99 b`:            "gap",
		`flag x: a | | b`:            "empty alternative",
		`flag x: "a b`:               "unclosed quote",
		`flag x: <5-1>`:              "number range",
		`flag x: (a | b`:             "unclosed parenthesis",
		`@a = x` + "\n" + `@a = y`:   "already defined",
	} {
		_, err := Compile(map[string]string{"en.txt": in})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "en.txt:") {
			t.Errorf("%q: error %v, want one with the file and %q", in, err, want)
		}
	}
}

func TestScopes(t *testing.T) {
	l := compile(t, map[string]string{"en.txt": `
flag chest_pain: chest &2 pain*
flag breath: "cant breathe"
flag feverish_pee: fever* &8 "burning pee"
negated forward: no | not | "dont have" | cant
negated backward: "is gone" | "went away"
past forward: had
past backward: "years ago"
hypothetical sentence: "signs of" | "what if"
other message: "back home"
end all: but
end past: now | still
pseudo all: "no doubt"
`})
	cases := []struct {
		text string
		want []Modifier // for the chest_pain or breath finding
	}{
		{"chest pain since an hour", nil},
		{"no chest pain", []Modifier{Negated}},
		{"I dont have any chest pain", []Modifier{Negated}},
		{"no fever but chest pain", nil},
		{"no fever, chest pain", nil},
		{"the chest pain is gone", []Modifier{Negated}},
		{"I had chest pain in 2019", []Modifier{Past}},
		{"had chest pain 3 years ago", []Modifier{Past}},
		{"I had a cold and now chest pain", nil},
		{"had chest pain 3 years ago and now again", nil},
		{"what are the signs of chest pain in women?", []Modifier{Hypothetical}},
		{"my dad has chest pain, he is back home in Lagos", []Modifier{Other}},
		{"no doubt it is chest pain", nil},
		{"I cant breathe", nil},
		{"no. chest pain", nil},
		{"burning pee, no fever", []Modifier{Negated}},
	}
	for _, tc := range cases {
		d := NewDoc(tc.text)
		ms := l.Match(d)
		sc := NewScoping(d, ms)
		var target *Match
		for i := range ms {
			if !IsScopeRule(ms[i].Rule) {
				target = &ms[i]
			}
		}
		if target == nil {
			t.Errorf("%q: no finding", tc.text)
			continue
		}
		if got := sc.Of(*target); !slices.Equal(got, tc.want) {
			t.Errorf("%q: modifiers %v, want %v", tc.text, got, tc.want)
		}
	}
}
