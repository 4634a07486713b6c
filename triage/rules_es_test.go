package triage

import "testing"

func TestRulesSpanish(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients type them: no accents, chat spellings, regional words.
		{text: "siento q tengo una piedra encima del pecho y me sudan las manos", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "Me está doliendo el pecho y el dolor se me va al brazo izquierdo", flags: []string{"chest_pain"}},
		{text: "creo q me esta dando un infarto, me falta el aire", flags: []string{"chest_pain"}},
		{text: "a mi suegra se le ve la cara caida de un lado y no puede mover el brazo", flags: []string{"stroke"}},
		{text: "mi esposo de repente habla raro, arrastra las palabras", flags: []string{"stroke"}},
		{text: "no puede respirar, se esta poniendo morado", flags: []string{"breathing"}},
		{text: "mi hija tiene asma y el inhalador no le hace nada, le cuesta mucho respirar", flags: []string{"breathing"}},
		{text: "me rebane la mano con la sierra y sale sangre a borbotones", flags: []string{"bleeding"}},
		{text: "tengo una herida en la pierna que no para de sangrar, ya traspaso el vendaje", flags: []string{"bleeding"}},
		{text: "le picó una avispa y se le cierra la garganta", flags: []string{"anaphylaxis"}},
		{text: "comi camarones y tengo la lengua hinchada, casi no puedo tragar", flags: []string{"anaphylaxis"}},
		{text: "mi abuelito esta tirado en el piso y no reacciona", flags: []string{"unconscious"}},
		{text: "se desmallo hace un rato y no despierta", flags: []string{"unconscious"}},
		{text: "mi sobrino esta convulcionando ahorita", flags: []string{"seizure"}},
		{text: "a mi madre le ha dado una crisis, esta rigida y temblando", flags: []string{"seizure"}},
		{text: "mi hermana se tomo como 30 pastillas de clonazepam", flags: []string{"overdose"}},
		{text: "el nene se bebio cloro de la botella", flags: []string{"overdose"}},
		{text: "tengo 28 semanas de embarazo y estoy sangrando muchisimo", flags: []string{"pregnancy_emergency"}, urgency: Emergency},
		{text: "embarazada de 7 meses, tengo la panza dura y me duele horrible", flags: []string{"pregnancy_emergency"}},
		{text: "mi bebita tiene 5 semanas y tiene 38.4 de temperatura", flags: []string{"infant_fever"}},
		{text: "mi recien nacido esta ardiendo en fiebre", flags: []string{"infant_fever"}},
		{text: "me dio de golpe un dolor de cabeza brutal, nunca habia sentido algo asi", flags: []string{"thunderclap_headache"}},
		{text: "es el peor dolor de cabeza que he tenido en la vida", flags: []string{"thunderclap_headache"}},
		{text: "a mi hijo le cayo aceite hirviendo en el brazo y tiene ampollas enormes", flags: []string{"severe_burn"}},
		{text: "se quemo con la estufa y la piel se le esta despegando", flags: []string{"severe_burn"}},
		{text: "ya junte las pastillas y esta noche me voy a matar", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "voy a tirarme del puente hoy", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "no tengo dolor de pecho, nomas tos con flemas desde el martes", flags: nil, max: Soon},
		{text: "sin dificultad para respirar, solo la nariz tapada", flags: nil, max: Soon},
		{text: "ya se le quito la convulsion, ahora esta dormido", flags: nil},
		{text: "tuve un derrame cerebral hace 6 anos, necesito renovar la receta del anticoagulante", flags: nil, max: Routine},
		{text: "de nino me daban convulsiones, quiero saber si puedo donar sangre", flags: nil, max: Soon},
		{text: "mi tio que vive en Colombia tiene dolor de pecho, que le recomiendan?", flags: nil, max: Soon},
		{text: "mi abuela esta hospitalizada porque no podia respirar, cuando la pueden visitar?", flags: nil, max: Soon},
		{text: "cuales son las señales de un derrame cerebral?", flags: nil, urgency: SelfCare},
		{text: "que hago si a mi hijo le da una convulsion?", flags: nil, max: Routine},
		{text: "que es un acv?", flags: nil, max: Routine},
		// A true current red flag mixed with such phrasing is still an emergency.
		{text: "no tengo fiebre pero me aprieta el pecho horrible", flags: []string{"chest_pain"}},
		{text: "hace 3 años tuve un infarto y ahora tengo otra vez ese dolor en el pecho", flags: []string{"chest_pain"}},
		{text: "no siento la pierna y me duele el pecho", flags: []string{"chest_pain"}},

		// Same day, within days, routine, self-care.
		{text: "mi hijo de 6 años tiene 39.8 de fiebre y le duele el oido", urgency: Urgent},
		{text: "me mordio el perro del vecino en la pantorrilla", urgency: Urgent},
		{text: "creo q me quebre la muñeca, esta chueca", urgency: Urgent},
		{text: "tengo la glucosa en 420 y mucha sed", urgency: Urgent},
		{text: "me arde mucho al orinar y tengo fiebre y escalofrios", urgency: Urgent},
		{text: "ya van 10 dias con tos y no se me quita", urgency: Soon},
		{text: "me salio una bolita en la axila", urgency: Soon},
		{text: "me arde cuando hago pipi desde ayer, sin fiebre", urgency: Soon},
		{text: "porfa necesito resurtir mi metformina, me queda un mes", urgency: Routine},
		{text: "quisiera cambiar mi cita del jueves para el viernes", urgency: Routine},
		{text: "me pueden mandar la factura del mes pasado?", urgency: Routine},
		{text: "hay parqueadero en la clinica?", urgency: SelfCare},
		{text: "mil gracias, muy amables", urgency: SelfCare},
		{text: "que puedo tomar para la resaca?", urgency: SelfCare},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "si, y ahora estoy sudando frio", context: []Turn{{From: "patient", Text: "tengo una opresion en el pecho"}, {From: "bot", Text: "¿Sigue con el dolor?"}}, flags: []string{"chest_pain"}},
		{text: "no, eso fue hace años. solo quiero sacar cita", context: []Turn{{From: "patient", Text: "tuve una embolia"}, {From: "bot", Text: "¿Le está pasando ahora?"}}, flags: nil, max: Routine},
		{text: "tiene 6 semanas", context: []Turn{{From: "patient", Text: "mi bebe tiene calentura de 38.6"}, {From: "bot", Text: "¿Qué edad tiene su bebé?"}}, flags: []string{"infant_fever"}},
	})
}

