package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/internal/rawbody"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/verify"
)

// DefaultHandlerTimeout is the default of Config.HandlerTimeout: below the strictest provider's
// timeout (Inspectorio waits 60 s), so a slow handler is cut off before the provider gives up and
// retries. The default body cap is verify.DefaultMaxBodyBytes.
const DefaultHandlerTimeout = 50 * time.Second

// Config configures a Receiver. Zero fields get the documented defaults; Verifier is required
// unless InsecureSkipVerify is set.
type Config struct {
	// Verifier authenticates every delivery over its headers and raw body. Required.
	Verifier verify.Verifier

	// InsecureSkipVerify accepts deliveries without authenticating them, for local development
	// only. It cannot be combined with a Verifier; New logs a warning when it is set.
	InsecureSkipVerify bool

	// Limiter, when set, rate-limits deliveries before their body is read: a *ratelimit.Limiter
	// in this process, or a limiter shared by replicas such as ratelimit/redislimit's. A limiter
	// that cannot decide (fails closed) gets the delivery 503 with Retry-After, and its error
	// goes to OnError. Default: no limit.
	Limiter ratelimit.Allower

	// Store records which events were handled. Default: an in-memory store, closed by Close.
	// Use a shared store when several instances receive the same provider's deliveries.
	Store idempotency.Store

	// MaxBodyBytes caps the body. Default verify.DefaultMaxBodyBytes (8 MiB).
	MaxBodyBytes int64

	// HandlerTimeout is the deadline of a handler's context. Default DefaultHandlerTimeout (50 s).
	HandlerTimeout time.Duration

	// Lease is how long a claim keeps other deliveries of the event out (409) before it is
	// taken to have crashed. From the claim until it is completed or released the lease is
	// renewed every third of it, so a handler that outlives the lease still never runs twice at
	// once; a renewal that fails is reported to OnError and tried again. The promise holds while
	// some renewal gets through within each lease: keep the lease above the worst delay a
	// renewal can meet, the store's round trip under load plus the time a saturated machine
	// takes to schedule it (seconds, with the race detector and busy neighbours). Default
	// HandlerTimeout plus 10 s.
	Lease time.Duration

	// MaxDecoding bounds the deliveries decoded at once; more wait their turn, in order, and
	// one whose sender goes away meanwhile is answered 503. Decoding is the stage that works
	// the processor hardest: unbounded, a burst of deliveries keeps every other goroutine
	// waiting to run, lease renewals included, for seconds on a busy machine. A slot is held
	// from when the body has been read and verified until it is decoded (without a Verifier,
	// reading the body is part of it), never while a handler runs. Default four per processor
	// (4 × GOMAXPROCS); negative: no bound.
	MaxDecoding int

	// Retention is how long a handled event is remembered. Default
	// idempotency.DefaultRetention (72 h), longer than any provider's retries.
	Retention time.Duration

	// IdempotencyKeyHeader, when set, names a header whose value, when present, is the
	// idempotency key in place of the provider package's, such as "webhook-id" for Standard
	// Webhooks senders. The Verifier must authenticate the header (verify.AuthenticatesHeader):
	// otherwise a captured delivery replayed with another value, or without the header, would
	// run its handler again, so New refuses the configuration. Standard Webhooks signs
	// webhook-id; an HMAC over the body alone (SafetyCulture's) signs no header; schemes that
	// authenticate the sender (Basic, Bearer, API key, JWT, URL token) cover every header.
	IdempotencyKeyHeader string

	// Logger receives one line per delivery and the stack of a panic; never a body or a secret.
	// Default slog.Default().
	Logger *slog.Logger

	// OnError is called with the error of a handler (retryable or Permanent), a panic (wrapping
	// ErrPanic), a store failure (claim, lease renewal, complete, release: wrapping an
	// *idempotency.OpError that names the operation), an Inbox that could not store a delivery
	// (wrapping ErrEnqueue) and a limiter that could not decide (wrapping
	// ratelimit.ErrUnavailable).
	OnError func(ctx context.Context, d Delivery, err error)

	// Observer is called once per request, after the response is written, with the request's
	// context as the Receiver was given it and the request's outcome: for metrics, tracing or
	// logging of your own. The context carries whatever middleware in front of the Receiver put
	// there, such as a span or a per-request record.
	Observer func(ctx context.Context, o Outcome)

	// OnStage, when set, is called as a request enters each stage it reaches, in order, with
	// the request's context: for a trace with an event per stage. The stages it reports are
	// StageMethod, StageRateLimit (with a Limiter), StageVerify (reading the body under its cap
	// and authenticating it; without a Verifier, StageBody), StageDecode (decoding and
	// validation), StageClaim or StageEnqueue, and StageDispatch as the handler starts.
	OnStage func(ctx context.Context, s Stage)

	// Inbox, when set, turns on the asynchronous mode: a delivery that passes validation is
	// stored in the Inbox and answered 200 at once ("ok: queued"; "ok: already received" for a
	// delivery whose key the Inbox holds), and the Inbox's workers run the handlers later
	// through Process, with retries. The idempotency Store, Lease and Retention are not used
	// then: the Inbox deduplicates. An Inbox that fails answers 503 with Retry-After. Default:
	// none, handlers run in the request.
	Inbox Inbox

	// Now is the clock of ReceivedAt and durations. Default time.Now.
	Now func() time.Time
}

