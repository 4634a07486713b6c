package kb

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func TestParseMarkdown(t *testing.T) {
	d, err := Parse("---\nid: fever\ntitle: Fever in adults\nlang: en\ntags: [self-care, fever]\nupdated: 2026-10-01\n---\n\n# Fever in adults\n\nA fever is **38°C** or more. See [our page](https://x.example).\n", "markdown", "en/fever.md", "en")
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "fever" || d.Lang != "en" || d.Title != "Fever in adults" || len(d.Tags) != 2 || d.Updated.Year() != 2026 || d.Hash == "" {
		t.Fatalf("%+v", d)
	}
}

func TestParseDefaultsAndErrors(t *testing.T) {
	d, err := Parse("Parking is free for 3 hours.\n", "text", "pt/parking.txt", "en")
	if err != nil || d.ID != "parking" || d.Lang != "pt" || d.Title != "parking" {
		t.Fatalf("%+v %v", d, err)
	}
	d, err = Parse(`<html lang="fr"><head><title>Horaires</title><style>p{}</style></head><body><nav>menu</nav><h1>Horaires</h1><p>Ouvert de <b>8 h</b> &agrave; 18 h.</p><ul><li>Lundi</li><li>Mardi</li></ul><script>x()</script></body></html>`, "html", "horaires.html", "en")
	if err != nil || d.Lang != "fr" || d.Title != "Horaires" || !strings.Contains(d.Body, "Ouvert de 8 h à 18 h.") || !strings.Contains(d.Body, "- Lundi") || strings.Contains(d.Body, "menu") || strings.Contains(d.Body, "x()") {
		t.Fatalf("%+v %v", d, err)
	}
	for in, want := range map[string]string{
		"---\nid: Bad Id\n---\nx":         "id",
		"---\nlang: english\n---\nx":      "lang",
		"---\nupdated: yesterday\n---\nx": "updated",
		"---\nid: x\n":                    "closing",
		"---\nid: x\n---\n  \n":           "no text",
	} {
		if _, err := Parse(in, "markdown", "a.md", "en"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one about %s", in, err, want)
		}
	}
}

func TestChunking(t *testing.T) {
	long := strings.Repeat("Bring your card and a list of your medicines. ", 40)
	d, _ := Parse("---\nid: visit\ntitle: Your visit\nlang: en\n---\n# Your visit\n\nIntro text.\n\n## Before\n\nFast for 8 hours.\n\n### Children\n\nKids may drink water.\n\n## On the day\n\n"+long+"\n", "markdown", "visit.md", "en")
	chunks := ChunkDocument(d)
	if len(chunks) < 5 {
		t.Fatalf("%d chunks: %+v", len(chunks), chunks)
	}
	want := [][]string{{}, {"Before"}, {"Before", "Children"}, {"On the day"}}
	for i, w := range want {
		if strings.Join(chunks[i].HeadingPath, "/") != strings.Join(w, "/") {
			t.Errorf("chunk %d path %v, want %v", i, chunks[i].HeadingPath, w)
		}
	}
	for i, c := range chunks {
		if utf8.RuneCountInString(c.Body) > MaxChunkChars || c.Ordinal != i || c.Title != "Your visit" {
			t.Errorf("chunk %d: %d chars, ordinal %d, title %q", i, utf8.RuneCountInString(c.Body), c.Ordinal, c.Title)
		}
	}
	if !strings.Contains(chunks[3].SearchText(), "Your visit — On the day") {
		t.Errorf("search text %q", chunks[3].SearchText())
	}
}

func TestReadDemo(t *testing.T) {
	docs, err := ReadDir(os.DirFS("demo"), ".", "en")
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]int{}
	for _, d := range docs {
		langs[d.Lang]++
		if len(ChunkDocument(d)) == 0 {
			t.Errorf("%s/%s has no chunks", d.Lang, d.ID)
		}
	}
	if len(docs) < 100 || langs["en"] < 40 || len(langs) != 7 {
		t.Fatalf("%d documents, by language %v", len(docs), langs)
	}
	_, err = ReadDir(fstest.MapFS{"a/x.md": {Data: []byte("---\nid: x\nlang: en\n---\nhi")}, "b/x.md": {Data: []byte("---\nid: x\nlang: en\n---\nho")}}, ".", "en")
	if err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("duplicate document: %v", err)
	}
}
