package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/eval"
	"github.com/clinictriage/assistant/kb"
	"github.com/clinictriage/assistant/store"
)

// kbCommand runs `triagectl kb ...`.
func kbCommand(ctx context.Context, cfg config.Config, sub string, args []string, stdout, stderr io.Writer) error {
	switch sub {
	case "ingest":
		fs := flags("kb ingest", stderr)
		demo := fs.Bool("demo", false, "ingest the demo clinic's knowledge base built into triagectl")
		asJSON := fs.Bool("json", false, "print the report as JSON")
		dir, rest := firstArg(args)
		if err := parse(fs, rest); err != nil {
			return err
		}
		if (dir == "") == !*demo {
			return fmt.Errorf("%w: kb ingest needs a folder (kb ingest DIR) or --demo", errUsage)
		}
		docs, err := readKB(dir, cfg.DefaultLanguage)
		if err != nil {
			return err
		}
		return withKB(ctx, cfg, func(_ *pgxpool.Pool, s *kb.Store) error {
			rep, err := s.Ingest(ctx, docs)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(stdout).Encode(rep)
			}
			fmt.Fprintf(stdout, "kb ingest: %d documents: %d added, %d updated, %d unchanged, %d withdrawn; %d chunks written with %s in %s\n",
				len(docs), rep.Added, rep.Updated, rep.Unchanged, rep.Withdrawn, rep.Chunks, s.Embedder().ID(), rep.Took.Round(time.Millisecond))
			return nil
		})
	case "list":
		fs := flags("kb list", stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		if err := parse(fs, args); err != nil {
			return err
		}
		return withKB(ctx, cfg, func(_ *pgxpool.Pool, s *kb.Store) error {
			docs, err := s.List(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(stdout).Encode(docs)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLANG\tCHUNKS\tUPDATED\tSTATE\tTITLE")
			for _, d := range docs {
				state, updated := "active", "-"
				if d.Withdrawn != nil {
					state = "withdrawn " + d.Withdrawn.Format(time.DateOnly)
				}
				if d.Updated != nil {
					updated = d.Updated.Format(time.DateOnly)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", d.ID, d.Lang, d.Chunks, updated, state, d.Title)
			}
			return tw.Flush()
		})
	case "show":
		id, rest := firstArg(args)
		fs := flags("kb show", stderr)
		if err := parse(fs, rest); err != nil {
			return err
		}
		if id == "" {
			return fmt.Errorf("%w: kb show needs a document id", errUsage)
		}
		return withKB(ctx, cfg, func(_ *pgxpool.Pool, s *kb.Store) error {
			chunks, err := s.Show(ctx, id)
			if err != nil {
				return err
			}
			lang := ""
			for _, c := range chunks {
				if c.Lang != lang {
					lang = c.Lang
					fmt.Fprintf(stdout, "== %s [%s] %s\n", c.DocID, c.Lang, c.Title)
				}
				fmt.Fprintf(stdout, "-- chunk %d (#%d) %s\n%s\n", c.Ordinal, c.ID, strings.Join(c.HeadingPath, " › "), c.Body)
			}
			return nil
		})
	case "reindex":
		fs := flags("kb reindex", stderr)
		keep := fs.Bool("keep-others", false, "keep the vectors of other embedders (to switch back without re-embedding)")
		if err := parse(fs, args); err != nil {
			return err
		}
		return withKB(ctx, cfg, func(_ *pgxpool.Pool, s *kb.Store) error {
			n, err := s.Reindex(ctx, *keep)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "kb reindex: %d chunks embedded with %s\n", n, s.Embedder().ID())
			return nil
		})
	case "search":
		question, rest := firstArg(args)
		fs := flags("kb search", stderr)
		lang := fs.String("lang", "", "the patient's language (default: the clinic's)")
		asJSON := fs.Bool("json", false, "print JSON")
		if err := parse(fs, rest); err != nil {
			return err
		}
		if strings.TrimSpace(question) == "" {
			return fmt.Errorf("%w: kb search needs a question", errUsage)
		}
		return withKB(ctx, cfg, func(_ *pgxpool.Pool, s *kb.Store) error {
			res, err := s.Search(ctx, kb.Query{Text: question, Lang: *lang})
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(stdout).Encode(res)
			}
			fmt.Fprintf(stdout, "confidence %.2f (answers at %.2f or more); searched %s\n", res.Confidence, cfg.KB.MinConfidence, strings.Join(res.Langs, ", "))
			for i, h := range res.Hits {
				fmt.Fprintf(stdout, "%d. %s [%s] score %.4f cosine %.3f text %.3f coverage %.2f — %s › %s\n", i+1, h.DocID, h.Lang,
					h.Score, h.Cos, h.Text, h.Cover, h.Title, strings.Join(h.Best.HeadingPath, " › "))
			}
			return nil
		})
	}
	return fmt.Errorf("%w: kb takes ingest, list, show, reindex or search, not %q", errUsage, sub)
}

