package triage

import (
	"slices"
	"strings"

	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/sentiment"
)

// Actions a routing decision takes.
const (
	ActionEmergency   = "emergency"   // emergency reply now and a top-priority escalation
	ActionEscalate    = "escalate"    // escalation and a holding reply
	ActionAnswer      = "answer"      // the knowledge base answers (see Unanswered when it cannot)
	ActionAcknowledge = "acknowledge" // thanks or ok: nothing to do
	ActionNurse       = "nurse"       // a nurse owns the conversation: the bot stays silent
)

// RouteConfig holds what routing needs from the deployment.
type RouteConfig struct {
	EmergencyNumber string
	SLA             escalation.SLA
	DefaultLanguage string
	// KnowledgeBase says that a knowledge base can answer: messages for it are routed ActionAnswer
	// (the pipeline then asks it). Without one they go to the team as no_answer.
	KnowledgeBase bool
}

// State is what routing needs to know about the conversation.
type State struct {
	Open             *escalation.Escalation // the open escalation, nil when none
	PreviousNegative bool                   // the patient's previous message read negative
	Language         string                 // the message's language
	Script           string
	OptedOut         bool // the contact wants no automated messages
	Help             bool // the message is a help keyword (HELP, AYUDA, ...)
}

// Decision is what happens to a message.
type Decision struct {
	Action   string              `json:"action"`
	Escalate bool                `json:"escalate"`
	Level    Urgency             `json:"level,omitempty"`
	Reasons  []escalation.Reason `json:"reasons,omitempty"`
	Reply    *Reply              `json:"reply,omitempty"`
	// Answer is what the knowledge base did with the message: its source and confidence, or why it
	// had no answer.
	Answer *AnswerInfo `json:"answer,omitempty"`
}

// AnswerInfo records a knowledge-base answer (or its absence) with the decision.
type AnswerInfo struct {
	DocID        string  `json:"doc_id,omitempty"`
	Lang         string  `json:"lang,omitempty"`
	Translated   bool    `json:"translated"`
	ChunkIDs     []int64 `json:"chunk_ids,omitempty"`
	Confidence   float64 `json:"confidence"`
	Method       string  `json:"method,omitempty"`
	Reason       string  `json:"reason,omitempty"`
	ModelFailure string  `json:"model_failure,omitempty"`
}

// Reply is a message the bot sends.
type Reply struct {
	Kind     string  `json:"kind"`
	Text     string  `json:"text"`
	Language string  `json:"language"`
	ChunkIDs []int64 `json:"chunk_ids,omitempty"` // the knowledge-base passages an answer cites
}

// Route decides, in the order of DESIGN.md: an emergency gets the emergency reply and the top of the
// queue; urgent, soon, self-harm, a request for a person, persistent anger or confusion, or a model
// failure the rules cannot clear get an escalation and a holding reply; the rest is for the knowledge
// base. In a conversation a nurse owns, the bot never replies, but the escalation still rises.
func Route(a Assessment, st State, cfg RouteConfig) Decision {
	d := Decision{Level: a.Urgency, Reasons: reasonsFor(a, st)}
	d.Escalate = len(d.Reasons) > 0 || a.Urgency.Rank() >= Soon.Rank()
	if d.Escalate && !slices.ContainsFunc(d.Reasons, func(r escalation.Reason) bool { return strings.HasPrefix(r.Code, "urgency:") }) {
		d.Reasons = append(d.Reasons, reason("urgency:"+string(a.Urgency)))
	}

	if st.Help {
		// A one-word HELP may be a call for help as much as a question about the service: the patient
		// gets the service's help (with the emergency number) and a person looks at it.
		d.Escalate, d.Level = true, Max(a.Urgency, Routine)
		d.Reasons = append(d.Reasons, reason("help_keyword"))
	}
	if st.Open.Owned() {
		d.Action = ActionNurse
		return d
	}
	reply := func(kind string) *Reply { return botReply(kind, d.Level, st, cfg) }
	if st.OptedOut {
		// No automated message to a contact who opted out, whatever the message says; the nurses see
		// everything they write, and why the bot was silent.
		if !acknowledgement(a) || d.Escalate {
			d.Action, d.Escalate, d.Level = ActionEscalate, true, Max(a.Urgency, Routine)
			d.Reasons = append(d.Reasons, reason("opted_out"))
		} else {
			d.Action = ActionAcknowledge
		}
		if a.Urgency == Emergency {
			d.Action = ActionEmergency
		}
		if st.Help {
			d.Reply = reply(ReplyHelp) // HELP is answered even after STOP, as carriers require
		}
		return d
	}
	if st.Help && a.Urgency.Rank() < Urgent.Rank() {
		d.Action, d.Reply = ActionEscalate, reply(ReplyHelp)
		return d
	}

	switch {
	case a.Urgency == Emergency:
		d.Action, d.Escalate, d.Reply = ActionEmergency, true, reply(ReplyEmergency)
	case d.Escalate:
		d.Action = ActionEscalate
		switch {
		case slices.Contains(a.Distress, sentiment.SelfHarm):
			d.Reply = reply(ReplySelfHarm)
		case hasReason(d.Reasons, "asked_for_human") && a.Urgency.Rank() < Soon.Rank():
			d.Reply = reply(ReplyHuman)
		default:
			d.Reply = reply(ReplyHolding)
		}
		// The patient already knows a nurse will answer: a message that does not raise the level gets
		// no second holding reply.
		if st.Open != nil && Urgency(st.Open.Level).Rank() >= a.Urgency.Rank() && !slices.Contains(a.Distress, sentiment.SelfHarm) {
			d.Reply = nil
		}
	case acknowledgement(a):
		d.Action = ActionAcknowledge
	case cfg.KnowledgeBase:
		d.Action = ActionAnswer
	default:
		d = Unanswered(d, a, st, cfg)
	}
	return d
}

