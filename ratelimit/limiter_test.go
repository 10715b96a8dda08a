package ratelimit_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/ratelimit"
)

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  ratelimit.Config
		ok   bool
	}{
		{"minimal", ratelimit.Config{Rate: 1, Burst: 1}, true},
		{"slow rate", ratelimit.Config{Rate: rate.Every(time.Hour), Burst: 3}, true},
		{"all fields", ratelimit.Config{Rate: 10, Burst: 20, Bucket: ratelimit.Global, MaxBuckets: 5, Now: time.Now}, true},
		{"zero config", ratelimit.Config{}, false},
		{"no rate", ratelimit.Config{Burst: 1}, false},
		{"negative rate", ratelimit.Config{Rate: -1, Burst: 1}, false},
		{"NaN rate", ratelimit.Config{Rate: rate.Limit(math.NaN()), Burst: 1}, false},
		{"rate.Inf", ratelimit.Config{Rate: rate.Inf, Burst: 1}, false},
		{"+Inf rate", ratelimit.Config{Rate: rate.Limit(math.Inf(1)), Burst: 1}, false},
		{"no burst", ratelimit.Config{Rate: 1}, false},
		{"negative burst", ratelimit.Config{Rate: 1, Burst: -1}, false},
		{"negative MaxBuckets", ratelimit.Config{Rate: 1, Burst: 1, MaxBuckets: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ratelimit.New(tt.cfg)
			if tt.ok {
				require.NoError(t, err)
				assert.NotNil(t, l)
				assert.Equal(t, 0, l.Len())
				return
			}
			assert.ErrorIs(t, err, ratelimit.ErrConfig)
			assert.Nil(t, l)
		})
	}
}

// A full bucket lets Burst requests through at once, then exactly one per 1/Rate; the wait it
// reports is 1/Rate, and a request made earlier is refused.
func TestBurstThenRate(t *testing.T) {
	tests := []struct {
		rate     rate.Limit
		burst    int
		interval time.Duration
	}{
		{1, 1, time.Second},
		{2, 5, 500 * time.Millisecond},
		{10, 3, 100 * time.Millisecond},
		{rate.Every(time.Minute), 2, time.Minute},
		{rate.Every(1500 * time.Millisecond), 4, 1500 * time.Millisecond},
		{1000, 100, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("rate %v burst %d", tt.rate, tt.burst), func(t *testing.T) {
			l := mustNew(t, ratelimit.Config{Rate: tt.rate, Burst: tt.burst, Bucket: ratelimit.Global})
			for i := range tt.burst {
				ok, wait := l.AllowBucketAt("k", t0)
				require.True(t, ok, "request %d of the burst", i+1)
				assert.Zero(t, wait)
			}
			now := t0
			for step := range 5 {
				ok, wait := l.AllowBucketAt("k", now)
				require.False(t, ok, "step %d: over the burst", step)
				assert.InDelta(t, tt.interval, wait, 1, "step %d: wait is one interval", step)

				ok, _ = l.AllowBucketAt("k", now.Add(tt.interval-time.Microsecond))
				require.False(t, ok, "step %d: a microsecond early", step)

				now = now.Add(wait)
				ok, _ = l.AllowBucketAt("k", now)
				require.True(t, ok, "step %d: after the wait", step)
			}
		})
	}
}

// Refused requests take no token: hammering an empty bucket does not delay the next token.
func TestRejectedRequestsTakeNoToken(t *testing.T) {
	l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 2})
	require.True(t, first(l.AllowBucketAt("k", t0)))
	require.True(t, first(l.AllowBucketAt("k", t0)))

	for i := range 100 {
		at := t0.Add(time.Duration(i) * 9 * time.Millisecond) // up to 891 ms
		ok, wait := l.AllowBucketAt("k", at)
		require.False(t, ok)
		assert.Equal(t, time.Second-at.Sub(t0), wait, "the wait shrinks as time passes")
	}
	assert.True(t, first(l.AllowBucketAt("k", t0.Add(time.Second))), "the token came on time")
	assert.False(t, first(l.AllowBucketAt("k", t0.Add(time.Second))))
	assert.True(t, first(l.AllowBucketAt("k", t0.Add(3*time.Second))), "and refilling continued")
	assert.True(t, first(l.AllowBucketAt("k", t0.Add(3*time.Second))), "up to the burst")
	assert.False(t, first(l.AllowBucketAt("k", t0.Add(3*time.Second))))
}

