package sentiment

import "testing"

func TestSpanish(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "muchisimas gracias, la doctora fue super amable", label: Positive},
		{text: "me pueden decir el horario del sabado", label: Neutral},
		{text: "me duele la rodilla desde hace una semana", label: Negative},
		{text: "ya me siento mucho mejor, gracias por todo", label: Positive},
		{text: "no estoy bien, me siento fatal", label: Negative},
		{text: "tengo mucho miedo, el corazon me late a mil y no me puedo calmar", label: Negative, distress: []string{Panic}},
		{text: "ayudenme porfa, no se que hacer", label: Negative, distress: []string{Panic}},
		{text: "es la tercera vez que llamo y nadie contesta, pesimo servicio", label: Negative, distress: []string{Anger}},
		{text: "estoy harta, voy a poner una queja", label: Negative, distress: []string{Anger}},
		{text: "no entiendo que tengo que hacer con el enlace que me mandaron", label: Negative, distress: []string{Confusion}},
		{text: "la app no me deja entrar, donde le pico?", distress: []string{Confusion}},
		{text: "desde que murio mi esposo me siento muy sola y sin ganas de nada", label: Negative, distress: []string{Sadness}},
		{text: "a veces pienso que todos estarian mejor sin mi", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "ya no quiero vivir, estoy cansada de vivir asi", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "tengo guardadas las pastillas de mi abuela y esta noche me las tomo todas para matarme", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		{text: "ya escribi la carta de despedida para mi familia", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmActive},
		// Negated, past and hypothetical self-harm is not current distress.
		{text: "no, nunca pensaria en quitarme la vida", distress: nil},
		{text: "no tengo ideas suicidas, solo no duermo bien", distress: nil},
		{text: "de adolescente me cortaba los brazos, ahora estoy bien", distress: nil},
		// Everyday words that look like distress but are not.
		{text: "me muero de hambre jaja, puedo desayunar antes del analisis?", distress: nil},
		{text: "mañana me toca cortarme el pelo", distress: nil},
		{text: "el bebe no deja de llorar por los colicos", distress: nil},
	})
}

// A short puzzled reply is confusion; "no me" denies, but not a wish to be dead.
func TestSpanishConfusionAndNegation(t *testing.T) {
	checkFeelings(t, []feelCase{
		{text: "cual app?", distress: []string{Confusion}},
		{text: "donde esta eso??", distress: []string{Confusion}},
		{text: "no le entendi", distress: []string{Confusion}},
		{text: "y eso donde es?", distress: []string{Confusion}},
		{text: "de que me habla?", distress: []string{Confusion}},
		{text: "que link? no me llego nada", distress: []string{Confusion}},
		{text: "que pagina web tienen?", distress: nil},
		{text: "donde queda la clinica?", distress: nil},
		{text: "no me duele nada, gracias", label: Positive, distress: nil},
		{text: "el bebe se mueve menos desde ayer", label: Negative},
		{text: "ya no me importa si me muero", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "no me llena nada quiero morirme", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
		{text: "no tengo ganas de vivir", label: Negative, distress: []string{SelfHarm}, selfHarm: SelfHarmPassive},
	})
}
