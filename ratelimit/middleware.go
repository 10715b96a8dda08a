package ratelimit

import (
	"net/http"
	"strconv"
	"time"
)

// Middleware limits the requests to next. A request over its key's limit gets 429 Too Many
// Requests, a Retry-After header in whole seconds (see RetryAfter) and the body
// "rate limit exceeded\n", and next is not called; the request body is not read. Other
// requests go to next untouched.
//
// The method value l.Middleware is a func(http.Handler) http.Handler, for routers that chain
// middleware.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return &limitHandler{limiter: l, next: next}
}

// limitHandler is the handler Middleware returns.
type limitHandler struct {
	limiter *Limiter
	next    http.Handler
}

func (h *limitHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ok, retryAfter := h.limiter.Allow(r)
	if !ok {
		w.Header().Set("Retry-After", RetryAfter(retryAfter))
		http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
		return
	}
	h.next.ServeHTTP(w, r)
}

// RetryAfter formats d for a Retry-After header: whole seconds, rounded up, at least "1".
// A client that waits that long finds a token.
func RetryAfter(d time.Duration) string {
	secs := int64(d / time.Second)
	if d%time.Second > 0 {
		secs++
	}
	return strconv.FormatInt(max(secs, 1), 10)
}
