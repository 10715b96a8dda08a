package events

import (
	"context"
	"errors"
	"net/http"

	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*decoder)

// WithMaxBodyBytes caps the body Middleware reads itself; a larger one is answered 413. A body an
// earlier middleware (verify.Middleware) read is taken as it is, under that middleware's cap.
// Zero keeps the default, 8 MiB (verify.DefaultMaxBodyBytes); a negative n panics.
func WithMaxBodyBytes(n int64) MiddlewareOption {
	if n < 0 {
		panic("events: WithMaxBodyBytes: negative limit")
	}
	return func(d *decoder) {
		if n > 0 {
			d.maxBody = n
		}
	}
}

// WithOnReject sets a function Middleware calls just before it answers a request itself, with
// the status it is about to send and the error, for logs and metrics. For a body that decoded
// but failed validation (ErrInvalid, 422) the request's context carries the envelope: read it
// with FromContext. f must not write to the response.
func WithOnReject(f func(r *http.Request, status int, err error)) MiddlewareOption {
	return func(d *decoder) { d.onReject = f }
}

// Middleware decodes each request's body with p and calls next with the envelope in the
// request's context (read it with FromContext, or its idempotency key with IdempotencyKey).
//
// It takes the body an earlier middleware (verify.Middleware) read; otherwise it reads it itself,
// under WithMaxBodyBytes, and hands it on re-readable. The request is never modified: next gets
// a copy. Middleware answers the request itself, with a one-line text/plain body from Message,
// when:
//
//	status  when
//	413     the body is larger than the cap
//	400     the body cannot be read, or does not decode (ErrNotJSON, ErrShape, ErrNoType)
//	422     a required field is missing (ErrInvalid)
//
// An answer given before the body was read to its end (a 413, a body that failed to read)
// carries "Connection: close" over HTTP/1, so the server sends it at once and closes the
// connection within half a second, rather than first reading and discarding the rest of a body
// the sender may be dribbling.
//
// An unknown event type is not an error: next gets an envelope with a nil Payload. It panics on
// a nil p.
func Middleware(p Provider, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if p == nil {
		panic("events: Middleware: nil Provider")
	}
	cfg := decoder{provider: p, maxBody: rawbody.DefaultLimit}
	for _, opt := range opts {
		opt(&cfg)
	}
	return func(next http.Handler) http.Handler {
		d := cfg
		d.next = next
		return &d
	}
}

// decoder is the handler Middleware returns.
type decoder struct {
	provider Provider
	next     http.Handler
	maxBody  int64
	onReject func(r *http.Request, status int, err error)
}

func (d *decoder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, read := rawbody.FromRequest(r)
	if !read {
		b, err := rawbody.Read(r, d.maxBody)
		if err != nil {
			status := http.StatusBadRequest
			if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
				status = http.StatusRequestEntityTooLarge
			}
			d.reject(w, r, status, err)
			return
		}
		body = b
		r = rawbody.With(r, body)
	}
	env, err := d.provider.Decode(body)
	switch {
	case errors.Is(err, ErrInvalid):
		if env != nil {
			r = withEnvelope(r, env)
		}
		d.reject(w, r, http.StatusUnprocessableEntity, err)
		return
	case err != nil:
		d.reject(w, r, http.StatusBadRequest, err)
		return
	case env == nil:
		// A Provider that breaks its contract; answered as a body that did not decode.
		d.reject(w, r, http.StatusBadRequest, errors.New("events: Decode returned no envelope and no error"))
		return
	}
	d.next.ServeHTTP(w, withEnvelope(r, env))
}

// withEnvelope returns a copy of r whose context carries env, for FromContext.
func withEnvelope(r *http.Request, env *Envelope) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), envelopeKey{}, env))
}

// reject reports the rejection and answers it, closing the connection when the body was not
// read to its end (a 413, a body that failed to read).
func (d *decoder) reject(w http.ResponseWriter, r *http.Request, status int, err error) {
	if d.onReject != nil {
		d.onReject(r, status, err)
	}
	rawbody.CloseUnread(w, r)
	http.Error(w, Message(err), status)
}

// envelopeKey is the context key of the envelope Middleware decoded.
type envelopeKey struct{}

// FromContext returns the envelope Middleware decoded for the request whose context ctx is.
func FromContext(ctx context.Context) (*Envelope, bool) {
	env, ok := ctx.Value(envelopeKey{}).(*Envelope)
	return env, ok && env != nil
}

// IdempotencyKey returns the idempotency key of the envelope Middleware decoded for r, or ""
// when there is none: the key function for an idempotency middleware mounted after Middleware.
func IdempotencyKey(r *http.Request) string {
	if env, ok := FromContext(r.Context()); ok {
		return env.IdempotencyKey
	}
	return ""
}
