package sentiment

import "testing"

func TestArabic(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "شكرا كتير على المساعدة، الله يعطيكم العافية", label: Positive},
		{text: "shukran ktir, el 7amdulillah a7san", label: Positive},
		{text: "بدي احجز موعد الاسبوع الجاي", label: Neutral},
		{text: "ضهري بيوجعني من يومين", label: Negative},
		{text: "خايفة كتير، الحقوني ابني مش قادر يتنفس", label: Negative, distress: []string{Panic}},
		{text: "ساعتين على الخط وما حدا رد، رح اشتكي عليكم", label: Negative, distress: []string{Anger}},
		{text: "مش فاهم شو يعني هالنتيجة", label: Negative, distress: []string{Confusion}},
		{text: "mesh fahem shu ya3ni", distress: []string{Confusion}},
		{text: "حزينة ومكتئبة من شهور وما الي نفس لشي", label: Negative, distress: []string{Sadness}},
		{text: "احيانا بتمنى انام وما اصحى", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "تعبت من حياتي وما بدي عيش", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "bade mout, ta3bt mn 7ayati", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "قررت انتحر الليلة، جمعت كل الحبوب", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "رح اقتل حالي بكرا", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "ra7 ente7er el lele", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Passive, in the dialects: of no use, nobody would care, to die and rest, no longer to live.
		{text: "حاسس حالي ما إلي لزمة", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "صرت ما الي عازة لحدا", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "وجودي ملوش لازمة", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "لو مت ما حدا رح يفرق معو", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "لو متت محد بيهتم", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "m7adesh hayefre2 ma3ah law mot", distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ida mit 7ta wa7ed ma ghadi y7ess biya", distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ابغى اموت وافتك من هالدنيا", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "يا ريتني ما انولدت", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ma b9itch n3ich", distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		// Active, in the Maghreb and in Arabizi: poison or pills and the plan to take them.
		{text: "شريت دوا الطوبة وغادي نشربو هاد الليلة", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "chrit sem far w ghadi nchrbo", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "اشتريت حبوب منومة ورح اخدهم كلهم الليلة", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "ghan9tel rasi had lila", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Not about the self: a medicine that is no use, a clinic that does not answer, household poison.
		{text: "الدوا ده ملوش لازمة", distress: nil},
		{text: "ما الي لزمة اجي عالعيادة؟", distress: nil},
		{text: "اشتريت سم للفيران اللي بالمطبخ", distress: nil},
		{text: "مش حاسس اني ما الي لزمة، الحمد لله", distress: nil},
		// Negated, past and hyperbolic talk of dying is not current self-harm.
		{text: "لا ابدا، ما بفكر اأذي حالي", distress: nil},
		{text: "مش هعمل حاجة في نفسي، بس محتاج حد اكلمه", distress: nil},
		{text: "لما كنت مراهق كنت اجرح حالي، هلق الحمد لله تمام", distress: nil},
		{text: "رح اموت من الضحك", distress: nil},
		{text: "اموت فيكم والله", distress: nil},
	})
}
