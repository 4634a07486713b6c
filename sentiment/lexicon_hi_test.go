package sentiment

import "testing"

// Hindi in Devanagari and romanized (Hinglish), written for the tests.
func TestHindi(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "bahut bahut shukriya, aapne bahut madad ki 🙏", label: Positive},
		{text: "डॉक्टर साहब बहुत बढ़िया इलाज, दिल से शुक्रिया", label: Positive},
		{text: "kal ka appointment mil sakta hai kya", label: Neutral},
		{text: "2 hafte se kamar me dard hai, bahut pareshan hu", label: Negative},
		{text: "ab pehle se behtar hu, dard nahi hai", label: Positive},
		{text: "mujhe bahut dar lag raha hai, kya karu samajh nahi aa raha", label: Negative, distress: []string{Panic, Confusion}},
		{text: "दिल की धड़कन तेज है और बहुत घबराहट हो रही है, बचाओ", label: Negative, distress: []string{Panic}},
		{text: "kitni baar bolu, koi jawab nahi deta, bakwas service hai", label: Negative, distress: []string{Anger}},
		{text: "हद हो गई, तीसरी बार फोन किया, शिकायत करूंगा", label: Negative, distress: []string{Anger}},
		{text: "ye message ka matlab kya hai, link nahi khul raha", label: Negative, distress: []string{Confusion}},
		// Confusion, however "samajh" is spelled, and which app or link.
		{text: "samjh nhi aaya, kaunsa app download karu?", label: Negative, distress: []string{Confusion}},
		{text: "smjh ni aa rha ye link kya hai", label: Negative, distress: []string{Confusion}},
		{text: "confuse ho gayi hu, kya bhejna hai?", label: Negative, distress: []string{Confusion}},
		{text: "कुछ पता नहीं चल रहा, कौन सा ऐप खोलूं?", label: Negative, distress: []string{Confusion}},
		{text: "maine samajh liya, shukriya", label: Positive, distress: nil},
		{text: "jab se papa guzar gaye, mann nahi lagta, akeli ro rahi hu", label: Negative, distress: []string{Sadness}},
		{text: "कुछ अच्छा नहीं लगता, बहुत उदास रहती हूं", label: Negative, distress: []string{Sadness}},
		// Passive: a wish to be dead, no plan.
		{text: "kabhi kabhi lagta hai mar jana chahti hu, jeene ka mann nahi karta", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "मेरे बिना सब खुश रहेंगे, जीने की कोई वजह नहीं", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		// Active: a plan, the means, a time.
		{text: "maine neend ki goliyan jama kar li hain, aaj raat sab khatam", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "रस्सी ले आया हूं, आज रात फांसी लगा लूंगा", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "chhat se kood jaungi, alvida sabko", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Negated, past and hypothetical self-harm is not current distress.
		{text: "nahi nahi, khudkushi ka koi khayal nahi hai, bas neend nahi aati", distress: nil},
		{text: "मैं मरना नहीं चाहती, बस डॉक्टर से बात करनी है", distress: nil},
		{text: "marne ka koi irada nahi hai, bas thakan hai", distress: nil},
		{text: "bahut saal pehle khudkushi ki koshish ki thi, ab theek hu", distress: nil},
		{text: "aatmhatya ke vichar ke lakshan kya hote hain?", distress: nil},
		// Ordinary words that only look alike.
		{text: "meri bp ki goliyan 3 din ki bachi hain", distress: nil},
		{text: "aaj raat ki dawai kha lu kya khane se pehle?", distress: nil},
	})
}
