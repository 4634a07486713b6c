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
