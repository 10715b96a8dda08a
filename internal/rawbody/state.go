package rawbody

import (
	"context"
	"net/http"
)

// State is what the stages of one request found, kept in one place by a composer that owns the
// request and chains the stages itself (the receiver), so that a stage records its finding here
// instead of deriving a new context and handing the next stage a copy of the request.
//
// A composer puts a State in the request's context with NewContext, makes its own copy of the
// request with that context, and binds the State to that copy with Bind. A stage given exactly
// that request (Of returns the State) records what it found in the State and calls the next
// stage with the same request; given any other request, such as a copy another middleware made
// or a request built elsewhere from a handler's context, Of returns nil and the stage hands on a
// copy as it does without a composer. So a stage never changes a request it was given, and a
// State never answers for a request it was not bound to.
//
// Under a bound State, verify.Middleware does not make r.Body readable again: the composer
// promises that no stage after it reads r.Body, and every stage reads the body with
// FromRequest. A State is used by one request's goroutine at a time, like the request.
type State struct {
	owner   *http.Request
	body    []byte
	hasBody bool

	// Envelope is what events.Middleware decoded: an *events.Envelope, or nil.
	Envelope any

	// Key is the idempotency key idempotency.Middleware claimed, or "".
	Key string

	// Ext is the composer's own per-request value.
	Ext any
}

type stateKey struct{}

// NewContext returns a copy of parent that carries st.
func NewContext(parent context.Context, st *State) context.Context {
	return context.WithValue(parent, stateKey{}, st)
}

// StateFrom returns the State in ctx, bound to whichever request, or nil. Stages that have the
// request use Of instead.
func StateFrom(ctx context.Context) *State {
	st, _ := ctx.Value(stateKey{}).(*State)
	return st
}

// Bind binds st to r, the composer's own request, whose context carries st.
func (st *State) Bind(r *http.Request) { st.owner = r }

// Of returns the State in r's context when it is bound to r itself, else nil.
func Of(r *http.Request) *State {
	if st := StateFrom(r.Context()); st != nil && st.owner == r {
		return st
	}
	return nil
}

// SetBody records the body read for the request.
func (st *State) SetBody(body []byte) { st.body, st.hasBody = body, true }

// Body returns the body recorded with SetBody.
func (st *State) Body() ([]byte, bool) { return st.body, st.hasBody }
