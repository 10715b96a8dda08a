package redislimit_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/ratelimit/redislimit"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

// newLimiter returns a Limiter on client with cfg, under a fresh prefix unless cfg has one.
func newLimiter(t testing.TB, client redis.UniversalClient, cfg redislimit.Config) *redislimit.Limiter {
	t.Helper()
	if cfg.Prefix == "" {
		cfg.Prefix = redistest.Prefix(t, client)
	}
	l, err := redislimit.New(client, cfg)
	require.NoError(t, err)
	return l
}

// request is a POST from remote.
func request(remote string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", nil)
	r.RemoteAddr = remote
	return r
}

// decision is what Allow returned.
type decision struct {
	ok         bool
	retryAfter time.Duration
	err        error
}

func allow(l *redislimit.Limiter, r *http.Request) decision {
	ok, retryAfter, err := l.Allow(r)
	return decision{ok, retryAfter, err}
}

func TestNew(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never contacted
	t.Cleanup(func() { _ = client.Close() })
	tests := []struct {
		name   string
		client redis.UniversalClient
		cfg    redislimit.Config
		ok     bool
	}{
		{"whole rate", client, redislimit.Config{Rate: 50, Burst: 50}, true},
		{"fraction", client, redislimit.Config{Rate: rate.Every(30 * time.Second), Burst: 1}, true},
		{"one a century", client, redislimit.Config{Rate: rate.Every(100 * 365 * 24 * time.Hour), Burst: 1}, true},
		{"MaxRate", client, redislimit.Config{Rate: redislimit.MaxRate, Burst: 1}, true},
		{"all fields", client, redislimit.Config{Rate: 1, Burst: 1, Bucket: ratelimit.Global, Prefix: "p:",
			FailClosed: true, RetryAfter: time.Minute, OnError: func(*http.Request, error) {}}, true},

		{"no client", nil, redislimit.Config{Rate: 1, Burst: 1}, false},
		{"nil *redis.Client", (*redis.Client)(nil), redislimit.Config{Rate: 1, Burst: 1}, false},
		{"no rate", client, redislimit.Config{Burst: 1}, false},
		{"negative rate", client, redislimit.Config{Rate: -1, Burst: 1}, false},
		{"NaN rate", client, redislimit.Config{Rate: rate.Limit(math.NaN()), Burst: 1}, false},
		{"rate.Inf", client, redislimit.Config{Rate: rate.Inf, Burst: 1}, false},
		{"above MaxRate", client, redislimit.Config{Rate: redislimit.MaxRate * 2, Burst: 1}, false},
		{"one every 3,000 years", client, redislimit.Config{Rate: 1e-11, Burst: 1}, false},
		{"no burst", client, redislimit.Config{Rate: 1}, false},
		{"negative burst", client, redislimit.Config{Rate: 1, Burst: -1}, false},
		{"negative RetryAfter", client, redislimit.Config{Rate: 1, Burst: 1, RetryAfter: -time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := redislimit.New(tt.client, tt.cfg)
			if tt.ok {
				require.NoError(t, err)
				assert.NotNil(t, l)
				return
			}
			assert.ErrorIs(t, err, ratelimit.ErrConfig)
			assert.ErrorContains(t, err, "redislimit: ")
			assert.Nil(t, l)
		})
	}
}

// A bucket lets Burst requests through at once, then refuses with the time until its next
// token; refusals take no token, so the wait keeps shrinking.
func TestBurstThenLimit(t *testing.T) {
	client := redistest.Shared(t)
	prefix := redistest.Prefix(t, client)
	l := newLimiter(t, client, redislimit.Config{Rate: 0.1, Burst: 3, Prefix: prefix}) // a token every 10 s
	r := request("192.0.2.1:4711")

	for i := range 3 {
		assert.Equal(t, decision{ok: true}, allow(l, r), "request %d of the burst", i+1)
	}
	last := 10 * time.Second
	for i := range 5 {
		d := allow(l, r)
		require.NoError(t, d.err)
		assert.False(t, d.ok, "refusal %d", i+1)
		assert.LessOrEqual(t, d.retryAfter, last, "refusal %d waits no longer than the one before", i+1)
		assert.Greater(t, d.retryAfter, 9*time.Second, "refusal %d", i+1)
		assert.Equal(t, d.retryAfter, d.retryAfter.Round(time.Microsecond), "whole microseconds")
		last = d.retryAfter
	}

	// The bucket is one key, "rate:" + Prefix + bucket name, which expires when the bucket
	// is full again: three tokens, 30 s.
	ttl, err := client.TTL(context.Background(), "rate:"+prefix+"192.0.2.1").Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 25*time.Second)
	assert.LessOrEqual(t, ttl, 30*time.Second)
}

// A client that waits the Retry-After it was given finds a token.
func TestRetryAfterIsEnough(t *testing.T) {
	client := redistest.Shared(t)
	l := newLimiter(t, client, redislimit.Config{Rate: 20, Burst: 1, Bucket: ratelimit.Global})
	r := request("192.0.2.1:4711")
	for i := range 3 {
		require.True(t, allow(l, r).ok, "round %d", i)
		d := allow(l, r)
		require.NoError(t, d.err)
		require.False(t, d.ok, "round %d", i)
		require.Greater(t, d.retryAfter, time.Duration(0))
		require.LessOrEqual(t, d.retryAfter, 50*time.Millisecond)
		<-time.After(d.retryAfter) // the wait under test: the server's clock must pass it
	}
}

