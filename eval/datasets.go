package eval

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/clinictriage/assistant/kb"
)

// MedQuADPair is one consumer-health question with its answer (NIH MedQuAD, CC BY 4.0).
type MedQuADPair struct {
	QID      string `json:"qid"`
	Question string `json:"question"`
	QType    string `json:"qtype"`
	Answer   string `json:"answer"`
	Focus    string `json:"focus"`
}

// ReadMedQuAD reads up to limit pairs (all when limit <= 0) from the data set's JSON Lines, gzipped
// or not. Pairs without an answer are skipped.
func ReadMedQuAD(path string, limit int) ([]MedQuADPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("medquad: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("medquad: %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var out []MedQuADPair
	for n := 1; sc.Scan(); n++ {
		var p MedQuADPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("medquad: %s: line %d: %w", path, n, err)
		}
		if strings.TrimSpace(p.Answer) == "" || strings.TrimSpace(p.Question) == "" {
			continue
		}
		out = append(out, p)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, sc.Err()
}

var nonID = regexp.MustCompile(`[^a-z0-9._-]+`)

// MedQuADDocuments turns answers into knowledge-base documents titled by their focus (the topic, as a
// clinic's page would be), never by the question, which would give the answer away.
func MedQuADDocuments(pairs []MedQuADPair) ([]kb.Document, error) {
	docs := make([]kb.Document, 0, len(pairs))
	for _, p := range pairs {
		id := nonID.ReplaceAllString(strings.ToLower(p.QID), "-")
		title := strings.TrimSpace(p.Focus)
		if title == "" {
			title = "Health information"
		}
		// Answers are one long paragraph whose lists are " - " runs: put each item on its own line so
		// that chunks end between items, as they do in the clinic's own pages.
		body := "# " + title + "\n\n" + strings.ReplaceAll(p.Answer, " - ", "\n- ") + "\n"
		d, err := kb.Parse("---\nid: "+id+"\nlang: en\ntitle: "+strings.ReplaceAll(title, "\n", " ")+"\n---\n"+body, "markdown", id+".md", "en")
		if err != nil {
			return nil, fmt.Errorf("medquad %s: %w", p.QID, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// RetrievalReport is question-to-document retrieval on a public data set.
type RetrievalReport struct {
	Name      string  `json:"name"`
	Documents int     `json:"documents"`
	Questions int     `json:"questions"`
	HitAt1    float64 `json:"hit_at_1"`
	HitAt5    float64 `json:"hit_at_5"`
	MRR       float64 `json:"mrr"`
	// TopicAt1 counts a first hit on the same topic (MedQuAD's focus) as right: a page on the
	// right condition, if not the section asked about.
	TopicAt1 float64 `json:"topic_at_1,omitempty"`
}

// MedQuADRetrieval asks each question of pairs against a knowledge base holding their answers.
func MedQuADRetrieval(ctx context.Context, s Searcher, pairs []MedQuADPair) (RetrievalReport, error) {
	focus := map[string]string{}
	for _, p := range pairs {
		focus[nonID.ReplaceAllString(strings.ToLower(p.QID), "-")] = strings.ToLower(strings.TrimSpace(p.Focus))
	}
	r := RetrievalReport{Name: "medquad", Documents: len(pairs)}
	for _, p := range pairs {
		res, err := s.Search(ctx, kb.Query{Text: p.Question, Lang: "en", Limit: 5})
		if err != nil {
			return r, err
		}
		want := nonID.ReplaceAllString(strings.ToLower(p.QID), "-")
		if len(res.Hits) > 0 && focus[res.Hits[0].DocID] == focus[want] {
			r.TopicAt1++
		}
		r.score(res.Hits, want)
	}
	n := float64(max(r.Questions, 1))
	r.HitAt1, r.HitAt5, r.MRR, r.TopicAt1 = r.HitAt1/n, r.HitAt5/n, r.MRR/n, r.TopicAt1/n
	return r, nil
}

// QSimPair is a pair of health questions with the same meaning or not (COVID question similarity,
// English and German).
type QSimPair struct {
	ID   string `json:"id"`
	Lang string `json:"lang"`
	Q1   string `json:"q1"`
	Q2   string `json:"q2"`
	Same int    `json:"same"`
}

// ReadQSim reads the question pairs.
func ReadQSim(path string) ([]QSimPair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("qsim: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var out []QSimPair
	for n := 1; sc.Scan(); n++ {
		var p QSimPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("qsim: %s: line %d: %w", path, n, err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// QSimDocuments makes one document of every distinct second question of a language: the
// knowledge base the first questions of the same-meaning pairs are asked against.
func QSimDocuments(pairs []QSimPair, lang string) ([]kb.Document, map[string]string, error) {
	ids := map[string]string{} // q2 text -> document id
	var docs []kb.Document
	for _, p := range pairs {
		if p.Lang != lang || ids[p.Q2] != "" {
			continue
		}
		id := fmt.Sprintf("q-%s-%d", lang, len(ids)+1)
		ids[p.Q2] = id
		d, err := kb.Parse("---\nid: "+id+"\nlang: "+lang+"\n---\n"+p.Q2+"\n", "text", id+".txt", lang)
		if err != nil {
			return nil, nil, fmt.Errorf("qsim %s: %w", p.ID, err)
		}
		docs = append(docs, d)
	}
	return docs, ids, nil
}

// QSimRetrieval asks the first question of every same-meaning pair of lang and looks for its
// partner among all the second questions.
func QSimRetrieval(ctx context.Context, s Searcher, pairs []QSimPair, lang string, ids map[string]string) (RetrievalReport, error) {
	r := RetrievalReport{Name: "covid_qsim_" + lang, Documents: len(ids)}
	for _, p := range pairs {
		if p.Lang != lang || p.Same != 1 {
			continue
		}
		res, err := s.Search(ctx, kb.Query{Text: p.Q1, Lang: lang, Limit: 5})
		if err != nil {
			return r, err
		}
		r.score(res.Hits, ids[p.Q2])
	}
	n := float64(max(r.Questions, 1))
	r.HitAt1, r.HitAt5, r.MRR = r.HitAt1/n, r.HitAt5/n, r.MRR/n
	return r, nil
}

// score counts one question whose right document is want, by where it stands in the hits (the
// sums are divided by the number of questions at the end).
func (r *RetrievalReport) score(hits []kb.Hit, want string) {
	r.Questions++
	for i, h := range hits {
		if h.DocID == want {
			if i == 0 {
				r.HitAt1++
			}
			r.HitAt5++
			r.MRR += 1 / float64(i+1)
			return
		}
	}
}
