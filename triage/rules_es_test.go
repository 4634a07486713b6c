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
