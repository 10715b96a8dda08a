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
	"sync"
)

// DefaultLimit is the body cap of the middleware that read bodies (verify's and events') when
// none is configured: 8 MiB, large enough for inspections with hundreds of checklist fields,
// comments and media links. It is exported once, as verify.DefaultMaxBodyBytes.
const DefaultLimit = 8 << 20

// firstChunk bounds the first allocation for a body whose declared length is larger: a sender
// that declares megabytes and sends a few bytes makes the server hold this much, not what it
// declared.
const firstChunk = 32 << 10

// ErrRead wraps a failure to read the body other than its size, such as a client that hung up.
var ErrRead = errors.New("could not read the request body")

type ctxKey struct{}

// From returns the body a middleware read for the request whose context ctx is, as With
// handed it on, without a copy. The caller must not modify it.
func From(ctx context.Context) ([]byte, bool) {
	rp, ok := ctx.Value(ctxKey{}).(*replay)
	if !ok {
		return nil, false
	}
	return rp.body, true
}

// FromRequest is From of r's context.
func FromRequest(r *http.Request) ([]byte, bool) { return From(r.Context()) }

// replay is what With hands on: the body, for From, and a reader of it, the copy's Body.
type replay struct {
	bytes.Reader
	body []byte
}

// Close does nothing: the body is in memory.
func (*replay) Close() error { return nil }

// With returns a shallow copy of r whose context carries body and whose Body reads body again
// from the start. r itself is not modified.
func With(r *http.Request, body []byte) *http.Request {
	rp := &replay{body: body}
	rp.Reset(body)
	r2 := r.WithContext(context.WithValue(r.Context(), ctxKey{}, rp))
	r2.Body = rp
	r2.ContentLength = int64(len(body))
	return r2
}

// probeSize is the size of the buffers that ask a body whether it has ended once its declared
// length has been read, when a zero-length read cannot tell.
const probeSize = 512

// probes holds the buffers of those reads. A probe buffer is copied from, never handed on.
var probes = sync.Pool{New: func() any { return new([probeSize]byte) }}

// Read reads r.Body whole, at most limit bytes. A body larger than limit, whether declared by
// Content-Length or found while reading, returns an *http.MaxBytesError, and no more than
// limit+1 bytes are read; other failures wrap ErrRead. A nil body reads as empty.
//
// The first allocation is the declared length when it is at most 32 KiB, else 32 KiB (512 bytes
// when the length is unknown), and the buffer grows only as bytes arrive: it doubles, but not
// past the declared length, so a body sent as declared ends in a buffer of exactly its size.
// A body of at most 32 KiB whose length was declared and sent in full is read into one
// allocation of exactly that size, from any reader: when the buffer is full, a zero-length read
// asks the body whether it has ended (net/http's request bodies, bytes.Reader and
// strings.Reader say so), and when it cannot tell (http.MaxBytesReader answers a zero-length
// read with 0, nil), a read into a pooled buffer does, so no larger buffer is made for a body
// that has ended.
func Read(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, nil
	}
	declared := r.ContentLength // > 0 when known; 0 or -1 when not
	size := int64(512)
	if declared > 0 {
		size = min(declared, firstChunk)
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			// A zero-length read only reports an error, such as the end of the body; it cannot
			// take data, so it costs no buffer.
			if _, err := r.Body.Read(buf[len(buf):]); err != nil {
				return finish(buf, err)
			}
			if int64(len(buf)) == declared {
				// All the declared bytes are in: ask again with room for data, in a pooled
				// buffer, before making a larger one for a body that has most likely ended.
				more, done, err := probe(r.Body, buf, limit)
				if done {
					return more, err
				}
				buf = more
				continue
			}
			buf = grow(buf, growth(len(buf), declared, limit))
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

// probe reads from body into a pooled buffer once buf, which is full, holds the declared
// length. done is true when the body ended (or failed), with Read's result in more and err;
// otherwise more is buf grown with what the probe read.
func probe(body io.Reader, buf []byte, limit int64) (more []byte, done bool, err error) {
	p := probes.Get().(*[probeSize]byte)
	defer probes.Put(p)
	window := probeSize
	if room := limit - int64(len(buf)); room < int64(window) {
		window = int(room) + 1
	}
	n, err := body.Read(p[:window])
	if n == 0 {
		if err != nil {
			more, err = finish(buf, err)
			return more, true, err
		}
		return buf, false, nil // nothing yet: the next round asks again
	}
	if int64(len(buf)+n) > limit {
		return nil, true, &http.MaxBytesError{Limit: limit}
	}
	// The sender sent more than it declared: grow as for a body of unknown length.
	buf = grow(buf, max(growth(len(buf), -1, limit), n))
	buf = append(buf, p[:n]...)
	if err != nil {
		more, err = finish(buf, err)
		return more, true, err
	}
	return buf, false, nil
}

// growth is how many bytes to add to a full buffer of n bytes: double, at least 512, but not
// past the declared length when more is declared, nor past one byte over the limit.
func growth(n int, declared, limit int64) int {
	grow := int64(max(n, 512))
	if declared > int64(n) && declared-int64(n) < grow {
		grow = declared - int64(n)
	}
	if room := limit - int64(n); room < grow {
		grow = room + 1
	}
	return int(grow)
}

// grow returns buf with room for exactly n more bytes.
func grow(buf []byte, n int) []byte {
	grown := make([]byte, len(buf), len(buf)+n)
	copy(grown, buf)
	return grown
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
