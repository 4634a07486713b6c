package triage

import "testing"

func TestRulesPortuguese(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients type them on WhatsApp (Brazil and Portugal).
		{text: "tô com um aperto no peito desde cedo e suando frio", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "dói-me muito o peito e a dor vai para o braço esquerdo", flags: []string{"chest_pain"}},
		{text: "acho q meu marido ta infartando", flags: []string{"chest_pain"}},
		{text: "minha vó ficou com a boca torta e o braço direito sem força", flags: []string{"stroke"}},
		{text: "o meu pai começou a falar enrolado do nada", flags: []string{"stroke"}},
		{text: "nao consigo respirar direito, to ficando roxo", flags: []string{"breathing"}},
		{text: "o nenem ta com os labios arroxeados", flags: []string{"breathing"}},
		{text: "cortei o pulso no vidro e o sangue nao para", flags: []string{"bleeding"}},
		{text: "ta sangrando demais, ja encharcou duas toalhas", flags: []string{"bleeding"}},
		{text: "comi amendoim e a lingua ta inchando, a garganta ta fechando", flags: []string{"anaphylaxis"}},
		{text: "levei uma ferroada de vespa, o rosto inchou todo e ta dificil respirar", flags: []string{"anaphylaxis"}},
		{text: "meu avô desmaiou e não acorda", flags: []string{"unconscious"}},
		{text: "a minha filha caiu no chão e não responde quando chamo", flags: []string{"unconscious"}},
		{text: "meu filho tá convulsionando agora", flags: []string{"seizure"}},
		{text: "ela ta se debatendo com os olhos revirados", flags: []string{"seizure"}},
		{text: "o menino de 2 anos bebeu água sanitária", flags: []string{"overdose"}},
		{text: "minha irmã tomou a cartela inteira de rivotril", flags: []string{"overdose"}},
		{text: "tô grávida de 28 semanas e tô sangrando muito", flags: []string{"pregnancy_emergency"}, urgency: Emergency},
		{text: "gestante de 35 semanas, o bebê não mexe desde ontem", flags: []string{"pregnancy_emergency"}},
		{text: "minha bebê de 5 semanas tá com febre", flags: []string{"infant_fever"}},
		{text: "recém-nascido com 38,4 no termômetro", flags: []string{"infant_fever"}},
		{text: "do nada veio a pior dor de cabeça que já senti na vida", flags: []string{"thunderclap_headache"}},
		{text: "dor de cabeça súbita e fortíssima, nunca tive uma dor de cabeça assim", flags: []string{"thunderclap_headache"}},
		{text: "caiu óleo fervendo na perna dele, tá cheio de bolha", flags: []string{"severe_burn"}},
		{text: "queimei o braço no fogão e a pele tá soltando", flags: []string{"severe_burn"}},
		{text: "vou me matar hoje à noite, já separei os remédios", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "não tenho dor no peito nem falta de ar, só uma tosse chata", flags: nil, max: Soon},
		{text: "sem febre e sem sangramento, só uma coceira na pele", flags: nil, max: Soon},
		{text: "o peito não dói mais, foi só ontem", flags: nil, max: Urgent},
		{text: "tive um AVC em 2016, preciso renovar a receita do anticoagulante", flags: nil, max: Routine},
		{text: "ja tive convulsao quando era criança, hoje to bem", flags: nil, max: Soon},
		{text: "meu tio que mora em Angola teve um infarto, é hereditário?", flags: nil, max: Soon},
		{text: "minha avó mora em Braga e desmaiou, ela já está internada", flags: nil, max: Soon},
		{text: "quais são os sinais de um AVC?", flags: nil, urgency: SelfCare},
		{text: "como saber se a dor no peito é infarto?", flags: nil, max: Routine},
		// A current red flag mixed with such phrasing is still an emergency.
		{text: "não tenho febre, mas tô com uma pressão forte no peito agora", flags: []string{"chest_pain"}},
		{text: "já tive infarto há 5 anos e agora tô com aquela dor no peito de novo", flags: []string{"chest_pain"}},
		{text: "do nada meu pai desmaiou e não acorda", flags: []string{"unconscious"}},

		// Same day, within days, routine, self-care.
		{text: "febre de 39,8 desde ontem e calafrio", urgency: Urgent},
		{text: "tô com falta de ar quando subo a escada", urgency: Urgent},
		{text: "caí de bicicleta e não consigo apoiar o pé, tá torto", urgency: Urgent},
		{text: "acabou minha insulina e a farmácia tá fechada", urgency: Urgent},
		{text: "minha pressão tá 19 por 12 com dor na nuca", urgency: Urgent},
		{text: "tosse faz duas semanas e não melhora", urgency: Soon},
		{text: "apareceu um caroço na axila", urgency: Soon},
		{text: "sinto ardência quando faço xixi", urgency: Soon},
		{text: "preciso renovar a receita da losartana, ainda tenho pra um mês", urgency: Routine},
		{text: "queria remarcar minha consulta de terça", urgency: Routine},
		{text: "o boleto veio com valor errado", urgency: Routine},
		{text: "que horas vcs abrem no sábado?", urgency: SelfCare},
		{text: "vcs aceitam o plano da unimed?", urgency: SelfCare},
		{text: "valeu, obg!", urgency: SelfCare},
		// Over-triage traps: ordinary words that look like red flags.
		{text: "a clínica estava sem ar condicionado", flags: nil, max: Routine},
		{text: "tomei todos os remédios de hoje direitinho", flags: nil, max: Routine},
		{text: "quero marcar a vacina do meu bebê de 2 meses", flags: nil, max: Routine},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "sim, e agora tô suando frio", context: []Turn{{From: "patient", Text: "tô com um aperto no peito"}, {From: "bot", Text: "Ainda está sentindo?"}}, flags: []string{"chest_pain"}},
		{text: "não, isso foi há muitos anos. só preciso da receita", context: []Turn{{From: "patient", Text: "tive um derrame"}, {From: "bot", Text: "Isso está acontecendo agora?"}}, flags: nil, max: Routine},
		{text: "3 semanas", context: []Turn{{From: "patient", Text: "meu nenem ta com febre de 38"}, {From: "bot", Text: "Quantas semanas tem o bebê?"}}, flags: []string{"infant_fever"}},
	})
}
