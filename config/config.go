// Package config reads the service's configuration from the environment, applies typed defaults and
// validates it at start, so that a mistake stops the process with an error that names the variable.
package config

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultDatabaseURL is the local database that `make db` prepares.
const DefaultDatabaseURL = "postgres://triage:triage@127.0.0.1:5432/triage?sslmode=disable"

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
}

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