// Delivery describes the delivery being handled. Handlers read it with FromContext.
type Delivery struct {
	Provider       string
	EventID        string   // the event's own id, when the format has one
	Type           string   // the delivery's event type
	Types          []string // every event type the delivery carries
	Route          string   // the event type whose handler runs it: Type, or another of Types that has one; "" for HandleUnknown or none
	Version        string   // the provider's format version
	IdempotencyKey string   // at most idempotency.MaxKeyLen bytes: longer keys are hashed
	ReceivedAt     time.Time
	Attempt        int              // with an Inbox, 1 for the first run, 2 for the first retry...; 0 in the request
	Envelope       *events.Envelope // the decoded envelope; Envelope.Raw is the body as received
}

// Receiver is the http.Handler of one provider: the stages of the package documentation,
// chained as middleware. Build it with New and register handlers with Handle and HandleUnknown
// before serving.
type Receiver struct {
	provider  events.Provider
	name      string // provider.Name()
	cfg       Config
	ownsStore bool
	log       *slog.Logger
	routes    *Router
	chain     http.Handler
	scheme    string        // verify.Scheme of the Verifier
	slots     chan struct{} // a slot for each delivery decoding (gate); nil for no bound
}

func (rx *Receiver) router() *Router { return rx.routes }

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
	if cfg.MaxDecoding == 0 {
		cfg.MaxDecoding = decodeSlots()
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = verify.DefaultMaxBodyBytes
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
	if h := strings.TrimSpace(cfg.IdempotencyKeyHeader); h != "" {
		cfg.IdempotencyKeyHeader = http.CanonicalHeaderKey(h)
	} else {
		cfg.IdempotencyKeyHeader = ""
	}
	if h := cfg.IdempotencyKeyHeader; h != "" && cfg.Verifier != nil && !verify.AuthenticatesHeader(cfg.Verifier, h) {
		return nil, fmt.Errorf("%w: IdempotencyKeyHeader %q is not authenticated by the verifier (%s): "+
			"a captured delivery sent again with another %s, or without one, would run its handler again; "+
			"leave IdempotencyKeyHeader empty to key deliveries by their body", ErrConfig, h, verify.Scheme(cfg.Verifier), h)
	}
	rx := &Receiver{provider: p, name: p.Name(), cfg: cfg, scheme: verify.Scheme(cfg.Verifier)}
	if cfg.MaxDecoding > 0 {
		rx.slots = make(chan struct{}, cfg.MaxDecoding)
	}
	rx.log = cfg.Logger.With("provider", p.Name())
	if cfg.Store == nil && cfg.Inbox == nil {
		store, err := idempotency.NewMemory(idempotency.MemoryConfig{Now: cfg.Now})
		if err != nil {
			return nil, fmt.Errorf("receiver: default store: %w", err)
		}
		rx.cfg.Store, rx.ownsStore = store, true
	}
	routes, err := NewRouter(p, RouterConfig{HandlerTimeout: cfg.HandlerTimeout, Logger: cfg.Logger, OnError: cfg.OnError, Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	rx.routes = routes
	rx.chain = rx.compose()
	if cfg.InsecureSkipVerify {
		rx.log.Warn("receiver: InsecureSkipVerify is set: deliveries are NOT authenticated; use it for local development only")
	}
	return rx, nil
}

// compose chains the stages, innermost first, each reporting where a request ended to the
// request's Outcome.
func (rx *Receiver) compose() http.Handler {
	cfg := rx.cfg
	h := rx.entering(StageDispatch, rx.routes)
	if cfg.Inbox != nil {
		h = rx.entering(StageEnqueue, http.HandlerFunc(rx.enqueue))
	} else {
		h = rx.claimDecoded(h)
	}
	h = rx.decoded(h)
	h = events.Middleware(rx.provider,
		events.WithMaxBodyBytes(cfg.MaxBodyBytes),
		events.WithOnReject(rx.decodeRejected),
	)(h)
	if cfg.Verifier == nil {
		// Without a Verifier the decoding middleware reads the body itself.
		h = rx.entering(StageBody, rx.entering(StageDecode, rx.gate(h)))
	} else {
		h = rx.entering(StageDecode, rx.gate(h))
	}
	if cfg.Inbox == nil && cfg.IdempotencyKeyHeader != "" {
		h = rx.claimByHeader(h)
	}
	if cfg.Verifier != nil {
		h = verify.Middleware(cfg.Verifier,
			verify.WithMaxBodyBytes(cfg.MaxBodyBytes),
			verify.WithOnReject(func(r *http.Request, status int, err error) {
				stage := StageBody
				if status == http.StatusUnauthorized {
					stage = StageVerify
				}
				outcomeOf(r).end(stage, status, err)
			}),
		)(h)
		h = rx.entering(StageVerify, h)
	}
	if cfg.Limiter != nil {
		h = ratelimit.Middleware(cfg.Limiter, ratelimit.WithOnReject(func(r *http.Request, status int, err error) {
			o := outcomeOf(r)
			if errors.Is(err, ratelimit.ErrUnavailable) {
				rx.onError(r.Context(), o.Delivery, fmt.Errorf("receiver: rate limit: %w", err))
			}
			o.end(StageRateLimit, status, err)
		}))(h)
		h = rx.entering(StageRateLimit, h)
	}
	return rx.entering(StageMethod, requireJSONPost(h))
}

// entering reports to Config.OnStage that a request enters stage s, then runs h; it is h itself
// when OnStage is not set.
func (rx *Receiver) entering(s Stage, h http.Handler) http.Handler {
	onStage := rx.cfg.OnStage
	if onStage == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		onStage(r.Context(), s)
		h.ServeHTTP(w, r)
	})
}

