package redislimit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/ratelimit/redislimit"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

// errorLog collects the errors given to Config.OnError.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) onError(_ *http.Request, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// served is what a request through ratelimit.Middleware got.
type served struct {
	status     int
	retryAfter string
	body       string
	next       bool // the next handler ran
}

// serve sends one request through ratelimit.Middleware(l), giving its refusals to onReject.
func serve(l ratelimit.Allower, onReject func(*http.Request, int, error)) served {
	var s served
	h := ratelimit.Middleware(l, ratelimit.WithOnReject(onReject))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.next = true
		w.WriteHeader(http.StatusNoContent)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, request("192.0.2.1:4711"))
	s.status, s.retryAfter, s.body = w.Code, w.Header().Get("Retry-After"), w.Body.String()
	return s
}

// TestRedisDown kills a private redis-server under three limiters, then starts it again on the
// same port. While it is down, the limiter that fails open lets requests through and reports
// each error to OnError; those that fail closed return the error, and ratelimit.Middleware
// answers 503 with their Retry-After. When it is back they all decide again.
func TestRedisDown(t *testing.T) {
	srv := redistest.StartServer(t)
	client := fastClient(t, srv.Addr())
	var errs errorLog
	cfg := redislimit.Config{Rate: 1000, Burst: 1000, Bucket: ratelimit.Global, OnError: errs.onError}
	open := newLimiter(t, client, withPrefix(cfg, "open:"))
	closedCfg := withPrefix(cfg, "closed:")
	closedCfg.FailClosed = true
	closed := newLimiter(t, client, closedCfg)
	closedCfg.RetryAfter = 2500 * time.Millisecond
	closedLater := newLimiter(t, client, closedCfg)
	limiters := map[string]*redislimit.Limiter{"open": open, "closed": closed, "closed, RetryAfter 2.5 s": closedLater}

	var rejected []error
	onReject := func(_ *http.Request, status int, err error) {
		assert.Equal(t, http.StatusServiceUnavailable, status)
		rejected = append(rejected, err)
	}

	t.Run("Up", func(t *testing.T) {
		for name, l := range limiters {
			assert.Equal(t, decision{ok: true}, allow(l, request("192.0.2.1:1")), name)
			assert.Equal(t, served{status: http.StatusNoContent, next: true}, serve(l, onReject), name)
		}
		assert.Empty(t, errs.all())
		assert.Empty(t, rejected)
	})

	srv.Kill()

	t.Run("Down, fail open", func(t *testing.T) {
		assert.Equal(t, decision{ok: true}, allow(open, request("192.0.2.1:1")))
		assert.Equal(t, served{status: http.StatusNoContent, next: true}, serve(open, onReject))
		got := errs.all()
		require.Len(t, got, 2, "one error per request, to OnError")
		for _, err := range got {
			assert.True(t, strings.HasPrefix(err.Error(), `redislimit: bucket "": `), "%v", err)
		}
		assert.Empty(t, rejected)
	})

	t.Run("Down, fail closed", func(t *testing.T) {
		before := len(errs.all())
		tests := []struct {
			l          *redislimit.Limiter
			retryAfter time.Duration
			header     string
		}{
			{closed, redislimit.DefaultRetryAfter, "1"},
			{closedLater, 2500 * time.Millisecond, "3"},
		}
		for _, tt := range tests {
			rejected = nil
			d := allow(tt.l, request("192.0.2.1:1"))
			assert.False(t, d.ok)
			assert.Equal(t, tt.retryAfter, d.retryAfter)
			require.Error(t, d.err)
			assert.True(t, strings.HasPrefix(d.err.Error(), `redislimit: bucket "": `), "%v", d.err)

			got := serve(tt.l, onReject)
			assert.Equal(t, served{status: http.StatusServiceUnavailable, retryAfter: tt.header, body: "service unavailable\n"}, got)
			require.Len(t, rejected, 1)
			assert.ErrorIs(t, rejected[0], ratelimit.ErrUnavailable)
		}
		assert.Len(t, errs.all(), before, "errors that Allow returns do not go to OnError")
	})

	srv.Start()

	t.Run("Back", func(t *testing.T) {
		redistest.WaitFor(t, 10*time.Second, "the limiter to reach Redis again", func() bool {
			return allow(closed, request("192.0.2.1:1")).err == nil
		})
		before := len(errs.all())
		rejected = nil
		for name, l := range limiters {
			assert.Equal(t, decision{ok: true}, allow(l, request("192.0.2.1:1")), name)
			assert.Equal(t, served{status: http.StatusNoContent, next: true}, serve(l, onReject), name)
		}
		assert.Len(t, errs.all(), before)
		assert.Empty(t, rejected)
	})
}

// A request whose context is done gets no decision: the error wraps the context's.
func TestContextDone(t *testing.T) {
	client := redistest.Shared(t)
	var errs errorLog
	cfg := redislimit.Config{Rate: 1, Burst: 1, OnError: errs.onError}
	open := newLimiter(t, client, cfg)
	cfg.FailClosed = true
	closed := newLimiter(t, client, cfg)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := request("192.0.2.1:1").WithContext(ctx)

	d := allow(closed, r)
	assert.False(t, d.ok)
	assert.ErrorIs(t, d.err, context.Canceled)
	assert.Empty(t, errs.all())

	assert.Equal(t, decision{ok: true}, allow(open, r))
	got := errs.all()
	require.Len(t, got, 1)
	assert.True(t, errors.Is(got[0], context.Canceled), "%v", got[0])
}

// withPrefix returns cfg with Prefix prefix.
func withPrefix(cfg redislimit.Config, prefix string) redislimit.Config {
	cfg.Prefix = prefix
	return cfg
}
