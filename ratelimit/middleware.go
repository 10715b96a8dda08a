package ratelimit

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/inspecthook/inspecthook/internal/nilcheck"
	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// Allower decides whether a request may go on: the in-process *Limiter, or a limiter shared by
// several replicas such as ratelimit/redislimit's. Middleware and the receiver take any Allower.
type Allower interface {
	// Allow reports whether r may go on now and, when it may not, how long until it may. A
	// non-nil error means no decision could be made (a shared limiter's server is unreachable
	// and it fails closed): Middleware answers 503 with a Retry-After of retryAfter, at least
	// one second.
	Allow(r *http.Request) (ok bool, retryAfter time.Duration, err error)
}

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	onReject func(r *http.Request, status int, err error)
}

// WithOnReject sets a function called just before Middleware refuses a request, with the
// status it is about to send and why: 429 and a *LimitError, which wraps ErrLimited and says
// how long the bucket needs to refill, or 503 and an error wrapping ErrUnavailable and the
// limiter's. It is not called for requests passed on. f must not write to the response.
func WithOnReject(f func(r *http.Request, status int, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onReject = f }
}

// Middleware limits the requests to the next handler with l. A request over its bucket's limit
// gets 429 Too Many Requests, a Retry-After header in whole seconds (see RetryAfter) and the
// text/plain body "rate limit exceeded\n", and next is not called; the request body is not
// read. When l cannot decide (its error is not nil, as from a shared limiter that fails
// closed), the request gets 503 "service unavailable" with Retry-After. Other requests go to
// next untouched.
//
// Since a refusal is given before the body is read, it carries "Connection: close" over HTTP/1
// (unless an earlier stage read the body whole): the server sends it at once and closes the
// connection within half a second, rather than first reading and discarding up to 256 KiB of
// a body the sender may be dribbling.
//
// Middleware panics with a "ratelimit: " message when l is nil, and the function it returns
// panics when next is nil.
func Middleware(l Allower, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if nilcheck.Is(l) {
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
	limiter Allower
	cfg     middlewareConfig
	next    http.Handler
}

func (h *limitHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ok, retryAfter, err := h.limiter.Allow(r)
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrUnavailable, err)
		if h.cfg.onReject != nil {
			h.cfg.onReject(r, http.StatusServiceUnavailable, err)
		}
		w.Header().Set("Retry-After", RetryAfter(retryAfter))
		rawbody.CloseUnread(w, r)
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	if !ok {
		if h.cfg.onReject != nil {
			h.cfg.onReject(r, http.StatusTooManyRequests, &LimitError{RetryAfter: retryAfter})
		}
		w.Header().Set("Retry-After", RetryAfter(retryAfter))
		rawbody.CloseUnread(w, r)
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
