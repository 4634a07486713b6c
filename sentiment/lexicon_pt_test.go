package sentiment

import "testing"

func TestPortuguese(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "muito obrigada, a doutora foi super atenciosa 😊", label: Positive},
		{text: "queria marcar uma consulta pra semana que vem", label: Neutral},
		{text: "minha barriga tá doendo desde ontem", label: Negative},
		{text: "tô bem melhor hoje, valeu", label: Positive},
		{text: "tô morrendo de rir com esse robô kkkk", label: Positive, distress: nil},
		{text: "tô apavorada, meu coração tá disparado e não consigo me acalmar", label: Negative, distress: []string{Panic}},
		{text: "socorro, não sei o que fazer", label: Negative, distress: []string{Panic}},
		{text: "é a terceira vez que eu mando mensagem e ninguém responde, que absurdo", label: Negative, distress: []string{Anger}},
		{text: "atendimento péssimo, vou reclamar no procon", label: Negative, distress: []string{Anger}},
		{text: "não entendi nada, como assim tenho que reenviar o pedido?", label: Negative, distress: []string{Confusion}},
		{text: "ando muito triste e desanimada desde que perdi meu emprego", label: Negative, distress: []string{Sadness}},
		{text: "às vezes queria dormir e não acordar mais", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "acho que todo mundo ficaria melhor sem mim", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "vou me matar hoje, já comprei o veneno", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "escrevi uma carta de despedida pra minha família", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Negated, past and hypothetical self-harm is not current distress.
		{text: "não, nunca pensei em me matar", distress: nil},
		{text: "não quero morrer, só quero melhorar dessa gripe", distress: nil},
		{text: "quando era adolescente eu me cortava, hoje estou bem", distress: nil},
		// Idioms that must not raise an alarm.
		{text: "minha mãe vai me matar se eu perder a consulta", distress: nil},
		{text: "boa tarde, tudo bem? qual o horário de amanhã?", label: Neutral, distress: nil},
	})
}
