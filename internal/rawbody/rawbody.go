// Package rawbody reads a request body once, under a cap, with memory that grows with the bytes
// that arrive rather than with the length a sender declares, and hands the exact bytes on to
// the next handler: as a re-readable r.Body and, without a copy, from the request's context.
// The verify and events middleware share it, so that whichever reads the body first is the only
// one that does.
package rawbody

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// firstChunk bounds the first allocation for a body whose declared length is larger: a sender
// that declares megabytes and sends a few bytes makes the server hold this much, not what it
// declared.
const firstChunk = 32 << 10

// ErrRead wraps a failure to read the body other than its size, such as a client that hung up.
var ErrRead = errors.New("could not read the request body")

type ctxKey struct{}

// From returns the body a middleware read for this request, without a copy. The caller must not
// modify it.
func From(ctx context.Context) ([]byte, bool) {
	b, ok := ctx.Value(ctxKey{}).([]byte)
	return b, ok
}

// With returns a shallow copy of r whose context carries body and whose Body reads body again
// from the start. r itself is not modified.
func With(r *http.Request, body []byte) *http.Request {
	r2 := r.WithContext(context.WithValue(r.Context(), ctxKey{}, body))
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return r2
}

// Read reads r.Body whole, at most limit bytes. A body larger than limit, whether declared by
// Content-Length or found while reading, returns an *http.MaxBytesError, and no more than
// limit+1 bytes are read; other failures wrap ErrRead. A nil body reads as empty.
//
// The first allocation is the declared length when it is at most 32 KiB, else 32 KiB (512 bytes
// when the length is unknown), and the buffer grows only as bytes arrive. A body whose length
// was declared and sent in full is read into one allocation of exactly that size: when the
// buffer is full, a zero-length read asks the body whether it has ended (net/http's request
// bodies, bytes.Reader and strings.Reader all say so) before a larger buffer is made.
func Read(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	size := int64(512)
	if r.ContentLength > 0 {
		size = min(r.ContentLength, firstChunk)
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			// A zero-length read only reports an error, such as the end of the body; it cannot
			// take data, so it costs no buffer.
			if _, err := r.Body.Read(buf[len(buf):]); err != nil {
				return finish(buf, err)
			}
			// Double, but not past one byte over the limit.
			grow := int64(max(len(buf), 512))
			if room := limit - int64(len(buf)); room < grow {
				grow = room + 1
			}
			buf = slices.Grow(buf, int(grow))
		}
		// Read at most one byte past the limit: enough to tell that the body is too large.
		window := cap(buf) - len(buf)
		if room := limit - int64(len(buf)); room < int64(window) {
			window = int(room) + 1
		}
		n, err := r.Body.Read(buf[len(buf) : len(buf)+window])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, &http.MaxBytesError{Limit: limit}
		}
		if err != nil {
			return finish(buf, err)
		}
	}
}

// finish turns the error that ended a read into Read's result.
func finish(buf []byte, err error) ([]byte, error) {
	if errors.Is(err, io.EOF) {
		return buf, nil
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, tooLarge
	}
	return nil, fmt.Errorf("%w: %w", ErrRead, err)
}