// The wait reported with a refusal is exact for any rate and any partial refill: a request
// made that much later passes, one made earlier does not.
func TestRetryAfterIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		r := rate.Limit(math.Exp(rng.Float64()*14 - 7)) // from 0.001 to 1000 per second
		burst := 1 + rng.IntN(5)
		l := mustNew(t, ratelimit.Config{Rate: r, Burst: burst})
		for range burst {
			require.True(t, first(l.AllowBucketAt("k", t0)))
		}
		// Partly refilled, but short of a token.
		at := t0.Add(time.Duration(rng.Float64() * float64(time.Second) / float64(r)))
		ok, wait := l.AllowBucketAt("k", at)
		if ok {
			continue // the random partial refill happened to reach a token
		}
		require.Positive(t, wait)
		// rate.Limiter lets a request through when its token is under a nanosecond away.
		if wait > 2*time.Nanosecond {
			require.False(t, first(l.AllowBucketAt("k", at.Add(wait-2*time.Nanosecond))), "case %d: rate %v, early", i, r)
		}
		require.True(t, first(l.AllowBucketAt("k", at.Add(wait))), "case %d: rate %v, on time", i, r)
	}
}

func TestBucketsAreIndependent(t *testing.T) {
	l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1})
	assert.True(t, first(l.AllowBucketAt("a", t0)))
	assert.False(t, first(l.AllowBucketAt("a", t0)))
	assert.True(t, first(l.AllowBucketAt("b", t0)), "b has its own bucket")
	assert.Equal(t, 2, l.Len())

	g := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1, Bucket: ratelimit.Global})
	r1 := httptest.NewRequest("POST", "/", nil)
	r1.RemoteAddr = "192.0.2.1:1000"
	r2 := httptest.NewRequest("POST", "/", nil)
	r2.RemoteAddr = "198.51.100.7:2000"
	assert.True(t, allowed(g.Allow(r1)))
	assert.False(t, allowed(g.Allow(r2)), "Global: one bucket for every client")
	assert.Equal(t, 1, g.Len())
}

// The default bucket is the peer address, and the default clock is the Now field's.
func TestAllowDefaults(t *testing.T) {
	clock := &fakeClock{}
	l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1, Now: clock.Now})
	req := func(remote, xff string) bool {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		ok, _, _ := l.Allow(r)
		return ok
	}
	assert.True(t, req("192.0.2.1:1000", ""))
	assert.False(t, req("192.0.2.1:1001", ""), "another port, same client")
	assert.False(t, req("192.0.2.1:1002", "203.0.113.5"), "X-Forwarded-For from an untrusted peer is ignored")
	assert.True(t, req("192.0.2.2:1000", ""), "another client")
	clock.Advance(time.Second)
	assert.True(t, req("192.0.2.1:1000", ""), "refilled on the configured clock")
	ok, wait := l.AllowBucket("192.0.2.1")
	assert.False(t, ok)
	assert.Equal(t, time.Second, wait)
}

// Idle buckets, once refilled, are dropped by later calls, with no goroutine.
func TestIdleBucketsAreDropped(t *testing.T) {
	const n = 1000
	clock := &fakeClock{}
	l := mustNew(t, ratelimit.Config{Rate: 2, Burst: 4, Now: clock.Now}) // refills in 2 s
	for i := range n {
		for range 4 { // empty each bucket: it takes Burst/Rate to refill
			l.AllowBucket(strconv.Itoa(i))
		}
	}
	require.Equal(t, n, l.Len())

	clock.Advance(1999 * time.Millisecond)
	l.AllowBucket("0")
	assert.Equal(t, n, l.Len(), "not refilled yet: nothing dropped")

	clock.Advance(time.Millisecond)
	l.AllowBucket("0")
	after := l.Len()
	assert.Less(t, after, n, "one call drops idle buckets")

	calls := 1
	for l.Len() > 1 && calls < n {
		l.AllowBucket("0")
		calls++
	}
	assert.Equal(t, 1, l.Len(), "every idle bucket goes, only the active one stays")
	assert.Less(t, calls, n/10, "a call drops many idle buckets: %d calls", calls)
}

// A bucket still refilling is kept by the sweep, even at the least recently used end.
func TestSweepKeepsRefillingBuckets(t *testing.T) {
	l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 2})
	l.AllowBucketAt("a", t0)
	l.AllowBucketAt("a", t0) // a is empty
	l.AllowBucketAt("b", t0) // b has one token left
	l.AllowBucketAt("c", t0.Add(1500*time.Millisecond))
	assert.Equal(t, 3, l.Len(), "a refills at 2 s: kept, and b behind it too")
	ok, wait := l.AllowBucketAt("a", t0.Add(1500*time.Millisecond))
	assert.True(t, ok, "a has one token after 1 s")
	assert.Zero(t, wait)
	ok, wait = l.AllowBucketAt("a", t0.Add(1500*time.Millisecond))
	assert.False(t, ok)
	assert.Equal(t, 500*time.Millisecond, wait, "a kept its state")
}

