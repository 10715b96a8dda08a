package main

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

// TestRun measures for one second: three replicas together accept the burst and the rate, to
// within 5%, and the figures are printed.
func TestRun(t *testing.T) {
	addr := redistest.Shared(t).Options().Addr
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	res, err := run(ctx, &out, options{redisAddr: addr, replicas: 3, rate: 50, burst: 50, load: 500, duration: time.Second})
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	t.Logf("\n%s", &out)
	if res.Sent != 500 || res.Accepted+res.Refused != res.Sent {
		t.Errorf("sent %d, accepted %d, refused %d", res.Sent, res.Accepted, res.Refused)
	}
	for i, a := range res.PerReplica {
		if a == 0 {
			t.Errorf("replica %d accepted nothing", i)
		}
	}
	if math.Abs(res.ErrorPct) > 5 {
		t.Errorf("accepted %d, expected %.1f: error %.2f%%", res.Accepted, res.Expected, res.ErrorPct)
	}
	if !strings.Contains(out.String(), "\nexpected ") {
		t.Errorf("output %q", &out)
	}
}

func TestRunOptions(t *testing.T) {
	tests := []struct {
		name string
		o    options
	}{
		{"no replica", options{replicas: 0, rate: 1, burst: 1, load: 10, duration: time.Second}},
		{"no load", options{replicas: 1, rate: 1, burst: 1, load: 0, duration: time.Second}},
		{"too many requests", options{replicas: 1, rate: 1, burst: 1, load: 1e6, duration: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := run(context.Background(), &strings.Builder{}, tt.o); err == nil {
				t.Error("no error")
			}
		})
	}
}
