package ratelimit_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/internal/rawbody/rawbodytest"
	"github.com/inspecthook/inspecthook/ratelimit"
)

func TestMiddleware(t *testing.T) {
	clock := &fakeClock{}
	l := mustNew(t, ratelimit.Config{Rate: 0.4, Burst: 2, Now: clock.Now}) // a token every 2.5 s
	calls := 0
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.WriteHeader(http.StatusOK)
	})
	var mw func(http.Handler) http.Handler = l.Middleware // usable where routers chain middleware
	h = mw(h)

	tests := []struct {
		name       string
		advance    time.Duration
		remote     string
		status     int
		retryAfter string
		calls      int
	}{
		{"first", 0, "192.0.2.1:1", http.StatusOK, "", 1},
		{"second", 0, "192.0.2.1:2", http.StatusOK, "", 2},
		{"over the burst", 0, "192.0.2.1:3", http.StatusTooManyRequests, "3", 2},
		{"another client", 0, "192.0.2.2:1", http.StatusOK, "", 3},
		{"still early", 2 * time.Second, "192.0.2.1:3", http.StatusTooManyRequests, "1", 3},
		{"refilled", 500 * time.Millisecond, "192.0.2.1:3", http.StatusOK, "", 4},
		{"empty again", 0, "192.0.2.1:3", http.StatusTooManyRequests, "3", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			r := httptest.NewRequest(http.MethodPost, "/webhooks", nil)
			r.RemoteAddr = tt.remote
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.retryAfter, w.Header().Get("Retry-After"))
			assert.Equal(t, tt.calls, calls, "calls to next")
			if tt.status == http.StatusTooManyRequests {
				assert.Equal(t, "rate limit exceeded\n", w.Body.String())
				assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "1"},
		{0, "1"},
		{time.Nanosecond, "1"},
		{999 * time.Millisecond, "1"},
		{time.Second, "1"},
		{time.Second + time.Nanosecond, "2"},
		{2500 * time.Millisecond, "3"},
		{time.Minute, "60"},
		{time.Duration(1<<63 - 1), "9223372037"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			require.Equal(t, tt.want, ratelimit.RetryAfter(tt.d))
		})
	}
}

// The hook sees each refusal, with its status and a *LimitError, and nothing else.
func TestMiddlewareOnReject(t *testing.T) {
	clock := &fakeClock{}
	l := mustNew(t, ratelimit.Config{Rate: 0.4, Burst: 1, Bucket: ratelimit.Global, Now: clock.Now})
	type call struct {
		status int
		err    error
		path   string
	}
	var calls []call
	onReject := ratelimit.WithOnReject(func(r *http.Request, status int, err error) {
		calls = append(calls, call{status, err, r.URL.Path})
	})
	next := 0
	h := ratelimit.Middleware(l, nil, onReject)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next++
	}))

	tests := []struct {
		name       string
		advance    time.Duration
		status     int
		retryAfter time.Duration // of the *LimitError; 0: the hook is not called
	}{
		{"allowed", 0, http.StatusOK, 0},
		{"refused", 0, http.StatusTooManyRequests, 2500 * time.Millisecond},
		{"refused later", time.Second, http.StatusTooManyRequests, 1500 * time.Millisecond},
		{"refilled", 1500 * time.Millisecond, http.StatusOK, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, next = nil, 0
			clock.Advance(tt.advance)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/webhooks/"+strings.ReplaceAll(tt.name, " ", "-"), nil))
			require.Equal(t, tt.status, w.Code)
			if tt.retryAfter == 0 {
				assert.Empty(t, calls, "no hook for a request passed on")
				assert.Equal(t, 1, next)
				return
			}
			assert.Equal(t, 0, next)
			require.Len(t, calls, 1)
			c := calls[0]
			assert.Equal(t, http.StatusTooManyRequests, c.status)
			assert.Equal(t, "/webhooks/"+strings.ReplaceAll(tt.name, " ", "-"), c.path, "the hook gets the request")
			assert.ErrorIs(t, c.err, ratelimit.ErrLimited)
			var le *ratelimit.LimitError
			require.ErrorAs(t, c.err, &le)
			assert.Equal(t, tt.retryAfter, le.RetryAfter)
			assert.Equal(t, ratelimit.RetryAfter(le.RetryAfter), w.Header().Get("Retry-After"))
			assert.Equal(t, "rate limit exceeded\n", w.Body.String())
		})
	}
}

// The method and the function answer alike.
func TestMiddlewareMethodIsFunction(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	run := func(h http.Handler) []string {
		var out []string
		for range 3 {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			h.ServeHTTP(w, r)
			out = append(out, fmt.Sprint(w.Code, " ", w.Header().Get("Retry-After"), " ", w.Body.String()))
		}
		return out
	}
	cfg := ratelimit.Config{Rate: 1, Burst: 2, Now: func() time.Time { return t0 }}
	method := run(mustNew(t, cfg).Middleware(ok))
	function := run(ratelimit.Middleware(mustNew(t, cfg))(ok))
	assert.Equal(t, function, method)
	assert.Equal(t, []string{"204  ", "204  ", "429 1 rate limit exceeded\n"}, method)
}