// firstArg splits off a leading positional argument (flags may follow it).
func firstArg(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// readKB reads a knowledge-base folder, or the built-in demo one when dir is empty.
func readKB(dir, defaultLang string) ([]kb.Document, error) {
	var fsys fs.FS = kb.Demo
	root := "demo"
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("knowledge base folder: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("knowledge base folder: %s is not a folder", dir)
		}
		fsys, root = os.DirFS(dir), "."
	}
	docs, err := kb.ReadDir(fsys, root, defaultLang)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("knowledge base folder %s holds no documents (*.md, *.txt, *.html)", dir)
	}
	return docs, nil
}

func withKB(ctx context.Context, cfg config.Config, fn func(*pgxpool.Pool, *kb.Store) error) error {
	return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
		e, err := kb.NewEmbedder(ctx, cfg.KB, nil)
		if err != nil {
			return err
		}
		return fn(pool, kb.NewStore(pool, e, cfg.DefaultLanguage))
	})
}

// calibrationL2 is the penalty on the calibration's weights: enough to keep a few hundred questions
// from being learnt by heart.
const calibrationL2 = 1.0

// evalFAQ loads a knowledge base into a scratch schema and measures retrieval on an FAQ gold set.
func evalFAQ(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("eval faq", stderr)
	goldPath := fs.String("gold", "", "FAQ gold set (JSON Lines: id, lang, text, answer_ids)")
	dir := fs.String("kb", "", "knowledge-base folder (default: the demo clinic's)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	verbose := fs.Bool("verbose", false, "list every miss")
	features := fs.Bool("features", false, "include each question's confidence signals (for calibration)")
	fit := fs.Bool("fit", false, "fit the confidence calibration on this set, print it, and report with it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *goldPath == "" {
		return fmt.Errorf("%w: eval faq needs --gold FILE", errUsage)
	}
	qs, err := eval.ReadFAQFile(*goldPath)
	if err != nil {
		return err
	}
	docs, err := readKB(*dir, cfg.DefaultLanguage)
	if err != nil {
		return err
	}
	e, err := kb.NewEmbedder(ctx, cfg.KB, nil)
	if err != nil {
		return err
	}
	scratch, err := store.NewScratch(ctx, cfg.DatabaseURL, "eval_faq", 4)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer scratch.Drop(context.WithoutCancel(ctx))
	s := kb.NewStore(scratch.Pool, e, cfg.DefaultLanguage)
	if _, err := s.Ingest(ctx, docs); err != nil {
		return err
	}
	rep, err := eval.FAQ(ctx, s, qs, eval.FAQOptions{MinConfidence: cfg.KB.MinConfidence, WithFeatures: *features || *fit})
	if err != nil {
		return err
	}
	if *fit {
		signals := make([]kb.Signals, len(rep.Features))
		correct := make([]bool, len(rep.Features))
		for i, f := range rep.Features {
			signals[i], correct[i] = f.Signals, f.Correct
		}
		c, err := kb.FitCalibration(signals, correct, calibrationL2)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "calibration fitted on %d questions (signals cos, cover, margin, unknown, missing):\n  kb.Calibration{Bias: %.3f, Weights: [5]float64{%.3f, %.3f, %.3f, %.3f, %.3f}}\n",
			len(signals), c.Bias, c.Weights[0], c.Weights[1], c.Weights[2], c.Weights[3], c.Weights[4])
		s.SetCalibration(c)
		if rep, err = eval.FAQ(ctx, s, qs, eval.FAQOptions{MinConfidence: cfg.KB.MinConfidence, WithFeatures: *features}); err != nil {
			return err
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	fmt.Fprintf(stdout, "faq retrieval on %s with %s\n", *goldPath, e.ID())
	rep.WriteText(stdout, *verbose)
	return nil
}

// evalDatasets measures retrieval on the public data sets: MedQuAD questions against a knowledge base
// of their answers, and the English and German COVID question pairs (a question against all the
// others' partners). Each knowledge base lives in a scratch schema of its own.
func evalDatasets(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("eval datasets", stderr)
	dir := fs.String("dir", "", "the datasets folder (../shared/datasets)")
	limit := fs.Int("medquad", 4000, "MedQuAD question-answer pairs to use (0: all 16,407)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("%w: eval datasets needs --dir DIR", errUsage)
	}
	e, err := kb.NewEmbedder(ctx, cfg.KB, nil)
	if err != nil {
		return err
	}
	// inScratch loads docs into a scratch schema and runs fn on its store.
	inScratch := func(lang string, docs []kb.Document, fn func(*kb.Store) (eval.RetrievalReport, error)) (eval.RetrievalReport, error) {
		scratch, err := store.NewScratch(ctx, cfg.DatabaseURL, "eval_data", 4)
		if err != nil {
			return eval.RetrievalReport{}, fmt.Errorf("DATABASE_URL: %w", err)
		}
		defer scratch.Drop(context.WithoutCancel(ctx))
		s := kb.NewStore(scratch.Pool, e, lang)
		if _, err := s.Ingest(ctx, docs); err != nil {
			return eval.RetrievalReport{}, err
		}
		return fn(s)
	}
	var reports []eval.RetrievalReport
	pairs, err := eval.ReadMedQuAD(*dir+"/medquad/medquad_qa_answered.jsonl.gz", *limit)
	if err != nil {
		return err
	}
	docs, err := eval.MedQuADDocuments(pairs)
	if err != nil {
		return err
	}
	rep, err := inScratch("en", docs, func(s *kb.Store) (eval.RetrievalReport, error) { return eval.MedQuADRetrieval(ctx, s, pairs) })
	if err != nil {
		return err
	}
	reports = append(reports, rep)
	qs, err := eval.ReadQSim(*dir + "/covid_question_similarity_en_de/covid_qsim.jsonl")
	if err != nil {
		return err
	}
	for _, lang := range []string{"en", "de"} {
		docs, ids, err := eval.QSimDocuments(qs, lang)
		if err != nil {
			return err
		}
		rep, err := inScratch(lang, docs, func(s *kb.Store) (eval.RetrievalReport, error) { return eval.QSimRetrieval(ctx, s, qs, lang, ids) })
		if err != nil {
			return err
		}
		reports = append(reports, rep)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(reports)
	}
	fmt.Fprintf(stdout, "retrieval on public data sets with %s\n", e.ID())
	for _, r := range reports {
		fmt.Fprintf(stdout, "  %-16s %6d documents %6d questions  hit@1 %.3f  hit@5 %.3f  mrr %.3f", r.Name, r.Documents, r.Questions, r.HitAt1, r.HitAt5, r.MRR)
		if r.TopicAt1 > 0 {
			fmt.Fprintf(stdout, "  same topic@1 %.3f", r.TopicAt1)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}
