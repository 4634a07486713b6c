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
		// Negated, past and idiomatic self-harm is not current distress.
		{text: "non, je ne veux pas me suicider, rassurez-vous", distress: nil},
		{text: "j'ai jamais eu d'idées noires", distress: nil},
		{text: "quand j'étais ado je me scarifiais, ça va bien maintenant", distress: nil},
		{text: "ce mal de dos va me tuer", distress: nil},
		{text: "mon bébé pleure beaucoup le soir", distress: nil},
	})
}
