package triage

import (
	"fmt"
	"strings"
	"time"
)

// Reply kinds the bot sends.
const (
	ReplyEmergency = "emergency" // call the emergency number now
	ReplyHolding   = "holding"   // a nurse will answer within the level's time
	ReplySelfHarm  = "self_harm" // a holding reply that also says what to do if in danger
	ReplyHuman     = "human"     // a person will answer
	ReplyNoAnswer  = "no_answer" // the bot cannot answer; the team will
	ReplyAnswer    = "answer"    // an answer from the knowledge base (its text comes from there)
	ReplyDescribe  = "describe"  // a photo, voice note or file without words: please say it in words
	ReplyOptedOut  = "opted_out" // confirms an opt-out (the last automated message)
	ReplyOptedIn   = "opted_in"  // confirms an opt-in
	ReplyHelp      = "help"      // what the service is, the emergency number, how to stop
)

// replyTexts holds each reply in each language. {number} is the emergency number and {wait} the time
// a nurse will take, both filled in by ReplyText. Hindi has a Latin-script version for patients who
// write it so ("hi-Latn").
var replyTexts = map[string]map[string]string{
	"en": {
		ReplyEmergency: "This could be an emergency. Call {number} now or go to the nearest emergency department. Do not wait for a reply here. A nurse has been alerted.",
		ReplyHolding:   "Thank you for your message. A nurse will reply within {wait}. If you get worse, call {number}.",
		ReplySelfHarm:  "Thank you for telling us. A nurse will contact you within {wait}. If you might act on these thoughts or you are in danger, call {number} now.",
		ReplyHuman:     "Thank you. A member of our team will reply within {wait}.",
		ReplyNoAnswer:  "Thank you for your message. A member of our team will reply within {wait}.",
		ReplyDescribe:  "Thank you. We cannot look at photos, voice notes or files here. Please describe in words what is happening. If this is an emergency, call {number} now.",
		ReplyOptedOut:  "You will no longer receive automated messages from us. A nurse can still read what you write. In an emergency, call {number}. Send START to receive messages again.",
		ReplyOptedIn:   "You will receive our messages again. Send STOP at any time to stop them.",
		ReplyHelp:      "This is the clinic's messaging service: write your question or describe your symptoms, and we or a nurse will answer. In an emergency, call {number}. Send STOP to stop automated messages.",
	},
	"es": {
		ReplyEmergency: "Esto podría ser una emergencia. Llame al {number} ahora o vaya a la sala de urgencias más cercana. No espere una respuesta aquí. Ya avisamos a una enfermera.",
		ReplyHolding:   "Gracias por su mensaje. Una enfermera le responderá en {wait}. Si empeora, llame al {number}.",
		ReplySelfHarm:  "Gracias por contárnoslo. Una enfermera se comunicará con usted en {wait}. Si cree que podría actuar según estos pensamientos o está en peligro, llame al {number} ahora.",
		ReplyHuman:     "Gracias. Una persona de nuestro equipo le responderá en {wait}.",
		ReplyNoAnswer:  "Gracias por su mensaje. Una persona de nuestro equipo le responderá en {wait}.",
		ReplyDescribe:  "Gracias. Aquí no podemos ver fotos, audios ni archivos. Por favor, describa con palabras lo que ocurre. Si es una emergencia, llame al {number} ahora.",
		ReplyOptedOut:  "Ya no recibirá mensajes automáticos de nuestra parte. Una enfermera puede seguir leyendo lo que escriba. En una emergencia, llame al {number}. Envíe START para volver a recibirlos.",
		ReplyOptedIn:   "Volverá a recibir nuestros mensajes. Envíe STOP en cualquier momento para dejar de recibirlos.",
		ReplyHelp:      "Este es el servicio de mensajes de la clínica: escriba su pregunta o describa sus síntomas y le responderemos nosotros o una enfermera. En una emergencia, llame al {number}. Envíe STOP para dejar de recibir mensajes automáticos.",
	},
	"pt": {
		ReplyEmergency: "Isto pode ser uma emergência. Ligue para {number} agora ou vá ao pronto-socorro mais próximo. Não espere uma resposta aqui. Uma enfermeira já foi avisada.",
		ReplyHolding:   "Obrigado pela sua mensagem. Uma enfermeira vai responder em até {wait}. Se piorar, ligue para {number}.",
		ReplySelfHarm:  "Obrigado por nos contar. Uma enfermeira vai entrar em contato em até {wait}. Se você achar que pode agir de acordo com esses pensamentos ou estiver em perigo, ligue para {number} agora.",
		ReplyHuman:     "Obrigado. Uma pessoa da nossa equipe vai responder em até {wait}.",
		ReplyNoAnswer:  "Obrigado pela sua mensagem. Uma pessoa da nossa equipe vai responder em até {wait}.",
		ReplyDescribe:  "Obrigado. Aqui não conseguimos ver fotos, áudios ou arquivos. Por favor, descreva com palavras o que está acontecendo. Se for uma emergência, ligue para {number} agora.",
		ReplyOptedOut:  "Você não receberá mais mensagens automáticas nossas. Uma enfermeira ainda pode ler o que você escrever. Em caso de emergência, ligue para {number}. Envie START para voltar a recebê-las.",
		ReplyOptedIn:   "Você voltará a receber nossas mensagens. Envie STOP a qualquer momento para pará-las.",
		ReplyHelp:      "Este é o serviço de mensagens da clínica: escreva sua pergunta ou descreva seus sintomas, e nós ou uma enfermeira responderemos. Em caso de emergência, ligue para {number}. Envie STOP para parar as mensagens automáticas.",
	},
	"fr": {
		ReplyEmergency: "Il peut s'agir d'une urgence. Appelez le {number} maintenant ou rendez-vous aux urgences les plus proches. N'attendez pas de réponse ici. Une infirmière a été prévenue.",
		ReplyHolding:   "Merci pour votre message. Une infirmière vous répondra d'ici {wait}. Si votre état s'aggrave, appelez le {number}.",
		ReplySelfHarm:  "Merci de nous en avoir parlé. Une infirmière vous contactera d'ici {wait}. Si vous pensez passer à l'acte ou si vous êtes en danger, appelez le {number} maintenant.",
		ReplyHuman:     "Merci. Une personne de notre équipe vous répondra d'ici {wait}.",
		ReplyNoAnswer:  "Merci pour votre message. Une personne de notre équipe vous répondra d'ici {wait}.",
		ReplyDescribe:  "Merci. Nous ne pouvons pas consulter de photos, de messages vocaux ni de fichiers ici. Décrivez par écrit ce qui se passe, s'il vous plaît. En cas d'urgence, appelez le {number} maintenant.",
		ReplyOptedOut:  "Vous ne recevrez plus de messages automatiques de notre part. Une infirmière peut toujours lire ce que vous écrivez. En cas d'urgence, appelez le {number}. Envoyez START pour les recevoir à nouveau.",
		ReplyOptedIn:   "Vous recevrez de nouveau nos messages. Envoyez STOP à tout moment pour les arrêter.",
		ReplyHelp:      "Ceci est le service de messagerie de la clinique : écrivez votre question ou décrivez vos symptômes, et nous ou une infirmière vous répondrons. En cas d'urgence, appelez le {number}. Envoyez STOP pour ne plus recevoir de messages automatiques.",
	},
	"de": {
		ReplyEmergency: "Das könnte ein Notfall sein. Rufen Sie jetzt die {number} an oder gehen Sie in die nächste Notaufnahme. Warten Sie nicht auf eine Antwort hier. Eine Pflegekraft ist informiert.",
		ReplyHolding:   "Danke für Ihre Nachricht. Eine Pflegekraft antwortet Ihnen innerhalb von {wait}. Wenn es schlimmer wird, rufen Sie die {number} an.",
		ReplySelfHarm:  "Danke, dass Sie uns das sagen. Eine Pflegekraft meldet sich innerhalb von {wait} bei Ihnen. Wenn Sie fürchten, diesen Gedanken zu folgen, oder in Gefahr sind, rufen Sie jetzt die {number} an.",
		ReplyHuman:     "Danke. Jemand aus unserem Team antwortet Ihnen innerhalb von {wait}.",
		ReplyNoAnswer:  "Danke für Ihre Nachricht. Jemand aus unserem Team antwortet Ihnen innerhalb von {wait}.",
		ReplyDescribe:  "Danke. Fotos, Sprachnachrichten und Dateien können wir hier nicht ansehen. Bitte beschreiben Sie in Worten, was los ist. Im Notfall rufen Sie jetzt die {number} an.",
		ReplyOptedOut:  "Sie erhalten keine automatischen Nachrichten mehr von uns. Eine Pflegekraft kann weiterhin lesen, was Sie schreiben. Im Notfall rufen Sie die {number} an. Senden Sie START, um wieder Nachrichten zu erhalten.",
		ReplyOptedIn:   "Sie erhalten wieder Nachrichten von uns. Senden Sie jederzeit STOP, um sie abzubestellen.",
		ReplyHelp:      "Dies ist der Nachrichtendienst der Praxis: Schreiben Sie Ihre Frage oder beschreiben Sie Ihre Beschwerden, dann antworten wir oder eine Pflegekraft. Im Notfall rufen Sie die {number} an. Senden Sie STOP, um keine automatischen Nachrichten mehr zu erhalten.",
	},
	"hi": {
		ReplyEmergency: "यह आपातकाल हो सकता है। अभी {number} पर कॉल करें या सबसे नज़दीकी इमरजेंसी विभाग जाएँ। यहाँ जवाब का इंतज़ार न करें। नर्स को सूचित कर दिया गया है।",
		ReplyHolding:   "आपके संदेश के लिए धन्यवाद। एक नर्स {wait} के अंदर जवाब देगी। अगर हालत बिगड़े तो {number} पर कॉल करें।",
		ReplySelfHarm:  "हमें बताने के लिए धन्यवाद। एक नर्स {wait} के अंदर आपसे संपर्क करेगी। अगर आपको लगता है कि आप इन विचारों पर अमल कर सकते हैं या आप खतरे में हैं, तो अभी {number} पर कॉल करें।",
		ReplyHuman:     "धन्यवाद। हमारी टीम का कोई सदस्य {wait} के अंदर जवाब देगा।",
		ReplyNoAnswer:  "आपके संदेश के लिए धन्यवाद। हमारी टीम का कोई सदस्य {wait} के अंदर जवाब देगा।",
		ReplyDescribe:  "धन्यवाद। हम यहाँ फ़ोटो, वॉइस मैसेज या फ़ाइलें नहीं देख सकते। कृपया शब्दों में बताएँ कि क्या हो रहा है। आपातकाल हो तो अभी {number} पर कॉल करें।",
		ReplyOptedOut:  "अब आपको हमारी ओर से स्वचालित संदेश नहीं मिलेंगे। एक नर्स अब भी आपका लिखा पढ़ सकती है। आपातकाल में {number} पर कॉल करें। फिर से संदेश पाने के लिए START भेजें।",
		ReplyOptedIn:   "आपको हमारे संदेश फिर से मिलेंगे। इन्हें रोकने के लिए कभी भी STOP भेजें।",
		ReplyHelp:      "यह क्लिनिक की संदेश सेवा है: अपना सवाल लिखें या अपने लक्षण बताएँ, हम या कोई नर्स जवाब देगी। आपातकाल में {number} पर कॉल करें। स्वचालित संदेश रोकने के लिए STOP भेजें।",
	},
	"hi-Latn": {
		ReplyEmergency: "Yeh emergency ho sakti hai. Abhi {number} par call karein ya sabse nazdeeki emergency mein jaayein. Yahan jawab ka intezaar na karein. Nurse ko bata diya gaya hai.",
		ReplyHolding:   "Aapke message ke liye dhanyavaad. Ek nurse {wait} ke andar jawab degi. Agar haalat bigde to {number} par call karein.",
		ReplySelfHarm:  "Humein batane ke liye dhanyavaad. Ek nurse {wait} ke andar aapse sampark karegi. Agar aapko lagta hai ki aap in vichaaron par amal kar sakte hain ya aap khatre mein hain, to abhi {number} par call karein.",
		ReplyHuman:     "Dhanyavaad. Hamari team ka koi sadasya {wait} ke andar jawab dega.",
		ReplyNoAnswer:  "Aapke message ke liye dhanyavaad. Hamari team ka koi sadasya {wait} ke andar jawab dega.",
		ReplyDescribe:  "Dhanyavaad. Hum yahan photo, voice message ya file nahin dekh sakte. Kripya shabdon mein batayein ki kya ho raha hai. Emergency ho to abhi {number} par call karein.",
		ReplyOptedOut:  "Ab aapko hamari taraf se automatic message nahin milenge. Ek nurse ab bhi aapka likha padh sakti hai. Emergency mein {number} par call karein. Phir se message paane ke liye START bhejein.",
		ReplyOptedIn:   "Aapko hamare message phir se milenge. Inhe rokne ke liye kabhi bhi STOP bhejein.",
		ReplyHelp:      "Yeh clinic ki message seva hai: apna sawaal likhein ya apne lakshan batayein, hum ya koi nurse jawab degi. Emergency mein {number} par call karein. Automatic message rokne ke liye STOP bhejein.",
	},
	"ar": {
		ReplyEmergency: "قد تكون هذه حالة طارئة. اتصل بالرقم {number} الآن أو توجّه إلى أقرب قسم طوارئ. لا تنتظر الرد هنا. تم إبلاغ الممرضة.",
		ReplyHolding:   "شكراً لرسالتك. ستردّ عليك ممرضة خلال {wait}. إذا ساءت حالتك، اتصل بالرقم {number}.",
		ReplySelfHarm:  "شكراً لأنك أخبرتنا. ستتواصل معك ممرضة خلال {wait}. إذا شعرت أنك قد تتصرف بناءً على هذه الأفكار أو كنت في خطر، اتصل بالرقم {number} الآن.",
		ReplyHuman:     "شكراً. سيردّ عليك أحد أفراد فريقنا خلال {wait}.",
		ReplyNoAnswer:  "شكراً لرسالتك. سيردّ عليك أحد أفراد فريقنا خلال {wait}.",
		ReplyDescribe:  "شكراً. لا يمكننا الاطلاع على الصور أو الرسائل الصوتية أو الملفات هنا. يرجى وصف ما يحدث بالكلمات. إذا كانت حالة طارئة، اتصل بالرقم {number} الآن.",
		ReplyOptedOut:  "لن تصلك بعد الآن رسائل آلية منا. لا يزال بإمكان الممرضة قراءة ما تكتبه. في حالة الطوارئ، اتصل بالرقم {number}. أرسل START لتلقي الرسائل مجدداً.",
		ReplyOptedIn:   "ستصلك رسائلنا مجدداً. أرسل STOP في أي وقت لإيقافها.",
		ReplyHelp:      "هذه خدمة الرسائل في العيادة: اكتب سؤالك أو صف أعراضك، وسنرد عليك نحن أو إحدى الممرضات. في حالة الطوارئ، اتصل بالرقم {number}. أرسل STOP لإيقاف الرسائل الآلية.",
	},
}

