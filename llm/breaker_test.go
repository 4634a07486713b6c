package llm

import (
	"testing"
	"time"
)

func TestBreaker(t *testing.T) {
	now := time.Unix(1000, 0)
	b := NewBreaker(3, 10*time.Second)
	b.now = func() time.Time { return now }
	for i := range 3 {
		if !b.Allow() {
			t.Fatalf("call %d refused while closed", i)
		}
		b.Record(false)
	}
	if b.Allow() || !b.Open() {
		t.Fatal("still allowing after 3 failures")
	}
	now = now.Add(11 * time.Second)
	if !b.Allow() {
		t.Fatal("no probe after the cooldown")
	}
	if b.Allow() {
		t.Fatal("a second call during the probe")
	}
	b.Record(false)
	if b.Allow() {
		t.Fatal("allowed after a failed probe")
	}
	now = now.Add(11 * time.Second)
	if !b.Allow() {
		t.Fatal("no second probe")
	}
	b.Record(true)
	if !b.Allow() || b.Open() {
		t.Fatal("not closed after a good probe")
	}
}
