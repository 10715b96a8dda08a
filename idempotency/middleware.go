package idempotency

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inspecthook/inspecthook/internal/nilcheck"
	"github.com/inspecthook/inspecthook/internal/rawbody"
	"github.com/inspecthook/inspecthook/internal/retryafter"
)

// KeyFunc returns the idempotency key of a request: the same for every delivery of one event,
// different for different events. An empty key means the request has none.
type KeyFunc func(r *http.Request) string

// HeaderKey returns a KeyFunc whose key is the value of the header name (such as "Webhook-Id"
// or "Idempotency-Key"), with leading and trailing white space removed. A missing header gives
// the empty key. Use it where the sender puts a delivery id in a header; a key that must come
// from the body is the provider package's, through the receiver.
//
// HeaderKey panics with an "idempotency: " message when name is empty.
func HeaderKey(name string) KeyFunc {
	name = http.CanonicalHeaderKey(strings.TrimSpace(name))
	if name == "" {
		panic("idempotency: HeaderKey needs a header name")
	}
	return func(r *http.Request) string {
		return strings.TrimSpace(r.Header.Get(name))
	}
}

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	lease     time.Duration
	retention time.Duration
	renew     time.Duration
	now       func() time.Time
	onReject  func(r *http.Request, status int, err error)
	onError   func(r *http.Request, err error)
}

// WithLease sets the lease of each claim: how long other deliveries of the key are turned
// away while the handler runs. Zero means DefaultLease; a negative d makes Middleware panic.
// The handler should finish, or give up through its context, within the lease.
func WithLease(d time.Duration) MiddlewareOption {
	return func(c *middlewareConfig) { c.lease = d }
}

// WithRenewEvery sets how often the lease is renewed (Store.Renew, for a whole lease from
// then) from the claim until Complete or Release returns. Each renewal may take until the
// lease would lapse, and a failed one is tried again after half the interval. Zero means a
// third of the lease. A negative d
// turns renewal off, so a handler that outlives its lease can run again, at the same time, for
// a retry.
func WithRenewEvery(d time.Duration) MiddlewareOption {
	return func(c *middlewareConfig) { c.renew = d }
}

// WithNow sets the clock the Retry-After of a 409 is computed by, from when the holder's lease
// ends; it should be the store's clock. Default time.Now.
func WithNow(now func() time.Time) MiddlewareOption {
	return func(c *middlewareConfig) { c.now = now }
}

// WithRetention sets how long a key is remembered as done after its handler succeeded. Zero
// means DefaultRetention; a negative d makes Middleware panic.
func WithRetention(d time.Duration) MiddlewareOption {
	return func(c *middlewareConfig) { c.retention = d }
}

// WithOnReject sets a function called just before Middleware answers a request itself, never
// for a request it passes to the next handler, with the status it is about to send and why:
// an error wrapping ErrNoKey (400), ErrUnavailable and the store's error (503), ErrInFlight
// (409) or ErrDuplicate (200). Counting ErrDuplicate counts the duplicate deliveries. Except
// for ErrNoKey, r's context carries the key (KeyFrom). f must not write to the response.
func WithOnReject(f func(r *http.Request, status int, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onReject = f }
}

// WithOnError sets a function called when the store fails while or after the next handler ran:
// the error of a renewal (Renew), Complete or Release, such as ErrLeaseLost when the handler
// outlived its lease, as an *OpError naming the operation. The response is the next handler's and is not changed; a failed Complete
// means a retry of the delivery may run the handler again. r's context carries the key
// (KeyFrom). f may be called from another goroutine than the request's, while next runs.
func WithOnError(f func(r *http.Request, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onError = f }
}

