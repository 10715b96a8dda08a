package prom

import (
	"context"
	"errors"
	"net/http"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/observe/prom/internal/promcore"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// The reasons of inspecthook_rejections_total: one per request answered with another status
// than 200.
const (
	reasonMethod             = "method"              // 405: not POST
	reasonContentType        = "content_type"        // 415: not declared JSON
	reasonRateLimited        = "rate_limited"        // 429: the bucket was empty
	reasonLimiterUnavailable = "limiter_unavailable" // 503: the limiter could not decide
	reasonTooLarge           = "too_large"           // 413: the body is over MaxBodyBytes
	reasonUnreadable         = "unreadable"          // 400: the body could not be read
	reasonUnauthenticated    = "unauthenticated"     // 401: see inspecthook_unauthenticated_total
	reasonUndecodable        = "undecodable"         // 400: not JSON, not the provider's shape, no event type
	reasonInvalid            = "invalid"             // 422: a required field is missing
	reasonNoKey              = "no_key"              // 400: no idempotency key to claim
	reasonInFlight           = "in_flight"           // 409: another delivery of the event is being handled
	reasonStoreUnavailable   = "store_unavailable"   // 503: the idempotency store failed to claim
	reasonInboxUnavailable   = "inbox_unavailable"   // 503: the inbox failed to store the delivery
	reasonHandlerFailed      = "handler_failed"      // 500: the handler returned an error or panicked
	reasonOther              = "other"               // any other refusal
)

// Observe counts one request's outcome: inspecthook_deliveries_total, _duplicates_total,
// _delivery_duration_seconds, _handler_duration_seconds (when a handler ran: Outcome.Handled
// is set), _rejections_total and _unauthenticated_total. Give it to receiver.Config.Observer,
// alone or with others through receiver.Observers.
func (m *Metrics) Observe(_ context.Context, o receiver.Outcome) {
	c := m.core
	provider := c.Provider(o.Provider)
	eventType := c.EventType(o.Provider, o.Type)
	m.deliveries.WithLabelValues(provider, eventType, stage(o.Stage), promcore.Status(o.Status)).Inc()
	if o.Duplicate {
		m.duplicates.WithLabelValues(provider, eventType).Inc()
	}
	m.deliveryTime.WithLabelValues(provider, promcore.StatusClass(o.Status)).Observe(o.Duration.Seconds())
	if o.Handled {
		m.handlerTime.WithLabelValues(provider, eventType, handlerResult(o)).Observe(o.HandlerDuration.Seconds())
	}
	if reason := rejection(o); reason != "" {
		scheme := ""
		if reason == reasonUnauthenticated {
			scheme = boundScheme(o.Scheme)
			m.unauthenticated.WithLabelValues(provider, scheme, cause(o.Err)).Inc()
		}
		m.rejections.WithLabelValues(provider, reason, scheme).Inc()
	}
}

// OnError counts an error the receiver reports to its OnError hook: a handler's
// (inspecthook_handler_errors_total, kind "error", "panic" or "permanent"; in the request or,
// with an inbox, in a worker), the idempotency store's or the inbox's
// (inspecthook_store_errors_total, by operation), the rate limiter's
// (inspecthook_limiter_errors_total). Give it to receiver.Config.OnError, with your own
// hook through receiver.OnErrors.
func (m *Metrics) OnError(_ context.Context, d receiver.Delivery, err error) {
	if err == nil {
		return
	}
	provider := m.core.Provider(d.Provider)
	switch src, detail := classify(err); src {
	case sourceHandler:
		m.handlerErrors.WithLabelValues(provider, m.core.EventType(d.Provider, d.Type), detail).Inc()
	case sourceStore:
		m.storeErrors.WithLabelValues(provider, detail).Inc()
	case sourceLimiter:
		m.limiterErrors.WithLabelValues(provider).Inc()
	}
}

// stageNames are the label values of the receiver's stages, as Stage.String names them.
var stageNames = func() map[receiver.Stage]string {
	names := map[receiver.Stage]string{}
	for s := receiver.StageMethod; s <= receiver.StageEnqueue; s++ {
		names[s] = s.String()
	}
	return names
}()

// stage is the stage label value of s: its name, or "other" for a stage the receiver does not
// have.
func stage(s receiver.Stage) string {
	if name, ok := stageNames[s]; ok {
		return name
	}
	return promcore.Other
}

// rejection is the reason label value of a request answered with another status than 200, or ""
// for one answered 200 (success, duplicate, acknowledged Permanent error, queued).
func rejection(o receiver.Outcome) string {
	if o.Status == http.StatusOK {
		return ""
	}
	switch o.Stage {
	case receiver.StageMethod:
		if o.Status == http.StatusUnsupportedMediaType {
			return reasonContentType
		}
		return reasonMethod
	case receiver.StageRateLimit:
		if o.Status == http.StatusServiceUnavailable || errors.Is(o.Err, ratelimit.ErrUnavailable) {
			return reasonLimiterUnavailable
		}
		return reasonRateLimited
	case receiver.StageBody:
		if o.Status == http.StatusRequestEntityTooLarge {
			return reasonTooLarge
		}
		return reasonUnreadable
	case receiver.StageVerify:
		return reasonUnauthenticated
	case receiver.StageDecode:
		if o.Status == http.StatusRequestEntityTooLarge {
			return reasonTooLarge
		}
		return reasonUndecodable
	case receiver.StageValidate:
		return reasonInvalid
	case receiver.StageClaim:
		switch {
		case o.Status == http.StatusConflict:
			return reasonInFlight
		case o.Status == http.StatusServiceUnavailable:
			return reasonStoreUnavailable
		case errors.Is(o.Err, idempotency.ErrNoKey):
			return reasonNoKey
		}
	case receiver.StageEnqueue:
		return reasonInboxUnavailable
	case receiver.StageDispatch:
		return reasonHandlerFailed
	}
	return reasonOther
}

// handlerResult is the result label value of a request whose handler ran.
func handlerResult(o receiver.Outcome) string {
	switch {
	case o.Err == nil:
		return "ok"
	case errors.Is(o.Err, receiver.ErrPanic):
		return "panic"
	case receiver.IsPermanent(o.Err):
		return "permanent"
	}
	return "error"
}

// schemes are the label values of verify.Scheme.
var schemes = map[string]bool{
	"": true, "hmac": true, "standard-webhooks": true, "basic": true, "bearer": true, "api-key": true,
	"jwt": true, "url-token": true, "ip-allowlist": true, "all": true, "any": true, "other": true,
}

// boundScheme is the scheme label value of s: a name verify.Scheme gives, else "other".
func boundScheme(s string) string {
	if schemes[s] {
		return s
	}
	return promcore.Other
}

// causes are the cause label values of a verify error, in the order they are tested.
var causes = []struct {
	err  error
	name string
}{
	{verify.ErrMissing, "missing"},
	{verify.ErrMalformed, "malformed"},
	{verify.ErrInvalid, "invalid"},
	{verify.ErrTooOld, "too_old"},
	{verify.ErrTooNew, "too_new"},
	{verify.ErrClaims, "claims"},
}

// cause is the cause label value of a 401's error: the first verify sentinel it wraps, in the
// order of causes, else "other".
func cause(err error) string {
	for _, c := range causes {
		if errors.Is(err, c.err) {
			return c.name
		}
	}
	return promcore.Other
}

// The sources of an error given to OnError.
const (
	sourceHandler = iota + 1
	sourceStore
	sourceLimiter
)

// The operation label values of inspecthook_store_errors_total: idempotency's Op names, and
// the inbox's.
const (
	opClaim    = idempotency.OpClaim    // claiming a key, before or after decoding
	opRenew    = idempotency.OpRenew    // renewing the lease while the handler runs
	opComplete = idempotency.OpComplete // marking the event done
	opRelease  = idempotency.OpRelease  // freeing the key after a failure
	opEnqueue  = "enqueue"              // storing the delivery in the inbox
)

// classify tells where an error given to the receiver's OnError comes from, with the kind of a
// handler error or the operation of a store error, from the receiver's sentinels and typed
// errors: ErrPanic, Permanent, *idempotency.OpError, ErrEnqueue and
// ratelimit.ErrUnavailable. Whatever else it is given is the handler's own error.
func classify(err error) (source int, detail string) {
	var op *idempotency.OpError
	switch {
	case errors.Is(err, receiver.ErrPanic):
		return sourceHandler, "panic"
	case receiver.IsPermanent(err):
		return sourceHandler, "permanent"
	case errors.As(err, &op):
		switch op.Op {
		case opClaim, opRenew, opComplete, opRelease:
			return sourceStore, op.Op
		}
		return sourceStore, promcore.Other
	case errors.Is(err, receiver.ErrEnqueue):
		return sourceStore, opEnqueue
	case errors.Is(err, ratelimit.ErrUnavailable):
		return sourceLimiter, ""
	}
	return sourceHandler, "error"
}
