package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisAddr is the shared Redis of the tests: INSPECTHOOK_REDIS_ADDR, or the local default.
// Without one the test is skipped on a developer's machine and fails in CI.
func redisAddr(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("INSPECTHOOK_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is unreachable: %v", addr, err)
		}
		t.Skipf("Redis at %s is unreachable (%v): start one or set INSPECTHOOK_REDIS_ADDR", addr, err)
	}
	return addr
}

func TestRun(t *testing.T) {
	addr := redisAddr(t)
	var out strings.Builder
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := run(ctx, addr, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"1. a delivery to replica A -> 200 ok",
		"2. SafetyCulture's retry of it, landing on replica B -> 200 ok: already processed",
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
