package verify

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Verifier decides whether one delivery is authentic, from the request's headers (and, for the
// schemes that need them, its URL or peer address) and its raw body bytes exactly as received.
// It returns nil for an authentic delivery and otherwise an error wrapping one of the package's
// sentinel errors. Verify reads body, never r.Body, and does not modify r. Every Verifier in this
// package is safe for concurrent use.
//
// A Verifier need not cover every header: an HMAC over the body leaves the other headers open
// to change. A scheme declares which headers it authenticates by implementing
// [HeaderAuthenticator]; a Verifier that does not is taken to authenticate none.
type Verifier interface {
	Verify(r *http.Request, body []byte) error
}

// Signer is the sending side of a scheme: it sets on r exactly the credentials the provider
// would send with body, as headers on r.Header or, for a URL token, in r.URL. Signers replace
// any earlier value of what they set, so signing a request twice leaves one set of credentials.
// A nil r.Header is replaced by an empty one.
type Signer interface {
	Sign(r *http.Request, body []byte) error
}

// BodyNeeder is implemented by verifiers that can tell whether they read the body. A verifier
// whose NeedsBody returns false decides from the request alone, so [Middleware] checks it before
// it reads a single byte of the body, and passes it a nil body.
type BodyNeeder interface {
	NeedsBody() bool
}

// NeedsBody reports whether v needs the body to decide: false for Basic, Bearer, APIKey, JWT,
// URLToken and IPAllowlist, and for All and Any when none of their parts needs it; true for HMAC
// and StandardWebhooks, and for any Verifier that does not implement BodyNeeder.
func NeedsBody(v Verifier) bool {
	if b, ok := v.(BodyNeeder); ok {
		return b.NeedsBody()
	}
	return true
}

// MaxHeaderLen is the longest credential header value accepted, in bytes. Longer values are
// rejected with ErrMalformed before any decoding, so an oversized header costs nothing.
const MaxHeaderLen = 8 << 10

// DefaultTolerance is how far a signed timestamp may lie from the verifier's clock, in either
// direction, when a configuration leaves its Tolerance at zero.
const DefaultTolerance = 5 * time.Minute

// single returns the one value of the header named by the canonical key.
func single(h http.Header, key string) (string, error) {
	vs := h[key]
	switch {
	case len(vs) == 0:
		return "", fmt.Errorf("%w: no %s header", ErrMissing, key)
	case len(vs) > 1:
		return "", fmt.Errorf("%w: %s header sent %d times", ErrMalformed, key, len(vs))
	}
	v := strings.TrimSpace(vs[0])
	switch {
	case v == "":
		return "", fmt.Errorf("%w: %s header is empty", ErrMalformed, key)
	case len(v) > MaxHeaderLen:
		return "", fmt.Errorf("%w: %s header is %d bytes, limit %d", ErrMalformed, key, len(v), MaxHeaderLen)
	}
	return v, nil
}

// checkTimestamp parses a Unix-seconds timestamp and checks it lies within tolerance of now,
// boundary included.
func checkTimestamp(key, value string, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(value, 10, 64)
	if err != nil || sec < 0 {
		return fmt.Errorf("%w: %s header is not a Unix time in seconds", ErrMalformed, key)
	}
	// Compare in seconds so that absurd values cannot overflow time.Duration.
	diff := now.Unix() - sec
	limit := int64(tolerance / time.Second)
	switch {
	case diff > limit:
		return fmt.Errorf("%w: %s is %ds behind the clock, tolerance %s", ErrTooOld, key, diff, tolerance)
	case -diff > limit:
		return fmt.Errorf("%w: %s is %ds ahead of the clock, tolerance %s", ErrTooNew, key, -diff, tolerance)
	}
	return nil
}

// tolerance fills in the default and rejects negative windows.
func tolerance(d time.Duration) (time.Duration, error) {
	switch {
	case d < 0:
		return 0, fmt.Errorf("%w: negative tolerance %s", ErrConfig, d)
	case d == 0:
		return DefaultTolerance, nil
	case d < time.Second:
		return 0, fmt.Errorf("%w: tolerance %s is under one second; timestamps have whole seconds", ErrConfig, d)
	}
	return d, nil
}

func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// digestSet holds SHA-256 digests of expected secret values, so that comparing a candidate
// costs the same whatever its length and whichever entry it matches.
type digestSet [][sha256.Size]byte

func newDigestSet(what string, values []string) (digestSet, error) {
	if len(values) == 0 {
		return nil, fmt.Errorf("%w: no %s given", ErrConfig, what)
	}
	set := make(digestSet, len(values))
	for i, v := range values {
		if v == "" {
			return nil, fmt.Errorf("%w: %s %d is empty", ErrConfig, what, i+1)
		}
		set[i] = sha256.Sum256([]byte(v))
	}
	return set, nil
}

// contains reports whether candidate equals any entry, comparing with all of them.
func (s digestSet) contains(candidate string) bool {
	d := sha256.Sum256([]byte(candidate))
	found := 0
	for i := range s {
		found |= subtle.ConstantTimeCompare(d[:], s[i][:])
	}
	return found == 1
}

// headerOf returns r.Header for a Signer to set, making it first when it is nil.
func headerOf(r *http.Request) http.Header {
	if r.Header == nil {
		r.Header = http.Header{}
	}
	return r.Header
}

// plural formats counts in String methods.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
