package triage

import (
	"regexp"
	"strings"
	"unicode"
)

// Many patients type their language in Latin letters on WhatsApp: Hindi ("mujhe 2 din se bukhar
// hai") and Arabic, where digits stand for the letters Latin lacks ("3andi 7arara", Arabizi). lingua
// has no model for either and calls them English, French or German, so the patient would be answered
// in the wrong language. They are recognised here by their function words and everyday vocabulary,
// which carry the grammar of a sentence whatever its topic, mixed as it usually is with English nouns
// ("report", "appointment", "sugar").

// romanization is the vocabulary of one language typed in Latin letters.
type romanization struct {
	lang string
	// strong words are that language and not ordinary words of English, Spanish, Portuguese, French
	// or German: at least one is needed.
	strong map[string]bool
	// weak words are also words of another supported language ("main", "se", "el"): they add to the
	// evidence but cannot make it alone.
	weak map[string]bool
	// digitLetters marks languages whose romanization writes letters as digits (Arabizi's 3, 7, 2).
	digitLetters bool
}

var romanizations = []romanization{
	{
		lang: "hi",
		strong: wordSet(`
			hai hain hoon hun tha thi thay honge hoga hogi hota hoti hote hua hui hue huye huwa
			mujhe mujhko muje mjhe mujhse mera meri mere tera teri tere tumhe tumko tumhara tumhari
			aap aapka aapki aapke apka apki apke aapko apko hamara hamari hamare hame hamein humein humko
			uska uski uske unka unki unke usko unko inko isko iska iski woh vah
			nahi nahin nhi kya kyu kyun kyon kaise kaisa kaisi kab kahan kitna kitni kitne kaun kisko kisi
			bahut bahot bohot bhot bhut thoda thodi thode jyada zyada
			raha rahi rahe rha rhi rhe gaya gayi gaye gya gyi karo karna karne karta karti karein kariye kijiye
			chahiye chahie sakta sakti sakte lagta lagti lagte laga lagi wala wali wale
			abhi aaj subah shaam raat dopahar kal parso hafte hafta mahina mahine ghante ghanta
			accha achha achcha theek thik thek haan ji bhi aur lekin magar toh kuch kuchh sabhi koi
			dard bukhar bukhaar khansi khasi zukam zukaam sardi dawai dawa dawaai davai goli seene seena
			saans chakkar ulti khoon behosh ghabrahat ghabra pareshan pareshani takleef taklif madad jaldi
			bimar beemar bimari ilaj ilaaj peeth kamar haath aankh aankhon daant baccha bachcha bacche bachche
			beti pati patni bhai behen didi ghar kaam baat samajh maloom malum
			dekho batao bataiye bolo jao jaana aana aao aaiye milega milegi liye saath sath pehle
			baad phir kyunki kyuki isliye matlab sirf bilkul zaroor jarur shukriya dhanyavad
			dhanyawad namaste namaskar kripya krupya khana khane pani paani neend thakan kamzori kamjori
			sujan soojan khujli jalan kabz chot giri peshab sharir yaar bekaar bekar
			ab kar kr kro krna krne krta krti apse apne apna apni iske jaise jaisa wahi yahi baje gye hogya
			hogaya hgya pyar pyaar dost yar bhaiya arey arre kha khaa lete dete deta leta lena dena diya
			liya kiya kiye keh kaha kehna bola boli suno socha sochta raho reh rehta rehti rehna jati jata
			jate aati aata aate aaya aayi aaye aya ayi wapas waapas pakka sach jhoot logon sabko tum tujhe
			tujhko wahan yahan idhar udhar upar neeche andar bahar pichhle agle itna utna jitna kisne shayad
			sahi galat bura buri achhi acchi bada badi bade chhota chhoti naya nayi purana der dheere ekdum`),
		weak: wordSet(`
			main mein mai me ka ke ki ko se par pe tak ek do teen char paanch na ye yeh wo use han bas bol
			pet sar sir gala pair dil jal ho to mat sab din saal fir jab agar beta bata pata gira karte mummy jana
			h k m ni nai tu log pura puri tez de le so acha`),
	},
	{
		lang: "ar",
		strong: wordSet(`
			3andi 3ndi andi enta enti inta inti ahlan marhaba mar7aba shukran shokran choukran yalla wallah
			wallahi inshallah habibi habibti mish msh mesh mch kteer ktir ktiir kter shway shwaya shwayya
			chwiya kif keef kifak kifik shu shou chou chnou chno esh eish leh lesh lech ba3d hala2 halla2
			halla2 hala lissa lessa mafi mafish bidi biddi baddi bghit 3ayez 3ayza 3awz 3awza mawed maw3ed
			maw3id waja3 wja3 wagaa waja sokhna s5ana skhana 7arara 7rara 7arare batni bat2ni rasi rassi albi
			2albi galbi sadri sidri nafas yetnaffas mareed mareeda mrid tabib mostashfa sbitar ibni benti
			binti bnti ummi akhi ukhti ya3ni y3ni 3shan 3lashan 3lach kaman kamen lazem lazim momken mumkin
			mmkn ta3ban ta3bana t3ban 3am 3ala 3la lal rani raki bzaf bezzaf wach wash daba dyal dial kayn
			kayna mazal ghir embare7 mbare7 lbare7 imbareh emberh byzeed bizid 3layna 3alayna hal2`),
		weak:         wordSet(`w wa fi el al ma bas ya men mn min ana ras dam mama baba aw bel la sa lama`),
		digitLetters: true,
	},
}

