package sentiment

import "testing"

func TestGerman(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "danke, das hat echt geholfen", label: Positive},
		{text: "vielen lieben dank für die schnelle antwort", label: Positive},
		{text: "kann ich einen termin nächste woche bekommen", label: Neutral},
		{text: "seit einer woche kopfschmerzen", label: Negative},
		{text: "nicht schlecht, heute schon viel besser", label: Positive},
		// Distress.
		{text: "ich hab solche angst, was soll ich tun", label: Negative, distress: []string{Panic}},
		{text: "seit drei tagen erreicht man bei euch niemanden, eine frechheit", label: Negative, distress: []string{Anger}},
		{text: "ich verstehe nicht was ich in der app machen soll", label: Negative, distress: []string{Confusion}},
		{text: "ich bin so traurig und einsam seit mein mann verstorben ist", label: Negative, distress: []string{Sadness}},
		// Self-harm: passive (a wish to be dead, no plan) and active (intent, plan, means, now).
		{text: "manchmal wünschte ich, ich wäre tot", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "alle wären ohne mich besser dran", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ich will nicht mehr leben", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ich werde mich heute umbringen", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "hab nen strick gekauft, heute nacht mach ich schluss", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "ich hab mich grad geritzt und es blutet", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "ich hab die tabletten hier und werde heute nacht alle schlucken", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "heute abend nehm ich die ganze packung, dann ist ruhe", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "hat eh alles keinen sinn mehr, ich weiß genau wie ich es mache", label: Negative, distress: []string{SelfHarm, Sadness}, selfHarm: SelfHarmActive},
		{text: "alles sinnlos. die pillen liegen schon im nachttisch bereit", label: Negative, distress: []string{SelfHarm, Sadness}, selfHarm: SelfHarmActive},
		{text: "ich will mir heute nacht das leben nehmen", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "heute nacht ist schluss, der abschiedsbrief liegt auf dem tisch", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "hab mir nen strick besorgt", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Confusion, in one message.
		{text: "wo soll das denn sein?? ich finde da nichts", label: Negative, distress: []string{Confusion}},
		{text: "versteh nur bahnhof, was muss ich da eingeben", label: Negative, distress: []string{Confusion}},
		{text: "ich check gar nix, wo soll ich da klicken", label: Negative, distress: []string{Confusion}},
		{text: "den link find ich nirgends", label: Negative, distress: []string{Confusion}},
		// Medication talk that shares words with a plan is not self-harm.
		{text: "muss ich die tabletten alle nehmen?", distress: nil},
		{text: "hab mir die tabletten für die woche zurechtgelegt", distress: nil},
		{text: "ich will nicht mehr warten, kann ich heute abend vorbeikommen?", distress: nil},
		{text: "das finde ich nicht gut", distress: nil},
		// Negated, past and hypothetical self-harm is not current distress.
		{text: "nein, ich würde mir nie was antun", distress: nil},
		{text: "keine suizidgedanken, nur müde", distress: nil},
		{text: "früher hab ich mich geritzt, jetzt geht es mir gut", distress: nil},
		{text: "ich werde mich nicht umbringen, keine sorge", distress: nil},
		// Ordinary words that look like self-harm phrases.
		{text: "ich zieh mir was warmes an und komme dann vorbei", distress: nil},
		{text: "haben sie meine letzte nachricht bekommen?", distress: nil},
	})
}
