// Command triagectl administers the service from a shell: database checks and migrations, API keys,
// and (as later parts land) the knowledge base, prompts, evaluation and users.
//
// A command's result (a new key, a listing, what was migrated) goes to stdout; notes and errors go to
// stderr. Secrets a command needs (a user's password) come from stdin.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/eval"
	"github.com/clinictriage/assistant/prompts"
	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/triage"
)

const usage = `triagectl: administer the patient-chat triage assistant

Usage:
  triagectl db check                          check that DATABASE_URL answers and has pgvector
  triagectl migrate [up]                      apply every pending migration (River's included)
  triagectl migrate down [--steps N | --all]  revert the newest N migrations (default 1), or all
  triagectl migrate status                    show the schema version
  triagectl apikeys create --name NAME [--rotate]
                                              make an API key; prints it once on stdout
  triagectl apikeys list [--json]             list keys (never their secrets)
  triagectl apikeys revoke --name NAME        revoke the active key of that name
  triagectl eval triage --gold FILE [--json] [--lang L] [--verbose]
                                              triage metrics on a gold set (no database)
  triagectl eval language --gold FILE [--json]
                                              language detection on a gold set (no database)
  triagectl eval faq --gold FILE [--kb DIR] [--json] [--verbose] [--fit]
                                              knowledge-base retrieval on an FAQ gold set (in a
                                              scratch schema; the demo knowledge base by default)
  triagectl eval datasets --dir DIR [--medquad N] [--json]
                                              retrieval on MedQuAD and the COVID question pairs
  triagectl kb ingest DIR | --demo [--json]   load a knowledge-base folder: changed documents are
                                              re-chunked, removed ones withdrawn
  triagectl kb list [--json]                  documents, their languages, chunks and state
  triagectl kb show ID                        a document's chunks in every language
  triagectl kb reindex [--keep-others]        embed every chunk with the configured embedder
  triagectl kb search QUESTION [--lang L] [--json]
                                              what the knowledge base finds, with its confidence
  triagectl users add --email E --role R      add a console user (nurse, lead or admin); the
                                              password is the first line of stdin (at a terminal
                                              it is asked for, and shown as typed)
  triagectl users passwd --email E            set a user's password from stdin; ends their sessions
  triagectl users list [--json]               console users, their roles and last logins
  triagectl users demo                        make sure the demo users exist, give each a new random
                                              password and print "email role password" lines

Configuration comes from the environment, as for triaged (see README).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "triagectl:", userMessage(err))
		os.Exit(exitCode(err))
	}
}

// errUsage marks a command line that cannot be understood.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// userMessage shows domain errors by their safe message and everything else as it is: the operator
// running the command needs the detail.
func userMessage(err error) string {
	if code := assistant.ErrorCode(err); code != assistant.EINTERNAL {
		return assistant.ErrorMessage(err)
	}
	return err.Error()
}

// run executes one command; it is main without the process, for tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return flag.ErrHelp
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cmd, rest := strings.Join(args[:min(2, len(args))], " "), args[min(2, len(args)):]
	switch {
	case cmd == "db check":
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			summary, err := store.CheckServer(ctx, pool)
			if err == nil {
				fmt.Fprintln(stderr, "db: ok:", summary)
			}
			return err
		})
	case args[0] == "migrate":
		return migrate(ctx, cfg, args[1:], log, stdout, stderr)
	case cmd == "eval triage":
		return evalTriage(ctx, cfg, rest, stdout, stderr)
	case cmd == "eval language":
		return evalLanguage(cfg, rest, stdout, stderr)
	case cmd == "eval faq":
		return evalFAQ(ctx, cfg, rest, stdout, stderr)
	case cmd == "eval datasets":
		return evalDatasets(ctx, cfg, rest, stdout, stderr)
	case args[0] == "kb" && len(args) > 1:
		return kbCommand(ctx, cfg, args[1], rest, stdout, stderr)
	case args[0] == "users" && len(args) > 1:
		return usersCommand(ctx, cfg, args[1], rest, stdin, stdout, stderr)
	case cmd == "apikeys create":
		fs := flags("apikeys create", stderr)
		name := fs.String("name", "", "a name for the key, such as the integration using it")
		rotate := fs.Bool("rotate", false, "revoke an active key of the same name first")
		if err := parse(fs, rest); err != nil {
			return err
		}
		if strings.TrimSpace(*name) == "" {
			return fmt.Errorf("%w: apikeys create needs --name", errUsage)
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			k, secret, err := apikey.NewStore(pool).Create(ctx, *name, *rotate)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "created API key %q (%s); it is shown once:\n", k.Name, k.ID)
			fmt.Fprintln(stdout, secret)
			return nil
		})
	case cmd == "apikeys list":
		fs := flags("apikeys list", stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		if err := parse(fs, rest); err != nil {
			return err
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			keys, err := apikey.NewStore(pool).List(ctx)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(stdout).Encode(keys)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tPREFIX\tCREATED\tLAST USED\tSTATE")
			for _, k := range keys {
				state := "active"
				if k.RevokedAt != nil {
					state = "revoked " + k.RevokedAt.Format(time.DateTime)
				}
				used := "never"
				if k.LastUsedAt != nil {
					used = k.LastUsedAt.Format(time.DateTime)
				}
				fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\n", k.Name, k.Prefix, k.CreatedAt.Format(time.DateTime), used, state)
			}
			return tw.Flush()
		})
	case cmd == "apikeys revoke":
		fs := flags("apikeys revoke", stderr)
		name := fs.String("name", "", "the name of the key to revoke")
		if err := parse(fs, rest); err != nil {
			return err
		}
		return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
			if err := apikey.NewStore(pool).Revoke(ctx, *name); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "revoked API key %q\n", *name)
			return nil
		})
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, strings.Join(args, " "))
}

func migrate(ctx context.Context, cfg config.Config, args []string, log *slog.Logger, out, errOut io.Writer) error {
	sub := "up"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := flags("migrate "+sub, errOut)
	steps := fs.Int("steps", 1, "how many migrations to revert")
	all := fs.Bool("all", false, "revert every migration, River's included")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withPool(ctx, cfg, func(pool *pgxpool.Pool) error {
		m, err := store.NewMigrator(pool, log)
		if err != nil {
			return err
		}
		var done []string
		switch sub {
		case "up":
			done, err = m.Up(ctx)
		case "down":
			if *steps < 1 && !*all {
				return fmt.Errorf("%w: --steps must be at least 1", errUsage)
			}
			done, err = m.Down(ctx, *steps, *all)
		case "status":
			st, err := m.Status(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "schema version %d of %d; River migrations current: %t\n", st.Version, st.Latest, st.RiverCurrent)
			return nil
		default:
			return fmt.Errorf("%w: migrate takes up, down or status, not %q", errUsage, sub)
		}
		for _, d := range done {
			fmt.Fprintf(out, "migrate %s: %s\n", sub, d)
		}
		if err == nil && len(done) == 0 {
			fmt.Fprintf(out, "migrate %s: nothing to do\n", sub)
		}
		return err
	})
}

func withPool(ctx context.Context, cfg config.Config, fn func(*pgxpool.Pool) error) error {
	pool, err := store.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer pool.Close()
	return fn(pool)
}

func flags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

func evalLanguage(cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("eval language", stderr)
	goldPath := fs.String("gold", "", "gold set in the TRIAGE-SCALE.md format (JSON Lines)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *goldPath == "" {
		return fmt.Errorf("%w: eval language needs --gold FILE", errUsage)
	}
	gold, err := eval.ReadGoldFile(*goldPath)
	if err != nil {
		return err
	}
	d, err := triage.NewLanguageDetector(cfg.Languages, cfg.DefaultLanguage)
	if err != nil {
		return err
	}
	rep := eval.Language(d, gold)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	fmt.Fprintf(stdout, "language detection on %s: %d messages, accuracy %.3f\n", *goldPath, rep.N, rep.Accuracy)
	langs := make([]string, 0, len(rep.ByLang))
	for l := range rep.ByLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		fmt.Fprintf(stdout, "  %s  n=%-4d accuracy %.3f\n", l, rep.ByLang[l].N, rep.ByLang[l].Accuracy)
	}
	for _, m := range rep.Misses {
		fmt.Fprintf(stdout, "  miss %s: gold %s, got %s (%s)\n", m.ID, m.Gold, m.Got, m.Source)
	}
	return nil
}

func evalTriage(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	fs := flags("eval triage", stderr)
	goldPath := fs.String("gold", "", "gold set in the TRIAGE-SCALE.md format (JSON Lines)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	lang := fs.String("lang", "", "only the messages of this language")
	verbose := fs.Bool("verbose", false, "show each miss with its text and what the rules found")
	concurrency := fs.Int("concurrency", 8, "messages assessed at once (matters with a model)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *goldPath == "" {
		return fmt.Errorf("%w: eval triage needs --gold FILE", errUsage)
	}
	gold, err := eval.ReadGoldFile(*goldPath)
	if err != nil {
		return err
	}
	if *lang != "" {
		gold = slices.DeleteFunc(gold, func(m eval.GoldMessage) bool { return m.Lang != *lang })
		if len(gold) == 0 {
			return fmt.Errorf("no gold messages in language %q", *lang)
		}
	}
	assessor, err := triage.NewAssessor()
	if err != nil {
		return err
	}
	// The configured path: rules alone, or rules and the model when TRIAGE_LLM_BASE_URL is set.
	classifier, path, err := evalClassifier(cfg)
	if err != nil {
		return err
	}
	detector, err := triage.NewLanguageDetector(cfg.Languages, cfg.DefaultLanguage)
	if err != nil {
		return err
	}
	rep := eval.Triage(eval.WithLanguage(detector, func(in triage.Input) triage.Assessment {
		a, _ := triage.Judge(ctx, assessor, classifier, in)
		return a
	}), gold, *concurrency)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rep)
	}
	row := func(name string, m eval.Metrics) {
		fmt.Fprintf(stdout, "%-5s %4d  %8.3f  %8.3f  %8.3f  %8.3f  %8.3f  %8.3f  %8.3f\n", name, m.N, m.EmergencyRecall,
			m.SelfHarmRecall, m.UrgentPlusRecall, m.OverTriageRate, m.Accuracy, m.MacroF1, m.SentimentAccuracy)
	}
	fmt.Fprintf(stdout, "triage on %s (%s)\n", *goldPath, path)
	fmt.Fprintln(stdout, "lang     n  emerg_r  selfh_r  urg+_r   over_t   accur    macroF1  sentim")
	row("all", rep.Metrics)
	langs := make([]string, 0, len(rep.ByLang))
	for l := range rep.ByLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		row(l, rep.ByLang[l])
	}
	byID := map[string]eval.GoldMessage{}
	for _, m := range gold {
		byID[m.ID] = m
	}
	fmt.Fprintf(stdout, "%d misses, worst first:\n", len(rep.Misses))
	for _, m := range rep.Misses {
		line := fmt.Sprintf("  %-7s gold %-9s got %-9s", m.ID, m.Gold, m.Predicted)
		if m.SelfHarm != "" {
			line += " self_harm " + m.SelfHarm
		}
		fmt.Fprintln(stdout, line)
		if *verbose {
			g := byID[m.ID]
			a := eval.WithLanguage(detector, assessor.Assess)(g.Input())
			fmt.Fprintf(stdout, "          %q\n          %s | note: %s\n", g.Text, a.Rules.String(), g.Note)
		}
	}
	return nil
}

// evalClassifier builds the model classifier when one is configured, and names the path evaluated.
func evalClassifier(cfg config.Config) (triage.Classifier, string, error) {
	if !cfg.LLM.Enabled() {
		return nil, "rules only", nil
	}
	prompt, err := prompts.Get("classifier", cfg.LLM.PromptVersion)
	if err != nil {
		return nil, "", fmt.Errorf("TRIAGE_PROMPT_VERSION: %w", err)
	}
	c, err := triage.NewLLMClassifier(triage.LLMConfig{BaseURL: cfg.LLM.BaseURL, Model: cfg.LLM.Model, APIKey: cfg.LLM.APIKey,
		Timeout: cfg.LLM.Timeout, Redact: cfg.LLM.Redact, Prompt: prompt})
	if err != nil {
		return nil, "", err
	}
	return c, "rules + model " + cfg.LLM.Model + " with " + prompt.ID(), nil
}
