// Package config reads the service's configuration from the environment, applies typed defaults and
// validates it at start, so that a mistake stops the process with an error that names the variable.
package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultDatabaseURL is the local database that `make db` prepares.
const DefaultDatabaseURL = "postgres://triage:triage@127.0.0.1:5432/triage?sslmode=disable"

var emergencyNumber = regexp.MustCompile(`^\+?[0-9]{2,15}$`)

// SupportedLanguages are the languages the product has rules, lexicons and reply texts for (ISO 639-1).
var SupportedLanguages = []string{"en", "es", "pt", "fr", "de", "hi", "ar"}

// Config is the whole configuration of triaged and triagectl.
type Config struct {
	Addr            string        // TRIAGE_ADDR
	DatabaseURL     string        // DATABASE_URL (or DATABASE_URL_FILE)
	DBMaxConns      int32         // TRIAGE_DB_MAX_CONNS
	Languages       []string      // TRIAGE_LANGUAGES
	DefaultLanguage string        // TRIAGE_DEFAULT_LANGUAGE
	Workers         int           // TRIAGE_WORKERS
	LogLevel        slog.Level    // TRIAGE_LOG_LEVEL
	ShutdownTimeout time.Duration // TRIAGE_SHUTDOWN_TIMEOUT
	EmergencyNumber string        // TRIAGE_EMERGENCY_NUMBER
	SLAEmergency    time.Duration // TRIAGE_SLA_EMERGENCY
	SLAUrgent       time.Duration // TRIAGE_SLA_URGENT
	SLASoon         time.Duration // TRIAGE_SLA_SOON
	SLARoutine      time.Duration // TRIAGE_SLA_ROUTINE
	LLM             LLM
	KB              KB
	Console         Console
	Channels        Channels
}

// Channels configures the messaging providers. A provider whose secrets are unset is disabled: its
// webhooks answer 404 and messages for it are recorded as not sent.
type Channels struct {
	WhatsAppAppSecret     string  // WHATSAPP_APP_SECRET
	WhatsAppVerifyToken   string  // WHATSAPP_VERIFY_TOKEN
	WhatsAppAccessToken   string  // WHATSAPP_ACCESS_TOKEN
	WhatsAppPhoneNumberID string  // WHATSAPP_PHONE_NUMBER_ID
	WhatsAppGraphURL      string  // WHATSAPP_GRAPH_URL
	WhatsAppAPIVersion    string  // WHATSAPP_API_VERSION
	WhatsAppTemplate      string  // WHATSAPP_TEMPLATE: approved "please write back" template
	WhatsAppTemplateLang  string  // WHATSAPP_TEMPLATE_LANGUAGE
	WhatsAppRate          float64 // WHATSAPP_SEND_RATE: messages per second from our number
	TwilioAccountSID      string  // TWILIO_ACCOUNT_SID
	TwilioAuthToken       string  // TWILIO_AUTH_TOKEN
	TwilioFrom            string  // TWILIO_FROM: our number, or a Messaging Service SID
	TwilioAPIURL          string  // TWILIO_API_URL
	TwilioPublicURL       string  // TWILIO_PUBLIC_URL: the base URL Twilio calls, as configured there
	TwilioRate            float64 // TWILIO_SEND_RATE
	APICallbackURL        string  // TRIAGE_API_CALLBACK_URL: where messages for API patients are posted
	APICallbackSecret     string  // TRIAGE_API_CALLBACK_SECRET: signs them
	// ConsentKeywords (TRIAGE_CONSENT_KEYWORDS) replaces the default opt-out, opt-in and help
	// keywords: "WORD:opt_out|opt_in|help[:language],..."; empty keeps the defaults.
	ConsentKeywords string
}

// Console configures the nurses' web console.
type Console struct {
	// TrustProxy (TRIAGE_TRUST_PROXY) takes the client's address from X-Forwarded-For and the scheme
	// from X-Forwarded-Proto, for a server behind a reverse proxy; otherwise both headers are ignored,
	// since anyone can send them.
	TrustProxy bool
	// SecureCookies (TRIAGE_SECURE_COOKIES) marks session cookies Secure even on plain HTTP requests,
	// for deployments whose TLS ends before a proxy that does not say so. Requests that arrive over TLS
	// (or, with TrustProxy, whose X-Forwarded-Proto is https) get Secure cookies anyway.
	SecureCookies bool
}

// KB configures the knowledge base: its embedder and how sure a search must be to answer.
type KB struct {
	EmbedModel    string  // TRIAGE_EMBED_MODEL: empty means the local embedder
	EmbedBaseURL  string  // TRIAGE_EMBED_BASE_URL (default TRIAGE_LLM_BASE_URL)
	EmbedAPIKey   string  // TRIAGE_EMBED_API_KEY (default TRIAGE_LLM_API_KEY)
	MinConfidence float64 // TRIAGE_ANSWER_MIN_CONFIDENCE
	AnswerPrompt  string  // TRIAGE_ANSWER_PROMPT_VERSION
}

