package triage

import "testing"

// Hindi as patients type it: Devanagari, and romanized Hindi (Hinglish) with free spellings and
// English words mixed in.
func TestRulesHindi(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients put them.
		{text: "papa ke seene me bahut bhaari pan hai aur pasina chhoot raha hai", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "मेरी छाती पर जैसे पत्थर रखा हो, बायां हाथ भी सुन्न है", flags: []string{"chest_pain"}},
		{text: "sine m dard ho rha h subah se, ghabrahat bhi", flags: []string{"chest_pain"}},
		{text: "नानी का मुँह अचानक एक तरफ टेढ़ा हो गया है", flags: []string{"stroke"}},
		{text: "mere pati theek se bol nahi pa rahe, zubaan ladkhada rahi hai", flags: []string{"stroke"}},
		{text: "dadaji ka left haath bilkul utha nahi pa rahe achanak se", flags: []string{"stroke"}},
		{text: "saans nhi aa rhi, bahut ghabrahat ho rahi h", flags: []string{"breathing"}},
		{text: "बेटे के होंठ नीले पड़ रहे हैं और सांस लेने में बहुत तकलीफ है", flags: []string{"breathing"}},
		{text: "ungli kat gayi, khoon ruk hi nahi raha, tauliya bheeg gaya", flags: []string{"bleeding"}},
		{text: "सिर से बहुत खून बह रहा है", flags: []string{"bleeding"}},
		{text: "kaju khaya aur ab hont aur jeebh sooj gaye, saans lene me dikkat", flags: []string{"anaphylaxis"}},
		{text: "ततैया के डंक के बाद गला बंद हो रहा है", flags: []string{"anaphylaxis"}},
		{text: "dadi bathroom me gir gayi aur ab uth nahi rahi, jawab bhi nahi de rahi", flags: []string{"unconscious"}},
		{text: "पापा बेहोश पड़े हैं, होश नहीं आ रहा", flags: []string{"unconscious"}},
		{text: "beti ko jhatke aa rahe hain, aankhen upar chadh gayi", flags: []string{"seizure"}},
		{text: "भाई को मिर्गी का दौरा पड़ा है अभी", flags: []string{"seizure"}},
		{text: "mere bete ne galti se dadi ki sugar ki goliyan kha li", flags: []string{"overdose"}},
		{text: "चाचा ने कीड़े मारने वाली दवा पी ली है", flags: []string{"overdose"}},
		{text: "khet me saanp ne kaat liya hai", flags: []string{"overdose"}},
		{text: "main 6 mahine ki pregnant hu aur bahut zyada khoon aa raha hai", flags: []string{"pregnancy_emergency"}, min: Emergency},
		{text: "मैं गर्भवती हूं और सुबह से बच्चा हिल नहीं रहा", flags: []string{"pregnancy_emergency"}},
		{text: "meri 5 hafte ki bacchi hai, badan garam hai 38.3", flags: []string{"infant_fever"}},
		{text: "डेढ़ महीने के बेटे को बुखार है", flags: []string{"infant_fever"}},
		{text: "zindagi ka sabse tez sir dard hai, achanak shuru hua", flags: []string{"thunderclap_headache"}},
		{text: "अचानक सिर में भयंकर दर्द उठा और उल्टी हो गई", flags: []string{"thunderclap_headache"}},
		{text: "bacche par khaulta doodh gir gaya, chamdi utar gayi", flags: []string{"severe_burn"}},
		{text: "रसोई में गैस से आग लगी, दादी के कपड़ों में आग पकड़ गई", flags: []string{"severe_burn"}},
		{text: "maine tay kar liya hai, aaj raat phansi laga lungi", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "आज रात सारी गोलियां खा लूंगा, बस अलविदा", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "seene me dard nahi hai, bas 3 din se khansi hai", flags: nil, max: Soon},
		{text: "सांस लेने में कोई दिक्कत नहीं है, बस नाक बंद है", flags: nil, max: Soon},
		{text: "papa ko 2018 me stroke hua tha, unki dawai ki parchi chahiye", flags: nil, max: Routine},
		{text: "तीन साल पहले मुझे हार्ट अटैक आया था, अब रिपोर्ट दिखानी है", flags: nil, max: Routine},
		{text: "nana ji gaon me rehte hain, unko kal lakwa maar gaya, hospital me bharti hain", flags: nil, max: Soon},
		{text: "मेरे मामा विदेश में रहते हैं, उन्हें दिल का दौरा पड़ा", flags: nil, max: Soon},
		{text: "heart attack ke lakshan kya hote hain?", flags: nil, urgency: SelfCare},
		{text: "मिर्गी के लक्षण कैसे पहचाने? बस जानना है", flags: nil, max: Routine},
		// A true current red flag mixed with such phrasing is still an emergency.
		{text: "bukhar nahi hai lekin seene me bahut tez dard hai", flags: []string{"chest_pain"}},
		{text: "pehle bhi attack aaya tha, aur ab fir se seene me wahi dabav hai", flags: []string{"chest_pain"}},
		{text: "सिर दर्द नहीं है पर सांस नहीं आ रही", flags: []string{"breathing"}},

		// Questions about a condition, with words between "ke" and "lakshan", or "kaise pata", "ki
		// pehchan", "ho to kya karna chahiye", "bas jaanna tha".
		{text: "lakwa ke kya kya lakshan hote hain? bas jaanna tha", flags: nil, urgency: SelfCare},
		{text: "dil ka daura aane se pehle kaun se signs dikhte hain", flags: nil, max: Routine},
		{text: "brain stroke ki pehchan kaise karte hain", flags: nil, max: Routine},
		{text: "हार्ट अटैक के क्या-क्या लक्षण होते हैं? मुझे कुछ नहीं हुआ, बस पूछ रहा हूं", flags: nil, max: Routine},
		{text: "agar saans lene me dikkat ho to kya karna chahiye, sirf jankari ke liye", flags: nil, max: Routine},
		{text: "mirgi ka daura pade to kya karein? padhai ke liye puch rahi hu", flags: nil, max: Routine},
		{text: "seene me dard kis wajah se hota hai, general sawal hai", flags: nil, max: Routine},
		{text: "heart attack me kya hota hai", flags: nil, max: Routine},
		// ...but one's own symptoms, or what is happening now, stay an emergency.
		{text: "mujhe heart attack ke jaise lakshan lag rahe hain, seene me dard", flags: []string{"chest_pain"}},
		{text: "seene me bahut dard aur pasina, kis cheez ke lakshan hain?", flags: []string{"chest_pain"}},
		{text: "agar seene me dard ho raha hai to kya karu", flags: []string{"chest_pain"}},
		{text: "beta behosh ho gaya hai, hosh na aaye to kya kare", flags: []string{"unconscious"}},
		{text: "aapki jankari ke liye, papa ko seene me bahut dard hai", flags: []string{"chest_pain"}},

		// A relative far away or already in hospital; the patient's own request stays routine.
		{text: "mere mama ko Dubai me heart attack aaya, abhi ICU me hain. meri sugar report aa gayi kya?", flags: nil, urgency: Routine},
		{text: "नानी को गांव में लकवा मार गया, वो अस्पताल में भर्ती हैं। मुझे अपनी दवा की पर्ची चाहिए", flags: nil, urgency: Routine},
		{text: "bhaiya ko dusre shehar me saans ki dikkat hui, unhe hospital le gaye hain", flags: nil, max: Soon},
		{text: "papa ko kal raat dil ka daura pada, wo ventilator par hain, mera appointment aage karna hai", flags: nil, urgency: Routine},
		// ...but the patient's own emergency, or a relative here with them, is not elsewhere.
		{text: "mujhe saans nahi aa rahi, papa ICU me hain", flags: []string{"breathing"}},
		{text: "mujhe seene me bahut dard hai, papa videsh me hain", flags: []string{"chest_pain"}},
		{text: "hum papa ko lekar gaon me hain, unki saans nahi aa rahi", flags: []string{"breathing"}},
		{text: "seene me dard hai, aapke hospital me cardiologist hai?", flags: []string{"chest_pain"}},
		{text: "bhai ka ghar door hai, mummy behosh hain", flags: []string{"unconscious"}},

		// The right lower belly with a fever, vomiting, or pain on walking: possibly the appendix.
		{text: "pet ke daayi taraf neeche tez dard hai aur halka bukhar bhi", urgency: Urgent},
		{text: "naabhi ke paas se dard shuru hua, ab right side neeche aa gaya, ulti bhi hui", urgency: Urgent},
		{text: "पेट के दाहिने निचले हिस्से में दर्द, खांसने और चलने पर बढ़ जाता है", urgency: Urgent},
		{text: "beti ke pet me right side dard hai, 100.8 bukhar", urgency: Urgent},

		// Getting ready for a test, a mild cold with its red flags denied.
		{text: "blood test se pehle kitne ghante bhookha rehna hai?", urgency: SelfCare},
		{text: "सोनोग्राफी से पहले कितने घंटे खाना नहीं खाना है", urgency: SelfCare},
		{text: "kal subah endoscopy hai, raat ko khana band karna hai kya", urgency: SelfCare},
		{text: "thoda sardi zukam hai, bukhar nahi, saans me koi dikkat nahi, bhaap le sakte hai?", flags: nil, urgency: SelfCare},
		{text: "हल्की खांसी और जुकाम है, बुखार नहीं है, सांस की तकलीफ नहीं, गरारे कर लूं?", flags: nil, urgency: SelfCare},
		{text: "mamuli zukam hai, saans ki dikkat nahi hai dawai le lu kya?", flags: nil, urgency: SelfCare},
		// ...while breathing trouble that will not go away stays an emergency.
		{text: "saans ki takleef nahi jaati, dawai le li phir bhi", flags: []string{"breathing"}},
		{text: "saans nahi aa rahi, bhaap le lu kya?", flags: []string{"breathing"}},

		// Same day, within days, routine, self-care.
		{text: "bukhar 103 hai kal se aur utar nahi raha", urgency: Urgent},
		{text: "गली के बंदर ने हाथ पर काट लिया", urgency: Urgent},
		{text: "beti ko subah se 6 baar ulti, paani bhi nahi tik raha", urgency: Urgent},
		{text: "operation ke tanke laal ho gaye hain aur mawad aa raha", urgency: Urgent},
		{text: "4 din se gale me dard aur zukam hai", urgency: Soon},
		{text: "पेशाब में जलन हो रही है कल से", urgency: Soon},
		{text: "bp ki dawai ka refill chahiye, 3 hafte ki bachi hai", urgency: Routine},
		{text: "गुरुवार का अपॉइंटमेंट कैंसल करना है", urgency: Routine},
		{text: "Sir, meri blood report aa gayi kya?", urgency: Routine},
		{text: "clinic ravivar ko kitne baje khulta hai?", urgency: SelfCare},
		{text: "खांसी के लिए कोई घरेलू उपाय बताइए", urgency: SelfCare},
		{text: "ok ji, shukriya", urgency: SelfCare},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "haan, ab pasina bhi aa raha hai", context: []Turn{{From: "patient", Text: "mummy ke seene me dabav hai"}, {From: "bot", Text: "Kya dard abhi bhi hai?"}}, flags: []string{"chest_pain"}},
		{text: "नहीं, वो तो 5 साल पहले हुआ था। मुझे दवा की पर्ची चाहिए", context: []Turn{{From: "patient", Text: "मुझे लकवा मार गया था"}, {From: "bot", Text: "क्या यह अभी हो रहा है?"}}, flags: nil, max: Routine},
		{text: "3 hafte", context: []Turn{{From: "patient", Text: "baby ka badan garam hai, 38.6"}, {From: "bot", Text: "Baby ki umar kitni hai?"}}, flags: []string{"infant_fever"}},
	})
}
