package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DatabaseURL != DefaultDatabaseURL || c.DefaultLanguage != "en" ||
		!slices.Equal(c.Languages, SupportedLanguages) || c.Workers != 8 || c.LogLevel != slog.LevelInfo ||
		c.ShutdownTimeout != 20*time.Second || c.DBMaxConns != 20 {
		t.Fatalf("defaults %+v", c)
	}
	// Every variable read is documented.
	for _, v := range Vars {
		if v.Name == "" || v.Default == "" || v.Meaning == "" {
			t.Errorf("undocumented variable %+v", v)
		}
	}
}

func TestValues(t *testing.T) {
	c, err := Load(env(map[string]string{
		"TRIAGE_ADDR": "127.0.0.1:9000", "TRIAGE_LANGUAGES": " ES, en ,es", "TRIAGE_DEFAULT_LANGUAGE": "es",
		"TRIAGE_WORKERS": "3", "TRIAGE_LOG_LEVEL": "debug", "TRIAGE_SHUTDOWN_TIMEOUT": "5s", "TRIAGE_DB_MAX_CONNS": "7",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || !slices.Equal(c.Languages, []string{"es", "en"}) || c.DefaultLanguage != "es" ||
		c.Workers != 3 || c.LogLevel != slog.LevelDebug || c.ShutdownTimeout != 5*time.Second || c.DBMaxConns != 7 {
		t.Fatalf("values %+v", c)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "url")
	if err := os.WriteFile(path, []byte("postgres://x@db/triage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"DATABASE_URL_FILE": path}))
	if err != nil || c.DatabaseURL != "postgres://x@db/triage" {
		t.Fatalf("%q, %v", c.DatabaseURL, err)
	}
	if _, err := Load(env(map[string]string{"DATABASE_URL_FILE": path, "DATABASE_URL": "postgres://y"})); err == nil {
		t.Error("both DATABASE_URL and DATABASE_URL_FILE accepted")
	}
	if _, err := Load(env(map[string]string{"DATABASE_URL_FILE": path + ".missing"})); err == nil || !strings.Contains(err.Error(), "DATABASE_URL_FILE") {
		t.Errorf("missing file: %v", err)
	}
}

// Every mistake is reported at once, each with the name of its variable.
func TestErrorsNameEveryVariable(t *testing.T) {
	bad := map[string]string{
		"TRIAGE_LANGUAGES":        "en,klingon",
		"TRIAGE_DEFAULT_LANGUAGE": "xx",
		"TRIAGE_WORKERS":          "0",
		"TRIAGE_LOG_LEVEL":        "loud",
		"TRIAGE_SHUTDOWN_TIMEOUT": "soon",
		"TRIAGE_DB_MAX_CONNS":     "-1",
	}
	_, err := Load(env(bad))
	if err == nil {
		t.Fatal("no error")
	}
	for name := range bad {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	_, err = Load(env(map[string]string{"TRIAGE_LANGUAGES": "es,pt", "TRIAGE_DEFAULT_LANGUAGE": "en"}))
	if err == nil || !strings.Contains(err.Error(), "TRIAGE_DEFAULT_LANGUAGE") {
		t.Errorf("default language outside the list: %v", err)
	}
}

func TestAssessmentSettings(t *testing.T) {
	c, err := Load(env(map[string]string{
		"TRIAGE_EMERGENCY_NUMBER": "112", "TRIAGE_SLA_URGENT": "20m",
		"TRIAGE_LLM_BASE_URL": "http://localhost:11434/v1", "TRIAGE_LLM_MODEL": "llama3", "TRIAGE_LLM_REDACT": "false",
		"TRIAGE_LLM_TIMEOUT": "3s", "TRIAGE_PROMPT_VERSION": "v1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.EmergencyNumber != "112" || c.SLAUrgent != 20*time.Minute || c.SLAEmergency != 5*time.Minute || !c.LLM.Enabled() ||
		c.LLM.Redact || c.LLM.Timeout != 3*time.Second || c.LLM.Model != "llama3" {
		t.Fatalf("%+v", c)
	}
	if def, _ := Load(env(nil)); def.LLM.Enabled() || !def.LLM.Redact || def.EmergencyNumber != "911" || def.LLM.Timeout != 8*time.Second {
		t.Fatalf("defaults %+v", def.LLM)
	}
	for vars, name := range map[string]map[string]string{
		"TRIAGE_LLM_MODEL":        {"TRIAGE_LLM_BASE_URL": "https://api.openai.com/v1"},
		"TRIAGE_LLM_BASE_URL":     {"TRIAGE_LLM_BASE_URL": "not a url", "TRIAGE_LLM_MODEL": "m"},
		"TRIAGE_EMERGENCY_NUMBER": {"TRIAGE_EMERGENCY_NUMBER": "call 911"},
		"TRIAGE_LLM_REDACT":       {"TRIAGE_LLM_REDACT": "maybe"},
		"TRIAGE_SLA_EMERGENCY":    {"TRIAGE_SLA_EMERGENCY": "2h"},
	} {
		if _, err := Load(env(name)); err == nil || !strings.Contains(err.Error(), vars) {
			t.Errorf("%v: error %v does not name %s", name, err, vars)
		}
	}
}

// The README documents every variable the service reads.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(readme), "`"+v.Name+"`") {
			t.Errorf("README does not document %s", v.Name)
		}
	}
}
