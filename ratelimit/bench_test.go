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

// BenchmarkAllowBucketGlobal is one shared bucket: "allowed" at the rate, "refused" with the
// bucket empty.
func BenchmarkAllowBucketGlobal(b *testing.B) {
	b.Run("allowed", func(b *testing.B) {
		l := mustNew(b, ratelimit.Config{Rate: 1000, Burst: 1, Bucket: ratelimit.Global, Now: steppingClock(time.Millisecond)})
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := l.AllowBucket(""); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("refused", func(b *testing.B) {
		l := mustNew(b, ratelimit.Config{Rate: 1, Burst: 1, Bucket: ratelimit.Global})
		l.AllowBucketAt("", t0)
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := l.AllowBucketAt("", t0); ok {
				b.Fatal("allowed")
			}
		}
	})
}

// BenchmarkAllowBucket100k cycles over 100,000 buckets, all of them tracked: each comes back
// every 100,000 calls, 100 ms of clock time, when its bucket has a token again.
func BenchmarkAllowBucket100k(b *testing.B) {
	const n = 100_000
	names := make([]string, n)
	for i := range names {
		names[i] = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String()
	}
	l := mustNew(b, ratelimit.Config{Rate: 10, Burst: 1, MaxBuckets: n, Now: steppingClock(time.Microsecond)})
	for _, name := range names {
		l.AllowBucket(name)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := l.AllowBucket(names[i]); !ok {
			b.Fatal("refused")
		}
		if i++; i == n {
			i = 0
		}
	}
	b.StopTimer()
	if l.Len() != n {
		b.Fatalf("tracking %d buckets, want %d", l.Len(), n)
	}
}

// BenchmarkAllowBucketParallel is many goroutines on the real clock: "global" on one bucket,
// "per client" on 1,000 buckets. The bucket is large and slow to refill, so every call is allowed and
// no bucket refills and is dropped: this measures contention, not bucket turnover.
func BenchmarkAllowBucketParallel(b *testing.B) {
	names := make([]string, 1000)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	for _, name := range []string{"global", "per client"} {
		b.Run(name, func(b *testing.B) {
			l := mustNew(b, ratelimit.Config{Rate: 1, Burst: 1 << 30})
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					bucket := ""
					if name == "per client" {
						bucket = names[i%len(names)]
						i++
					}
					l.AllowBucket(bucket)
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

// BenchmarkMiddleware is a request through Middleware to an empty handler, bucketed by the peer
// address ("peer") or by X-Forwarded-For behind two trusted proxies ("proxied"), allowed at the
// rate.
func BenchmarkMiddleware(b *testing.B) {
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	tests := []struct {
		name   string
		bucket ratelimit.BucketFunc
		xff    string
	}{
		{"peer", nil, ""},
		{"proxied", ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8")), "203.0.113.9, 10.1.1.1"},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			l := mustNew(b, ratelimit.Config{Rate: 1000, Burst: 1, Bucket: tt.bucket, Now: steppingClock(time.Millisecond)})
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

// BenchmarkMemoryPerBucket reports the heap a Limiter holds per tracked bucket, names included:
// 100,000 IPv4 buckets inserted into a new Limiter, measured with runtime.MemStats after GC.
func BenchmarkMemoryPerBucket(b *testing.B) {
	const n = 100_000
	var perBucket float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := mustNew(b, ratelimit.Config{Rate: 1, Burst: 1, MaxBuckets: n})
		for i := range n {
			l.AllowBucketAt(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String(), t0)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if l.Len() != n {
			b.Fatalf("tracking %d buckets, want %d", l.Len(), n)
		}
		perBucket = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(l)
	}
	b.ReportMetric(perBucket, "B/bucket")
}