// DefaultMinConfidence is the answer threshold unless TRIAGE_ANSWER_MIN_CONFIDENCE says otherwise.
const DefaultMinConfidence = 0.5

// LLM configures the optional model classifier; BaseURL empty means rules only.
type LLM struct {
	BaseURL       string        // TRIAGE_LLM_BASE_URL
	Model         string        // TRIAGE_LLM_MODEL
	APIKey        string        // TRIAGE_LLM_API_KEY (or TRIAGE_LLM_API_KEY_FILE)
	Timeout       time.Duration // TRIAGE_LLM_TIMEOUT
	Redact        bool          // TRIAGE_LLM_REDACT
	PromptVersion string        // TRIAGE_PROMPT_VERSION
}

// Enabled reports whether a model is configured.
func (l LLM) Enabled() bool { return l.BaseURL != "" }

// Var documents one environment variable; README's table is written from the same facts.
type Var struct {
	Name, Default, Meaning string
}

// Vars lists every variable the service reads, in the order the README shows them.
var Vars = []Var{
	{"TRIAGE_ADDR", ":8080", "address the HTTP server listens on"},
	{"DATABASE_URL", DefaultDatabaseURL, "PostgreSQL (with pgvector) connection URL; DATABASE_URL_FILE reads it from a file"},
	{"TRIAGE_DB_MAX_CONNS", "20", "largest number of pooled database connections"},
	{"TRIAGE_LANGUAGES", "en,es,pt,fr,de,hi,ar", "languages the detector chooses among (a subset of the seven supported)"},
	{"TRIAGE_DEFAULT_LANGUAGE", "en", "the clinic's language: used when a message's language cannot be told; must be in TRIAGE_LANGUAGES"},
	{"TRIAGE_WORKERS", "8", "messages processed at once by this process"},
	{"TRIAGE_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"TRIAGE_SHUTDOWN_TIMEOUT", "20s", "how long a graceful shutdown waits for requests and jobs in flight"},
	{"TRIAGE_EMERGENCY_NUMBER", "911", "the local emergency number told to patients in an emergency (112, 999, ...)"},
	{"TRIAGE_SLA_EMERGENCY", "5m", "how long an emergency escalation may wait for a nurse"},
	{"TRIAGE_SLA_URGENT", "30m", "how long an urgent escalation may wait"},
	{"TRIAGE_SLA_SOON", "4h", "how long a soon escalation may wait"},
	{"TRIAGE_SLA_ROUTINE", "24h", "how long a routine escalation (no answer, asked for a person) may wait"},
	{"TRIAGE_LLM_BASE_URL", "(unset: rules only)", "an OpenAI-compatible API base URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1"},
	{"TRIAGE_LLM_MODEL", "(required with a base URL)", "the model name the server knows"},
	{"TRIAGE_LLM_API_KEY", "(empty)", "the API key, if the server wants one; TRIAGE_LLM_API_KEY_FILE reads it from a file"},
	{"TRIAGE_LLM_TIMEOUT", "8s", "time allowed for one model call (one retry follows a timeout, 429 or 5xx)"},
	{"TRIAGE_LLM_REDACT", "true", "remove names, phone numbers, e-mails, dates of birth and ID numbers before text goes to the model"},
	{"TRIAGE_PROMPT_VERSION", "(latest)", "the classifier prompt version in prompts/classifier, e.g. v1"},
	{"TRIAGE_ANSWER_PROMPT_VERSION", "(latest)", "the answer prompt version in prompts/answer, e.g. v1 (used when a model is configured)"},
	{"TRIAGE_ANSWER_MIN_CONFIDENCE", "0.5", "knowledge-base answers need at least this retrieval confidence (0-1); below it the conversation goes to a nurse with reason no_answer"},
	{"TRIAGE_EMBED_MODEL", "(unset: local embedder)", "an embedding model of an OpenAI-compatible server; changing it needs `triagectl kb reindex`"},
	{"TRIAGE_EMBED_BASE_URL", "(TRIAGE_LLM_BASE_URL)", "the OpenAI-compatible server for embeddings"},
	{"TRIAGE_EMBED_API_KEY", "(TRIAGE_LLM_API_KEY)", "its API key; TRIAGE_EMBED_API_KEY_FILE reads it from a file"},
}

// FromEnv reads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.Getenv) }

// Load reads the configuration through getenv (os.Getenv in production, a map in tests) and validates it.
// The error names every variable that is wrong.
func Load(getenv func(string) string) (Config, error) {
	l := loader{getenv: getenv}
	c := Config{
		Addr:            l.str("TRIAGE_ADDR", ":8080"),
		DatabaseURL:     l.secret("DATABASE_URL", DefaultDatabaseURL),
		DBMaxConns:      int32(l.intRange("TRIAGE_DB_MAX_CONNS", 20, 2, 1000)),
		Languages:       l.languages("TRIAGE_LANGUAGES", SupportedLanguages),
		DefaultLanguage: l.str("TRIAGE_DEFAULT_LANGUAGE", "en"),
		Workers:         l.intRange("TRIAGE_WORKERS", 8, 1, 1000),
		LogLevel:        l.level("TRIAGE_LOG_LEVEL", slog.LevelInfo),
		ShutdownTimeout: l.duration("TRIAGE_SHUTDOWN_TIMEOUT", 20*time.Second),
		EmergencyNumber: l.str("TRIAGE_EMERGENCY_NUMBER", "911"),
		SLAEmergency:    l.duration("TRIAGE_SLA_EMERGENCY", 5*time.Minute),
		SLAUrgent:       l.duration("TRIAGE_SLA_URGENT", 30*time.Minute),
		SLASoon:         l.duration("TRIAGE_SLA_SOON", 4*time.Hour),
		SLARoutine:      l.duration("TRIAGE_SLA_ROUTINE", 24*time.Hour),
		LLM: LLM{
			BaseURL:       l.str("TRIAGE_LLM_BASE_URL", ""),
			Model:         l.str("TRIAGE_LLM_MODEL", ""),
			APIKey:        l.secret("TRIAGE_LLM_API_KEY", ""),
			Timeout:       l.duration("TRIAGE_LLM_TIMEOUT", 8*time.Second),
			Redact:        l.boolean("TRIAGE_LLM_REDACT", true),
			PromptVersion: l.str("TRIAGE_PROMPT_VERSION", ""),
		},
	}
	c.Channels = Channels{
		WhatsAppAppSecret:     l.secret("WHATSAPP_APP_SECRET", ""),
		WhatsAppVerifyToken:   l.secret("WHATSAPP_VERIFY_TOKEN", ""),
		WhatsAppAccessToken:   l.secret("WHATSAPP_ACCESS_TOKEN", ""),
		WhatsAppPhoneNumberID: l.str("WHATSAPP_PHONE_NUMBER_ID", ""),
		WhatsAppGraphURL:      l.str("WHATSAPP_GRAPH_URL", "https://graph.facebook.com"),
		WhatsAppAPIVersion:    l.str("WHATSAPP_API_VERSION", "v21.0"),
		WhatsAppTemplate:      l.str("WHATSAPP_TEMPLATE", ""),
		WhatsAppTemplateLang:  l.str("WHATSAPP_TEMPLATE_LANGUAGE", "en"),
		WhatsAppRate:          float64(l.intRange("WHATSAPP_SEND_RATE", 80, 1, 1000)),
		TwilioAccountSID:      l.str("TWILIO_ACCOUNT_SID", ""),
		TwilioAuthToken:       l.secret("TWILIO_AUTH_TOKEN", ""),
		TwilioFrom:            l.str("TWILIO_FROM", ""),
		TwilioAPIURL:          l.str("TWILIO_API_URL", "https://api.twilio.com"),
		TwilioPublicURL:       l.str("TWILIO_PUBLIC_URL", ""),
		TwilioRate:            float64(l.intRange("TWILIO_SEND_RATE", 10, 1, 1000)),
		APICallbackURL:        l.str("TRIAGE_API_CALLBACK_URL", ""),
		APICallbackSecret:     l.secret("TRIAGE_API_CALLBACK_SECRET", ""),
		ConsentKeywords:       l.str("TRIAGE_CONSENT_KEYWORDS", ""),
	}
	for name, v := range map[string]string{"WHATSAPP_GRAPH_URL": c.Channels.WhatsAppGraphURL, "TWILIO_API_URL": c.Channels.TwilioAPIURL,
		"TWILIO_PUBLIC_URL": c.Channels.TwilioPublicURL, "TRIAGE_API_CALLBACK_URL": c.Channels.APICallbackURL} {
		if u, err := url.Parse(v); v != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			l.fail(name, "must be an http or https URL")
		}
	}
	if c.Channels.APICallbackURL != "" && c.Channels.APICallbackSecret == "" {
		l.fail("TRIAGE_API_CALLBACK_SECRET", "must be set when TRIAGE_API_CALLBACK_URL is: the callbacks are signed with it")
	}
	c.Console = Console{
		TrustProxy:    l.boolean("TRIAGE_TRUST_PROXY", false),
		SecureCookies: l.boolean("TRIAGE_SECURE_COOKIES", false),
	}
	c.KB = KB{
		EmbedModel:    l.str("TRIAGE_EMBED_MODEL", ""),
		EmbedBaseURL:  l.str("TRIAGE_EMBED_BASE_URL", c.LLM.BaseURL),
		EmbedAPIKey:   l.secret("TRIAGE_EMBED_API_KEY", c.LLM.APIKey),
		MinConfidence: l.fraction("TRIAGE_ANSWER_MIN_CONFIDENCE", DefaultMinConfidence),
		AnswerPrompt:  l.str("TRIAGE_ANSWER_PROMPT_VERSION", ""),
	}
	if c.KB.EmbedModel != "" {
		if u, err := url.Parse(c.KB.EmbedBaseURL); c.KB.EmbedBaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.fail("TRIAGE_EMBED_BASE_URL", "must be an http or https URL (or set TRIAGE_LLM_BASE_URL) when TRIAGE_EMBED_MODEL is set")
		}
	}
	if !emergencyNumber.MatchString(c.EmergencyNumber) {
		l.fail("TRIAGE_EMERGENCY_NUMBER", "must be a phone number of 2 to 15 digits, e.g. 911, 112 or 999")
	}
	if c.SLAEmergency > c.SLAUrgent || c.SLAUrgent > c.SLASoon || c.SLASoon > c.SLARoutine {
		l.fail("TRIAGE_SLA_EMERGENCY", "the service levels must not decrease: emergency <= urgent <= soon <= routine")
	}
	if c.LLM.BaseURL != "" {
		if u, err := url.Parse(c.LLM.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.fail("TRIAGE_LLM_BASE_URL", "must be an http or https URL such as https://api.openai.com/v1")
		}
		if c.LLM.Model == "" {
			l.fail("TRIAGE_LLM_MODEL", "must be set when TRIAGE_LLM_BASE_URL is")
		}
	}
	if !isSupported(c.DefaultLanguage) {
		l.fail("TRIAGE_DEFAULT_LANGUAGE", "%q is not a supported language (supported: %s)", c.DefaultLanguage, strings.Join(SupportedLanguages, ","))
	} else if len(c.Languages) > 0 && !slices.Contains(c.Languages, c.DefaultLanguage) {
		l.fail("TRIAGE_DEFAULT_LANGUAGE", "%q is not one of TRIAGE_LANGUAGES", c.DefaultLanguage)
	}
	if strings.TrimSpace(c.Addr) == "" {
		l.fail("TRIAGE_ADDR", "must not be empty")
	}
	if len(l.errs) > 0 {
		return Config{}, fmt.Errorf("config: %s", strings.Join(l.errs, "; "))
	}
	return c, nil
}

