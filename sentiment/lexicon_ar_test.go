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
		// Negated, past and hyperbolic talk of dying is not current self-harm.
		{text: "لا ابدا، ما بفكر اأذي حالي", distress: nil},
		{text: "مش هعمل حاجة في نفسي، بس محتاج حد اكلمه", distress: nil},
		{text: "لما كنت مراهق كنت اجرح حالي، هلق الحمد لله تمام", distress: nil},
		{text: "رح اموت من الضحك", distress: nil},
		{text: "اموت فيكم والله", distress: nil},
	})
}