// claimDecoded is the idempotency stage of the synchronous mode after decoding, in front of the
// Router: it claims the key of the decoded delivery, unless claimByHeader claimed one before
// decoding.
func (rx *Receiver) claimDecoded(next http.Handler) http.Handler {
	claim := rx.entering(StageClaim, rx.claim(rx.claimKey, next))
	if rx.cfg.IdempotencyKeyHeader == "" {
		return claim // nothing is claimed before decoding
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if idempotency.KeyFrom(r.Context()) != "" {
			next.ServeHTTP(w, r)
			return
		}
		claim.ServeHTTP(w, r)
	})
}

// claimByHeader is the idempotency stage of the synchronous mode before decoding, for a
// delivery whose key is in the IdempotencyKeyHeader: a duplicate is answered without decoding.
// A delivery without the header goes on to be claimed by its decoded key.
func (rx *Receiver) claimByHeader(next http.Handler) http.Handler {
	claim := rx.entering(StageClaim, rx.claim(func(r *http.Request) string {
		o := outcomeOf(r)
		o.IdempotencyKey = rx.headerKey(r)
		return o.IdempotencyKey
	}, next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rx.headerKey(r) == "" {
			next.ServeHTTP(w, r)
			return
		}
		claim.ServeHTTP(w, r)
	})
}

// headerKey is the idempotency key the IdempotencyKeyHeader gives r (the provider's name and the
// header's trimmed value, bounded as the claim bounds keys), or "" when it gives none.
func (rx *Receiver) headerKey(r *http.Request) string {
	if rx.cfg.IdempotencyKeyHeader == "" {
		return ""
	}
	v := strings.TrimSpace(r.Header.Get(rx.cfg.IdempotencyKeyHeader))
	if v == "" {
		return ""
	}
	return idempotency.BoundKey(events.FieldKey(rx.name, v))
}

