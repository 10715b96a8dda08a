package receiver

import (
	"context"
	"net/http"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// request is the Receiver's record of one request. ServeHTTP makes one, puts it in the context
// of its own copy of the request through a rawbody.State (whose Ext it is), and hands that copy
// to every stage: the stages record what they find in the State (the body, the envelope, the
// claimed key) and in the request (the outcome, the early claim, the handler's Delivery), so
// that no stage derives a new context or copies the request. One allocation holds it all.
type request struct {
	rx  *Receiver
	raw rawbody.State
	out Outcome

	// early is the claim taken before decoding, on a key known without decoding.
	early earlyClaim

	// fp is the body's fingerprint (seenBodies), once hasFP is set; known is set when the
	// body's bytes are remembered to decode.
	fp           uint64
	hasFP, known bool
	seen         seenDelivery // what the remembered bytes decoded to, when known

	// delivery is what FromContext returns in the handler, once hasDelivery is set.
	delivery    Delivery
	hasDelivery bool
}

// earlyClaim is the result of the claim the receiver asked for before decoding (see
// Receiver.claimEarly), kept for the claim stage while the body is decoded.
type earlyClaim struct {
	key     string            // bounded, as the claim stage bounds it; "" when none was asked
	claim   idempotency.Claim // what the Store answered
	err     error             // or the Store's error
	pending bool              // not yet handed to the claim stage, nor dropped
}

// holds reports whether the early claim is a claim held by this request that nothing has taken
// over or released yet.
func (e *earlyClaim) holds() bool {
	return e.pending && e.err == nil && e.claim.State == idempotency.Claimed
}

// requestOf returns the Receiver's record of r when r is the request ServeHTTP bound it to, or
// nil: for the stages chained by hand, without a Receiver.
func requestOf(r *http.Request) *request {
	if st := rawbody.Of(r); st != nil {
		rq, _ := st.Ext.(*request)
		return rq
	}
	return nil
}

// requestFrom returns the Receiver's record of the request whose context ctx is, or is derived
// from, or nil.
func requestFrom(ctx context.Context) *request {
	if st := rawbody.StateFrom(ctx); st != nil {
		rq, _ := st.Ext.(*request)
		return rq
	}
	return nil
}

// outcomeOf returns the outcome the Receiver records r in, or a scratch one when the stages run
// without a Receiver.
func outcomeOf(r *http.Request) *Outcome {
	if rq := requestOf(r); rq != nil {
		return &rq.out
	}
	return &Outcome{}
}

// envelopeOf returns the envelope events.Middleware decoded for r: from the Receiver's State
// when r is bound to one, else from r's context.
func envelopeOf(r *http.Request) (*events.Envelope, bool) {
	if st := rawbody.Of(r); st != nil {
		env, ok := st.Envelope.(*events.Envelope)
		return env, ok && env != nil
	}
	return events.FromContext(r.Context())
}