// A bare "no" with its pronoun ("no me duele", "no le falta"), reduced fetal movements, a mild chest
// infection with the breathlessness denied, and screening asked for because of a relative's illness.
func TestRulesSpanishNegationAndCues(t *testing.T) {
	checkRules(t, []ruleCase{
		// "no me" / "no le" before the verb denies the symptom, whichever side the body part is on.
		{text: "no me duele nada el pecho, lo que tengo es tos seca", flags: nil, max: Soon},
		{text: "el pecho no me aprieta ni me duele, es mas bien la espalda", flags: nil, max: Soon},
		{text: "a mi papa no le duele el pecho, solo anda cansado", flags: nil, max: Soon},
		{text: "no me falta el aire, nomas estoy muy congestionada", flags: nil, max: Soon},
		{text: "no siento presion en el pecho ni me cuesta respirar", flags: nil, max: Soon},
		{text: "no me molesta el pecho para nada, es la garganta", flags: nil, max: Soon},
		// ... but not where "no" is part of the symptom, or a figure of speech.
		{text: "no me para de doler el pecho y me suda la frente", flags: []string{"chest_pain"}},
		{text: "no me quita el dolor de pecho la pastilla", flags: []string{"chest_pain"}},
		{text: "no le exagero, me aprieta el pecho horrible", flags: []string{"chest_pain"}},
		{text: "no le miento doctora me falta el aire horrible", flags: []string{"breathing"}},
		{text: "no me deja de sangrar la herida, ya empape dos toallas", flags: []string{"bleeding"}},
		{text: "no le puedo despertar y esta tirado en el piso", flags: []string{"unconscious"}},
		{text: "mi papa no me responde y esta tirado en el suelo", flags: []string{"unconscious"}},
		{text: "no le entra el aire y se le hunden las costillas", flags: []string{"breathing"}},
		{text: "no me funciona el brazo y la cara se me cayo de un lado", flags: []string{"stroke"}},
		{text: "no me queda insulina", min: Urgent},

		// Fewer or no movements of the baby: the same day at least.
		{text: "tengo 33 semanas y siento que el bebe se mueve menos que ayer", min: Urgent},
		{text: "embarazada de 36 semanas, casi no he sentido patadas hoy", min: Urgent},
		{text: "desde anoche mi bebe esta muy quietito en la panza, tengo 8 meses", min: Urgent},
		{text: "estoy de 30 semanas y ya no patea como antes", min: Urgent},
		{text: "las pataditas del bebe son menos que ayer", min: Urgent},
		{text: "no he sentido al bebe en todo el dia, tengo 37 semanas", min: Urgent},
		{text: "no noto que se mueva mi bebe desde la mañana, estoy de 34 semanas", min: Urgent},
		{text: "tengo 28 semanas y el bebe se mueve muchisimo en la noche, es normal?", flags: nil, max: Soon},

		// A chest cold with a low temperature and no breathlessness is for the coming days.
		{text: "tos con flema verde hace 4 dias y 37.6 de temperatura, no me falta el aire", flags: nil, urgency: Soon},
		{text: "llevo una semana con tos y mocos, febricula de 37.4, respiro bien y no me ahogo", flags: nil, urgency: Soon},
		{text: "mi hijo tiene tos con flemas desde el lunes, 37.8, no le cuesta respirar", flags: nil, urgency: Soon},
		{text: "tos con flemas hace 5 dias y me falta el aire al caminar", min: Urgent},

		// Screening for the patient because a relative, near or far, has an illness: routine.
		{text: "mi hermano que vive en Colombia tiene diabetes, deberia hacerme examenes yo?", flags: nil, urgency: Routine},
		{text: "mi papa vive en Peru y tuvo cancer de colon, a que edad me debo hacer la colonoscopia?", flags: nil, urgency: Routine},
		{text: "mi abuela alla en Honduras tiene colesterol alto, me conviene revisarme?", flags: nil, urgency: Routine},
		{text: "mi tia vive en Bolivia y tiene cancer de mama, me recomiendan algun estudio?", flags: nil, urgency: Routine},
	})
}
