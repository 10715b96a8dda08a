package verify

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/inspecthook/inspecthook/internal/nilcheck"
	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// DefaultMaxBodyBytes is the body cap when none is configured: 8 MiB, large enough for
// inspections with hundreds of checklist fields, comments and media links. It is the one default
// of every stage that reads the body: this package's Middleware (WithMaxBodyBytes not given or
// zero), events.Middleware when it reads the body itself, and receiver.Config.MaxBodyBytes.
const DefaultMaxBodyBytes = rawbody.DefaultLimit

// MiddlewareOption configures Middleware.
type MiddlewareOption func(*middlewareConfig)

type middlewareConfig struct {
	limit    int64
	onReject func(r *http.Request, status int, err error)
}

// WithMaxBodyBytes caps the body at n bytes; a larger body is answered 413. Zero means
// DefaultMaxBodyBytes; a negative n makes Middleware panic.
func WithMaxBodyBytes(n int64) MiddlewareOption {
	return func(c *middlewareConfig) { c.limit = n }
}

// WithOnReject sets a function called just before Middleware answers a request itself, with the
// status it is about to send and why: for 401 the Verifier's error, which the response does not
// carry; for 413 an error wrapping the *http.MaxBytesError; for 400 an error from reading the
// body. r carries the body (RawBody) when it had been read. f must not write to the response.
func WithOnReject(f func(r *http.Request, status int, err error)) MiddlewareOption {
	return func(c *middlewareConfig) { c.onReject = f }
}

// Middleware authenticates deliveries with v before they reach the next handler, reading the
// body once for every later stage. For each request it:
//
//  1. checks the verifiers that need no body (see NeedsBody: the whole of v when it needs none,
//     else the parts of an All that need none), before a single byte of the body is read;
//  2. reads the body, at most the cap (WithMaxBodyBytes, default DefaultMaxBodyBytes), with
//     memory that grows with the bytes received rather than with the declared Content-Length;
//  3. checks the rest of v over the raw bytes;
//  4. calls next with a shallow copy of the request whose Body reads the same bytes again, and
//     whose context carries them for RawBody, without a copy.
//
// So an All is checked header-only parts first, unlike All's own Verify, which keeps its order;
// an Any is checked whole, after the body is read, unless none of its parts needs the body.
//
// It answers itself, with a one-line text/plain body, 401 "unauthorized" when verification fails
// (why goes only to WithOnReject), 413 "request body too large: limit N bytes" when the body is
// larger than the cap (declared or sent), and 400 "could not read the request body" when
// reading fails. When an earlier stage already read the body with this package's Middleware, it
// is not read again. The caller's request is never modified.
//
// An answer given before the body was read to its end (a 401 from a verifier that needs no
// body, a 413, a 400) carries "Connection: close" over HTTP/1, so the server sends it at once
// and closes the connection within half a second, rather than first reading and discarding up
// to 256 KiB of a body the sender may be dribbling. A 401 after the body was read keeps the
// connection.
//
// Middleware panics with a "verify: " message when v is nil (a nil Verifier never means "accept
// everything") or the cap is negative, and the function it returns panics when next is nil.
func Middleware(v Verifier, opts ...MiddlewareOption) func(http.Handler) http.Handler {
	if nilcheck.Is(v) {
		panic("verify: Middleware needs a Verifier; a nil Verifier would accept every request")
	}
	cfg := middlewareConfig{}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	switch {
	case cfg.limit < 0:
		panic("verify: negative max body bytes " + strconv.FormatInt(cfg.limit, 10))
	case cfg.limit == 0:
		cfg.limit = DefaultMaxBodyBytes
	}
	before, after := split(v)
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("verify: Middleware needs a next handler")
		}
		return &verifyHandler{before: before, after: after, cfg: cfg, next: next}
	}
}

// RawBody returns the body Middleware read for r, exactly as received, without a copy; ok is
// false when r did not come through Middleware. The caller must not modify the bytes.
func RawBody(r *http.Request) (body []byte, ok bool) {
	return rawbody.FromRequest(r)
}

// verifyHandler is the handler Middleware returns.
type verifyHandler struct {
	before []Verifier // checked before the body is read, with a nil body
	after  []Verifier // checked over the body
	cfg    middlewareConfig
	next   http.Handler
}

func (h *verifyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, v := range h.before {
		if err := v.Verify(r, nil); err != nil {
			h.reject(w, r, http.StatusUnauthorized, "unauthorized", err)
			return
		}
	}
	body, err := h.read(r)
	if err != nil {
		if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
			msg := "request body too large: limit " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes"
			h.reject(w, r, http.StatusRequestEntityTooLarge, msg, fmt.Errorf("verify: %w", err))
		} else {
			h.reject(w, r, http.StatusBadRequest, rawbody.ErrRead.Error(), fmt.Errorf("verify: %w", err))
		}
		return
	}
	r2 := rawbody.With(r, body)
	for _, v := range h.after {
		if err := v.Verify(r2, body); err != nil {
			h.reject(w, r2, http.StatusUnauthorized, "unauthorized", err)
			return
		}
	}
	h.next.ServeHTTP(w, r2)
}

// read returns the body an earlier stage read, or reads it.
func (h *verifyHandler) read(r *http.Request) ([]byte, error) {
	if body, ok := rawbody.FromRequest(r); ok {
		if int64(len(body)) > h.cfg.limit {
			return nil, &http.MaxBytesError{Limit: h.cfg.limit}
		}
		return body, nil
	}
	return rawbody.Read(r, h.cfg.limit)
}

// reject answers status with msg. An answer given before the body was read to its end (a
// header-only verifier's 401, a 413 or 400) closes the connection: see rawbody.CloseUnread.
func (h *verifyHandler) reject(w http.ResponseWriter, r *http.Request, status int, msg string, err error) {
	if h.cfg.onReject != nil {
		h.cfg.onReject(r, status, err)
	}
	rawbody.CloseUnread(w, r)
	http.Error(w, msg, status)
}
