package triage

import "fmt"

// Urgency is a level of TRIAGE-SCALE.md.
type Urgency string

// The levels, most urgent first.
const (
	Emergency Urgency = "emergency"
	Urgent    Urgency = "urgent"
	Soon      Urgency = "soon"
	Routine   Urgency = "routine"
	SelfCare  Urgency = "self_care"
)

// Urgencies lists the levels from most to least urgent.
var Urgencies = []Urgency{Emergency, Urgent, Soon, Routine, SelfCare}

// Rank orders levels: higher is more urgent; an unknown level ranks below all.
func (u Urgency) Rank() int {
	switch u {
	case Emergency:
		return 5
	case Urgent:
		return 4
	case Soon:
		return 3
	case Routine:
		return 2
	case SelfCare:
		return 1
	}
	return 0
}

// Valid reports whether u is one of the levels.
func (u Urgency) Valid() bool { return u.Rank() > 0 }

// Max returns the more urgent of a and b.
func Max(a, b Urgency) Urgency {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// ParseUrgency reads a level name.
func ParseUrgency(s string) (Urgency, error) {
	u := Urgency(s)
	if !u.Valid() {
		return "", fmt.Errorf("%q is not an urgency level", s)
	}
	return u, nil
}

// Intents of TRIAGE-SCALE.md.
const (
	IntentSymptom     = "symptom"
	IntentMedication  = "medication"
	IntentAppointment = "appointment"
	IntentResults     = "results"
	IntentBilling     = "billing"
	IntentLogistics   = "logistics"
	IntentHuman       = "human"
	IntentFeedback    = "feedback"
	IntentOther       = "other"
)

// Intents lists every intent.
var Intents = []string{IntentSymptom, IntentMedication, IntentAppointment, IntentResults, IntentBilling,
	IntentLogistics, IntentHuman, IntentFeedback, IntentOther}

// Red flags of TRIAGE-SCALE.md: any of them, current and first-hand (or about someone with the
// patient), makes a message an emergency.
var RedFlags = []string{
	"chest_pain", "stroke", "breathing", "bleeding", "anaphylaxis", "unconscious", "seizure",
	"self_harm", "overdose", "pregnancy_emergency", "infant_fever", "thunderclap_headache", "severe_burn",
}
