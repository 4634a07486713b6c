// Command triaged is the service: the HTTP API and webhooks, and the background workers that take
// every inbound message through the triage pipeline. Its configuration comes from the environment
// (see README); it migrates the database at start and shuts down gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"golang.org/x/time/rate"

	"github.com/clinictriage/assistant/account"
	"github.com/clinictriage/assistant/api"
	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/channel"
	"github.com/clinictriage/assistant/channel/generic"
	"github.com/clinictriage/assistant/channel/twilio"
	"github.com/clinictriage/assistant/channel/whatsapp"
	"github.com/clinictriage/assistant/config"
	"github.com/clinictriage/assistant/consent"
	"github.com/clinictriage/assistant/conversation"
	"github.com/clinictriage/assistant/delivery"
	"github.com/clinictriage/assistant/escalation"
	"github.com/clinictriage/assistant/kb"
	"github.com/clinictriage/assistant/metrics"
	"github.com/clinictriage/assistant/prompts"
	"github.com/clinictriage/assistant/store"
	"github.com/clinictriage/assistant/triage"
	"github.com/clinictriage/assistant/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "triaged:", err)
		os.Exit(1)
	}
}

// run starts the service and blocks until ctx ends, then shuts down gracefully. listening, when not
// nil, receives the address the server listens on (tests ask for port 0).
func run(ctx context.Context, getenv func(string) string, logOut io.Writer, listening func(addr string)) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel})).With("service", "triaged")

	pool, err := connect(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer pool.Close()

	migrator, err := store.NewMigrator(pool, log)
	if err != nil {
		return err
	}
	if applied, err := migrator.Up(ctx); err != nil {
		return err
	} else if len(applied) > 0 {
		log.Info("database migrated", "applied", len(applied))
	}

	start := time.Now()
	languages, err := triage.NewLanguageDetector(cfg.Languages, cfg.DefaultLanguage)
	if err != nil {
		return err
	}
	assessor, err := triage.NewAssessor()
	if err != nil {
		return err
	}
	classifier, err := newClassifier(cfg)
	if err != nil {
		return err
	}
	log.Info("language models and rules loaded", "languages", cfg.Languages, "ms", time.Since(start).Milliseconds(),
		"model", cfg.LLM.Model, "redact", cfg.LLM.Redact)
	responder, err := newResponder(ctx, cfg, pool, log)
	if err != nil {
		return err
	}

	m := metrics.New()
	workers := river.NewWorkers()
	jobs, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{
			river.QueueDefault:         {MaxWorkers: cfg.Workers},
			conversation.OutboundQueue: {MaxWorkers: max(4, cfg.Workers)},
		},
		Workers:    workers,
		JobTimeout: 2 * time.Minute,
		// A worker that finishes picks up the next queued message within a few milliseconds: with a
		// slow model, River's default 100 ms pause between fetches would idle every worker that long.
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 500 * time.Millisecond,
		Logger:            log.With("component", "river"),
	})
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	conversations := conversation.NewStore(pool, jobs)
	escalations := escalation.NewStore(pool, escalation.SLA{
		Emergency: cfg.SLAEmergency, Urgent: cfg.SLAUrgent, Soon: cfg.SLASoon, Routine: cfg.SLARoutine,
	})
	keywords, err := consentKeywords(cfg)
	if err != nil {
		return err
	}
	river.AddWorker(workers, triage.NewPipeline(triage.PipelineDeps{
		Keywords: keywords,
		Pool:     pool, Conversations: conversations, Escalations: escalations, Languages: languages,
		Assessor: assessor, Classifier: classifier, Answerer: responder, Metrics: m, Log: log.With("component", "pipeline"),
		Route: triage.RouteConfig{EmergencyNumber: cfg.EmergencyNumber, SLA: escalations.SLA(), DefaultLanguage: cfg.DefaultLanguage},
	}))

	dcfg := deliveryConfig(cfg, pool, log.With("component", "delivery"))
	dcfg.Metrics = m
	river.AddWorker(workers, delivery.NewWorker(dcfg))

	handler := api.New(api.Deps{
		Pool:          pool,
		Conversations: conversations,
		Escalations:   escalations,
		Keys:          apikey.NewStore(pool),
		Ready:         migrator.Ready,
		Metrics:       m,
		Log:           log.With("component", "http"),
	})
	// The providers' webhooks: each answers 404 while its secrets are unset.
	recordStatus := func(ctx context.Context, st channel.Status) (bool, error) {
		fresh, err := delivery.RecordStatus(ctx, pool, st)
		if fresh {
			m.StatusReports.WithLabelValues(st.Provider, st.State).Inc()
		}
		return fresh, err
	}
	waCfg, twCfg := providers(cfg)
	whatsapp.NewWebhook(waCfg, conversations, recordStatus, log.With("component", "whatsapp")).Register(handler)
	twilio.NewWebhook(twCfg, conversations, recordStatus, log.With("component", "twilio")).Register(handler)
	log.Info("channels", "whatsapp", waCfg.Enabled(), "twilio", twCfg.Enabled(), "api_callback", cfg.Channels.APICallbackURL != "")

	// The nurses' console shares the server. Its event hub listens for queue changes made by any
	// process on this database.
	hub := web.NewHub(pool, log.With("component", "console-events"))
	if err := web.Register(handler, web.Deps{
		Pool: pool, Accounts: account.NewStore(pool), Conversations: conversations, Escalations: escalations,
		Events: hub, Log: log.With("component", "console"),
		TrustProxy: cfg.Console.TrustProxy, SecureCookies: cfg.Console.SecureCookies,
	}); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("TRIAGE_ADDR: cannot listen on %s: %w", cfg.Addr, err)
	}

	// Workers start before the listener serves, so that messages accepted at once are also worked.
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	if err := jobs.Start(jobsCtx); err != nil {
		ln.Close()
		return fmt.Errorf("jobs: start: %w", err)
	}
	m.WatchJobs(jobsCtx, jobs)
	go hub.Run(jobsCtx)
	srv.RegisterOnShutdown(hub.Close)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "workers", cfg.Workers)
	if listening != nil {
		listening(ln.Addr().String())
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		log.Error("server stopped", "err", err)
	}
	return shutdown(cfg.ShutdownTimeout, srv, jobs, log)
}

