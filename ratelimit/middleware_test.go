package ratelimit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
