package triage

import (
	"testing"
	"time"
)

func TestBreaker(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newBreaker(3, 10*time.Second)
	b.now = func() time.Time { return now }
	for i := range 3 {
		if !b.allow() {
			t.Fatalf("call %d refused while closed", i)
		}
		b.record(false)
	}
	if b.allow() || !b.open() {
		t.Fatal("still allowing after 3 failures")
	}
	now = now.Add(11 * time.Second)
	if !b.allow() {
		t.Fatal("no probe after the cooldown")
	}
	if b.allow() {
		t.Fatal("a second call during the probe")
	}
	b.record(false)
	if b.allow() {
		t.Fatal("allowed after a failed probe")
	}
	now = now.Add(11 * time.Second)
	if !b.allow() {
		t.Fatal("no second probe")
	}
	b.record(true)
	if !b.allow() || b.open() {
		t.Fatal("not closed after a good probe")
	}
}
