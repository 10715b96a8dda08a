package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/verify"
)

// Defaults for the zero fields of Config.
const (
	// DefaultMaxBodyBytes is large enough for inspections with hundreds of checklist fields and
	// their media links.
	DefaultMaxBodyBytes = 8 << 20

	// DefaultHandlerTimeout is below the strictest provider's timeout (Inspectorio waits 60 s),
	// so a slow handler is cut off before the provider gives up and retries.
	DefaultHandlerTimeout = 50 * time.Second
)

// Config configures a Receiver. Zero fields get the documented defaults; Verifier is required
// unless InsecureSkipVerify is set.
type Config struct {
	// Verifier authenticates every delivery over its headers and raw body. Required.
	Verifier verify.Verifier

	// InsecureSkipVerify accepts deliveries without authenticating them, for local development
	// only. It cannot be combined with a Verifier; New logs a warning when it is set.
	InsecureSkipVerify bool

	// Limiter, when set, rate-limits deliveries before their body is read. Default: no limit.
	Limiter *ratelimit.Limiter

	// Store records which events were handled. Default: an in-memory store, closed by Close.
	// Use a shared store when several instances receive the same provider's deliveries.
	Store idempotency.Store

	// MaxBodyBytes caps the body. Default DefaultMaxBodyBytes (8 MiB).
	MaxBodyBytes int64

	// HandlerTimeout is the deadline of a handler's context. Default DefaultHandlerTimeout (50 s).
	HandlerTimeout time.Duration

	// Lease is how long a claim keeps other deliveries of the event out (409) before it is
	// taken to have crashed. Default HandlerTimeout plus 10 s.
	Lease time.Duration

	// Retention is how long a handled event is remembered. Default
	// idempotency.DefaultRetention (72 h), longer than any provider's retries.
	Retention time.Duration

	// KeyHeader, when set, names a header whose value, when present, is the idempotency key in
	// place of the provider package's, such as "webhook-id" for Standard Webhooks senders.
	KeyHeader string

	// Logger receives one line per delivery and the stack of a panic; never a body or a secret.
	// Default slog.Default().
	Logger *slog.Logger

	// OnError is called with the error of a handler (retryable or Permanent), a panic (wrapping
	// ErrPanic) and a store failure.
	OnError func(ctx context.Context, d Delivery, err error)

	// Observer is called once per request, after the response is written, with its outcome:
	// for metrics, tracing or logging of your own.
	Observer func(Outcome)

	// Now is the clock of ReceivedAt and durations. Default time.Now.
	Now func() time.Time
}

// Delivery describes the delivery being handled. Handlers read it with FromContext.
type Delivery struct {
	Provider       string
	EventID        string   // the event's own id, when the format has one
	Type           string   // the event type routed on
	Types          []string // every event type the delivery carries
	Version        string   // the provider's format version
	IdempotencyKey string
	ReceivedAt     time.Time
	Envelope       *events.Envelope // the decoded envelope; Envelope.Raw is the body as received
}

// Outcome is what became of one request, for Config.Observer.
type Outcome struct {
	Delivery        // as far as it was decoded; Provider and ReceivedAt are always set
	Stage     Stage // where handling ended; StageComplete for a success
	Status    int   // the status code sent
	Duplicate bool  // the event had already been handled: the handler was not called
	Err       error // why it failed, or the Permanent error it was acknowledged with
	Duration  time.Duration
}

type ctxKey struct{}

// FromContext returns the delivery a handler is called for.
func FromContext(ctx context.Context) (Delivery, bool) {
	d, ok := ctx.Value(ctxKey{}).(Delivery)
	return d, ok
}

// handlerFunc is a registered handler with its payload type erased.
type handlerFunc func(ctx context.Context, env *events.Envelope) error