// ReplyLanguages are the languages replies exist in (the supported ones, with Hindi in both scripts).
func ReplyLanguages() []string {
	return []string{"en", "es", "pt", "fr", "de", "hi", "hi-Latn", "ar"}
}

// ReplyText renders a reply in the patient's language (falling back to fallback, then English), with
// the emergency number and the waiting time in words of that language.
func ReplyText(kind, lang, script, fallback, number string, wait time.Duration) string {
	key := lang
	if lang == "hi" && script == "Latn" {
		key = "hi-Latn"
	}
	texts, ok := replyTexts[key]
	if !ok {
		key = fallback
		if texts, ok = replyTexts[fallback]; !ok {
			key, texts = "en", replyTexts["en"]
		}
	}
	text := texts[kind]
	if text == "" {
		text = replyTexts["en"][kind]
	}
	return strings.NewReplacer("{number}", number, "{wait}", waitWords(key, wait)).Replace(text)
}

// waitUnits are the words for one minute, minutes, one hour and hours in each language.
var waitUnits = map[string][4]string{
	"en":      {"minute", "minutes", "hour", "hours"},
	"es":      {"minuto", "minutos", "hora", "horas"},
	"pt":      {"minuto", "minutos", "hora", "horas"},
	"fr":      {"minute", "minutes", "heure", "heures"},
	"de":      {"Minute", "Minuten", "Stunde", "Stunden"},
	"hi":      {"मिनट", "मिनट", "घंटे", "घंटे"},
	"hi-Latn": {"minute", "minute", "ghante", "ghante"},
}