// Unanswered turns a decision to answer into one for the team: a message the knowledge base cannot
// answer is escalated as no_answer with a holding reply (none when the patient already waits for a
// nurse).
func Unanswered(d Decision, a Assessment, st State, cfg RouteConfig) Decision {
	d.Action, d.Escalate = ActionEscalate, true
	d.Level = Max(a.Urgency, Routine)
	d.Reasons = append(d.Reasons, reason("no_answer"))
	d.Reply = nil
	if st.Open == nil {
		d.Reply = botReply(ReplyNoAnswer, d.Level, st, cfg)
	}
	return d
}

// botReply is a fixed reply in the patient's language, with the wait of the level (or of the open
// escalation, when the queue already promises less time).
func botReply(kind string, level Urgency, st State, cfg RouteConfig) *Reply {
	wait := string(Max(level, Routine))
	if st.Open != nil && Urgency(st.Open.Level).Rank() > Urgency(wait).Rank() {
		wait = st.Open.Level
	}
	return &Reply{Kind: kind, Language: ReplyLanguage(st, cfg), Text: ReplyText(kind, st.Language, st.Script, cfg.DefaultLanguage, cfg.EmergencyNumber, cfg.SLA.For(wait))}
}

// ReplyLanguage is the language the bot answers in: the patient's when it has texts for it ("hi-Latn"
// for Hindi written in Latin letters), else the clinic's.
func ReplyLanguage(st State, cfg RouteConfig) string {
	if _, ok := replyTexts[st.Language]; ok {
		if st.Language == "hi" && st.Script == "Latn" {
			return "hi-Latn"
		}
		return st.Language
	}
	return cfg.DefaultLanguage
}

// reasonsFor lists why a message must reach a person, machine-readable with a sentence beside it.
func reasonsFor(a Assessment, st State) []escalation.Reason {
	var out []escalation.Reason
	for _, f := range a.RedFlags {
		out = append(out, reason("red_flag:"+f.Name))
	}
	for _, c := range a.Rules.Cues {
		if sign, ok := strings.CutPrefix(c, "emergency:"); ok {
			out = append(out, reason("sign:"+sign))
		}
	}
	if a.Urgency == Emergency || a.Urgency == Urgent {
		out = append(out, reason("urgency:"+string(a.Urgency)))
	}
	if slices.Contains(a.Distress, sentiment.SelfHarm) {
		out = append(out, reason("distress:self_harm"))
	}
	if a.Intent == IntentHuman {
		out = append(out, reason("asked_for_human"))
	}
	for _, f := range []string{sentiment.Anger, sentiment.Confusion} {
		if slices.Contains(a.Distress, f) && (st.PreviousNegative || a.Intent == IntentHuman) {
			out = append(out, reason("distress:"+f))
			if st.PreviousNegative && !hasReason(out, "negative_trend") {
				out = append(out, reason("negative_trend"))
			}
		}
	}
	if a.Failure == FailureClassifier && (a.Urgency.Rank() >= Soon.Rank() || a.Intent == IntentSymptom || len(a.Distress) > 0) {
		out = append(out, reason("classifier_unavailable"))
	}
	return out
}

