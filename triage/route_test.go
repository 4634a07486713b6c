package triage

import (
	"strings"
	"testing"
	"time"

	"github.com/clinictriage/assistant/escalation"
)

var routeCfg = RouteConfig{EmergencyNumber: "112", SLA: escalation.DefaultSLA, DefaultLanguage: "en"}

func codes(d Decision) string {
	var c []string
	for _, r := range d.Reasons {
		c = append(c, r.Code)
		if r.Text == "" {
			c = append(c, "(no sentence)")
		}
	}
	return strings.Join(c, ",")
}

func TestRoute(t *testing.T) {
	a := testAssessor(t)
	nurse := "nurse-1"
	cases := []struct {
		name      string
		text      string
		state     State
		action    string
		reasons   []string // must be among the reasons
		replyKind string   // "" for no reply
		replyHas  string
	}{
		{"emergency in Spanish", "me duele mucho el pecho y estoy sudando, siento que me aprieta", State{Language: "es"}, ActionEmergency,
			[]string{"red_flag:chest_pain", "urgency:emergency"}, ReplyEmergency, "112"},
		{"emergency in English", "my wife collapsed and won't wake up", State{Language: "en"}, ActionEmergency,
			[]string{"red_flag:unconscious"}, ReplyEmergency, "Call 112 now"},
		{"urgent: holding reply with the wait", "my 5 year old has a temp of 39.6 and a headache", State{Language: "en"}, ActionEscalate,
			[]string{"urgency:urgent"}, ReplyHolding, "30 minutes"},
		{"soon", "coughing for 4 weeks now and it's not getting better", State{Language: "en"}, ActionEscalate,
			[]string{"urgency:soon"}, ReplyHolding, "4 hours"},
		{"passive self-harm", "sometimes I wish I was dead", State{Language: "en"}, ActionEscalate,
			[]string{"distress:self_harm", "urgency:urgent"}, ReplySelfHarm, "112"},
		{"asked for a person", "can I talk to a real person please", State{Language: "en"}, ActionEscalate,
			[]string{"asked_for_human"}, ReplyHuman, "24 hours"},
		{"no knowledge base yet", "what are your opening hours on saturday?", State{Language: "en"}, ActionEscalate,
			[]string{"no_answer"}, ReplyNoAnswer, ""},
		{"thanks needs nothing", "thanks!", State{Language: "en"}, ActionAcknowledge, nil, "", ""},
		{"anger that persists", "this is ridiculous, nobody answers", State{Language: "en", PreviousNegative: true}, ActionEscalate,
			[]string{"distress:anger", "negative_trend"}, "", ""},
		{"nurse owns: silent, still raised", "my chest is crushing now", State{Language: "en", Open: &escalation.Escalation{Status: "open", Level: "soon", ClaimedBy: &nurse}},
			ActionNurse, []string{"red_flag:chest_pain"}, "", ""},
		{"romanized Hindi reply", "mujhe seene mein bahut tez dard ho raha hai", State{Language: "hi", Script: "Latn"}, ActionEmergency,
			nil, ReplyEmergency, "Abhi 112 par call karein"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			as := a.Assess(Input{Text: tc.text, Lang: tc.state.Language})
			d := Route(as, tc.state, routeCfg)
			if d.Action != tc.action {
				t.Fatalf("action %s, want %s (%s; %s)", d.Action, tc.action, as.Rules, codes(d))
			}
			got := codes(d)
			if strings.Contains(got, "(no sentence)") {
				t.Errorf("a reason without a sentence: %s", got)
			}
			for _, r := range tc.reasons {
				if !strings.Contains(","+got+",", ","+r+",") {
					t.Errorf("reasons %s lack %s", got, r)
				}
			}
			switch {
			case tc.replyKind == "" && tc.action != ActionEscalate && d.Reply != nil:
				t.Errorf("unexpected reply %+v", d.Reply)
			case tc.replyKind != "" && (d.Reply == nil || d.Reply.Kind != tc.replyKind):
				t.Fatalf("reply %+v, want kind %s", d.Reply, tc.replyKind)
			case tc.replyKind != "" && !strings.Contains(d.Reply.Text, tc.replyHas):
				t.Errorf("reply %q lacks %q", d.Reply.Text, tc.replyHas)
			}
			if d.Escalate != (tc.action != ActionAcknowledge) {
				t.Errorf("escalate %v", d.Escalate)
			}
		})
	}
}

// Every reply exists in every language, says the number where it must, and the wait in words.
func TestReplyTexts(t *testing.T) {
	for _, lang := range ReplyLanguages() {
		code, script := lang, ""
		if lang == "hi-Latn" {
			code, script = "hi", "Latn"
		}
		for _, kind := range []string{ReplyEmergency, ReplyHolding, ReplySelfHarm, ReplyHuman, ReplyNoAnswer} {
			text := ReplyText(kind, code, script, "en", "999", 30*time.Minute)
			if text == "" || strings.Contains(text, "{") || (lang != "en" && text == ReplyText(kind, "en", "", "en", "999", 30*time.Minute)) {
				t.Errorf("%s %s: %q", lang, kind, text)
			}
			if (kind == ReplyEmergency || kind == ReplySelfHarm || kind == ReplyHolding) && !strings.Contains(text, "999") {
				t.Errorf("%s %s lacks the emergency number: %q", lang, kind, text)
			}
			if kind != ReplyEmergency && !strings.Contains(text, "30") {
				t.Errorf("%s %s lacks the wait: %q", lang, kind, text)
			}
		}
	}
	if got := ReplyText(ReplyHolding, "it", "", "es", "112", time.Hour); !strings.Contains(got, "1 hora") {
		t.Errorf("fallback language: %q", got)
	}
	if got := waitWords("ar", 4*time.Hour); got != "4 ساعات" {
		t.Errorf("Arabic plural: %q", got)
	}
}
