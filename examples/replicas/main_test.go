package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

func TestRun(t *testing.T) {
	addr := redistest.Shared(t).Options().Addr
	var out strings.Builder
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := run(ctx, addr, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"1. a delivery to replica A -> 200 ok",
		"2. SafetyCulture's retry of it, landing on replica B -> 200 ok: already received",
		"3. 40 identical copies",
		"4. a burst of 12 new deliveries",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "UNEXPECTED") {
		t.Errorf("an answer was unexpected:\n%s", text)
	}
	// Run again: a new prefix, so the same steps give the same answers.
	out.Reset()
	if err := run(ctx, addr, &out); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
}

func TestRunWithoutRedis(t *testing.T) {
	var out strings.Builder
	err := run(t.Context(), "127.0.0.1:1", &out)
	if err == nil || !strings.Contains(err.Error(), "REDIS_ADDR") {
		t.Fatalf("got %v, want an error that says how to point it at Redis", err)
	}
}