// Middleware runs the next handler at most once per idempotency key, claiming the key in store
// for each request. The key is BoundKey of what key returns, so a store holds at most
// MaxKeyLen bytes per key whatever the sender sends. For each request Middleware:
//
//   - answers 400 "no idempotency key" when the key is empty;
//   - answers 503 "service unavailable" with Retry-After: 60 when the store fails to claim, so
//     the sender retries and nothing is lost;
//   - answers 200 "ok: already received" when the key is Done, without calling next;
//   - answers 409 "conflict: this event is being processed; retry later" when the key is
//     InFlight, with a Retry-After of the seconds left in the holder's lease (60 when the store
//     does not say);
//   - otherwise holds the claim, for the lease (WithLease, default DefaultLease), and calls next
//     with a shallow copy of the request whose context carries the key (KeyFrom). From the
//     claim until Complete or Release returns the lease is renewed every third of the lease
//     (WithRenewEvery), timed from when the claim was sent, so a slow handler or a slow
//     Complete keeps its key and next never runs twice at once. When next answers 2xx, or
//     writes nothing, which is 200, the claim is completed for the retention (WithRetention,
//     default DefaultRetention); any other status releases it, so the sender's retry runs next
//     again. If next panics, the claim is released and the panic goes on.
//
// The limit of that guarantee: when no renewal succeeds for a whole lease (the store unreachable
// or slower than the lease; each failure goes to WithOnError), the key lapses. A retry may then claim it and run next beside the run
// still going, which is not stopped, and that run's Complete fails with ErrLeaseLost. Keep the
// lease well above the store's worst round trip under load.
//
// Its own answers are one-line text/plain with X-Content-Type-Options: nosniff, reported first
// to WithOnReject. Complete and Release run with the request's context values but not its
// cancellation, since the sender hanging up does not undo the work; their errors go to
// WithOnError. The ResponseWriter next receives records the status and implements
// http.Flusher; other optional interfaces are reached through http.ResponseController.
//
// With a key read from a header (HeaderKey), Middleware answers before the body is read: then
// its own answers carry "Connection: close" over HTTP/1 (unless an earlier middleware read the
// body whole), so the server sends them at once and closes the connection within half a
// second, rather than first reading and discarding up to 256 KiB of a body the sender may be
// dribbling.
//
// Middleware panics with an "idempotency: " message when store or key is nil or a duration is
// negative, and the function it returns panics when next is nil.
func Middleware(store Store, key KeyFunc, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if nilcheck.Is(store) {
		panic("idempotency: Middleware needs a Store")
	}
	if key == nil {
		panic("idempotency: Middleware needs a KeyFunc")
	}
	cfg := middlewareConfig{}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	switch {
	case cfg.lease < 0:
		panic(fmt.Sprintf("idempotency: negative lease %v", cfg.lease))
	case cfg.lease == 0:
		cfg.lease = DefaultLease
	}
	switch {
	case cfg.retention < 0:
		panic(fmt.Sprintf("idempotency: negative retention %v", cfg.retention))
	case cfg.retention == 0:
		cfg.retention = DefaultRetention
	}
	if cfg.renew == 0 {
		cfg.renew = cfg.lease / 3
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("idempotency: Middleware needs a next handler")
		}
		return &claimHandler{store: store, key: key, cfg: cfg, next: next}
	}
}

// keyContextKey is the context key under which Middleware stores the idempotency key.
type keyContextKey struct{}

// KeyFrom returns the idempotency key Middleware claimed for the request whose context is ctx,
// or "" when the request did not come through Middleware.
func KeyFrom(ctx context.Context) string {
	key, _ := ctx.Value(keyContextKey{}).(string)
	return key
}

// claimHandler is the handler Middleware returns.
type claimHandler struct {
	store Store
	key   KeyFunc
	cfg   middlewareConfig
	next  http.Handler
}

func (h *claimHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := BoundKey(h.key(r))
	if key == "" {
		h.reject(w, r, http.StatusBadRequest, "no idempotency key", ErrNoKey)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), keyContextKey{}, key))
	sent := time.Now() // the lease starts no earlier
	c, err := h.store.Claim(r.Context(), key, h.cfg.lease)
	if err != nil {
		w.Header().Set("Retry-After", retryafter.Unavailable)
		h.reject(w, r, http.StatusServiceUnavailable, "service unavailable", fmt.Errorf("%w: %w", ErrUnavailable, err))
		return
	}
	switch c.State {
	case Done:
		h.reject(w, r, http.StatusOK, "ok: already received", fmt.Errorf("%w: key %q", ErrDuplicate, key))
	case InFlight:
		w.Header().Set("Retry-After", h.untilLeaseEnds(c.LeaseEnds))
		h.reject(w, r, http.StatusConflict, "conflict: this event is being processed; retry later", fmt.Errorf("%w: key %q", ErrInFlight, key))
	case Claimed:
		h.serve(w, r, key, c, sent)
	default:
		w.Header().Set("Retry-After", retryafter.Unavailable)
		err := fmt.Errorf("%w: claim of key %q returned %v", ErrUnavailable, key, c.State)
		h.reject(w, r, http.StatusServiceUnavailable, "service unavailable", err)
	}
}