// FailureClassifier is recorded on an assessment when the model failed and the rules stood alone.
const FailureClassifier = "classifier_unavailable"

// acknowledgement is a message that needs nothing: thanks, ok, a thumbs up.
func acknowledgement(a Assessment) bool {
	if a.Urgency != SelfCare || a.Sentiment == sentiment.Negative || len(a.Distress) > 0 {
		return false
	}
	if a.Intent != IntentOther && a.Intent != IntentFeedback {
		return false
	}
	// Only a message the rules read as chat, and nothing else: one they could not read at all goes
	// to a person.
	if len(a.Rules.Cues) == 0 {
		return false
	}
	for _, c := range a.Rules.Cues {
		if c != "selfcare:chat" {
			return false
		}
	}
	return !strings.ContainsAny(a.Rules.text(), "?¿؟")
}

func hasReason(rs []escalation.Reason, code string) bool {
	return slices.ContainsFunc(rs, func(r escalation.Reason) bool { return r.Code == code })
}

// reason pairs a code with the sentence a nurse reads.
func reason(code string) escalation.Reason {
	return escalation.Reason{Code: code, Text: ReasonText(code)}
}

// ReasonText is the sentence for a reason code.
func ReasonText(code string) string {
	if name, ok := strings.CutPrefix(code, "red_flag:"); ok {
		if s, ok := redFlagSentences[name]; ok {
			return "Red flag, current: " + s + "."
		}
		return "Red flag, current: " + strings.ReplaceAll(name, "_", " ") + "."
	}
	switch code {
	case "urgency:emergency":
		return "Assessed as an emergency: possible threat to life or limb now."
	case "urgency:urgent":
		return "Assessed as urgent: needs a clinician today."
	case "urgency:soon":
		return "Assessed as needing clinical attention within 1-3 days."
	case "urgency:routine", "urgency:self_care":
		return "No time pressure."
	case "distress:self_harm":
		return "Thoughts of self-harm or suicide."
	case "distress:anger":
		return "The patient is angry, and it persists."
	case "distress:confusion":
		return "The patient is confused by the answers, and it persists."
	case "asked_for_human":
		return "The patient asked to talk to a person."
	case "no_answer":
		return "The assistant has no good answer to give: the team should reply."
	case "classifier_unavailable":
		return "The model was unavailable; the rules alone could not clear the message."
	case "negative_trend":
		return "Negative messages in a row."
	case "sign:meningitis":
		return "Signs of meningitis: fever with a stiff neck, or a rash that does not fade under pressure."
	case "sign:sepsis":
		return "Signs of sepsis: an infection with new confusion, mottled skin, no urine or racing heart."
	case "opted_out":
		return "The patient has opted out of automated messages: the assistant sent nothing. Reply yourself if needed."
	case "help_keyword":
		return "The patient sent a one-word HELP: they were sent the service's help, and may need a person."
	}
	return strings.ReplaceAll(code, "_", " ")
}

var redFlagSentences = map[string]string{
	"chest_pain":           "chest pain or pressure",
	"stroke":               "signs of a stroke (face, arm, speech, sudden confusion or vision loss)",
	"breathing":            "severe difficulty breathing or blue lips",
	"bleeding":             "severe bleeding that does not stop",
	"anaphylaxis":          "swelling of lips, tongue or throat after an exposure (anaphylaxis)",
	"unconscious":          "unconscious or unresponsive",
	"seizure":              "a seizure now",
	"self_harm":            "suicidal intent with a plan or means, or self-harm now",
	"overdose":             "overdose or poisoning",
	"pregnancy_emergency":  "heavy bleeding or severe pain in pregnancy",
	"infant_fever":         "a baby under 3 months with fever",
	"thunderclap_headache": "a sudden, worst-ever headache",
	"severe_burn":          "severe burns",
}