// shutdown stops taking requests, lets those in flight finish, then lets running jobs finish; jobs
// still running at the deadline are cancelled and River retries them later, so nothing is lost.
func shutdown(timeout time.Duration, srv *http.Server, jobs *river.Client[pgx.Tx], log *slog.Logger) error {
	log.Info("shutting down", "timeout", timeout.String())
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := jobs.Stop(ctx); err != nil {
		log.Warn("jobs did not finish in time: cancelling them for a later retry", "err", err)
		hard, cancelHard := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancelHard()
		if err := jobs.StopAndCancel(hard); err != nil {
			errs = append(errs, fmt.Errorf("jobs stop: %w", err))
		}
	}
	log.Info("stopped")
	return errors.Join(errs...)
}

// consentKeywords reads TRIAGE_CONSENT_KEYWORDS, or the defaults.
func consentKeywords(cfg config.Config) (*consent.Keywords, error) {
	list := consent.DefaultKeywords
	if cfg.Channels.ConsentKeywords != "" {
		var err error
		if list, err = consent.ParseKeywords(cfg.Channels.ConsentKeywords); err != nil {
			return nil, fmt.Errorf("TRIAGE_CONSENT_KEYWORDS: %w", err)
		}
	}
	k, err := consent.NewKeywords(list)
	if err != nil {
		return nil, fmt.Errorf("TRIAGE_CONSENT_KEYWORDS: %w", err)
	}
	return k, nil
}

// providers reads the providers' configuration.
func providers(cfg config.Config) (whatsapp.Config, twilio.Config) {
	ch := cfg.Channels
	return whatsapp.Config{AppSecret: ch.WhatsAppAppSecret, VerifyToken: ch.WhatsAppVerifyToken, AccessToken: ch.WhatsAppAccessToken,
			PhoneNumberID: ch.WhatsAppPhoneNumberID, GraphURL: ch.WhatsAppGraphURL, Version: ch.WhatsAppAPIVersion,
			Template: ch.WhatsAppTemplate, TemplateLanguage: ch.WhatsAppTemplateLang},
		twilio.Config{AccountSID: ch.TwilioAccountSID, AuthToken: ch.TwilioAuthToken, From: ch.TwilioFrom,
			APIURL: ch.TwilioAPIURL, PublicURL: ch.TwilioPublicURL}
}

