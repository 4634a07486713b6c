package sentiment

import "testing"

func TestFrench(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "merci mille fois, vous êtes vraiment au top 😊", label: Positive},
		{text: "je voudrais prendre rdv jeudi après-midi", label: Neutral},
		{text: "j'ai mal au genou depuis une semaine", label: Negative},
		{text: "ça va beaucoup mieux aujourd'hui, merci", label: Positive},
		{text: "jai trop peur, mon coeur bat super vite et j'arrive pas à me calmer", label: Negative, distress: []string{Panic}},
		{text: "au secours ma fille respire bizarre, je fais quoi ??", label: Negative, distress: []string{Panic}},
		{text: "3eme fois que j'appelle et personne ne répond, c'est inadmissible", label: Negative, distress: []string{Anger}},
		{text: "j'en ai marre, je vais changer de médecin", label: Negative, distress: []string{Anger}},
		{text: "je comprends pas ce qu'il faut faire avec l'appli, je suis perdue", label: Negative, distress: []string{Confusion}},
		{text: "depuis le décès de ma mère je me sens tellement seule, j'ai plus le moral", label: Negative, distress: []string{Sadness}},
		{text: "des fois j'ai envie de mourir", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "je n'ai plus envie de vivre, tout le monde serait mieux sans moi", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "j'ai acheté une corde, je vais en finir ce soir", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "j'ai mis de côté mes somnifères pour tout avaler cette nuit", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Suicidal words about someone with the patient; active with an act, a plan or a time.
		{text: "il dit qu'il veut en finir", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ma fille parle de se suicider depuis quelques jours", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "je veux en finir", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "mon mari menace de se tuer, il a pris toute la boîte de somnifères", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "elle veut mettre fin à ses jours cette nuit", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "j'ai envie d'en finir, j'ai préparé tous mes cachets", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "mon fils a tenté de se suicider avec ses médicaments", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "il ne veut pas se faire du mal, rassurez-vous", distress: nil},
		{text: "on veut en finir avec ces formulaires", distress: nil},
		// One puzzled reply carries confusion.
		{text: "je sais pas de quoi vous parlez, j'ai rien demandé", label: Negative, distress: []string{Confusion}},
		{text: "euh c'est qui ? c'est pour quoi ce message", label: Negative, distress: []string{Confusion}},
		{text: "vous pouvez répéter ? j'ai pas bien compris ce que je dois faire", label: Negative, distress: []string{Confusion}},
		{text: "je suis un peu perdue, je dois répondre quoi ?", label: Negative, distress: []string{Confusion}},
		{text: "pourquoi vous m'envoyez ce sms ?", label: Negative, distress: []string{Confusion}},
		{text: "c'est qui le médecin de garde samedi ?", distress: nil},
		// Negated, past and idiomatic self-harm is not current distress.
		{text: "non, je ne veux pas me suicider, rassurez-vous", distress: nil},
		{text: "j'ai jamais eu d'idées noires", distress: nil},
		{text: "quand j'étais ado je me scarifiais, ça va bien maintenant", distress: nil},
		{text: "ce mal de dos va me tuer", distress: nil},
		{text: "mon bébé pleure beaucoup le soir", distress: nil},
	})
}
