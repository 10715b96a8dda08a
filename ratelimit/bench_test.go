package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/ratelimit"
)

// steppingClock returns a clock that moves by step at each reading, so a benchmark at the
// configured rate sees every request allowed, as a busy but well-behaved sender would.
func steppingClock(step time.Duration) func() time.Time {
	now := t0
	return func() time.Time {
		now = now.Add(step)
		return now
	}
}

// BenchmarkAllowKeyGlobal is one shared bucket: "allowed" at the rate, "refused" with the
// bucket empty.
func BenchmarkAllowKeyGlobal(b *testing.B) {
	b.Run("allowed", func(b *testing.B) {
		l := mustNew(b, ratelimit.Config{Rate: 1000, Burst: 1, Key: ratelimit.Global, Now: steppingClock(time.Millisecond)})
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := l.AllowKey(""); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("refused", func(b *testing.B) {
		l := mustNew(b, ratelimit.Config{Rate: 1, Burst: 1, Key: ratelimit.Global})
		l.AllowKeyAt("", t0)
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := l.AllowKeyAt("", t0); ok {
				b.Fatal("allowed")
			}
		}
	})
}

// BenchmarkAllowKey100kKeys cycles over 100,000 keys, all of them tracked: each key comes back
// every 100,000 calls, 100 ms of clock time, when its bucket has a token again.
func BenchmarkAllowKey100kKeys(b *testing.B) {
	const n = 100_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String()
	}
	l := mustNew(b, ratelimit.Config{Rate: 10, Burst: 1, MaxKeys: n, Now: steppingClock(time.Microsecond)})
	for _, k := range keys {
		l.AllowKey(k)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := l.AllowKey(keys[i]); !ok {
			b.Fatal("refused")
		}
		if i++; i == n {
			i = 0
		}
	}
	b.StopTimer()
	if l.Len() != n {
		b.Fatalf("tracking %d keys, want %d", l.Len(), n)
	}
}

// BenchmarkAllowKeyParallel is many goroutines on the real clock: "global" on one bucket,
// "keyed" on 1,000 keys. The bucket is large and slow to refill, so every call is allowed and
// no bucket refills and is dropped: this measures contention, not bucket turnover.
func BenchmarkAllowKeyParallel(b *testing.B) {
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = strconv.Itoa(i)
	}
	for _, name := range []string{"global", "keyed"} {
		b.Run(name, func(b *testing.B) {
			l := mustNew(b, ratelimit.Config{Rate: 1, Burst: 1 << 30})
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					key := ""
					if name == "keyed" {
						key = keys[i%len(keys)]
						i++
					}
					l.AllowKey(key)
				}
			})
		})
	}
}

// discard is a ResponseWriter that keeps nothing, so the benchmark measures the middleware.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkMiddleware is a request through Middleware to an empty handler, keyed by the peer
// address ("peer") or by X-Forwarded-For behind two trusted proxies ("proxied"), allowed at the
// rate.
func BenchmarkMiddleware(b *testing.B) {
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	tests := []struct {
		name string
		key  ratelimit.KeyFunc
		xff  string
	}{
		{"peer", nil, ""},
		{"proxied", ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8")), "203.0.113.9, 10.1.1.1"},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			l := mustNew(b, ratelimit.Config{Rate: 1000, Burst: 1, Key: tt.key, Now: steppingClock(time.Millisecond)})
			h := l.Middleware(next)
			r := httptest.NewRequest(http.MethodPost, "/webhooks", nil)
			r.RemoteAddr = "10.0.0.5:40000"
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkMemoryPerKey reports the heap a Limiter holds per tracked key, keys included:
// 100,000 IPv4 keys inserted into a new Limiter, measured with runtime.MemStats after GC.
func BenchmarkMemoryPerKey(b *testing.B) {
	const n = 100_000
	var perKey float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := mustNew(b, ratelimit.Config{Rate: 1, Burst: 1, MaxKeys: n})
		for i := range n {
			l.AllowKeyAt(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String(), t0)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if l.Len() != n {
			b.Fatalf("tracking %d keys, want %d", l.Len(), n)
		}
		perKey = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(l)
	}
	b.ReportMetric(perKey, "B/key")
}
