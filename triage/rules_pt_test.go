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

		// Overdose taken on purpose or all at once (Brazil and Portugal): overdose and active self-harm.
		{text: "engoli os comprimidos todos da caixa", flags: []string{"overdose", "self_harm"}, urgency: Emergency},
		{text: "tomei-os todos de uma vez para acabar com isto", flags: []string{"overdose", "self_harm"}},
		{text: "bebi o frasco inteiro de calmantes de propósito", flags: []string{"overdose", "self_harm"}},
		{text: "tomei uns 20 comprimidos de rivotril", flags: []string{"overdose", "self_harm"}},
		{text: "quis morrer e engoli um monte de remédio", flags: []string{"overdose", "self_harm"}},
		{text: "a minha filha tomou a caixa de paracetamol toda", flags: []string{"overdose"}},
		{text: "já tomei os comprimidos todos que o médico receitou e continuo com tosse", flags: nil, max: Soon},
		{text: "tomei o remédio pra acabar com essa dor de cabeça", flags: nil, max: Soon},
		{text: "tomei o comprimido de propósito antes de comer, faz mal?", flags: nil, max: Soon},

		// Scalds and large burns, as said in Portugal and Brazil.
		{text: "queimei-me com água a ferver no braço", flags: []string{"severe_burn"}, urgency: Emergency},
		{text: "entornou-se a panela de óleo a ferver em cima da miúda", flags: []string{"severe_burn"}},
		{text: "derramei café fervendo no colo do bebê", flags: []string{"severe_burn"}},
		{text: "queimei a mão no fogão e a pele está a soltar", flags: []string{"severe_burn"}},
		{text: "queimei-me no braço com o ferro de engomar e a pele está a sair", flags: []string{"severe_burn"}},
		{text: "o meu filho queimou o peito e a barriga toda com a sopa", flags: []string{"severe_burn"}},
		{text: "escaldei-me com a chaleira e fiquei cheia de empolas enormes", flags: []string{"severe_burn"}},
		{text: "posso esterilizar a chupeta do bebé em água a ferver?", flags: nil, max: Routine},
		{text: "apanhei um escaldão na praia, as costas e os ombros estão a arder", flags: nil, max: Soon},
		{text: "não me queimei, a água a ferver caiu no chão", flags: nil, max: Soon},

		// Same day: a spreading tooth infection, something stuck in a nose or an ear, severe belly pain
		// from a new medicine; mild side effects are for the coming days.
		{text: "tenho um abcesso no dente, a cara está a inchar e estou com febre", urgency: Urgent},
		{text: "meu dente infeccionou e o rosto ta todo inchado", urgency: Urgent},
		{text: "dor de dente fortíssima com febre de 38,5", urgency: Urgent},
		{text: "abscesso na gengiva e não consigo abrir a boca", urgency: Urgent},
		{text: "o bebé está rabugento, acho que são os dentinhos a nascer", max: Soon},
		{text: "o meu filho enfiou um feijão no nariz", urgency: Urgent},
		{text: "a miúda meteu uma missanga na orelha e não sai", urgency: Urgent},
		{text: "tem uma pedrinha presa no ouvido da minha filha", urgency: Urgent},
		{text: "entrou um bicho no ouvido dele e ele não para de chorar", urgency: Urgent},
		{text: "entrou água no ouvido na piscina e está tapado", max: Soon},
		{text: "comecei um remédio novo e tô com dor de barriga e diarreia", urgency: Soon},
		{text: "o medicamento novo está a dar-me diarreia e um pouco de dor de barriga", urgency: Soon},
		{text: "desde que comecei o antibiótico tenho enjoo e diarreia, é normal?", urgency: Soon},
		{text: "desde que comecei o remédio novo estou com uma dor de barriga insuportável", urgency: Urgent},
		{text: "tomei o antibiótico novo e tô com cólica fortíssima", urgency: Urgent},
		{text: "o medicamento novo deu-me dores de estômago horríveis", urgency: Urgent},

		// Screening asked about a relative far away: no time pressure, but a clinical question.
		{text: "minha mãe mora em Recife, ela deveria fazer o preventivo?", flags: nil, urgency: Routine},
		{text: "a minha mãe vive no Porto, com 60 anos devia fazer o rastreio do cancro do cólon?", flags: nil, urgency: Routine},
		{text: "meu pai mora no interior, com que idade ele deve fazer exame de próstata?", flags: nil, urgency: Routine},
		{text: "a minha avó vive noutra cidade, precisa de fazer a densitometria este ano?", flags: nil, urgency: Routine},

		// European Portuguese progressive and words: "estão a inchar", "tensão" for blood pressure.
		{text: "comi camarão e os lábios estão a inchar, custa-me engolir", flags: []string{"anaphylaxis"}},
		{text: "a tensão está 19 por 12 com dor na nuca", urgency: Urgent},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "sim, e agora tô suando frio", context: []Turn{{From: "patient", Text: "tô com um aperto no peito"}, {From: "bot", Text: "Ainda está sentindo?"}}, flags: []string{"chest_pain"}},
		{text: "não, isso foi há muitos anos. só preciso da receita", context: []Turn{{From: "patient", Text: "tive um derrame"}, {From: "bot", Text: "Isso está acontecendo agora?"}}, flags: nil, max: Routine},
		{text: "3 semanas", context: []Turn{{From: "patient", Text: "meu nenem ta com febre de 38"}, {From: "bot", Text: "Quantas semanas tem o bebê?"}}, flags: []string{"infant_fever"}},
	})
}
