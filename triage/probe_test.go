package triage

import (
	"path/filepath"
	"testing"
)

// Everyday text that is not patient chat (tweets in seven languages, English comments) must rarely
// look like an emergency: the rules would otherwise bury nurses in false alarms. Nobody tuned the
// rules on these sets line by line; they show how the rules generalise.
func TestFewFalseAlarmsOnEverydayText(t *testing.T) {
	t.Parallel()
	a := testAssessor(t)
	d := testDetector(t)
	for _, set := range []struct {
		file    string
		maxRate float64
	}{
		{"datasets/tweet_sentiment_multilingual/val.jsonl", 0.005},
		{"datasets/goemotions/dev.jsonl", 0.005},
	} {
		rows := readJSONL[struct{ Text string }](t, filepath.Join(sharedDir(t), set.file))
		n, alarms := 0, 0
		for _, r := range rows {
			if r.Text == "" {
				continue
			}
			n++
			if got := a.Assess(Input{Text: r.Text, Lang: d.Detect(r.Text, "").Language}); got.Urgency == Emergency {
				alarms++
			}
		}
		rate := float64(alarms) / float64(n)
		t.Logf("%s: %d of %d read as emergencies (%.2f%%)", set.file, alarms, n, 100*rate)
		if rate > set.maxRate {
			t.Errorf("%s: %.2f%% read as emergencies, want at most %.1f%%", set.file, 100*rate, 100*set.maxRate)
		}
	}
}
