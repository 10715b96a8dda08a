package receiver

import (
	"context"
	"net/http"

	"github.com/inspecthook/inspecthook/events"
)

// outcomeKey is the context key of the Outcome a Receiver records a request in.
type outcomeKey struct{}

// withOutcome returns a copy of r whose context carries o, the one place where the Receiver
// records what became of the request.
func withOutcome(r *http.Request, o *Outcome) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), outcomeKey{}, o))
}

// outcomeOf returns the Outcome the Receiver records r in, or a scratch one when the stages run
// without a Receiver.
func outcomeOf(r *http.Request) *Outcome {
	if o, ok := r.Context().Value(outcomeKey{}).(*Outcome); ok {
		return o
	}
	return &Outcome{}
}

// envelopeOf returns the envelope events.Middleware decoded for r.
func envelopeOf(r *http.Request) (*events.Envelope, bool) {
	return events.FromContext(r.Context())
}
