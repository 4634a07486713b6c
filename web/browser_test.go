package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// artifactsDir is where the browser test leaves its screenshots: TRIAGE_ARTIFACTS_DIR, or
// artifacts/console beside the module (ignored by git).
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("TRIAGE_ARTIFACTS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	dir = filepath.Join(dir, "console")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A nurse's shift in Debian's Chromium: log in with the keyboard, see a new escalation arrive without
// reloading, open it (the red flag's words marked), claim it, reply and resolve it.
func TestConsoleInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (make test installs it): skipping the browser test")
	}
	c := newConsole(t)
	dir := artifactsDir(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1024, 768), // a tablet in landscape
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			png, err := chromedp.FullScreenshot(100)(ctx, t) // quality 100 means PNG
			if err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
	}

	// Log in, submitting with Enter from the password field; the event stream opens.
	err = chromedp.Do(ctx,
		chromedp.Navigate(c.srv.URL+"/console/"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "ana@clinic.example"),
		chromedp.SendKeys(chromedp.ID("password"), password+"\r"),
		chromedp.WaitVisible(chromedp.ID("queue")),
		chromedp.WaitReady(chromedp.CSS(`body[data-live="1"]`)),
		shot("1-queue-empty"),
	)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	// A mark that a reload would wipe out.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stayedHere = true`)); err != nil {
		t.Fatal(err)
	}

	// The pipeline opens an escalation; the queue shows it without a reload.
	conv, esc, _ := c.patient("Maria", "es", "emergency", "tengo un dolor aplastante en el pecho",
		"dolor aplastante en el pecho", "Red flag: chest pain")
	row := `tr[data-escalation="` + esc + `"]`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(row)), shot("2-queue-live")); err != nil {
		t.Fatalf("live arrival: %v", err)
	}
	if stayed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.stayedHere === true`)); err != nil || !stayed {
		t.Fatalf("the page reloaded to show the new escalation (%v)", err)
	}
	if announced, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("live-status"))); err != nil || !strings.Contains(announced, "new patient") {
		t.Errorf("arrival not announced to screen readers: %q %v", announced, err)
	}
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || !strings.HasPrefix(title, "(1) ") {
		t.Errorf("the title does not count the waiting patient: %q %v", title, err)
	}
	if indicator, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("live-indicator"))); err != nil || !strings.Contains(indicator, "Live") {
		t.Errorf("the page does not say it is live: %q %v", indicator, err)
	}

	// Open it, claim it, reply.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(row+" a")),
		chromedp.WaitVisible(chromedp.ID("claim")),
	)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if marked, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("mark.flag"))); err != nil || marked != "dolor aplastante en el pecho" {
		t.Errorf("marked words %q %v", marked, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("claim")),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
		chromedp.SendKeys(chromedp.ID("reply-text"), "Llame al 112 ahora. Una enfermera le llama en un minuto."),
		chromedp.Click(chromedp.ID("send-reply")),
		chromedp.WaitVisible(`//p[contains(., "Reply queued for delivery")]`),
		shot("3-conversation-replied"),
	)
	if err != nil {
		t.Fatalf("claim and reply: %v", err)
	}

	// Resolve with an outcome.
	err = chromedp.Do(ctx,
		chromedp.Click(`//summary[normalize-space(.)="Resolve"]`),
		chromedp.SetValue(chromedp.ID("outcome"), "sent_to_emergency"),
		chromedp.SendKeys(chromedp.ID("resolve-note"), "Ambulance called"),
		chromedp.Click(chromedp.ID("resolve")),
		chromedp.WaitVisible(`//p[contains(., "Resolved.")]`),
		shot("4-resolved"),
	)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}

	// At tablet width, nothing overflows sideways; and the next patient can be opened and claimed with
	// the keyboard alone.
	fits := func(page string) {
		t.Helper()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		if err != nil || !ok {
			t.Errorf("%s overflows at tablet width (%v)", page, err)
		}
	}
	tabTo := func(what, predicate string) {
		t.Helper()
		for range 60 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](predicate)); err == nil && ok {
				return
			}
		}
		t.Fatalf("%s cannot be reached with Tab", what)
	}
	_, next, _ := c.patient("Otto", "de", "urgent", "starke Bauchschmerzen rechts unten seit heute Morgen", "", "Severe abdominal pain")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(768, 1024), chromedp.Navigate(c.srv.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-escalation="`+next+`"]`))); err != nil {
		t.Fatalf("tablet queue: %v", err)
	}
	fits("the queue")
	if err := chromedp.Do(ctx, shot("5-tablet-queue")); err != nil {
		t.Fatal(err)
	}
	tabTo("the patient's row", `(document.activeElement.href || "").includes("/console/conversations/")`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.ID("claim"))); err != nil {
		t.Fatalf("open by keyboard: %v", err)
	}
	fits("the conversation")
	tabTo("the claim button", `document.activeElement.id === "claim"`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.ID("reply-text")), shot("6-tablet-claimed-by-keyboard")); err != nil {
		t.Fatalf("claim by keyboard: %v", err)
	}

	var status, outcome string
	var replies int
	if err := c.schema.Pool.QueryRow(context.Background(), `SELECT status, outcome,
		(SELECT count(*) FROM messages WHERE conversation_id = $2 AND author = 'nurse') FROM escalations WHERE id = $1`, esc, conv).
		Scan(&status, &outcome, &replies); err != nil {
		t.Fatal(err)
	}
	if status != "resolved" || outcome != "sent_to_emergency" || replies != 1 {
		t.Fatalf("after the browser: %s %s, %d nurse replies", status, outcome, replies)
	}
	for _, action := range []string{"login_success", "conversation_view", "claim", "reply", "resolve"} {
		if c.auditCount(action, "ana@clinic.example") == 0 {
			t.Errorf("no %s in the audit log", action)
		}
	}
	t.Logf("screenshots in %s", dir)
}
