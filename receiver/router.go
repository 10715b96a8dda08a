package receiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
)

// RouterConfig configures a Router. Zero fields get the documented defaults.
type RouterConfig struct {
	// HandlerTimeout is the deadline of a handler's context. Default DefaultHandlerTimeout (50 s).
	HandlerTimeout time.Duration

	// Logger receives the stack of a handler's panic. Default slog.Default().
	Logger *slog.Logger

	// OnError is called with the error of a handler (retryable or Permanent) and with a panic
	// (wrapping ErrPanic).
	OnError func(ctx context.Context, d Delivery, err error)

	// Now is the clock of Delivery.ReceivedAt when no Receiver set it. Default time.Now.
	Now func() time.Time
}

// Router is the innermost stage: it calls the typed handler registered for a delivery's event.
// It reads the envelope that events.Middleware put in the request context and the idempotency
// key that idempotency.Middleware claimed, so it belongs behind those two. It answers 200 "ok"
// when the handler succeeds, has no handler, or fails with a Permanent error, and 500 when the
// handler fails otherwise or panics, so that idempotency.Middleware releases the claim and the
// provider's retry is processed.
//
// A Receiver holds a Router of its own; build one with NewRouter to chain the stages by hand.
// Register handlers with Handle and HandleUnknown before serving. A Router is safe for
// concurrent use.
type Router struct {
	provider string
	cfg      RouterConfig
	log      *slog.Logger

	mu       sync.RWMutex
	handlers map[string]registered
	fallback handlerFunc
}

// handlerFunc is a registered handler with its payload type erased.
type handlerFunc func(ctx context.Context, env *events.Envelope) error

// registered is the handler of one event type: erased for dispatch, and as it was given
// (a func(context.Context, *T) error) for Wrap.
type registered struct {
	run   handlerFunc
	typed any
}

