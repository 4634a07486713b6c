package consent

import "testing"

func TestMatchOneWordOnly(t *testing.T) {
	k, err := NewKeywords(DefaultKeywords)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"STOP": OptOut, " stop! ": OptOut, "Stop.": OptOut, "ARRÊT": OptOut, "arret": OptOut, "Baja": OptOut,
		"إلغاء": OptOut, "توقف": OptOut, "रोकें": OptOut, "start": OptIn, "Ayuda": Help, "HILFE": Help, "مساعدة": Help,
		"stop the pain please": "", "stopped": "", "": "", "!!!": "", "help me please": "",
	} {
		kw, ok := k.Match(text)
		if (want == "") == ok || (ok && kw.Action != want) {
			t.Errorf("%q: %+v %v, want %q", text, kw, ok, want)
		}
	}
}

func TestKeywordConfiguration(t *testing.T) {
	list, err := ParseKeywords("STOP:opt_out, ALTO:opt_out:es, VUELVO:opt_in:es, SOS:help")
	if err != nil || len(list) != 4 || list[1] != (Keyword{"ALTO", OptOut, "es"}) {
		t.Fatalf("%+v %v", list, err)
	}
	k, err := NewKeywords(list)
	if err != nil {
		t.Fatal(err)
	}
	if kw, ok := k.Match("alto"); !ok || kw.Lang != "es" {
		t.Fatalf("configured keyword: %+v %v", kw, ok)
	}
	if _, ok := k.Match("BAJA"); ok {
		t.Fatal("a configured list replaces the defaults")
	}
	for _, bad := range []string{"", "STOP", "STOP:later", "TWO WORDS:opt_out", "A:opt_out:es:x"} {
		list, err := ParseKeywords(bad)
		if err == nil {
			_, err = NewKeywords(list)
		}
		if err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := NewKeywords([]Keyword{{"GO", OptIn, ""}, {"go", OptOut, ""}}); err == nil {
		t.Error("one word with two meanings accepted")
	}
}

// Pipeline workers match messages at once.
func TestMatchConcurrently(t *testing.T) {
	k, err := NewKeywords(DefaultKeywords)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for range 8 {
		go func() {
			ok := true
			for range 200 {
				kw, m := k.Match("Arrêt")
				ok = ok && m && kw.Action == OptOut
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Fatal("a concurrent match went wrong")
		}
	}
}
