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

		// Overdose of a whole container or many tablets, and suicidal words about someone with the patient.
		{text: "mon fils de 16 ans a avalé tout le flacon de ses antidépresseurs", flags: []string{"overdose"}, urgency: Emergency},
		{text: "elle a pris la boîte entière de Lexomil", flags: []string{"overdose"}},
		{text: "ma mère a ingurgité une vingtaine de comprimés de tramadol", flags: []string{"overdose"}},
		{text: "il a bu tout le flacon de sirop à la codéine", flags: []string{"overdose"}},
		{text: "il a vidé la plaquette de Xanax", flags: []string{"overdose"}},
		{text: "mon mari a pris tous ses cachets d'un coup, il dit qu'il veut en finir", flags: []string{"overdose", "self_harm"}, urgency: Emergency},
		{text: "elle dit qu'elle veut mettre fin à ses jours ce soir", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "mon fils a tenté de se suicider avec ses médicaments", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "mon frère parle de se suicider", flags: nil, urgency: Urgent},
		{text: "je veux en finir", flags: nil, urgency: Urgent},
		// A dose, a finished course, a full box left, or a box of food are not overdoses.
		{text: "j'ai pris 500 mg de Doliprane pour la fièvre", flags: nil, max: Soon},
		{text: "faut-il finir toute la boîte d'antibiotiques ?", flags: nil, max: Routine},
		{text: "il me reste une plaquette entière de pilule", flags: nil, max: Routine},
		{text: "j'ai bu tout le flacon de sirop en 6 jours comme prescrit mais je tousse encore", flags: nil, max: Soon},
		{text: "elle a mangé toute la boîte de céréales ce matin", flags: nil, max: Routine},

		// A knock to the head, or any fall on a blood thinner, is seen the same day even when they seem fine.
		{text: "mamie (84 ans) a glissé dans la cuisine, gros hématome sur le front, elle est sous Eliquis mais elle dit que ça va", flags: nil, urgency: Urgent},
		{text: "papa est tombé de l'escabeau et s'est cogné le crâne, il prend du Previscan, il a l'air bien", flags: nil, urgency: Urgent},
		{text: "je suis sous Xarelto et j'ai fait une chute dans l'escalier ce matin", flags: nil, urgency: Urgent},
		{text: "mon grand-père a trébuché et s'est ouvert l'arcade, il est sous anticoagulants", flags: nil, urgency: Urgent},
		{text: "tombée hier soir, bosse sur la tempe, elle prend du Kardégic", flags: nil, urgency: Urgent},
		{text: "je prends du Kardégic, il me faut une nouvelle ordonnance", flags: nil, urgency: Routine},
		{text: "j'ai pris un coup de soleil sur le front", flags: nil, max: Soon},
		{text: "je suis tombée malade, j'ai mal à la tête et le nez qui coule", flags: nil, max: Soon},

		// A red or painful eye with blurred sight or light that hurts, above all with contact lenses.
		{text: "oeil gauche rouge et douloureux, je vois trouble, je porte des lentilles", flags: nil, urgency: Urgent},
		{text: "j'ai dormi avec mes lentilles et ce matin l'oeil me fait super mal", flags: nil, urgency: Urgent},
		{text: "mon œil est tout rouge, ça brûle et ma vue est brouillée", flags: nil, urgency: Urgent},
		{text: "depuis hier douleur dans l'oeil droit et la lumière me fait mal", flags: nil, urgency: Urgent},
		{text: "j'ai l'oeil un peu rouge qui gratte, pas de douleur", flags: nil, max: Soon},
		{text: "je voudrais renouveler mes lentilles de contact", flags: nil, urgency: Routine},
		{text: "je vois flou de près depuis quelques mois, il me faut des lunettes ?", flags: nil, max: Soon},

		// Screening questions about a relative far away are routine; the patient abroad with them is not far.
		{text: "mon père vit au Sénégal, il a 68 ans, quel dépistage du cancer de la prostate lui conseillez-vous ?", flags: nil, urgency: Routine},
		{text: "ma tante qui habite en Algérie a eu un cancer du sein, est-ce que je dois faire une mammographie ?", flags: nil, urgency: Routine},
		{text: "ma mère au Cameroun a 60 ans, elle devrait faire une coloscopie ?", flags: nil, urgency: Routine},
		{text: "mon frère à l'étranger a du diabète, c'est héréditaire ?", flags: nil, urgency: Routine},
		{text: "ma mère au Cameroun a une douleur dans la poitrine depuis hier", flags: nil, max: Soon},
		{text: "on est en vacances au Maroc, mon fils convulse", flags: []string{"seizure"}},
		{text: "je suis au Sénégal avec ma fille, elle respire plus", flags: []string{"breathing"}},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "oui et là je transpire beaucoup", context: []Turn{{From: "patient", Text: "j'ai une douleur qui serre dans la poitrine"}, {From: "bot", Text: "La douleur est-elle toujours là ?"}}, flags: []string{"chest_pain"}},
		{text: "non c'était il y a 3 ans, là j'ai besoin d'un renouvellement", context: []Turn{{From: "patient", Text: "j'ai fait un AVC"}, {From: "bot", Text: "Est-ce que ça se passe maintenant ?"}}, flags: nil, max: Routine},
		{text: "3 semaines", context: []Turn{{From: "patient", Text: "mon bébé est tout chaud, 38,4"}, {From: "bot", Text: "Quel âge a votre bébé ?"}}, flags: []string{"infant_fever"}},
	})
}