// serve runs next under c, the claim of key sent at sent, then completes or releases the claim.
// The lease is renewed from the claim until Complete or Release returns, so a store that is slow
// to complete does not let the key lapse while it does.
func (h *claimHandler) serve(w http.ResponseWriter, r *http.Request, key string, c Claim, sent time.Time) {
	token := c.Token
	sw := &statusWriter{ResponseWriter: w}
	ctx := context.WithoutCancel(r.Context())
	rn := h.renew(ctx, r, key, c, sent)
	finished := false
	defer func() {
		if !finished { // next panicked (or called runtime.Goexit): free the key for the retry
			rn.finish()
			err := h.store.Release(ctx, key, token)
			rn.stop()
			h.report(r, OpRelease, key, err)
		}
	}()
	h.next.ServeHTTP(sw, r)
	finished = true
	rn.finish()
	op, err := OpComplete, error(nil)
	if status := sw.code(); status >= 200 && status < 300 {
		err = h.store.Complete(ctx, key, token, h.cfg.retention)
	} else {
		op, err = OpRelease, h.store.Release(ctx, key, token)
	}
	rn.stop()
	h.report(r, op, key, err)
}

// renew renews the lease of key, claimed by c, sent at sent, until the renewal it returns is
// stopped. The first renewal is due one renewal interval after sent, the earliest the store
// can have started the lease (so the lease lasts at least until sent plus the lease, which
// bounds each renewal's wait); each next one an interval after the last one started,
// or half an interval after a failed one, so a failing store gets more tries before the lease
// lapses. It uses one timer and no goroutine between renewals, so a handler that ends within
// the interval costs a timer, and the timers are reused (renewals), so it costs no allocation
// either. It returns nil, which stops as well, when renewal is off.
func (h *claimHandler) renew(ctx context.Context, r *http.Request, key string, c Claim, sent time.Time) *renewal {
	if h.cfg.renew <= 0 {
		return nil
	}
	rn := renewals.Get().(*renewal)
	rn.mu.Lock()
	rn.h, rn.ctx, rn.r, rn.key, rn.token, rn.held, rn.stopped = h, ctx, r, key, c.Token, sent, false
	rn.finishing.Store(false)
	rn.stopping.Store(false)
	due := max(h.cfg.renew-time.Since(sent), time.Millisecond)
	if rn.timer == nil {
		rn.timer = time.AfterFunc(due, rn.fire)
	} else {
		rn.timer.Reset(due)
	}
	rn.mu.Unlock()
	return rn
}

// renewals holds stopped renewals whose timer can be armed again: a renewal goes back only when
// stopping its timer prevented a firing, so no Renew of its past claim can run any more.
var renewals = sync.Pool{New: func() any {
	rn := &renewal{}
	rn.fire = rn.renew
	return rn
}}

// renewal is the lease renewal of one claim.
type renewal struct {
	h          *claimHandler
	ctx        context.Context
	r          *http.Request
	key, token string
	fire       func() // rn.renew, bound once

	mu      sync.Mutex // held during a Renew, so that stop waits for it
	timer   *time.Timer
	held    time.Time // when the last Claim or Renew that succeeded was sent: the lease lasts from then
	stopped bool

	// finishing is set once Complete or Release is on its way: a Renew that then finds the
	// claim gone lost it to them, not to a lapse, and is not reported.
	finishing atomic.Bool

	// stopping is set by stop, which then cancels the Renew in progress (cancel), so that it
	// does not wait for a slow store.
	stopping atomic.Bool
	cancelMu sync.Mutex
	cancel   context.CancelFunc
}