// claim is idempotency.Middleware over the Store, keyed by key.
func (rx *Receiver) claim(key idempotency.KeyFunc, h http.Handler) http.Handler {
	cfg := rx.cfg
	return idempotency.Middleware(cfg.Store, key,
		idempotency.WithLease(cfg.Lease),
		idempotency.WithRetention(cfg.Retention),
		idempotency.WithNow(cfg.Now),
		idempotency.WithOnReject(rx.claimRejected),
		idempotency.WithOnError(func(r *http.Request, err error) {
			rx.onError(r.Context(), outcomeOf(r).Delivery, fmt.Errorf("receiver: %w", err))
		}),
	)(h)
}

// HandlerTimeout returns the deadline its handlers run under: Config.HandlerTimeout, or its
// default. An Inbox that runs them must let its jobs run longer (inbox.Config.RescueAfter).
func (rx *Receiver) HandlerTimeout() time.Duration { return rx.cfg.HandlerTimeout }

// Close closes the store the receiver created for itself; a Store given in Config is left to
// its owner.
func (rx *Receiver) Close() error {
	if c, ok := rx.cfg.Store.(interface{ Close() error }); ok && rx.ownsStore {
		return c.Close()
	}
	return nil
}

// ServeHTTP runs one delivery through the stages described in the package documentation. An
// answer given before the body was read to its end, by any stage, closes the connection.
func (rx *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := rx.cfg.Now()
	x := &exchange{outcome: Outcome{Delivery: Delivery{Provider: rx.name, ReceivedAt: start}, Scheme: rx.scheme}}
	o := &x.outcome
	r2 := withOutcome(r, o)
	rx.chain.ServeHTTP(x.watch.wrap(w, r2), r2)
	x.watch.decide() // a stage that wrote nothing gets net/http's 200, decided here
	o.Duration = rx.cfg.Now().Sub(start)
	rx.report(r, o)
}

// decoded is the first stage after decoding: it gives back the delivery's decoding slot (gate)
// and records the decoded delivery in the outcome, with the idempotency key the claim will use
// and the route, whose handler the Router runs.
func (rx *Receiver) decoded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := outcomeOf(r)
		rx.free(o)
		if env, ok := envelopeOf(r); ok {
			o.Delivery = rx.delivery(r, env, o.ReceivedAt)
			o.Route, o.handler = rx.routes.route(env)
		}
		next.ServeHTTP(w, r)
	})
}

// claimKey is the key decoded recorded.
func (rx *Receiver) claimKey(r *http.Request) string {
	return outcomeOf(r).IdempotencyKey
}

// delivery describes env; the key is the header's when IdempotencyKeyHeader is set and present.
func (rx *Receiver) delivery(r *http.Request, env *events.Envelope, received time.Time) Delivery {
	key := rx.headerKey(r)
	if key == "" {
		key = idempotency.BoundKey(env.IdempotencyKey)
	}
	return Delivery{
		Provider:       rx.name,
		EventID:        env.ID,
		Type:           env.Type,
		Types:          env.Types,
		Version:        env.Version,
		IdempotencyKey: key,
		ReceivedAt:     received,
		Envelope:       env,
	}
}

func (rx *Receiver) decodeRejected(r *http.Request, status int, err error) {
	o := outcomeOf(r)
	switch {
	case errors.Is(err, events.ErrInvalid):
		if env, ok := envelopeOf(r); ok {
			o.Delivery = rx.delivery(r, env, o.ReceivedAt)
		}
		o.end(StageValidate, status, err)
	case status == http.StatusRequestEntityTooLarge, errors.Is(err, rawbody.ErrRead):
		o.end(StageBody, status, err)
	default:
		o.end(StageDecode, status, err)
	}
}

func (rx *Receiver) claimRejected(r *http.Request, status int, err error) {
	o := outcomeOf(r)
	switch {
	case errors.Is(err, idempotency.ErrDuplicate):
		o.Duplicate = true
		o.end(StageComplete, status, nil)
	case errors.Is(err, idempotency.ErrUnavailable):
		rx.onError(r.Context(), o.Delivery, fmt.Errorf("receiver: %w", &idempotency.OpError{Op: idempotency.OpClaim, Key: o.IdempotencyKey, Err: err}))
		o.end(StageClaim, status, err)
	default:
		o.end(StageClaim, status, err)
	}
}

func (rx *Receiver) onError(ctx context.Context, d Delivery, err error) {
	if rx.cfg.OnError != nil {
		rx.cfg.OnError(ctx, d, err)
	}
}