// Receiver is the http.Handler of one provider. Build it with New and register handlers with
// Handle and HandleUnknown before serving.
type Receiver struct {
	provider  events.Provider
	cfg       Config
	ownsStore bool
	log       *slog.Logger

	mu       sync.RWMutex
	handlers map[string]handlerFunc
	fallback handlerFunc
}

// New returns the receiver of p's deliveries. It returns an error wrapping ErrConfig when p is
// nil, no Verifier is set and InsecureSkipVerify is not (or both are), or a limit is negative.
func New(p events.Provider, cfg Config) (*Receiver, error) {
	switch {
	case p == nil:
		return nil, fmt.Errorf("%w: no provider", ErrConfig)
	case cfg.Verifier == nil && !cfg.InsecureSkipVerify:
		return nil, fmt.Errorf("%w: no Verifier: deliveries must be authenticated (InsecureSkipVerify is for local development only)", ErrConfig)
	case cfg.Verifier != nil && cfg.InsecureSkipVerify:
		return nil, fmt.Errorf("%w: both a Verifier and InsecureSkipVerify", ErrConfig)
	case cfg.MaxBodyBytes < 0, cfg.HandlerTimeout < 0, cfg.Lease < 0, cfg.Retention < 0:
		return nil, fmt.Errorf("%w: negative limit", ErrConfig)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.HandlerTimeout == 0 {
		cfg.HandlerTimeout = DefaultHandlerTimeout
	}
	if cfg.Lease == 0 {
		cfg.Lease = cfg.HandlerTimeout + 10*time.Second
	}
	if cfg.Retention == 0 {
		cfg.Retention = idempotency.DefaultRetention
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	rx := &Receiver{provider: p, cfg: cfg, handlers: map[string]handlerFunc{}}
	rx.log = cfg.Logger.With("provider", p.Name())
	if cfg.Store == nil {
		store, err := idempotency.NewMemory(idempotency.MemoryConfig{Now: cfg.Now})
		if err != nil {
			return nil, fmt.Errorf("receiver: default store: %w", err)
		}
		rx.cfg.Store, rx.ownsStore = store, true
	}
	if cfg.InsecureSkipVerify {
		rx.log.Warn("receiver: InsecureSkipVerify is set: deliveries are NOT authenticated; use it for local development only")
	}
	return rx, nil
}

// Close closes the store the receiver created for itself; a Store given in Config is left to
// its owner.
func (rx *Receiver) Close() error {
	if c, ok := rx.cfg.Store.(interface{ Close() error }); ok && rx.ownsStore {
		return c.Close()
	}
	return nil
}

// Handle registers h for the event key names. The compiler ties the key to its payload type, so
// h receives a *T and never type-switches. It panics when key belongs to another provider or
// already has a handler: mistakes found when the program starts.
func Handle[T any](rx *Receiver, key events.Event[T], h func(ctx context.Context, payload *T) error) {
	if key.Provider() != rx.provider.Name() || key.Name() == "" {
		panic(fmt.Sprintf("receiver: key %s does not belong to provider %s", key, rx.provider.Name()))
	}
	if h == nil {
		panic("receiver: nil handler for " + key.String())
	}
	rx.register(key.Name(), func(ctx context.Context, env *events.Envelope) error {
		p, ok := env.Payload.(*T)
		if !ok || p == nil {
			return fmt.Errorf("receiver: %s delivered a %T payload, want %T", key, env.Payload, p)
		}
		return h(ctx, p)
	})
}

func (rx *Receiver) register(name string, h handlerFunc) {
	rx.mu.Lock()
	defer rx.mu.Unlock()
	if _, dup := rx.handlers[name]; dup {
		panic("receiver: second handler for " + rx.provider.Name() + "/" + name)
	}
	rx.handlers[name] = h
}

// HandleUnknown registers h for every delivery whose event types have no handler, including
// types the provider package does not know (env.Payload is nil for those). Without it such
// deliveries are acknowledged with 200, so a provider adding an event never breaks a receiver.
func HandleUnknown(rx *Receiver, h func(ctx context.Context, env *events.Envelope) error) {
	rx.mu.Lock()
	defer rx.mu.Unlock()
	rx.fallback = h
}

// route returns the handler of the delivery: the one for its Type, else for the first of its
// Types that has one, else the fallback (nil when there is none).
func (rx *Receiver) route(env *events.Envelope) handlerFunc {
	rx.mu.RLock()
	defer rx.mu.RUnlock()
	if h, ok := rx.handlers[env.Type]; ok {
		return h
	}
	for _, t := range env.Types {
		if h, ok := rx.handlers[t]; ok {
			return h
		}
	}
	return rx.fallback
}

// isJSON accepts application/json and any +json type, with parameters.
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// fail records a failure at stage in the outcome and answers it with status and msg.
func (rx *Receiver) fail(w http.ResponseWriter, o *Outcome, stage Stage, status int, err error, msg string) {
	o.Stage, o.Status, o.Err = stage, status, err
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// ServeHTTP runs one delivery through the stages described in the package documentation.
func (rx *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := rx.cfg.Now()
	o := &Outcome{Delivery: Delivery{Provider: rx.provider.Name(), ReceivedAt: start}}
	defer func() {
		o.Duration = rx.cfg.Now().Sub(start)
		rx.report(r.Context(), o)
	}()

	// 1. Method and content type.
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		rx.fail(w, o, StageMethod, statusMethod, fmt.Errorf("method %s", r.Method), "method not allowed: POST only")
		return
	}
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		rx.fail(w, o, StageMethod, statusMediaType, fmt.Errorf("content type %q", ct), "unsupported media type: send application/json")
		return
	}

	// 2. Rate limit, before the body is read.
	if rx.cfg.Limiter != nil {
		if ok, wait := rx.cfg.Limiter.Allow(r); !ok {
			w.Header().Set("Retry-After", ratelimit.RetryAfter(wait))
			rx.fail(w, o, StageRateLimit, statusRateLimited, fmt.Errorf("rate limited for %s", wait), "rate limit exceeded")
			return
		}
	}

	// 3. The raw body, under the cap.
	body, err := readBody(w, r, rx.cfg.MaxBodyBytes)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			rx.fail(w, o, StageBody, statusTooLarge, err, fmt.Sprintf("request body too large: limit %d bytes", tooLarge.Limit))
		} else {
			rx.fail(w, o, StageBody, statusBadBody, err, "could not read the request body")
		}
		return
	}

	// 4. Authenticity, over the raw bytes.
	if rx.cfg.Verifier != nil {
		if err := rx.cfg.Verifier.Verify(r.Header, body); err != nil {
			rx.fail(w, o, StageVerify, statusUnauthorized, err, "unauthorized")
			return
		}
	}

	// 5 and 6. Decode and validate.
	env, err := rx.provider.Decode(body)
	if env != nil {
		o.Delivery = rx.delivery(env, r, start)
	}
	switch {
	case errors.Is(err, events.ErrInvalid):
		rx.fail(w, o, StageValidate, statusInvalid, err, err.Error())
		return
	case err != nil:
		rx.fail(w, o, StageDecode, statusBadRequest, err, err.Error())
		return
	}

	// 7. Claim the event.
	ctx := context.WithValue(r.Context(), ctxKey{}, o.Delivery)
	claim, err := rx.cfg.Store.Claim(ctx, o.IdempotencyKey, rx.cfg.Lease)
	switch {
	case err != nil:
		rx.onError(ctx, o.Delivery, fmt.Errorf("receiver: claim: %w", err))
		w.Header().Set("Retry-After", "60")
		rx.fail(w, o, StageClaim, statusStoreUnavailable, err, "service unavailable")
		return
	case claim.State == idempotency.Done:
		o.Duplicate = true
		rx.ok(w, o, "ok: already processed")
		return
	case claim.State != idempotency.Claimed:
		w.Header().Set("Retry-After", "60")
		rx.fail(w, o, StageClaim, statusInFlight, errors.New("event in flight"), "conflict: this event is being processed; retry later")
		return
	}

	// 8. Dispatch.
	err = rx.dispatch(ctx, env)
	switch {
	case err == nil:
	case IsPermanent(err):
		o.Err = err
		rx.onError(ctx, o.Delivery, err)
	default:
		rx.onError(ctx, o.Delivery, err)
		if rerr := rx.cfg.Store.Release(context.WithoutCancel(ctx), o.IdempotencyKey, claim.Token); rerr != nil {
			rx.onError(ctx, o.Delivery, fmt.Errorf("receiver: release: %w", rerr))
		}
		rx.fail(w, o, StageDispatch, statusHandlerFailed, err, "internal server error")
		return
	}

	// 9. Complete.
	if cerr := rx.cfg.Store.Complete(context.WithoutCancel(ctx), o.IdempotencyKey, claim.Token, rx.cfg.Retention); cerr != nil {
		// The handler succeeded: acknowledge, and report that a retry might run it again.
		rx.onError(ctx, o.Delivery, fmt.Errorf("receiver: complete: %w", cerr))
	}
	rx.ok(w, o, "ok")
}