// waitWords says a duration in a language: whole hours when it is a multiple of an hour, else minutes.
func waitWords(lang string, d time.Duration) string {
	n, hours := int(d.Minutes()), false
	if d >= time.Hour && d%time.Hour == 0 {
		n, hours = int(d.Hours()), true
	}
	if lang == "ar" {
		return arabicCount(n, hours)
	}
	u, ok := waitUnits[lang]
	if !ok {
		u = waitUnits["en"]
	}
	word := u[1]
	switch {
	case hours && n == 1:
		word = u[2]
	case hours:
		word = u[3]
	case n == 1:
		word = u[0]
	}
	return fmt.Sprintf("%d %s", n, word)
}

// arabicCount follows Arabic number agreement: one, two (dual), three to ten (plural), eleven and
// more (singular).
func arabicCount(n int, hours bool) string {
	one, two, few, many := "دقيقة واحدة", "دقيقتين", "دقائق", "دقيقة"
	if hours {
		one, two, few, many = "ساعة واحدة", "ساعتين", "ساعات", "ساعة"
	}
	switch {
	case n == 1:
		return one
	case n == 2:
		return two
	case n >= 3 && n <= 10:
		return fmt.Sprintf("%d %s", n, few)
	}
	return fmt.Sprintf("%d %s", n, many)
}
