package triage

import "testing"

func TestRulesEnglish(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients put them.
		{text: "there's a tight band across my chest and my left arm feels heavy", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "pressure in the middle of my chest for 30 min now, clammy", flags: []string{"chest_pain"}},
		{text: "grandpa's mouth is drooping on the left and he can't lift his arm", flags: []string{"stroke"}},
		{text: "my wife suddenly can't get her words out, she's talking gibberish", flags: []string{"stroke"}},
		{text: "I can't catch my breath even sitting down", flags: []string{"breathing"}},
		{text: "his lips are turning blue", flags: []string{"breathing"}},
		{text: "the cut on my leg is gushing blood and won't stop", flags: []string{"bleeding"}},
		{text: "after the bee sting my throat is closing up", flags: []string{"anaphylaxis"}},
		{text: "my son is unresponsive on the couch", flags: []string{"unconscious"}},
		{text: "she's having a seizure right now, jerking all over", flags: []string{"seizure"}},
		{text: "my toddler swallowed a button battery", flags: []string{"overdose"}},
		{text: "I took a whole bottle of tylenol an hour ago", flags: []string{"overdose"}},
		{text: "worst headache of my life, came on in seconds", flags: []string{"thunderclap_headache"}},
		{text: "spilled boiling water on my son, skin is peeling off", flags: []string{"severe_burn"}},
		{text: "my 3 week old has a fever of 38.3", flags: []string{"infant_fever"}},
		{text: "I'm 30 weeks pregnant and bleeding heavily with cramps", flags: []string{"pregnancy_emergency"}, min: Emergency},
		{text: "I'm going to kill myself tonight, I have the pills ready", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "no chest pain, just a cough for two days", flags: nil, max: Soon},
		{text: "I don't have any trouble breathing, just a runny nose", flags: nil, max: Soon},
		{text: "I had a stroke in 2017, need my blood thinner refilled", flags: nil, max: Routine},
		{text: "my aunt back home in Lagos had a seizure last week, is epilepsy genetic?", flags: nil, max: Soon},
		{text: "what are the signs of a stroke?", flags: nil, urgency: SelfCare},
		{text: "how do I know if chest pain is serious?", flags: nil, max: Routine},
		// A reported red flag stays one when a question about it follows.
		{text: "crushing chest pain since an hour, how do I know if it's a heart attack?", flags: []string{"chest_pain"}},
		// A true current red flag mixed with such phrasing is still an emergency.
		{text: "no fever but my chest feels crushed right now", flags: []string{"chest_pain"}},
		{text: "I had a heart attack in 2019 and now the same crushing chest pain is back", flags: []string{"chest_pain"}},

		// Exceptions: the words of a red flag in a harmless sense.
		{text: "I can't breathe through my nose with this cold", flags: nil, max: Soon},
		{text: "can't breathe through my nose and my chest is crushing", flags: []string{"chest_pain"}},

		// An overdose with thoughts of suicide is self-harm now.
		{text: "I swallowed all my sleeping pills because I want to die", flags: []string{"overdose", "self_harm"}, urgency: Emergency},

		// Same day, within days, routine, self-care.
		{text: "about two weeks now and it's not getting any better", urgency: Soon},
		{text: "how much nurofen can I give my 4 year old, just a bit of a cold", urgency: SelfCare},
		{text: "my cousin overseas has thyroid cancer, should I get checked too?", flags: nil, urgency: Routine},
		{text: "my 5 year old has a temp of 39.6 and a headache", urgency: Urgent},
		{text: "stepped on a rusty nail, cut is deep and gaping", urgency: Urgent},
		{text: "coughing for 4 weeks now and it's not getting better", urgency: Soon},
		{text: "can you send my metformin refill to the pharmacy, I have a month left", urgency: Routine},
		{text: "I'd like to reschedule my appointment on friday", urgency: Routine},
		{text: "where can I park near the clinic?", urgency: SelfCare},
		{text: "thank you so much!", urgency: SelfCare},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "yes and now I'm sweating", context: []Turn{{From: "patient", Text: "my chest feels tight"}, {From: "bot", Text: "Is it still there?"}}, flags: []string{"chest_pain"}},
		{text: "no, that was years ago. I need a refill", context: []Turn{{From: "patient", Text: "I had a stroke"}, {From: "bot", Text: "Is this happening now?"}}, flags: nil, max: Routine},
		{text: "4 weeks", context: []Turn{{From: "patient", Text: "my baby feels hot, 38.4"}, {From: "bot", Text: "How old is your baby?"}}, flags: []string{"infant_fever"}},
	})
}
