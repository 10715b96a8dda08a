package main

import (
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/internal/pgtest"
)

// TestRun runs a short, slow load end to end against the local PostgreSQL server: both
// receivers acknowledge every delivery and every figure is printed.
func TestRun(t *testing.T) {
	url := pgtest.URL(t)
	var out strings.Builder
	err := run(t.Context(), &out, options{
		postgres: url, rate: 50, duration: time.Second, workers: 10, work: time.Millisecond,
		rampStep: 500 * time.Millisecond, rampFrom: 50, maxRate: 100, maxP99: time.Second, timeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	t.Log(text)
	for _, want := range []string{
		"inbox (PostgreSQL):    50 sent, 0 errors",
		"deliveries waiting as the last was acknowledged",
		"synchronous (memory):  50 sent, 0 errors",
		"(50 of 50 started",
		"max sustained",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestDrain works off a small backlog on both drivers and prints the rate of each.
func TestDrain(t *testing.T) {
	var out strings.Builder
	err := runDrain(t.Context(), &out, options{
		postgres: pgtest.URL(t), drain: 50, work: time.Millisecond, drivers: "postgres,sqlite", timeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	t.Log(text)
	for _, want := range []string{"postgres: 50 jobs in", "sqlite:   50 jobs in", "jobs/s"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
