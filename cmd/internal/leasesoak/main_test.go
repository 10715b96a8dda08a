package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/internal/pgtest"
	"github.com/inspecthook/inspecthook/internal/redistest"
)

// TestMain makes the test binary a replica when the soak starts it as one.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSoak runs the soak briefly on each store: every run keeps the promise, and the figures
// are printed.
func TestSoak(t *testing.T) {
	for _, store := range []string{"redis", "postgres"} {
		t.Run(store, func(t *testing.T) {
			o := options{store: store, runs: 2, replicas: 2, deliveries: 100, lease: 3 * time.Second,
				handlerTimeout: time.Second, work: 10 * time.Millisecond, timeout: time.Minute}
			if store == "redis" {
				o.redisAddr = redistest.Shared(t).Options().Addr
			} else {
				o.postgresURL = pgtest.URL(t)
			}
			var out strings.Builder
			failed, err := soak(t.Context(), &out, o)
			t.Logf("\n%s", &out)
			if err != nil {
				t.Fatal(err)
			}
			if failed != 0 {
				t.Errorf("%d runs broke the promise", failed)
			}
			if got := strings.Count(out.String(), ": ok: 1 handler run(s), at most 1 at once"); got != 2 {
				t.Errorf("%d runs reported ok, want 2", got)
			}
		})
	}
}

func TestSoakOptions(t *testing.T) {
	good := options{store: "redis", runs: 1, replicas: 1, deliveries: 1, lease: time.Second, handlerTimeout: time.Second, timeout: time.Second}
	tests := []struct {
		name string
		edit func(*options)
	}{
		{"unknown store", func(o *options) { o.store = "memcached" }},
		{"no run", func(o *options) { o.runs = 0 }},
		{"no replica", func(o *options) { o.replicas = 0 }},
		{"no delivery", func(o *options) { o.deliveries = 0 }},
		{"no lease", func(o *options) { o.lease = 0 }},
		{"negative work", func(o *options) { o.work = -time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			tt.edit(&o)
			if _, err := soak(context.Background(), &strings.Builder{}, o); err == nil {
				t.Error("no error")
			}
		})
	}
}