func TestLimitError(t *testing.T) {
	var err error = &ratelimit.LimitError{RetryAfter: 1500 * time.Millisecond}
	assert.ErrorIs(t, err, ratelimit.ErrLimited)
	assert.NotErrorIs(t, err, ratelimit.ErrConfig)
	assert.Equal(t, "ratelimit: rate limit exceeded; retry after 1.5s", err.Error())

	wrapped := fmt.Errorf("receiver: %w", err)
	le, ok := errors.AsType[*ratelimit.LimitError](wrapped)
	require.True(t, ok)
	assert.Equal(t, 1500*time.Millisecond, le.RetryAfter)
}

func TestMiddlewarePanicsOnMisuse(t *testing.T) {
	l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1})
	tests := []struct {
		name string
		f    func()
	}{
		{"nil limiter", func() { ratelimit.Middleware(nil) }},
		{"nil next", func() { ratelimit.Middleware(l)(nil) }},
		{"nil next, method", func() { l.Middleware(nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				v := recover()
				require.NotNil(t, v, "no panic")
				assert.True(t, strings.HasPrefix(fmt.Sprint(v), "ratelimit: "), "panic %q", v)
			}()
			tt.f()
		})
	}
}

// downLimiter is a shared limiter whose server cannot be reached and that fails closed.
type downLimiter struct{ err error }

func (d downLimiter) Allow(*http.Request) (bool, time.Duration, error) { return false, 0, d.err }

func TestMiddlewareLimiterDown(t *testing.T) {
	down := errors.New("connection refused")
	var gotStatus int
	var gotErr error
	h := ratelimit.Middleware(downLimiter{down}, ratelimit.WithOnReject(func(_ *http.Request, status int, err error) {
		gotStatus, gotErr = status, err
	}))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next called") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"), "at least one second")
	assert.Equal(t, "service unavailable\n", w.Body.String())
	assert.Equal(t, http.StatusServiceUnavailable, gotStatus)
	assert.ErrorIs(t, gotErr, ratelimit.ErrUnavailable)
	assert.ErrorIs(t, gotErr, down)
}

// refuser is a limiter that refuses every request for a second.
type refuser struct{}

func (refuser) Allow(*http.Request) (bool, time.Duration, error) { return false, time.Second, nil }

// TestMiddlewareRefusalClosesTheConnection sends, over raw TCP to a real server, requests that
// declare 200 KiB and send 5 bytes, then nothing: a refusal, given before the body is read,
// comes at once with "Connection: close", and the server closes the connection rather than wait
// for the rest of the body until its read timeout (see internal/rawbody/rawbodytest).
func TestMiddlewareRefusalClosesTheConnection(t *testing.T) {
	tests := []struct {
		name    string
		limiter ratelimit.Allower
		status  int
		text    string
	}{
		{"429 over the limit", refuser{}, http.StatusTooManyRequests, "rate limit exceeded\n"},
		{"503 limiter down", downLimiter{errors.New("connection refused")}, http.StatusServiceUnavailable, "service unavailable\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := ratelimit.Middleware(tt.limiter)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				t.Error("next called")
			}))
			res, text := rawbodytest.EarlyAnswer(t, h, http.MethodPost, "/webhooks", nil, rawbodytest.Declared, `{"id"`)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, tt.text, text)
			assert.Equal(t, "1", res.Header.Get("Retry-After"))
		})
	}
}

// TestMiddlewareKeepsTheConnection sends requests on one connection: a request let through,
// whose body next reads, and a refusal of a request without a body leave it open.
func TestMiddlewareKeepsTheConnection(t *testing.T) {
	clock := &fakeClock{}
	l := mustNew(t, ratelimit.Config{Rate: 1, Burst: 1, Bucket: ratelimit.Global, Now: clock.Now})
	h := l.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, r.Body)
	}))
	c := rawbodytest.Dial(t, rawbodytest.Server(t, h))
	tests := []struct {
		name    string
		advance time.Duration
		body    string
		status  int
	}{
		{"let through, body read", 0, `{"id":"1"}`, http.StatusOK},
		{"refused, no body", 0, "", http.StatusTooManyRequests},
		{"let through again", time.Second, `{"id":"2"}`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			c.Send(http.MethodPost, "/webhooks", nil, len(tt.body), tt.body)
			res, got := c.Response()
			assert.Equal(t, tt.status, res.StatusCode)
			if tt.status == http.StatusOK {
				assert.Equal(t, tt.body, got)
			}
			assert.False(t, res.Close, "the connection stays open")
		})
	}
}