// arabiziWord is a word in which Arabizi digits stand for letters ("3andi", "w2e3", "7arara");
// unitWord is a number with a unit or an ordinal ("5mg", "3rd", "10am"), which is not.
var (
	arabiziWord = regexp.MustCompile(`^[a-z]*[235679][a-z]+[a-z0-9]*$|^[a-z]+[235679]+[a-z]*$`)
	unitWord    = regexp.MustCompile(`^[0-9]+(mg|mcg|ml|g|kg|lb|lbs|oz|cm|mm|m|km|ft|in|am|pm|h|hr|hrs|min|mins|s|sec|d|wk|wks|mo|mos|y|yo|yr|yrs|st|nd|rd|th|x|k|iu|c|f)$`)
)

// romanizedLanguage tells whether a Latin-script text is one of the romanized languages, and a
// confidence for it. It asks for at least one strong word and for that language's words to make up a
// good part of the text, so that an English sentence with one borrowed word ("my friend Abhi") stays
// English.
func romanizedLanguage(tokens []string, enabled map[string]bool) (string, float64, bool) {
	bestLang, bestScore := "", 0.0
	for _, rz := range romanizations {
		if !enabled[rz.lang] {
			continue
		}
		var strong, weak, words int
		for _, w := range tokens {
			hasLetter := strings.IndexFunc(w, unicode.IsLetter) >= 0
			if !hasLetter {
				continue // plain numbers are neither evidence nor words
			}
			words++
			switch {
			case rz.strong[w] || rz.strong[squeeze(w)]:
				strong++
			case rz.digitLetters && len(w) >= 3 && arabiziWord.MatchString(w) && !unitWord.MatchString(w):
				strong++
			case rz.weak[w]:
				weak++
			}
		}
		if strong == 0 || words == 0 {
			continue
		}
		score := (float64(strong) + 0.5*float64(weak)) / float64(words)
		need := 0.25
		if words <= 3 {
			need = 0.34
		}
		if score >= need && score > bestScore {
			bestLang, bestScore = rz.lang, score
		}
	}
	if bestLang == "" {
		return "", 0, false
	}
	return bestLang, min(0.99, 0.5+bestScore), true
}

// squeeze collapses letters repeated for emphasis ("nahiii", "bahuuut") to one.
func squeeze(w string) string {
	var b strings.Builder
	var last rune
	for _, r := range w {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