func (rx *Receiver) ok(w http.ResponseWriter, o *Outcome, msg string) {
	o.Stage, o.Status = StageComplete, statusOK
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(statusOK)
	fmt.Fprintln(w, msg)
}

// delivery describes env; the key is the header's when KeyHeader is set and present.
func (rx *Receiver) delivery(env *events.Envelope, r *http.Request, received time.Time) Delivery {
	key := env.IdempotencyKey
	if rx.cfg.KeyHeader != "" {
		if v := strings.TrimSpace(r.Header.Get(rx.cfg.KeyHeader)); v != "" {
			key = events.FieldKey(rx.provider.Name(), v)
		}
	}
	return Delivery{
		Provider:       rx.provider.Name(),
		EventID:        env.ID,
		Type:           env.Type,
		Types:          env.Types,
		Version:        env.Version,
		IdempotencyKey: key,
		ReceivedAt:     received,
		Envelope:       env,
	}
}

// dispatch runs the delivery's handler under the handler deadline, turning a panic into an error.
func (rx *Receiver) dispatch(ctx context.Context, env *events.Envelope) (err error) {
	h := rx.route(env)
	if h == nil {
		return nil // no handler and no fallback: acknowledge
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rx.cfg.HandlerTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, v)
			rx.log.Error("receiver: handler panicked", "type", env.Type, "key", envKey(ctx), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	return h(ctx, env)
}

func envKey(ctx context.Context) string {
	d, _ := FromContext(ctx)
	return d.IdempotencyKey
}

func (rx *Receiver) onError(ctx context.Context, d Delivery, err error) {
	if rx.cfg.OnError != nil {
		rx.cfg.OnError(ctx, d, err)
	}
}

// report logs the outcome and hands it to the observer.
func (rx *Receiver) report(ctx context.Context, o *Outcome) {
	level := slog.LevelInfo
	switch {
	case o.Status >= 500:
		level = slog.LevelError
	case o.Status >= 400:
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.Int("status", o.Status),
		slog.String("stage", o.Stage.String()),
		slog.Duration("duration", o.Duration),
	}
	if o.Type != "" {
		attrs = append(attrs, slog.String("type", o.Type), slog.String("key", o.IdempotencyKey))
	}
	if o.EventID != "" {
		attrs = append(attrs, slog.String("event_id", o.EventID))
	}
	if o.Duplicate {
		attrs = append(attrs, slog.Bool("duplicate", true))
	}
	if o.Err != nil {
		attrs = append(attrs, slog.String("error", o.Err.Error()))
	}
	rx.log.LogAttrs(ctx, level, "webhook delivery", attrs...)
	if rx.cfg.Observer != nil {
		rx.cfg.Observer(*o)
	}
}
