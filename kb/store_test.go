package kb

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/llm/llmtest"
	"github.com/clinictriage/assistant/store/storetest"
)

func localEmbedder(t testing.TB) *LocalEmbedder {
	t.Helper()
	e, err := NewLocalEmbedder(LocalDims)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func demoDocs(t testing.TB) []Document {
	t.Helper()
	docs, err := ReadDir(Demo, "demo", "en")
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// demoStore is a fresh schema holding the demo knowledge base.
func demoStore(t testing.TB) *Store {
	t.Helper()
	s := NewStore(storetest.New(t).Pool, localEmbedder(t), "en")
	if _, err := s.Ingest(context.Background(), demoDocs(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

func doc(t testing.TB, id, lang, body string) Document {
	t.Helper()
	d, err := Parse("---\nid: "+id+"\nlang: "+lang+"\n---\n"+body, "markdown", lang+"/"+id+".md", "en")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func chunkIDs(t testing.TB, s *Store, id string) []int64 {
	t.Helper()
	chunks, err := s.Show(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range chunks {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestIngestIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	docs := demoDocs(t)
	before := chunkIDs(t, s, "locations-hours")
	rep, err := s.Ingest(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != len(docs) || rep.Added+rep.Updated+rep.Withdrawn+rep.Chunks != 0 {
		t.Fatalf("second ingest changed something: %+v", rep)
	}
	if after := chunkIDs(t, s, "locations-hours"); !slices.Equal(before, after) {
		t.Fatalf("chunks rewritten: %v -> %v", before, after)
	}
	if n, err := s.Missing(ctx); err != nil || n != 0 {
		t.Fatalf("missing vectors %d %v", n, err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != len(docs) {
		t.Fatalf("list: %d documents, %v", len(list), err)
	}
}

func TestIngestUpdatesAndWithdraws(t *testing.T) {
	ctx := context.Background()
	s := NewStore(storetest.New(t).Pool, localEmbedder(t), "en")
	parking := doc(t, "parking", "en", "# Parking\n\nParking at the clinic is free for the first two hours.\n")
	flu := doc(t, "flu-shots", "en", "# Flu shots\n\nFlu vaccines are given every weekday from October.\n")
	if rep, err := s.Ingest(ctx, []Document{parking, flu}); err != nil || rep.Added != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	old := chunkIDs(t, s, "parking")

	parking = doc(t, "parking", "en", "# Parking\n\nParking at the clinic now costs 2 dollars an hour; the garage is on Elm Street.\n")
	rep, err := s.Ingest(ctx, []Document{parking, flu})
	if err != nil || rep.Updated != 1 || rep.Unchanged != 1 {
		t.Fatalf("update: %+v %v", rep, err)
	}
	chunks, err := s.Show(ctx, "parking")
	if err != nil || len(chunks) != 1 || !strings.Contains(chunks[0].Body, "Elm Street") || slices.Contains(old, chunks[0].ID) {
		t.Fatalf("updated document not re-chunked: %+v %v", chunks, err)
	}
	res, err := s.Search(ctx, Query{Text: "which street is the garage on", Lang: "en"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].DocID != "parking" {
		t.Fatalf("search after update: %+v %v", res, err)
	}

	// The flu page leaves the folder: withdrawn, kept in the list, never found.
	if rep, err := s.Ingest(ctx, []Document{parking}); err != nil || rep.Withdrawn != 1 {
		t.Fatalf("withdraw: %+v %v", rep, err)
	}
	res, err = s.Search(ctx, Query{Text: "when can I get a flu shot", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.DocID == "flu-shots" {
			t.Fatalf("withdrawn document found: %+v", res.Hits)
		}
	}
	if _, err := s.Show(ctx, "flu-shots"); assistant.ErrorCode(err) != assistant.ENOTFOUND {
		t.Fatalf("show withdrawn: %v", err)
	}
	list, _ := s.List(ctx)
	i := slices.IndexFunc(list, func(d DocInfo) bool { return d.ID == "flu-shots" })
	if i < 0 || list[i].Withdrawn == nil || list[i].Chunks != 0 {
		t.Fatalf("withdrawn document not listed as withdrawn: %+v", list)
	}
	// Back in the folder: active again.
	if rep, err := s.Ingest(ctx, []Document{parking, flu}); err != nil || rep.Added != 1 || rep.Unchanged != 1 {
		t.Fatalf("re-add: %+v %v", rep, err)
	}
	res, _ = s.Search(ctx, Query{Text: "when can I get a flu shot", Lang: "en"})
	if len(res.Hits) == 0 || res.Hits[0].DocID != "flu-shots" {
		t.Fatalf("re-added document not found: %+v", res.Hits)
	}
}

func TestSearchPrefersThePatientsLanguage(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	// The hours page exists in Spanish: it is quoted in Spanish.
	res, err := s.Search(ctx, Query{Text: "a que hora abre la clinica northgate el lunes", Lang: "es"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Lang != "es" {
		t.Fatalf("Spanish question: %+v", res.Hits)
	}
	if !slices.Equal(res.Langs, []string{"es", "en"}) {
		t.Fatalf("languages searched %v", res.Langs)
	}
	// Romanized Hindi searches the Hindi pages first.
	if res, err := s.Search(ctx, Query{Text: "bukhar", Lang: "hi-Latn"}); err != nil || res.Langs[0] != "hi" {
		t.Fatalf("hi-Latn: %+v %v", res, err)
	}
	if _, err := s.Search(ctx, Query{Text: "  ", Lang: "en"}); assistant.ErrorCode(err) != assistant.EINVALID {
		t.Fatalf("empty question: %v", err)
	}
}

func TestAnswerFallsBackToTheClinicsLanguage(t *testing.T) {
	ctx := context.Background()
	s := NewStore(storetest.New(t).Pool, localEmbedder(t), "en")
	docs := []Document{
		doc(t, "parking", "en", "# Parking\n\nParking in the garage on Elm Street is free for two hours.\n"),
		doc(t, "parking", "es", "# Estacionamiento\n\nEl estacionamiento en el garaje de la calle Elm es gratis por dos horas.\n"),
		doc(t, "travel-vaccines", "en", "# Travel vaccines\n\nBook a travel vaccine visit at least six weeks before your trip. Yellow fever vaccine is not given here.\n"),
	}
	if _, err := s.Ingest(ctx, docs); err != nil {
		t.Fatal(err)
	}
	r := NewResponder(s, 0.05, nil)
	ans, err := r.Answer(ctx, Question{Text: "¿el estacionamiento es gratis?", Lang: "es"})
	if err != nil || !ans.Answered || ans.Lang != "es" || !ans.Translated || !strings.Contains(ans.Text, "gratis") || !strings.Contains(ans.Text, "Fuente:") {
		t.Fatalf("Spanish page: %+v %v", ans, err)
	}
	ans, err = r.Answer(ctx, Question{Text: "necesito vacunas para viajar, cuando pido la cita?", Lang: "es"})
	if err != nil || !ans.Answered || ans.DocID != "travel-vaccines" || ans.Lang != "en" || ans.Translated {
		t.Fatalf("English-only page: %+v %v", ans, err)
	}
	if !strings.HasPrefix(ans.Text, "Aún no tenemos esta página en español; aquí está en inglés:") || !strings.Contains(ans.Text, "six weeks") {
		t.Fatalf("no note or no passage: %q", ans.Text)
	}
	if len(ans.ChunkIDs) != 1 || ans.Method != MethodExtractive {
		t.Fatalf("citation: %+v", ans)
	}
}

func TestExcerptKeepsTheRelevantLines(t *testing.T) {
	s := &Store{}
	var body strings.Builder
	for _, l := range []string{"Clinic: Monday to Friday 8 am to 6 pm.", "Lab: Monday to Friday 7 am to 3 pm.",
		"Pharmacy: Monday to Saturday 9 am to 7 pm.", "Imaging: weekdays 8 am to 4 pm."} {
		body.WriteString(l + " " + strings.Repeat("More words about this service that patients rarely need. ", 3) + "\n")
	}
	got := excerpt(body.String(), s.features("when is the pharmacy open on saturday"), s, MaxAnswerChars)
	if !strings.Contains(got, "Pharmacy: Monday to Saturday") || len([]rune(got)) > MaxAnswerChars {
		t.Fatalf("excerpt %q", got)
	}
}

func TestAbstainsWhenTheKnowledgeBaseDoesNotKnow(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	r := NewResponder(s, 0.5, nil)
	// Services, tests and requests the demo clinic's pages never mention, asked in words close to
	// what they do mention.
	for _, q := range []Question{
		{Text: "haben Sie auch einen Zahnarzt im Haus?", Lang: "de"},
		{Text: "are you hiring nurses right now? how do i apply", Lang: "en"},
		{Text: "puedo hacerme una resonancia magnetica de rodilla ahi?", Lang: "es"},
	} {
		ans, err := r.Answer(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Answered || ans.Reason != ReasonLowConfidence {
			t.Errorf("%q answered with confidence %.2f from %s", q.Text, ans.Confidence, ans.DocID)
		}
	}
	ans, err := r.Answer(ctx, Question{Text: "what is the address of the northgate clinic", Lang: "en"})
	if err != nil || !ans.Answered || !strings.Contains(ans.Text, "Northgate") {
		t.Fatalf("answerable question: %+v %v", ans, err)
	}
}

// Switching embedders: the new one has no vectors until one reindex, which embeds everything, drops
// the old vectors and their index, and leaves search working.
func TestEmbedderSwitch(t *testing.T) {
	ctx := context.Background()
	schema := storetest.New(t)
	local := NewStore(schema.Pool, localEmbedder(t), "en")
	docs := []Document{
		doc(t, "parking", "en", "# Parking\n\nThe garage on Elm Street is free for two hours.\n"),
		doc(t, "flu-shots", "en", "# Flu shots\n\nFlu vaccines are given every weekday from October.\n"),
	}
	if _, err := local.Ingest(ctx, docs); err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New(nil)
	defer srv.Close()
	remote, err := NewOpenAIEmbedder(ctx, OpenAIEmbedderConfig{BaseURL: srv.BaseURL(), Model: "test-embed"})
	if err != nil {
		t.Fatal(err)
	}
	if remote.Dims() != 64 || remote.ID() == local.Embedder().ID() {
		t.Fatalf("remote embedder %s with %d dimensions", remote.ID(), remote.Dims())
	}
	s := NewStore(schema.Pool, remote, "en")
	if n, _ := s.Missing(ctx); n != 2 {
		t.Fatalf("missing before reindex: %d", n)
	}
	n, err := s.Reindex(ctx, false)
	if err != nil || n != 2 {
		t.Fatalf("reindex: %d %v", n, err)
	}
	if n, _ := s.Missing(ctx); n != 0 {
		t.Fatalf("missing after reindex: %d", n)
	}
	var embedders []string
	rows, _ := schema.Pool.Query(ctx, `SELECT DISTINCT embedder FROM kb_embeddings`)
	for rows.Next() {
		var e string
		rows.Scan(&e)
		embedders = append(embedders, e)
	}
	if !slices.Equal(embedders, []string{remote.ID()}) {
		t.Fatalf("embedders stored: %v", embedders)
	}
	var indexes []string
	rows, _ = schema.Pool.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'kb_embeddings_hnsw_%'`, schema.Name)
	for rows.Next() {
		var i string
		rows.Scan(&i)
		indexes = append(indexes, i)
	}
	if !slices.Equal(indexes, []string{indexName(remote.ID())}) {
		t.Fatalf("indexes: %v", indexes)
	}
	res, err := s.Search(ctx, Query{Text: "is the garage on elm street free", Lang: "en"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].DocID != "parking" || res.Hits[0].Cos <= 0 {
		t.Fatalf("search with the new embedder: %+v %v", res.Hits, err)
	}
	// A later ingest embeds with the new embedder too.
	docs = append(docs, doc(t, "billing", "en", "# Billing\n\nPay your bill online or by phone.\n"))
	if _, err := s.Ingest(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Missing(ctx); n != 0 {
		t.Fatalf("missing after ingest: %d", n)
	}
	// A server that fails makes the ingest fail, with nothing half-written.
	srv.SetEmbedBehavior(llmtest.FailEmbeddings(500))
	docs = append(docs, doc(t, "records", "en", "# Records\n\nAsk for a copy of your records.\n"))
	if _, err := s.Ingest(ctx, docs); err == nil {
		t.Fatal("ingest with a failing embedder succeeded")
	}
	if _, err := s.Show(ctx, "records"); assistant.ErrorCode(err) != assistant.ENOTFOUND {
		t.Fatalf("half-written document: %v", err)
	}
}

// An embedding server that goes down does not stop the search: full text answers alone, the result
// says it is degraded, and no error reaches the caller (who would otherwise retry instead of answer).
// A server down at start still gives an embedder, which learns its dimension once the server answers.
func TestSearchWithoutTheEmbedder(t *testing.T) {
	ctx := context.Background()
	schema := storetest.New(t)
	srv := llmtest.New(nil)
	defer srv.Close()
	e, err := NewOpenAIEmbedder(ctx, OpenAIEmbedderConfig{BaseURL: srv.BaseURL(), Model: "test-embed"})
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(schema.Pool, e, "en")
	docs := []Document{
		doc(t, "parking", "en", "# Parking\n\nThe garage on Elm Street is free for two hours.\n"),
		doc(t, "flu-shots", "en", "# Flu shots\n\nFlu vaccines are given every weekday from October.\n"),
	}
	if _, err := s.Ingest(ctx, docs); err != nil {
		t.Fatal(err)
	}
	srv.SetEmbedBehavior(llmtest.FailEmbeddings(503))
	res, err := s.Search(ctx, Query{Text: "is the garage on elm street free?", Lang: "en"})
	if err != nil || !res.Degraded || len(res.Hits) == 0 || res.Hits[0].DocID != "parking" || res.Hits[0].Cos != 0 {
		t.Fatalf("degraded search: %+v %v", res, err)
	}

	down, err := NewOpenAIEmbedder(ctx, OpenAIEmbedderConfig{BaseURL: srv.BaseURL(), Model: "other-embed", Timeout: 100 * time.Millisecond})
	if err == nil || down == nil || down.Dims() != 0 {
		t.Fatalf("embedder with the server down: %v, %v", down, err)
	}
	if err := NewStore(schema.Pool, down, "en").EnsureIndex(ctx); err != nil {
		t.Fatalf("index before the dimension is known: %v", err)
	}
	srv.SetEmbedBehavior(llmtest.BagOfWords(32))
	if _, err := down.Embed(ctx, []string{"hello"}); err != nil || down.Dims() != 32 {
		t.Fatalf("dimension not learnt: %d %v", down.Dims(), err)
	}
}