// deliveryConfig makes a sender for every provider whose secrets are set.
func deliveryConfig(cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) delivery.Config {
	ch := cfg.Channels
	d := delivery.Config{Pool: pool, Log: log, WhatsAppTemplate: ch.WhatsAppTemplate, Rates: map[string]rate.Limit{}}
	wa, tw := providers(cfg)
	if wa.Enabled() {
		d.Senders = append(d.Senders, whatsapp.NewSender(wa, nil))
		d.Rates[channel.WhatsAppCloud] = rate.Limit(ch.WhatsAppRate)
	}
	if tw.Enabled() {
		d.Senders = append(d.Senders, twilio.NewSender(tw, nil))
		d.Rates[channel.Twilio] = rate.Limit(ch.TwilioRate)
	}
	if ch.APICallbackURL != "" {
		d.Senders = append(d.Senders, generic.NewSender(ch.APICallbackURL, ch.APICallbackSecret, nil))
	}
	return d
}

// newClassifier builds the model classifier when a model is configured; nil means rules only.
func newClassifier(cfg config.Config) (triage.Classifier, error) {
	if !cfg.LLM.Enabled() {
		return nil, nil
	}
	prompt, err := prompts.Get("classifier", cfg.LLM.PromptVersion)
	if err != nil {
		return nil, fmt.Errorf("TRIAGE_PROMPT_VERSION: %w", err)
	}
	return triage.NewLLMClassifier(triage.LLMConfig{
		BaseURL: cfg.LLM.BaseURL, Model: cfg.LLM.Model, APIKey: cfg.LLM.APIKey, Timeout: cfg.LLM.Timeout,
		Redact: cfg.LLM.Redact, Prompt: prompt,
	})
}

// newResponder wires the knowledge base: the configured embedder, its index, and the answer model
// when one is configured. Chunks without a vector from this embedder (after a switch of embedder)
// are not searched until `triagectl kb reindex`; the log says so.
func newResponder(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (*kb.Responder, error) {
	embedder, err := kb.NewEmbedder(ctx, cfg.KB, nil)
	switch {
	case err != nil && embedder == nil:
		return nil, fmt.Errorf("TRIAGE_EMBED_MODEL: %w", err)
	case err != nil:
		// The triage must run without any model: start, search by full text until the embedding
		// server answers, and escalate what that cannot answer with confidence.
		log.Warn("embedding server not answering at start; knowledge-base search uses full text until it does",
			"model", cfg.KB.EmbedModel, "error", err)
	}
	s := kb.NewStore(pool, embedder, cfg.DefaultLanguage)
	if err := s.EnsureIndex(ctx); err != nil {
		return nil, err
	}
	if missing, err := s.Missing(ctx); err != nil {
		return nil, err
	} else if missing > 0 {
		log.Warn("knowledge-base chunks lack vectors from the configured embedder: run `triagectl kb reindex`",
			"embedder", embedder.ID(), "chunks", missing)
	}
	var model *kb.ModelAnswerer
	if cfg.LLM.Enabled() {
		prompt, err := prompts.Get("answer", cfg.KB.AnswerPrompt)
		if err != nil {
			return nil, fmt.Errorf("TRIAGE_ANSWER_PROMPT_VERSION: %w", err)
		}
		model, err = kb.NewModelAnswerer(kb.ModelConfig{BaseURL: cfg.LLM.BaseURL, APIKey: cfg.LLM.APIKey, Model: cfg.LLM.Model,
			Timeout: cfg.LLM.Timeout, Redact: cfg.LLM.Redact, Prompt: prompt})
		if err != nil {
			return nil, err
		}
	}
	log.Info("knowledge base ready", "embedder", embedder.ID(), "min_confidence", cfg.KB.MinConfidence, "answer_model", model != nil)
	return kb.NewResponder(s, cfg.KB.MinConfidence, model), nil
}

// connect opens the pool, waiting up to a minute for a database that is still starting (containers
// and machines often boot together).
func connect(ctx context.Context, cfg config.Config, log *slog.Logger) (*pgxpool.Pool, error) {
	deadline := time.Now().Add(time.Minute)
	for delay := 500 * time.Millisecond; ; delay = min(delay*2, 5*time.Second) {
		pool, err := store.Open(ctx, cfg.DatabaseURL, cfg.DBMaxConns)
		if err == nil || !store.IsUnavailable(err) || time.Now().After(deadline) {
			if err != nil {
				return nil, fmt.Errorf("DATABASE_URL: %w", err)
			}
			return pool, nil
		}
		log.Warn("database not reachable yet, retrying", "err", err, "retry_in", delay.String())
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(delay):
		}
	}
}
