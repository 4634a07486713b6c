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
		// An overdose taken on purpose or all at once is active self-harm.
		{text: "engoli todos os comprimidos", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "tomei a caixa inteira de paracetamol de propósito", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "tomei tudo de uma vez pra acabar com isso", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "tomei-os todos de uma vez", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "emborquei o frasco todo dos calmantes", distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "tomei todos os remédios de hoje, obrigada", distress: nil},
		{text: "não tomei os comprimidos todos de uma vez, só um", distress: nil},
		// A single confused message, in Portugal and Brazil.
		{text: "não percebi o que é para fazer", label: Negative, distress: []string{Confusion}},
		{text: "tô boiando, isso quer dizer o quê?", distress: []string{Confusion}},
		{text: "fiquei baralhada com essas instruções, pode explicar melhor?", distress: []string{Confusion}},
		{text: "qual link? não estou a ver nenhum link", distress: []string{Confusion}},
		{text: "afinal é pra ir amanhã ou hoje? cada um diz uma coisa", distress: []string{Confusion}},
		{text: "posso mandar o que o médico pediu por aqui?", distress: nil},
		// Negated, past and hypothetical self-harm is not current distress.
		{text: "não, nunca pensei em me matar", distress: nil},
		{text: "não quero morrer, só quero melhorar dessa gripe", distress: nil},
		{text: "quando era adolescente eu me cortava, hoje estou bem", distress: nil},
		// Idioms that must not raise an alarm.
		{text: "minha mãe vai me matar se eu perder a consulta", distress: nil},
		{text: "boa tarde, tudo bem? qual o horário de amanhã?", label: Neutral, distress: nil},
	})
}