// loader collects every problem instead of stopping at the first, so one start shows them all.
type loader struct {
	getenv func(string) string
	errs   []string
}

func (l *loader) fail(name, format string, args ...any) {
	l.errs = append(l.errs, name+": "+fmt.Sprintf(format, args...))
}

func (l *loader) str(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE, so that secrets need not sit in the environment.
func (l *loader) secret(name, def string) string {
	v, file := strings.TrimSpace(l.getenv(name)), strings.TrimSpace(l.getenv(name+"_FILE"))
	switch {
	case v != "" && file != "":
		l.fail(name, "set either %s or %s_FILE, not both", name, name)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			l.fail(name+"_FILE", "cannot read the file: %v", err)
			return ""
		}
		return strings.TrimSpace(string(b))
	case v != "":
		return v
	}
	return def
}

func (l *loader) intRange(name string, def, lo, hi int) int {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		l.fail(name, "must be a whole number from %d to %d", lo, hi)
		return def
	}
	return n
}

// fraction reads a number between 0 and 1.
func (l *loader) fraction(name string, def float64) float64 {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		l.fail(name, "%q is not a number between 0 and 1", v)
		return def
	}
	return f
}

func (l *loader) duration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		l.fail(name, "must be a positive duration such as 20s or 1m")
		return def
	}
	return d
}

func (l *loader) boolean(name string, def bool) bool {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		l.fail(name, "must be true or false")
		return def
	}
	return b
}

func (l *loader) level(name string, def slog.Level) slog.Level {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return def
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(v)); err != nil {
		l.fail(name, "must be debug, info, warn or error")
		return def
	}
	return lv
}

func (l *loader) languages(name string, def []string) []string {
	v := strings.TrimSpace(l.getenv(name))
	if v == "" {
		return def
	}
	var out []string
	for _, code := range strings.Split(v, ",") {
		code = strings.ToLower(strings.TrimSpace(code))
		switch {
		case code == "":
			continue
		case !isSupported(code):
			l.fail(name, "%q is not a supported language (supported: %s)", code, strings.Join(SupportedLanguages, ","))
		case !slices.Contains(out, code):
			out = append(out, code)
		}
	}
	if len(out) == 0 {
		l.fail(name, "must list at least one language")
	}
	return out
}

func isSupported(code string) bool { return slices.Contains(SupportedLanguages, code) }
