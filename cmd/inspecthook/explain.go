package main

import (
	"errors"
	"net/http"
	"strings"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/verify"
)

// reason says in plain words why a delivery was refused, from the error the SDK reported and
// the status it answered. It never quotes the body and never holds a secret: the SDK's errors
// carry neither.
func reason(status int, err error) string {
	switch {
	case status == http.StatusMethodNotAllowed:
		return "not a POST request" + aside(err)
	case status == http.StatusUnsupportedMediaType:
		return "the content type is not JSON" + aside(err)
	case err == nil:
		return ""
	case errors.Is(err, verify.ErrMissing):
		return "credentials missing: " + detail(err, verify.ErrMissing)
	case errors.Is(err, verify.ErrMalformed):
		return "credentials malformed: " + detail(err, verify.ErrMalformed)
	case errors.Is(err, verify.ErrInvalid):
		d := detail(err, verify.ErrInvalid)
		if strings.Contains(strings.ToLower(d), "signature") {
			return "signature does not match (" + d + "): a wrong secret, or a body changed on the way"
		}
		return "credentials do not match (" + d + "): a wrong secret or credential"
	case errors.Is(err, verify.ErrTooOld):
		return "timestamp too old: " + detail(err, verify.ErrTooOld)
	case errors.Is(err, verify.ErrTooNew):
		return "timestamp in the future: " + detail(err, verify.ErrTooNew)
	case errors.Is(err, verify.ErrClaims):
		return "token claims rejected: " + detail(err, verify.ErrClaims)
	case errors.Is(err, ratelimit.ErrLimited):
		return "rate limited"
	case errors.Is(err, ratelimit.ErrUnavailable):
		return "the rate limiter could not decide"
	case errors.Is(err, idempotency.ErrInFlight):
		return "the same event is being handled right now"
	case errors.Is(err, idempotency.ErrDuplicate):
		return "already received"
	case errors.Is(err, idempotency.ErrUnavailable):
		return "the idempotency store could not be reached"
	case errors.Is(err, events.ErrNotJSON), errors.Is(err, events.ErrShape), errors.Is(err, events.ErrNoType),
		errors.Is(err, events.ErrInvalid), status == http.StatusRequestEntityTooLarge:
		return events.Message(err)
	}
	return err.Error()
}

// aside is err's text in parentheses after a space, or nothing for a nil err.
func aside(err error) string {
	if err == nil {
		return ""
	}
	return " (" + err.Error() + ")"
}

// detail is what err says beyond its sentinel: "no X-Signature header" of
// "verify: missing credentials: no X-Signature header".
func detail(err, sentinel error) string {
	s := err.Error()
	if i := strings.Index(s, sentinel.Error()); i >= 0 {
		s = strings.TrimPrefix(s[i+len(sentinel.Error()):], ":")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "no detail"
	}
	return s
}