// Dropping refilled buckets changes nothing a caller can see: the Limiter answers as a set of
// rate.Limiters that are never dropped.
func TestDroppingIsInvisible(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const r, burst = 5, 3
	l := mustNew(t, ratelimit.Config{Rate: r, Burst: burst})
	ref := map[string]*rate.Limiter{}
	now := t0
	dropped := false
	for i := range 20_000 {
		// Mostly short steps, sometimes long idle gaps, over a few dozen buckets.
		if rng.IntN(50) == 0 {
			now = now.Add(time.Duration(rng.Float64() * float64(2*time.Second)))
		} else {
			now = now.Add(time.Duration(rng.IntN(int(20 * time.Millisecond))))
		}
		name := strconv.Itoa(rng.IntN(40))
		want, ok := ref[name]
		if !ok {
			want = rate.NewLimiter(r, burst)
			ref[name] = want
		}
		before := l.Len()
		got, wait := l.AllowBucketAt(name, now)
		require.Equal(t, want.AllowN(now, 1), got, "call %d, bucket %s", i, name)
		if !got {
			require.Positive(t, wait)
		}
		dropped = dropped || l.Len() < before
	}
	assert.True(t, dropped, "the sequence made the Limiter drop buckets")
}

// Under a flood of new buckets the number tracked never exceeds MaxBuckets, and the least
// recently used bucket is the one dropped.
func TestMaxBuckets(t *testing.T) {
	t.Run("flood", func(t *testing.T) {
		l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1, MaxBuckets: 100})
		for i := range 10_000 {
			l.AllowBucketAt(strconv.Itoa(i), t0) // all at once: no bucket refills
			require.LessOrEqual(t, l.Len(), 100)
		}
		assert.Equal(t, 100, l.Len())
		assert.False(t, first(l.AllowBucketAt("9999", t0)), "the newest buckets are kept")
		assert.True(t, first(l.AllowBucketAt("0", t0)), "the oldest were dropped: a fresh bucket")
	})
	t.Run("least recently used goes", func(t *testing.T) {
		l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1, MaxBuckets: 3})
		for _, k := range []string{"a", "b", "c", "a", "d"} { // b is now the least recently used
			l.AllowBucketAt(k, t0)
		}
		assert.Equal(t, 3, l.Len())
		assert.False(t, first(l.AllowBucketAt("a", t0)), "a was used again: kept, still empty")
		assert.False(t, first(l.AllowBucketAt("c", t0)), "c kept")
		assert.False(t, first(l.AllowBucketAt("d", t0)), "d kept")
		assert.True(t, first(l.AllowBucketAt("b", t0)), "b was dropped and starts full")
	})
	t.Run("default", func(t *testing.T) {
		l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1})
		for i := range ratelimit.DefaultMaxBuckets + 10 {
			l.AllowBucketAt(strconv.Itoa(i), t0)
		}
		assert.Equal(t, ratelimit.DefaultMaxBuckets, l.Len())
	})
}

// Many goroutines share one bucket at a fixed time: exactly Burst requests pass. Others spread
// over many buckets with a small MaxBuckets while the clock moves: the bound holds.
func TestConcurrentUse(t *testing.T) {
	const goroutines, calls = 32, 200
	t.Run("one bucket", func(t *testing.T) {
		const burst = 1000
		l := mustNew(t, ratelimit.Config{Rate: 1, Burst: burst, Bucket: ratelimit.Global})
		var passed atomic.Int64
		var wg sync.WaitGroup
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range calls {
					if ok, wait := l.AllowBucketAt("", t0); ok {
						passed.Add(1)
					} else if wait <= 0 {
						t.Errorf("refused with wait %v", wait)
					}
				}
			}()
		}
		wg.Wait()
		assert.EqualValues(t, burst, passed.Load())
	})
	t.Run("many buckets", func(t *testing.T) {
		clock := &fakeClock{}
		l := mustNew(t, ratelimit.Config{Rate: 100, Burst: 2, MaxBuckets: 50, Now: clock.Now})
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range calls {
					clock.Advance(time.Millisecond)
					l.AllowBucket(strconv.Itoa((g*calls + i) % 300))
					if n := l.Len(); n > 50 {
						t.Errorf("Len %d over MaxBuckets", n)
					}
				}
			}()
		}
		wg.Wait()
		assert.LessOrEqual(t, l.Len(), 50)
	})
}

func first(ok bool, _ time.Duration) bool { return ok }

func allowed(ok bool, _ time.Duration, _ error) bool { return ok }
