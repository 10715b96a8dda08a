package ratelimit

import (
	"net/http"
	"strconv"
	"time"
)

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	onReject func(r *http.Request, status int, err error)
}

// WithOnReject sets a function called just before Middleware refuses a request, with the
// status it is about to send (429) and a *LimitError, which wraps ErrLimited and says how long
// the bucket needs to refill. It is not called for requests passed on. f must not write to
// the response.
func WithOnReject(f func(r *http.Request, status int, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onReject = f }
}

// Middleware limits the requests to the next handler with l. A request over its bucket's limit
// gets 429 Too Many Requests, a Retry-After header in whole seconds (see RetryAfter) and the
// text/plain body "rate limit exceeded\n", and next is not called; the request body is not
// read. Other requests go to next untouched.
//
// Middleware panics with a "ratelimit: " message when l is nil, and the function it returns
// panics when next is nil.
func Middleware(l *Limiter, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if l == nil {
		panic("ratelimit: Middleware needs a Limiter; to stop limiting, leave the middleware out")
	}
	cfg := middlewareConfig{}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("ratelimit: Middleware needs a next handler")
		}
		return &limitHandler{limiter: l, cfg: cfg, next: next}
	}
}

// Middleware returns the package's Middleware(l)(next): the same limit, with no options. The
// method value l.Middleware is a func(http.Handler) http.Handler, for routers that chain
// middleware.
func (l *Limiter) Middleware(next http.Handler) http.Handler {
	return Middleware(l)(next)
}

// limitHandler is the handler Middleware returns.
type limitHandler struct {
	limiter *Limiter
	cfg     middlewareConfig
	next    http.Handler
}

func (h *limitHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ok, retryAfter := h.limiter.Allow(r)
	if !ok {
		if h.cfg.onReject != nil {
			h.cfg.onReject(r, http.StatusTooManyRequests, &LimitError{RetryAfter: retryAfter})
		}
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