// NewRouter returns the router of p's events. It returns an error wrapping ErrConfig when p is
// nil or HandlerTimeout is negative.
func NewRouter(p events.Provider, cfg RouterConfig) (*Router, error) {
	switch {
	case p == nil:
		return nil, fmt.Errorf("%w: no provider", ErrConfig)
	case cfg.HandlerTimeout < 0:
		return nil, fmt.Errorf("%w: negative HandlerTimeout", ErrConfig)
	}
	if cfg.HandlerTimeout == 0 {
		cfg.HandlerTimeout = DefaultHandlerTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Router{
		provider: p.Name(),
		cfg:      cfg,
		log:      cfg.Logger.With("provider", p.Name()),
		handlers: map[string]registered{},
	}, nil
}

// Registrar is what handlers are registered on: a *Receiver or a *Router.
type Registrar interface {
	router() *Router
}

func (rt *Router) router() *Router { return rt }

// Handle registers h for the event ev. The compiler ties the event to its payload type, so h
// receives a *T and never type-switches. It panics when ev belongs to another provider or
// already has a handler: mistakes found when the program starts.
func Handle[T any](reg Registrar, ev events.Event[T], h func(ctx context.Context, payload *T) error) {
	rt := reg.router()
	if ev.Provider() != rt.provider || ev.Name() == "" {
		panic(fmt.Sprintf("receiver: event %s does not belong to provider %s", ev, rt.provider))
	}
	if h == nil {
		panic("receiver: nil handler for " + ev.String())
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if _, dup := rt.handlers[ev.Name()]; dup {
		panic("receiver: second handler for " + rt.provider + "/" + ev.Name())
	}
	rt.handlers[ev.Name()] = typed(ev, h)
}

// Wrap replaces the handler registered for ev on reg with wrap(h), where h is that handler, or
// nil when ev has none: to record, log or instrument the handlers of an application that has
// registered them already, without restructuring it (webhooktest.Record wraps this way). It
// panics when ev belongs to another provider, or wrap is nil or returns nil.
func Wrap[T any](reg Registrar, ev events.Event[T], wrap func(h func(ctx context.Context, payload *T) error) func(ctx context.Context, payload *T) error) {
	rt := reg.router()
	if ev.Provider() != rt.provider || ev.Name() == "" {
		panic(fmt.Sprintf("receiver: event %s does not belong to provider %s", ev, rt.provider))
	}
	if wrap == nil {
		panic("receiver: nil wrap for " + ev.String())
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	prev, _ := rt.handlers[ev.Name()].typed.(func(context.Context, *T) error)
	h := wrap(prev)
	if h == nil {
		panic("receiver: wrap returned a nil handler for " + ev.String())
	}
	rt.handlers[ev.Name()] = typed(ev, h)
}

// typed is h registered for ev: called with the payload of ev's type.
func typed[T any](ev events.Event[T], h func(ctx context.Context, payload *T) error) registered {
	return registered{typed: h, run: func(ctx context.Context, env *events.Envelope) error {
		p, ok := env.Payload.(*T)
		if !ok || p == nil {
			return fmt.Errorf("receiver: %s delivered a %T payload, want %T", ev, env.Payload, p)
		}
		return h(ctx, p)
	}}
}

// HandleUnknown registers h for every delivery whose event types have no handler, including
// types the provider package does not know (env.Payload is nil for those). Without it such
// deliveries are acknowledged with 200, so a provider adding an event never breaks a receiver.
func HandleUnknown(reg Registrar, h func(ctx context.Context, env *events.Envelope) error) {
	rt := reg.router()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.fallback = h
}

// route returns the event type whose handler runs env, Delivery.Route ("" for the fallback),
// and that handler: the one for env.Type, else for the first of env.Types that has one, else the
// fallback (nil when there is none).
func (rt *Router) route(env *events.Envelope) (string, handlerFunc) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if h, ok := rt.handlers[env.Type]; ok {
		return env.Type, h.run
	}
	for _, t := range env.Types {
		if h, ok := rt.handlers[t]; ok {
			return t, h.run
		}
	}
	return "", rt.fallback
}

// errNoEnvelope is the error of a Router mounted without events.Middleware in front of it.
var errNoEnvelope = errors.New("receiver: no decoded envelope in the request context: put events.Middleware in front of the Router")

// ServeHTTP dispatches the delivery decoded by events.Middleware to its handler.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o := outcomeOf(r)
	env, ok := envelopeOf(r)
	if !ok {
		rt.log.Error(errNoEnvelope.Error())
		o.end(StageDispatch, statusHandlerFailed, errNoEnvelope)
		reply(w, statusHandlerFailed, "internal server error\n")
		return
	}
	// A Receiver recorded the delivery, with its route and handler, in the Outcome before the
	// claim (decoded); the Outcome is read by the lease renewal's error reports while the
	// handler runs, so it is not written here.
	d, h := &o.Delivery, o.handler
	if d.Envelope != env { // the stages chained by hand
		own := rt.delivery(r, env, o)
		own.Route, h = rt.route(env)
		d = &own
	}
	// The handler's context does not end with the request's: a sender that hangs up does not
	// undo the work.
	ctx := context.WithValue(r.Context(), deliveryKey{}, d)
	start := rt.cfg.Now()
	err := rt.run(context.WithoutCancel(ctx), h, env)
	if h != nil {
		o.Handled, o.HandlerDuration = true, rt.cfg.Now().Sub(start)
	}
	switch {
	case err == nil:
		o.end(StageComplete, statusOK, nil)
		reply(w, statusOK, "ok\n")
	case IsPermanent(err):
		o.end(StageComplete, statusOK, err)
		rt.onError(ctx, *d, err)
		reply(w, statusOK, "ok\n")
	default:
		o.end(StageDispatch, statusHandlerFailed, err)
		rt.onError(ctx, *d, err)
		reply(w, statusHandlerFailed, "internal server error\n")
	}
}

// delivery describes env: the key is the one idempotency.Middleware claimed, when it ran, and
// the receipt time the Receiver's, when there is one.
func (rt *Router) delivery(r *http.Request, env *events.Envelope, o *Outcome) Delivery {
	key := idempotency.KeyFrom(r.Context())
	if key == "" {
		key = env.IdempotencyKey
	}
	received := o.ReceivedAt
	if received.IsZero() {
		received = rt.cfg.Now()
	}
	return Delivery{
		Provider:       env.Provider,
		EventID:        env.ID,
		Type:           env.Type,
		Types:          env.Types,
		Version:        env.Version,
		IdempotencyKey: key,
		ReceivedAt:     received,
		Envelope:       env,
	}
}

// run runs h, the handler route chose for env, under ctx and the handler deadline, turning a
// panic into an error.
func (rt *Router) run(ctx context.Context, h handlerFunc, env *events.Envelope) (err error) {
	if h == nil {
		return nil // no handler and no fallback: acknowledge
	}
	ctx, cancel := context.WithTimeout(ctx, rt.cfg.HandlerTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, v)
			rt.log.Error("receiver: handler panicked", "type", truncate(env.Type), "key", FromContext(ctx).IdempotencyKey,
				"panic", truncate(fmt.Sprint(v)), "stack", string(debug.Stack()))
		}
	}()
	return h(ctx, env)
}

func (rt *Router) onError(ctx context.Context, d Delivery, err error) {
	if rt.cfg.OnError != nil {
		rt.cfg.OnError(ctx, d, err)
	}
}

type deliveryKey struct{}

// FromContext returns the delivery a handler is called for: event id, type, idempotency key,
// received-at and the envelope with the raw body. Outside a handler it returns the zero
// Delivery.
func FromContext(ctx context.Context) Delivery {
	if d, ok := ctx.Value(deliveryKey{}).(*Delivery); ok {
		return *d
	}
	return Delivery{}
}

// reply answers with status and line, one line of plain text ending in a newline, as http.Error
// does (without its fmt.Fprintln).
func reply(w http.ResponseWriter, status int, line string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, line)
}
