package sentiment

import (
	"slices"
	"sync"
	"testing"
)

var (
	analyzerOnce sync.Once
	analyzer     *Analyzer
	analyzerErr  error
)

func testAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	analyzerOnce.Do(func() { analyzer, analyzerErr = NewAnalyzer() })
	if analyzerErr != nil {
		t.Fatal(analyzerErr)
	}
	return analyzer
}

// feelCase is one message and how it must read. Cases are written for the tests, not taken from
// the gold sets.
type feelCase struct {
	text     string
	label    string   // "" to skip
	distress []string // exactly these flags (nil: none)
	selfHarm string   // passive, active or ""
}

func checkFeelings(t *testing.T, cases []feelCase) {
	t.Helper()
	a := testAnalyzer(t)
	for _, tc := range cases {
		got := a.Analyze(tc.text)
		if tc.label != "" && got.Label != tc.label {
			t.Errorf("%q: label %s (%.2f), want %s", tc.text, got.Label, got.Score, tc.label)
		}
		if !slices.Equal(got.Distress, tc.distress) {
			t.Errorf("%q: distress %v, want %v (%+v)", tc.text, got.Distress, tc.distress, got.Evidence)
		}
		if got.SelfHarm != tc.selfHarm {
			t.Errorf("%q: self-harm %q, want %q", tc.text, got.SelfHarm, tc.selfHarm)
		}
		if got.Score < -1 || got.Score > 1 {
			t.Errorf("%q: score %v outside [-1, 1]", tc.text, got.Score)
		}
	}
}

func TestEnglish(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "thanks a lot, that really helped 😊", label: Positive},
		{text: "can I book a checkup next month", label: Neutral},
		{text: "my knee has been hurting for a week", label: Negative},
		{text: "not bad, a bit better today", label: Positive},
		{text: "I'm terrified, my heart is racing and I can't calm down", label: Negative, distress: []string{Panic}},
		{text: "this is the third time I write and nobody answers, unacceptable", label: Negative, distress: []string{Anger}},
		{text: "I don't understand what I'm supposed to do with the app", label: Negative, distress: []string{Confusion}},
		{text: "I've been feeling so low and lonely since the divorce", label: Negative, distress: []string{Sadness}},
		{text: "sometimes I wish I was dead", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "I bought a rope, tonight is the night", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Negated, past and hypothetical self-harm is not current distress.
		{text: "no, I would never hurt myself", distress: nil},
		{text: "I used to self harm as a teenager, doing well now", distress: nil},
		{text: "??", distress: []string{Confusion}},
		// "noose" is not "nose", however letters are squeezed.
		{text: "my nose is stuffy", distress: nil},
	})
}

func TestTrend(t *testing.T) {
	cases := []struct {
		scores []float64
		want   string
	}{
		{[]float64{0.2, -0.1, -0.5, -0.8}, Worsening},
		{[]float64{-0.8, -0.4, 0, 0.5}, Improving},
		{[]float64{0.1, 0, 0.1}, Steady},
		{nil, Steady},
	}
	for _, tc := range cases {
		if got := TrendOf(tc.scores); got.Direction != tc.want {
			t.Errorf("%v: %+v, want %s", tc.scores, got, tc.want)
		}
	}
	if tr := TrendOf([]float64{0.3, -0.5, -0.6}); tr.NegativeRun != 2 {
		t.Errorf("negative run %d, want 2", tr.NegativeRun)
	}
}

// Goodbyes, heights and garages read as self-harm only with what makes them so: thanks at the end of
// care, an outing, a car warming up and a child who overslept are not.
func TestGoodbyesAndPlacesAreNotSelfHarmAlone(t *testing.T) {
	notSelfHarm(t,
		"thanks for everything, see you at my appointment next week",
		"thanks for everything, I wont be needing the appointment, I feel much better",
		"I left the car running in the garage to warm it up, is that why I have a headache?",
		"my son did not wake up for school, can he come in later?",
		"we were on the bridge looking at the water on holiday, lovely",
		"gracias por todo, ya no voy a necesitar la cita",
		"obrigada por tudo, não vou precisar da consulta",
		"merci pour tout, je n'aurai plus besoin du rendez-vous",
		"danke für alles, sie brauchen mich nicht mehr anrufen, mir geht es gut",
		"wir waren auf der brücke und haben aufs wasser geschaut, war schön",
		"hab mir die tabletten für die woche zurechtgelegt",
	)
}

// Ordinary accidents and errands stay ordinary.
func TestEverydayAccidentsAreNotSelfHarm(t *testing.T) {
	notSelfHarm(t,
		"sorry I'm late, the car is in the garage with the engine running to warm up",
		"me corté con un cuchillo cocinando y no para de sangrar",
		"comprei um remédio pra acabar com isso hoje, essa gripe não passa",
		"j'ai écrit une lettre à mes parents pour leur anniversaire",
		"ich stehe am gleis und warte auf den zug nach hause, komme später zum termin",
		"não aguento mais essa dor nas costas, obrigado por tudo doutora",
		"ich stehe jeden tag um 6 auf, danke für alles",
		"meine brücke beim zahnarzt ist locker, sagt meiner frau bitte bescheid dass ich später komme",
	)
}

// Two kinds of crisis signal anywhere in a message, even in different sentences, are an active
// self-harm; one kind alone is not.
func TestCrisisSignalsTwoKindsTogether(t *testing.T) {
	a := testAnalyzer(t)
	for _, c := range []struct {
		text   string
		active bool
	}{
		{"The letters for the kids are on the table. I won't be here tomorrow.", true},
		{"ya escribi la carta para mi hermana. no me busquen", true},
		{"hab nen brief geschrieben. morgen früh bin ich weg.", true},
		{"I bought rope for the garden fence", false},
		{"I won't be here tomorrow, I'm travelling for work", false},
		{"sorry mum, I forgot to pick up your prescription", false},
	} {
		if got := a.Analyze(c.text); (got.SelfHarm == SelfHarmActive) != c.active {
			t.Errorf("%q: self-harm %q, want active %v (%+v)", c.text, got.SelfHarm, c.active, got.Evidence)
		}
	}
}

// One phrase that two kinds list is one sign, not two.
func TestOnePhraseIsOneCrisisSign(t *testing.T) {
	notSelfHarm(t, "deixei tudo pago, até semana que vem", "ich hab meine alten sachen verschenkt")
}

// notSelfHarm checks that none of texts reads as self-harm.
func notSelfHarm(t *testing.T, texts ...string) {
	t.Helper()
	a := testAnalyzer(t)
	for _, text := range texts {
		if got := a.Analyze(text); got.SelfHarm != "" {
			t.Errorf("%q: self-harm %q (%+v)", text, got.SelfHarm, got.Evidence)
		}
	}
}
