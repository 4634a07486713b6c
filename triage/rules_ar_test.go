package triage

import "testing"

// Arabic as patients type it: MSA, Egyptian, Levantine, Gulf, Iraqi, Maghrebi and Arabizi.
func TestRulesArabic(t *testing.T) {
	checkRules(t, []ruleCase{
		// Red flags, as patients put them.
		{text: "حاسة بضغط قوي على صدري من نص ساعة وعرقانة", flags: []string{"chest_pain"}, urgency: Emergency},
		{text: "أشعر بألم ضاغط في منتصف الصدر يمتد إلى الذراع اليسرى", flags: []string{"chest_pain"}},
		{text: "3andi wja3 ktir b sadri w nazel 3ala idi el shmal", flags: []string{"chest_pain"}},
		{text: "جدي فجأة تمه مايل وما عم يقدر يرفع ايده", flags: []string{"stroke"}},
		{text: "mama kalama mesh mafhoum w wesha mayel", flags: []string{"stroke"}},
		{text: "ابني مش قادر ياخد نفسه وشفايفه زرقا", flags: []string{"breathing"}},
		{text: "ما نقدرش نتنفس، عاونوني", flags: []string{"breathing"}},
		{text: "ma 3am b2dar etnaffas", flags: []string{"breathing"}},
		{text: "الدم ما وقف من راسه من ربع ساعة", flags: []string{"bleeding"}},
		{text: "انطعن اخوي بسكين ببطنه", flags: []string{"bleeding"}},
		{text: "أكلت مكسرات والآن لساني متورم ولا أستطيع التنفس", flags: []string{"anaphylaxis"}},
		{text: "بعد لسعة الدبور حلقي عم يسكر", flags: []string{"anaphylaxis"}},
		{text: "ابوي مغمى عليه على الارض ومش بيرد", flags: []string{"unconscious"}},
		{text: "khalti ta7et bel ard w ma 3am trod", flags: []string{"unconscious"}},
		{text: "ابني عم يتشنج وعيونه مقلوبة", flags: []string{"seizure"}},
		{text: "بنتي جاتها تشنجات من الحرارة هلأ", flags: []string{"seizure"}},
		{text: "اخوي الصغير بلع حبوب امي كلها", flags: []string{"overdose"}},
		{text: "شربت مبيد وحاسة بدوخة", flags: []string{"overdose"}},
		{text: "أنا حامل في الشهر السابع وعندي نزيف شديد", flags: []string{"pregnancy_emergency"}, min: Emergency},
		{text: "7amle w el bebe ma 3am yet7arrak", flags: []string{"pregnancy_emergency"}},
		{text: "بنتي عمرها ٣ أسابيع وحرارتها ٣٨.٤", flags: []string{"infant_fever"}},
		{text: "ibni 3omro shahrein w 3ando s5ana", flags: []string{"infant_fever"}},
		{text: "جاني أسوأ صداع بحياتي فجأة", flags: []string{"thunderclap_headache"}},
		{text: "صداع مفاجئ قوي جدا كأنه ضربة على راسي", flags: []string{"thunderclap_headache"}},
		{text: "انقلب الزيت المغلي على رجل ابني والجلد طالع", flags: []string{"severe_burn"}},
		{text: "احترق وجهه بالغاز وفي فقاعات كبيرة", flags: []string{"severe_burn"}},
		{text: "قررت أنهي حياتي الليلة", flags: []string{"self_harm"}, urgency: Emergency},
		{text: "bade mout, jama3t 7boob w ra7 ekhedon", flags: []string{"self_harm"}, urgency: Emergency},

		// Scope: negated, past, someone far away, hypothetical.
		{text: "ما عندي ألم في صدري، بس كحة من يومين", flags: nil, max: Soon},
		{text: "مش حاسس بضيق نفس، بس انفي مسدود", flags: nil, max: Soon},
		{text: "صدري ما بيوجعني، بس ضهري من امبارح", flags: nil, max: Soon},
		{text: "جاتني جلطة قبل خمس سنين، بدي اجدد دوا السيولة", flags: nil, max: Routine},
		{text: "لما كنت صغيرة كان عندي تشنجات، هلق بدي شهادة طبية للشغل", flags: nil, max: Routine},
		{text: "ابن عمي ساكن في كندا وجاته نوبة قلبية، شو لازم انتبه له؟", flags: nil, max: Soon},
		{text: "جدتي بالعناية المركزة وما عم تتنفس لحالها، بدي اعرف مواعيد الزيارة", flags: nil, max: Routine},
		{text: "ما هي أعراض الجلطة الدماغية؟", flags: nil, urgency: SelfCare},
		{text: "كيف اعرف اذا ابني عنده ضيق نفس؟", flags: nil, max: Routine},
		{text: "لو صار معه نزيف ما بيوقف شو بعمل؟", flags: nil, max: Routine},
		// A true current red flag mixed with such phrasing is still an emergency.
		{text: "ما عندي حرارة بس صدري كاتمني ومش قادر اتنفس", flags: []string{"chest_pain", "breathing"}},
		{text: "جاتني جلطة قبل سنتين وهلق رجع نفس الوجع بصدري", flags: []string{"chest_pain"}},
		{text: "ما في نزيف بس امي ما عم تفيق", flags: []string{"unconscious"}},

		// Same day, within days, routine, self-care.
		{text: "ابني حرارته ٣٩.٥ من امبارح وما بتنزل", urgency: Urgent},
		{text: "انجرحت ايدي بالقزاز والجرح عميق", urgency: Urgent},
		{text: "3andi 7arara 39 w ra3sha", urgency: Urgent},
		{text: "عندي كحة من اسبوعين وما عم تروح", urgency: Soon},
		{text: "عندي حرقة بالبول من يومين بدون حرارة", urgency: Soon},
		{text: "بدي اجدد وصفة دوا الغدة، باقي معي شهر", urgency: Routine},
		{text: "عايزة اغير ميعادي من الاتنين للاربع", urgency: Routine},
		{text: "bade ajadded el wasfa", urgency: Routine},
		{text: "فين اركن العربية عند العيادة؟", urgency: SelfCare},
		{text: "مشكورين ع المساعدة 🙏", urgency: SelfCare},
		{text: "emta btefta7o bokra?", urgency: SelfCare},

		// Passive thoughts of death in the dialects make the message urgent; a plan with poison or pills
		// at hand is an emergency, and the poisoning a red flag of its own.
		{text: "صرت حاسة حالي ما الي لزمة بهالدنيا", flags: nil, urgency: Urgent},
		{text: "اذا بموت بكرا ما حدا رح يحس فيي", flags: nil, urgency: Urgent},
		{text: "مفيش حد هيزعل عليا لو موت", flags: nil, urgency: Urgent},
		{text: "ودي اموت وارتاح من هالعيشة", flags: nil, urgency: Urgent},
		{text: "ma b9itch bghit n3ich, kolchi 3yit mno", flags: nil, urgency: Urgent},
		{text: "الدوا ده ملوش لازمة، بدي اغيره", flags: nil, max: Routine},
		{text: "bghit nmout, chrit dwa dyal tobba w ghadi nchrbo f lil", flags: []string{"self_harm", "overdose"}, urgency: Emergency},
		{text: "اشتريت سم فيران وحاطته جنب تختي، رح اشربه لما ينام الكل", flags: []string{"self_harm", "overdose"}, urgency: Emergency},
		{text: "jma3t l7bob dyal mama w ghadi nakhodhom ga3 had lila", flags: []string{"self_harm", "overdose"}, urgency: Emergency},
		{text: "غادي نشرب الجافيل هاد الليلة، ما بقيتش نعيش", flags: []string{"self_harm", "overdose"}, urgency: Emergency},
		{text: "bla3t ga3 l7bob li kanu 3ndi", flags: []string{"overdose"}},
		{text: "اشتريت مبيد للصراصير اليوم، شو لازم انتبه؟", flags: nil, max: Soon},

		// Under the ribs on the right, or the belly, is not the chest: the liver and gall bladder, the
		// same day with fever or yellow eyes. Chest words beside it still make chest pain.
		{text: "وجع تحت الضلوع من الجهة اليمنى بعد الاكل", flags: nil, max: Soon},
		{text: "ألم أسفل القفص الصدري الأيمن", flags: nil, max: Soon},
		{text: "يعورني تحت ضلوعي يمين وعندي حمى من امس", flags: nil, urgency: Urgent},
		{text: "عندي مغص تحت الضلوع من اليمين وعيوني صارت صفرا", flags: nil, urgency: Urgent},
		{text: "الكرش كيضرني من جهة اليمين وفيا السخانة", flags: nil, urgency: Urgent},
		{text: "ta7t dlou3 3la limin kaydorni w 3andi s5ana", flags: nil, urgency: Urgent},
		{text: "وجع تحت الضلوع وبصدري", flags: []string{"chest_pain"}},
		{text: "وجع تحت الضلوع نازل على ايدي الشمال وعرقان", flags: []string{"chest_pain"}},

		// An infected wound on a diabetic foot, an open head wound that needs stitches once the bleeding
		// has stopped: the same day. Stitches to be taken out are routine.
		{text: "انا مريض سكر وعندي جرح بكعب رجلي صار احمر ومنفوخ", urgency: Urgent},
		{text: "3andi sokkar w jor7 f sba3 rjli 7mer w mnfo5 w fih l9i7", urgency: Urgent},
		{text: "baba sukkari w el jar7 eli f rijlo a7mar w manfou5", urgency: Urgent},
		{text: "عندي السكر والقرحة اللي برجلي ما عم تطيب وصار لونها اسود", urgency: Urgent},
		{text: "بنتي وقعت عن التخت وراسها مفتوح من ورا، الدم وقف", urgency: Urgent},
		{text: "ابني خبط جبينه بالطاولة وانفتح، ما عاد ينزف بس شكله بدو قطب", urgency: Urgent},
		{text: "weldi t7ell lih rasso, ddem w9ef walakin khasso ghorz", urgency: Urgent},
		{text: "بدي موعد اشيل الغرز من راسي", max: Routine},

		// A blood-pressure medicine's side effect is for the coming days; with breathlessness, the same day.
		{text: "من يوم ما بلشت دوا الضغط الجديد رجليي منفوخين", flags: nil, urgency: Soon},
		{text: "الاملوديبين عملي تورم بالكاحل", flags: nil, urgency: Soon},
		{text: "dwa dyal tension 3amel lia rjliya mnfo5in", flags: nil, urgency: Soon},
		{text: "رجليا منفوخين من دوا الضغط ونفسي مقطوع لما امشي", flags: nil, min: Urgent},

		// How much of an everyday medicine to give a well child is information.
		{text: "كم جرعة البنادول لبنتي عمرها ٤ سنين؟", urgency: SelfCare},
		{text: "قديش بعطي ابني من شراب الباراسيتامول، وزنه ١٤ كيلو", urgency: SelfCare},
		{text: "ch7al n3tih mn dwa s5ana l weldi 3ndo 5 snin", urgency: SelfCare},
		{text: "ابني عمره شهرين وحرارته ٣٨.٥ كم جرعة البنادول", flags: []string{"infant_fever"}},

		// Context: an earlier red flag holds until the patient says it is over.
		{text: "وهلق صار يعرق كمان", context: []Turn{{From: "patient", Text: "صدري فيه ثقل"}, {From: "bot", Text: "هل الوجع مستمر؟"}}, flags: []string{"chest_pain"}},
		{text: "لا، كان من زمان، بدي بس اجدد دواه", context: []Turn{{From: "patient", Text: "ابوي وجهه مايل وما عم يحكي"}, {From: "bot", Text: "هل هذا يحدث الآن؟"}}, flags: nil, max: Routine},
		{text: "شهرين", context: []Turn{{From: "patient", Text: "البيبي سخن وحرارته 38.3"}, {From: "bot", Text: "قديش عمر البيبي؟"}}, flags: []string{"infant_fever"}},
	})
}
