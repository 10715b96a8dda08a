package receiver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/internal/rawbody"
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

// exchange is what ServeHTTP allocates for a request, in one piece: the Outcome it records the
// request in and the bodyWatch it serves the request through.
type exchange struct {
	outcome Outcome
	watch   bodyWatch
}

// bodyWatch is, for one HTTP/1 request with a body, both the body the stages read and the
// ResponseWriter they answer on: it notes when the body has been read to its end, and an answer
// written before then (405, 415, 429, a header-only 401, 413, a duplicate or 409 or 503 from a
// claim by header, a body that could not be read) hangs up (rawbody.HangUp): it carries
// "Connection: close", so net/http's server sends it at once, where it would otherwise first
// read and discard up to 256 KiB of the rest of the body, as slowly as the sender dribbles it,
// and the connection is closed within rawbody.Linger. It is the one place that guarantees this
// for every stage; the standalone middleware that answer before the body (ratelimit's,
// verify's) hang up themselves as well.
//
// A bodyWatch is used only by the request's goroutine, but eof is atomic so that a stage that
// reads the body from another goroutine cannot race with the answer.
type bodyWatch struct {
	http.ResponseWriter
	body    io.ReadCloser
	eof     atomic.Bool // the body has been read to its end
	decided bool        // decide has run: the answer is being written
}

// wrap serves r through b, when there is a body to watch: it replaces the body of r, which must
// be the Receiver's own copy of the request, and returns b as the writer to answer on. With no
// body, a body an earlier middleware read whole, or HTTP/2 (which resets the stream and has no
// body to drain) it returns w and leaves r alone.
func (b *bodyWatch) wrap(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if r.ProtoMajor >= 2 || r.Body == nil || r.Body == http.NoBody {
		return w
	}
	if _, read := rawbody.FromRequest(r); read {
		return w
	}
	b.ResponseWriter, b.body = w, r.Body
	r.Body = b
	return b
}

// Read reads the body, noting its end.
func (b *bodyWatch) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err != nil && errors.Is(err, io.EOF) {
		b.eof.Store(true)
	}
	return n, err
}

// Close closes the body.
func (b *bodyWatch) Close() error { return b.body.Close() }

// decide hangs up (rawbody.HangUp) before the answer about to be written when the body has not
// been read to its end; only the first call counts. It does nothing when b watches no request.
func (b *bodyWatch) decide() {
	if b.decided || b.ResponseWriter == nil {
		return
	}
	b.decided = true
	if !b.eof.Load() {
		rawbody.HangUp(b.ResponseWriter)
	}
}

// WriteHeader decides the connection before the final status; a 1xx status is informational.
func (b *bodyWatch) WriteHeader(code int) {
	if code < 100 || code > 199 || code == http.StatusSwitchingProtocols {
		b.decide()
	}
	b.ResponseWriter.WriteHeader(code)
}

func (b *bodyWatch) Write(p []byte) (int, error) {
	b.decide()
	return b.ResponseWriter.Write(p)
}

// WriteString keeps the underlying writer's io.StringWriter, for the stages' one-line answers.
func (b *bodyWatch) WriteString(s string) (int, error) {
	b.decide()
	return io.WriteString(b.ResponseWriter, s)
}

// Flush sends the header, with 200 if none was written, and any buffered body.
func (b *bodyWatch) Flush() { _ = b.FlushError() }

// FlushError is Flush for http.ResponseController, returning the underlying writer's error
// (http.ErrNotSupported when it cannot flush).
func (b *bodyWatch) FlushError() error {
	b.decide()
	return http.NewResponseController(b.ResponseWriter).Flush()
}

// Unwrap returns the underlying ResponseWriter, for http.ResponseController.
func (b *bodyWatch) Unwrap() http.ResponseWriter { return b.ResponseWriter }
