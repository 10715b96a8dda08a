package receiver

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/internal/rawbody"
	"github.com/inspecthook/inspecthook/internal/retryafter"
)

// Inbox stores deliveries durably for processing in the background: the asynchronous mode. With
// Config.Inbox set, a request runs the stages up to validation, is stored with Enqueue and is
// answered 200 at once; the Inbox's workers later call Process, which runs the handlers
// registered with Handle and HandleUnknown. The inbox package implements it on River.
type Inbox interface {
	// Enqueue stores d durably, at most once per d.IdempotencyKey within the Inbox's retention:
	// duplicate is true, and nothing is stored, when a delivery with that key is already there
	// (waiting, running, done or dead). An error means d was not stored; the request is answered
	// 503 with Retry-After (60 s, as when the idempotency store is down), so the provider retries
	// and nothing is lost.
	Enqueue(ctx context.Context, d InboxDelivery) (duplicate bool, err error)
}

// InboxDelivery is what an Inbox stores of one delivery, and hands back to Process.
type InboxDelivery struct {
	Provider       string    // the provider's name, such as "record360"
	IdempotencyKey string    // at most idempotency.MaxKeyLen bytes
	Body           []byte    // the raw body as received
	ReceivedAt     time.Time // when the request came in
	Attempt        int       // set by the Inbox for Process: 1 for the first run, 2 for the first retry...
}

// enqueue is the last stage of the asynchronous mode: it stores the decoded delivery in the
// Inbox and answers 200 "ok: queued", or "ok: already received" for a duplicate.
func (rx *Receiver) enqueue(w http.ResponseWriter, r *http.Request) {
	o := outcomeOf(r)
	body, _ := rawbody.FromRequest(r)
	dup, err := rx.cfg.Inbox.Enqueue(r.Context(), InboxDelivery{
		Provider:       rx.provider.Name(),
		IdempotencyKey: o.IdempotencyKey,
		Body:           body,
		ReceivedAt:     o.ReceivedAt,
	})
	switch {
	case err != nil:
		err = fmt.Errorf("%w: %w", ErrEnqueue, err)
		rx.onError(r.Context(), o.Delivery, err)
		o.end(StageEnqueue, statusInboxDown, err)
		w.Header().Set("Retry-After", retryafter.Unavailable)
		reply(w, statusInboxDown, "service unavailable\n")
	case dup:
		o.Duplicate = true
		o.end(StageEnqueue, statusOK, nil)
		reply(w, statusOK, "ok: already received\n")
	default:
		o.end(StageEnqueue, statusOK, nil)
		reply(w, statusOK, "ok: queued\n")
	}
}

// Process runs the handler of a delivery an Inbox stored: it decodes d.Body again and calls the
// handler registered for its event type (or the HandleUnknown handler) under ctx and
// HandlerTimeout, with d's idempotency key, receipt time and attempt in the Delivery that
// FromContext returns.
// It returns the handler's error: nil for success (or no handler), an error wrapped with
// Permanent that a retry cannot fix, ErrPanic for a panic, or another error to retry. A body
// that no longer decodes, which validation at the request rules out unless the provider package
// changed in between, is a Permanent error.
func (rx *Receiver) Process(ctx context.Context, d InboxDelivery) error {
	if d.Provider != rx.provider.Name() {
		return Permanent(fmt.Errorf("receiver: a %s delivery given to the %s receiver", d.Provider, rx.provider.Name()))
	}
	env, err := rx.provider.Decode(d.Body)
	if err != nil {
		return Permanent(fmt.Errorf("receiver: decoding a stored delivery: %w", err))
	}
	del := Delivery{
		Provider:       env.Provider,
		EventID:        env.ID,
		Type:           env.Type,
		Types:          env.Types,
		Version:        env.Version,
		IdempotencyKey: d.IdempotencyKey,
		ReceivedAt:     d.ReceivedAt,
		Attempt:        d.Attempt,
		Envelope:       env,
	}
	if del.IdempotencyKey == "" {
		del.IdempotencyKey = env.IdempotencyKey
	}
	route, h := rx.routes.route(env)
	del.Route = route
	// Unlike a request's, the handler's context ends with ctx: the Inbox cancels it to stop.
	err = rx.routes.run(context.WithValue(ctx, deliveryKey{}, &del), h, env)
	if err != nil {
		rx.onError(ctx, del, err)
	}
	return err
}

// Provider returns the provider the receiver decodes for.
func (rx *Receiver) Provider() events.Provider { return rx.provider }