// Separate buckets are independent; the default bucket is ratelimit.ClientIP's, IPv6 by /64.
func TestBuckets(t *testing.T) {
	client := redistest.Shared(t)
	account := func(r *http.Request) string { return r.Header.Get("X-Account") }
	byAccount := newLimiter(t, client, redislimit.Config{Rate: 0.01, Burst: 2, Bucket: account})
	byIP := newLimiter(t, client, redislimit.Config{Rate: 0.01, Burst: 2})

	tests := []struct {
		name    string
		limiter *redislimit.Limiter
		account string
		remote  string
		ok      bool
	}{
		{"a 1", byAccount, "a", "192.0.2.1:1", true},
		{"a 2", byAccount, "a", "192.0.2.2:1", true},
		{"a 3", byAccount, "a", "192.0.2.3:1", false},
		{"b 1", byAccount, "b", "192.0.2.1:1", true},
		{"b 2", byAccount, "b", "192.0.2.1:1", true},
		{"b 3", byAccount, "b", "192.0.2.1:1", false},
		{"a 4", byAccount, "a", "192.0.2.1:1", false},

		{"IPv4 1", byIP, "", "192.0.2.1:1", true},
		{"IPv4 2", byIP, "", "192.0.2.1:2", true},
		{"IPv4 3", byIP, "", "192.0.2.1:3", false},
		{"IPv4 neighbour", byIP, "", "192.0.2.2:1", true},
		{"IPv6 1", byIP, "", "[2001:db8:1:2::1]:1", true},
		{"IPv6, same /64", byIP, "", "[2001:db8:1:2::2]:1", true},
		{"IPv6, same /64 again", byIP, "", "[2001:db8:1:2:ffff::3]:1", false},
		{"IPv6, next /64", byIP, "", "[2001:db8:1:3::1]:1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request(tt.remote)
			r.Header.Set("X-Account", tt.account)
			d := allow(tt.limiter, r)
			require.NoError(t, d.err)
			assert.Equal(t, tt.ok, d.ok)
		})
	}
}

// Limiters on several clients share a bucket through Redis, as replicas do: concurrent requests
// through both never take more than Burst tokens. A Limiter under another prefix does not
// share it.
func TestReplicas(t *testing.T) {
	one, two := redistest.Shared(t), redistest.Shared(t)
	prefix := redistest.Prefix(t, one)
	cfg := redislimit.Config{Rate: 0.01, Burst: 10, Bucket: ratelimit.Global, Prefix: prefix}
	replicas := []*redislimit.Limiter{newLimiter(t, one, cfg), newLimiter(t, two, cfg)}

	var allowed atomic.Int64
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			d := allow(replicas[i%2], request("192.0.2.1:1"))
			assert.NoError(t, d.err)
			if d.ok {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(10), allowed.Load(), "allowed across both replicas")

	for i, l := range replicas {
		assert.False(t, allow(l, request("192.0.2.9:1")).ok, "replica %d after the burst", i)
	}
	other := newLimiter(t, two, redislimit.Config{Rate: 0.01, Burst: 10, Bucket: ratelimit.Global})
	assert.True(t, allow(other, request("192.0.2.1:1")).ok, "another prefix, another bucket")
}

// Behind ratelimit.Middleware, an empty bucket answers 429 with Retry-After.
func TestMiddleware(t *testing.T) {
	client := redistest.Shared(t)
	l := newLimiter(t, client, redislimit.Config{Rate: 0.1, Burst: 2})
	var rejected []error
	calls := 0
	h := ratelimit.Middleware(l, ratelimit.WithOnReject(func(_ *http.Request, _ int, err error) {
		rejected = append(rejected, err)
	}))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusNoContent)
	}))

	tests := []struct {
		name       string
		remote     string
		status     int
		retryAfter string
	}{
		{"first", "192.0.2.1:1", http.StatusNoContent, ""},
		{"second", "192.0.2.1:2", http.StatusNoContent, ""},
		{"over the burst", "192.0.2.1:3", http.StatusTooManyRequests, "10"},
		{"another client", "192.0.2.2:1", http.StatusNoContent, ""},
		{"still over", "192.0.2.1:4", http.StatusTooManyRequests, "10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, request(tt.remote))
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.retryAfter, w.Header().Get("Retry-After"))
			if tt.status == http.StatusTooManyRequests {
				assert.Equal(t, "rate limit exceeded\n", w.Body.String())
			}
		})
	}
	assert.Equal(t, 3, calls)
	require.Len(t, rejected, 2)
	for _, err := range rejected {
		le, ok := errors.AsType[*ratelimit.LimitError](err)
		require.True(t, ok, "%v", err)
		assert.Greater(t, le.RetryAfter, 9*time.Second)
		assert.LessOrEqual(t, le.RetryAfter, 10*time.Second)
	}
}

var _ ratelimit.Allower = (*redislimit.Limiter)(nil)