func (rn *renewal) renew() {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.stopped || rn.stopping.Load() {
		return
	}
	// A Renew may take until the lease would lapse: a store slow under load, its connections
	// queued behind other requests, still renews in time, where giving up sooner would only
	// queue the next try behind them again. Renewals are timed from each one's start.
	start := time.Now()
	deadline := rn.held.Add(rn.h.cfg.lease)
	if !deadline.After(start) { // lapsed by this clock: the store decides whether it has
		deadline = start.Add(rn.h.cfg.renew / 2)
	}
	call, cancel := context.WithDeadline(rn.ctx, deadline)
	rn.cancelMu.Lock()
	rn.cancel = cancel
	rn.cancelMu.Unlock()
	err := rn.h.store.Renew(call, rn.key, rn.token, rn.h.cfg.lease)
	rn.cancelMu.Lock()
	rn.cancel = nil
	rn.cancelMu.Unlock()
	cancel()
	if rn.stopping.Load() {
		return // the claim is finished: this Renew's outcome no longer matters
	}
	next := rn.h.cfg.renew
	if err != nil {
		lost := errors.Is(err, ErrLeaseLost)
		if !lost || !rn.finishing.Load() {
			rn.h.report(rn.r, OpRenew, rn.key, err)
		}
		if lost {
			return // nothing is held any more: Complete or Release will say so too
		}
		next /= 2
	} else {
		rn.held = start
	}
	rn.timer.Reset(max(next-time.Since(start), time.Millisecond))
}

// finish notes that Complete or Release is on its way; renewals go on until stop.
func (rn *renewal) finish() {
	if rn != nil {
		rn.finishing.Store(true)
	}
}

// stop ends the renewal: it cancels a Renew in progress and waits for it to return, so that none
// runs after stop, and lets go of the request.
func (rn *renewal) stop() {
	if rn == nil {
		return
	}
	rn.stopping.Store(true)
	rn.cancelMu.Lock()
	if rn.cancel != nil {
		rn.cancel()
	}
	rn.cancelMu.Unlock()
	rn.mu.Lock()
	rn.stopped = true
	// When Stop prevents a firing no Renew can run for this claim any more, and the renewal
	// can serve another claim; otherwise one may still be on its way, and will find it stopped.
	reusable := rn.timer.Stop()
	rn.h, rn.ctx, rn.r, rn.key, rn.token = nil, nil, nil, "", ""
	rn.mu.Unlock()
	if reusable {
		renewals.Put(rn)
	}
}

// untilLeaseEnds is the Retry-After of a 409: the whole seconds until the lease ends, at least 1.
func (h *claimHandler) untilLeaseEnds(ends time.Time) string {
	if ends.IsZero() {
		return retryafter.Unavailable
	}
	d := ends.Sub(h.cfg.now())
	secs := int64(d / time.Second)
	if d%time.Second > 0 {
		secs++
	}
	return strconv.FormatInt(max(secs, 1), 10)
}

// reject reports the rejection and answers it, closing the connection when the body was not
// read to its end: with a key from a header, every answer of the claim comes before the body.
func (h *claimHandler) reject(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if h.cfg.onReject != nil {
		h.cfg.onReject(r, status, err)
	}
	rawbody.CloseUnread(w, r)
	http.Error(w, msg, status)
}

// report passes a store error of op (renewing, completing or releasing key) to WithOnError, as
// an *OpError.
func (h *claimHandler) report(r *http.Request, op, key string, err error) {
	if err != nil && h.cfg.onError != nil {
		h.cfg.onError(r, &OpError{Op: op, Key: key, Err: err})
	}
}

// statusWriter records the status the next handler sends.
type statusWriter struct {
	http.ResponseWriter
	status int // 0 until the header is written
}

// code returns the status sent: 200 when the handler wrote nothing.
func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

func (w *statusWriter) WriteHeader(code int) {
	// A 1xx status is informational (103 Early Hints): the final status comes later.
	if w.status == 0 && (code < 100 || code >= 200) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// WriteString keeps the underlying writer's io.StringWriter, so a one-line answer is not
// copied into a byte slice on its way.
func (w *statusWriter) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return io.WriteString(w.ResponseWriter, s)
}

// Flush sends the header, with 200 if none was written, and any buffered body.
func (w *statusWriter) Flush() {
	_ = w.FlushError()
}

// FlushError is Flush for http.ResponseController, returning the underlying writer's error
// (http.ErrNotSupported when it cannot flush, and then nothing was sent).
func (w *statusWriter) FlushError() error {
	err := http.NewResponseController(w.ResponseWriter).Flush()
	if w.status == 0 && !errors.Is(err, http.ErrNotSupported) {
		w.status = http.StatusOK
	}
	return err
}

// Unwrap returns the underlying ResponseWriter, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
