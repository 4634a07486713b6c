package triage

import "testing"

func TestRulesFrench(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients type them: no accents, no apostrophes, chat forms, regional usage.
		{text: "g une douleur dans la poitrine qui serre fort, je transpire", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "on dirait une barre sur le thorax depuis une demi heure et ça part dans le bras gauche", flags: []string{"chest_pain"}},
		{text: "mon père a la bouche qui tombe d'un côté et il arrive plus à parler", flags: []string{"stroke"}},
		{text: "ma femme a le bras droit tout mou d'un coup, je crois qu'elle fait un AVC", flags: []string{"stroke"}},
		{text: "jarrive plus a respirer meme assise", flags: []string{"breathing"}},
		{text: "mon fils a de la misère à respirer pis ses lèvres deviennent bleues", flags: []string{"breathing"}},
		{text: "je me suis ouvert le pied sur du verre ça pisse le sang ça s'arrete pas", flags: []string{"bleeding"}},
		{text: "il saigne énormément de la tête après sa chute", flags: []string{"bleeding"}},
		{text: "piqué par une guêpe et maintenant ma langue gonfle, j'ai du mal à avaler", flags: []string{"anaphylaxis"}},
		{text: "ma fille est allergique à l'arachide, elle a mangé un biscuit et ses lèvres enflent, elle respire mal", flags: []string{"anaphylaxis"}},
		{text: "mon grand-père est par terre il répond plus", flags: []string{"unconscious"}},
		{text: "elle a fait un malaise et on arrive pas à la réveiller", flags: []string{"unconscious"}},
		{text: "le petit convulse depuis 3 minutes, les yeux révulsés", flags: []string{"seizure"}},
		{text: "mon mari fait une crise d'épilepsie là maintenant", flags: []string{"seizure"}},
		{text: "j'ai avalé toute la plaquette de somnifères il y a une heure", flags: []string{"overdose"}},
		{text: "ma fille de 2 ans a bu du produit vaisselle", flags: []string{"overdose"}},
		{text: "enceinte de 7 mois, je perds beaucoup de sang avec des caillots", flags: []string{"pregnancy_emergency"}, urgency: Emergency},
		{text: "je suis enceinte et je saigne beaucoup depuis ce matin avec des douleurs atroces", flags: []string{"pregnancy_emergency"}},
		{text: "mon bébé de 5 semaines fait 38,3 de température", flags: []string{"infant_fever"}},
		{text: "nourrisson de 20 jours, il est brûlant et fait de la fièvre", flags: []string{"infant_fever"}},
		{text: "mal de tête d'un coup comme un coup de marteau, le pire de ma vie", flags: []string{"thunderclap_headache"}},
		{text: "j'ai jamais eu aussi mal à la tête, c'est venu brutalement il y a 10 min", flags: []string{"thunderclap_headache"}},
		{text: "mon fils s'est renversé de l'eau bouillante sur le ventre, la peau part", flags: []string{"severe_burn"}},
		{text: "brûlé au visage par de l'huile chaude, grosses cloques", flags: []string{"severe_burn"}},
		{text: "j'ai décidé d'en finir ce soir, j'ai mis de côté tous mes médicaments", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "je vais me pendre cette nuit", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "pas de douleur dans la poitrine, juste une toux depuis 4 jours", flags: nil, max: Soon},
		{text: "je n'ai aucune difficulté à respirer, j'ai juste le nez bouché", flags: nil, max: Soon},
		{text: "il ne saigne plus, je voudrais juste savoir quand enlever le pansement", flags: nil, max: Soon},
		{text: "j'ai fait un AVC il y a 6 ans, il me faut une nouvelle ordonnance de Kardégic", flags: nil, max: Routine},
		{text: "j'ai des antécédents d'infarctus, je voudrais un rdv de contrôle", flags: nil, max: Routine},
		{text: "ma tante au pays a fait une crise cardiaque, c'est héréditaire ?", flags: nil, max: Soon},
		{text: "mon cousin qui vit au Canada a fait des convulsions, c'est grave ?", flags: nil, max: Soon},
		{text: "quels sont les signes d'un infarctus chez la femme ?", flags: nil, urgency: SelfCare},
		{text: "que faire si quelqu'un fait une crise d'épilepsie devant moi ?", flags: nil, max: Routine},
		// A true current red flag mixed with such phrasing is still an emergency.
		{text: "pas de fièvre mais j'ai la poitrine écrasée là maintenant", flags: []string{"chest_pain"}},
		{text: "j'ai fait un infarctus en 2016 et depuis ce matin la même douleur dans la poitrine est revenue", flags: []string{"chest_pain"}},
		{text: "je n'ai pas mal à la tête mais sa bouche est de travers et il parle bizarre", flags: []string{"stroke"}},
		// Words that look like a red flag but are not one.
		{text: "il fait trop chaud, on étouffe dans votre salle d'attente", flags: nil, max: Routine},
		{text: "j'ai mal au cœur depuis ce matin, envie de vomir", flags: nil, max: Soon},
		{text: "je dois avaler mes comprimés avec de l'eau ?", flags: nil, max: Routine},

		// Same day, within days, routine, self-care.
		{text: "ma fille de 4 ans a 39,7 depuis cette nuit et vomit tout", urgency: Urgent},
		{text: "je fais le palu, fièvre et frissons depuis hier soir", urgency: Urgent},
		{text: "je me suis coupé le doigt avec un couteau, c'est profond, faut des points ?", urgency: Urgent},
		{text: "la cicatrice de ma césarienne est rouge, chaude et il y a du pus", urgency: Urgent},
		{text: "je tousse depuis 3 semaines et ça s'améliore pas", urgency: Soon},
		{text: "ça me brûle quand je fais pipi", urgency: Soon},
		{text: "je voudrais renouveler mon ordonnance de Lévothyrox, il me reste 3 semaines", urgency: Routine},
		{text: "est-ce possible de déplacer mon rdv de lundi à mercredi ?", urgency: Routine},
		{text: "je voudrais parler à un humain, pas à un robot", urgency: Routine},
		{text: "vous êtes ouverts le samedi matin ? y a un parking ?", urgency: SelfCare},
		{text: "d'accord merci beaucoup, bonne journée", urgency: SelfCare},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "oui et là je transpire beaucoup", context: []Turn{{From: "patient", Text: "j'ai une douleur qui serre dans la poitrine"}, {From: "bot", Text: "La douleur est-elle toujours là ?"}}, flags: []string{"chest_pain"}},
		{text: "non c'était il y a 3 ans, là j'ai besoin d'un renouvellement", context: []Turn{{From: "patient", Text: "j'ai fait un AVC"}, {From: "bot", Text: "Est-ce que ça se passe maintenant ?"}}, flags: nil, max: Routine},
		{text: "3 semaines", context: []Turn{{From: "patient", Text: "mon bébé est tout chaud, 38,4"}, {From: "bot", Text: "Quel âge a votre bébé ?"}}, flags: []string{"infant_fever"}},
	})
}
