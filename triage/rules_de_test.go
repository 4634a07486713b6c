package triage

import "testing"

func TestRulesGerman(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients type them: chat German, no umlauts, Austrian and Swiss forms.
		{text: "hab seit 20 min so ein engegefühl in der brust und kalten schweiß", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "fühlt sich an als ob ein elefant auf meiner brust sitzt", flags: []string{"chest_pain"}},
		{text: "i hob so an druck auf da brust, strahlt in den linken arm aus", flags: []string{"chest_pain"}},
		{text: "brustschmertzen und mir is schlecht", flags: []string{"chest_pain"}},
		{text: "mein opa kann auf einmal nicht mehr richtig sprechen, der mundwinkel haengt", flags: []string{"stroke"}},
		{text: "oma lallt und kann den linken arm nicht mehr heben", flags: []string{"stroke"}},
		{text: "krieg keine luft mehr!!", flags: []string{"breathing"}},
		{text: "mei bua kriagt koa luft und die lippen sind ganz blau", flags: []string{"breathing"}},
		{text: "das asthmaspray hilft nicht, sie japst nur noch", flags: []string{"breathing"}},
		{text: "hab mich mit dem cuttermesser geschnitten, es blutet wie verrueckt und hoert nicht auf", flags: []string{"bleeding"}},
		{text: "der verband ist schon komplett durchgeblutet", flags: []string{"bleeding"}},
		{text: "nach dem cashew essen schwillt meine zunge an und ich krieg schlecht luft", flags: []string{"anaphylaxis"}},
		{text: "von ner wespe gestochen, jetzt sind die lippen total geschwollen", flags: []string{"anaphylaxis"}},
		{text: "mein vater ist umgekippt und reagiert nicht mehr", flags: []string{"unconscious"}},
		{text: "sie ist nicht ansprechbar, was soll ich machen", flags: []string{"unconscious"}},
		{text: "mein sohn krampft und zuckt am ganzen koerper", flags: []string{"seizure"}},
		{text: "er hat grad einen krampfanfall, schaum vorm mund", flags: []string{"seizure"}},
		{text: "meine freundin hat alle ihre schlaftabletten genommen", flags: []string{"overdose"}},
		{text: "die kleine hat spuelmaschinentabs in den mund genommen", flags: []string{"overdose"}},
		{text: "bin in der 28. ssw und blute stark, die binde ist voll", flags: []string{"pregnancy_emergency"}, urgency: Emergency},
		{text: "bin schwanger und das baby bewegt sich seit gestern nicht mehr", flags: []string{"pregnancy_emergency"}},
		{text: "mein 6 wochen altes baby hat 38,3 fieber", flags: []string{"infant_fever"}},
		{text: "neugeborenes glüht richtig, 38,5 gemessen", flags: []string{"infant_fever"}},
		{text: "ganz ploetzlich die schlimmsten kopfschmerzen meines lebens", flags: []string{"thunderclap_headache"}},
		{text: "plötzlich wie ein schlag auf den hinterkopf, so was hatte ich noch nie", flags: []string{"thunderclap_headache"}},
		{text: "hab mir kochendes wasser über den arm gekippt, die haut löst sich ab", flags: []string{"severe_burn"}},
		{text: "verbrennung im gesicht vom grillanzünder", flags: []string{"severe_burn"}},
		{text: "ich werde mich heute nacht umbringen, die tabletten liegen bereit", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "kein fieber, keine atemnot, nur halsweh seit zwei tagen", flags: nil, max: Soon},
		{text: "hab keinen druck auf der brust, aber husten seit 5 tagen", flags: nil, max: Soon},
		{text: "luftnot hab ich keine, nur schnupfen", flags: nil, max: Soon},
		{text: "hatte vor 3 jahren einen herzinfarkt, brauche ein neues rezept für ass", flags: nil, max: Routine},
		{text: "als kind hatte ich epileptische anfaelle, brauche einen arztbrief dazu", flags: nil, max: Routine},
		{text: "mein onkel lebt in polen und hat seit gestern starke brustschmerzen, was soll er tun?", flags: nil, max: Routine},
		{text: "meine oma liegt im krankenhaus nach einem schlaganfall, darf ich sie besuchen?", flags: nil, max: Routine},
		{text: "welche anzeichen hat eine hirnblutung bei älteren leuten?", flags: nil, urgency: SelfCare},
		{text: "was tun wenn jemand einen krampfanfall hat? frage für einen erste hilfe kurs", flags: nil, max: Routine},
		{text: "kann man an einer überdosis paracetamol sterben?", flags: nil, max: Routine},
		// A true current red flag mixed with such phrasing is still an emergency.
		{text: "kein fieber, aber mein kind krampft gerade", flags: []string{"seizure"}},
		{text: "hatte vor 2 jahren nen infarkt und jetzt wieder so ein druck auf der brust", flags: []string{"chest_pain"}},
		{text: "keine allergie bekannt, aber nach dem essen schwillt meine zunge an", flags: []string{"anaphylaxis"}},
		{text: "hätte mal ne frage, die brust drückt seit heute morgen", flags: []string{"chest_pain"}},

		// Same day, within days, routine, self-care.
		{text: "seit gestern abend 39,8 fieber und schüttelfrost", urgency: Urgent},
		{text: "vom nachbarshund gebissen, ziemlich tief", urgency: Urgent},
		{text: "mein kleiner kotzt seit heute morgen alles aus und trinkt nix", urgency: Urgent},
		{text: "schwanger in der siebten woche, seit dem aufstehen ziehen im unterleib", urgency: Urgent},
		{text: "wade dick und warm seit dem langstreckenflug", urgency: Urgent},
		{text: "zucker bei 420 und kein insulin mehr da", urgency: Urgent},
		{text: "husten seit 3 wochen, wird nicht besser", urgency: Soon},
		{text: "seit vorgestern muss ich dauernd aufs klo und es brennt beim wasserlassen, fieber hab ich keins", urgency: Soon},
		{text: "meine l-thyroxin packung ist fast leer, reicht noch bis übermorgen", urgency: Soon},
		{text: "bräuchte ein folgerezept für mein asthmaspray, hab noch für 2 wochen", urgency: Routine},
		{text: "kann ich meinen termin am montag auf mittwoch verschieben?", urgency: Routine},
		{text: "brauche ne krankmeldung für gestern", urgency: Routine},
		{text: "kann mich bitte jemand zurückrufen? will das nicht mit dem chat klären", urgency: Routine},
		{text: "wie sind eure öffnungszeiten zwischen den feiertagen?", urgency: SelfCare},
		{text: "darf ich vor dem ultraschall vom bauch was essen?", urgency: SelfCare},
		{text: "bissl verschnupft seit heute, welches hausmittel könnt ihr empfehlen?", urgency: SelfCare},
		{text: "vielen lieben dank!", urgency: SelfCare},

		// Benign messages that share words with red flags stay low.
		{text: "hab heute alle tabletten wie verordnet genommen, blutdruck 130 zu 80", flags: nil, max: Routine},
		{text: "bin mit dem fuß umgeknickt, tut weh", flags: nil, max: Soon},
		{text: "meine lippe ist noch taub vom zahnarzt", flags: nil, max: Soon},

		// Lay words for chest pain: pulling, stabbing, burning behind the breastbone, tightness, a pain
		// that goes into the arm; also after an infarction years ago.
		{text: "seit dem aufwachen so ein ziehen in der brust", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "stechende schmerzen links in der brust seit ner stunde", flags: []string{"chest_pain"}},
		{text: "brennendes gefühl hinterm brustbein, geht nicht weg", flags: []string{"chest_pain"}},
		{text: "hab so ein engegefühl und mir ist schwindelig", flags: []string{"chest_pain"}},
		{text: "das zieht bis in den linken arm und in den kiefer", flags: []string{"chest_pain"}},
		{text: "hatte 2019 einen herzinfarkt, aber seit heute nacht wieder dieses stechen in der brust", flags: []string{"chest_pain"}},
		{text: "mein vater hatte vor jahren nen infarkt und klagt jetzt über ein ziehen in der brust", flags: []string{"chest_pain"}},
		{text: "kein engegefühl, nur schnupfen und halsweh", flags: nil, max: Soon},
		{text: "muskelkater vom training, zieht bis in den arm", flags: nil, max: Soon},
		{text: "es zieht vom nacken runter in den arm wenn ich am pc sitze", flags: nil, max: Soon},
		{text: "vor der periode hab ich immer so ein ziehen in der brust", flags: nil, max: Soon},

		// Active suicidal intent with means and a time is an emergency.
		{text: "ich hab die schlaftabletten hier und werde heute nacht alle schlucken", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "es hat eh alles keinen sinn mehr, ich weiß auch schon wie", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "hab mir die pillen zurechtgelegt, hat ja eh keinen sinn mehr", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "heute abend nehm ich die ganze packung", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "muss ich die antibiotika alle nehmen oder darf ich aufhören?", flags: nil, max: Routine},
		{text: "hab mir die tabletten für die ganze woche zurechtgelegt, passt das so?", flags: nil, max: Routine},

		// One leg or calf swollen, red, warm, painful: a thrombosis until shown otherwise.
		{text: "linkes bein seit gestern dick und rot, fühlt sich warm an", flags: nil, urgency: Urgent},
		{text: "meine rechte wade ist geschwollen und heiß und tut beim auftreten weh", flags: nil, urgency: Urgent},
		{text: "geschwollener, geröteter unterschenkel, schmerzt beim gehen", flags: nil, urgency: Urgent},
		{text: "seit der knie op ist das eine bein viel dicker als das andere", flags: nil, urgency: Urgent},
		{text: "das bein ist weder rot noch geschwollen, nur muskelkater", flags: nil, max: Soon},
		{text: "sonnenbrand am bein, ist rot und warm, welche creme?", flags: nil, max: Soon},

		// Thanks after a visit or a vaccination is self-care feedback; a mild cold of a few days, red
		// flags denied, is self-care.
		{text: "war gestern zur grippeimpfung, alles super gelaufen, danke ans team", flags: nil, urgency: SelfCare},
		{text: "die untersuchung heute war total angenehm, sehr nette ärztin", flags: nil, urgency: SelfCare},
		{text: "impfung hat gar nicht weh getan, vielen dank an euch", flags: nil, urgency: SelfCare},
		{text: "danke für die impfung, brauche aber noch einen termin für die zweite", flags: nil, urgency: Routine},
		{text: "kein fieber, keine atemnot, nur schnupfen seit 3 tagen, was hilft?", flags: nil, urgency: SelfCare},
		{text: "nase läuft seit vorgestern, sonst geht es mir gut, reicht meerwasserspray?", flags: nil, urgency: SelfCare},
		{text: "seit zwei tagen verschnupft, kein husten, darf ich trotzdem zum sport?", flags: nil, urgency: SelfCare},
		{text: "schnupfen seit 3 wochen, geht einfach nicht weg", flags: nil, urgency: Soon},
		{text: "husten seit drei wochen und wird nicht besser", flags: nil, urgency: Soon},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "ja, und jetzt schwitze ich auch noch", context: []Turn{{From: "patient", Text: "mir drückt es so auf der brust"}, {From: "bot", Text: "Ist der Druck noch da?"}}, flags: []string{"chest_pain"}},
		{text: "nein, das war vor 5 jahren. brauche nur ein rezept", context: []Turn{{From: "patient", Text: "ich hatte einen schlaganfall"}, {From: "bot", Text: "Passiert das gerade?"}}, flags: nil, max: Routine},
		{text: "5 wochen", context: []Turn{{From: "patient", Text: "mein baby glüht, 38,6"}, {From: "bot", Text: "Wie alt ist Ihr Baby?"}}, flags: []string{"infant_fever"}},
		{text: "er ist wieder wach und redet normal", context: []Turn{{From: "patient", Text: "mein mann ist umgekippt und reagiert nicht"}, {From: "bot", Text: "Bitte rufen Sie 112. Wie geht es ihm jetzt?"}}, flags: nil, urgency: Urgent},
	})
}

// Praise after a visit is feedback, not a booking request.
func TestRulesGermanFeedback(t *testing.T) {
	a := testAssessor(t)
	d := testDetector(t)
	for _, text := range []string{
		"war gestern zur grippeimpfung, alles super gelaufen, danke ans team",
		"super liebes praxisteam, hab mich gut aufgehoben gefühlt",
		"danke für den termin heute, sehr freundliche ärztin",
		"die auffrischung lief problemlos, danke nochmal",
	} {
		got := a.Assess(Input{Text: text, Lang: d.Detect(text, "").Language})
		if got.Intent != IntentFeedback || got.Urgency != SelfCare {
			t.Errorf("%q: %s %s, want feedback self_care (%s)", text, got.Intent, got.Urgency, got.Rules)
		}
	}
}
