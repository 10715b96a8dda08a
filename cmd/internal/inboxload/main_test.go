package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestRun runs a short, slow load end to end against the local PostgreSQL server: both
// receivers acknowledge every delivery and every figure is printed.
func TestRun(t *testing.T) {
	url := postgresURL(t)
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
		postgres: postgresURL(t), drain: 50, work: time.Millisecond, drivers: "postgres,sqlite", timeout: time.Minute,
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

// postgresURL is the test server's URL; it skips the test when the server is unreachable, and
// fails it when CI is "true".
func postgresURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("INSPECTHOOK_POSTGRES_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	conn, err := pgx.Connect(ctx, url)
	cancel()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is unreachable: %v", err)
		}
		t.Skipf("PostgreSQL is unreachable (set INSPECTHOOK_POSTGRES_URL): %v", err)
	}
	_ = conn.Close(t.Context())
	return url
}
