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

	var out strings.Builder
	err = run(t.Context(), &out, options{
		postgres: url, rate: 50, duration: time.Second, workers: 10,
		rampStep: 500 * time.Millisecond, rampFrom: 50, maxRate: 100, maxP99: time.Second, timeout: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	t.Log(text)
	for _, want := range []string{
		"inbox (PostgreSQL):    50 sent, 0 errors",
		"synchronous (memory):  50 sent, 0 errors",
		"(50 of 50 started",
		"max sustained",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
