package ratelimit

import (
	"errors"
	"time"
)

// Errors returned by the package. New wraps ErrConfig with %w and says which field is wrong;
// Middleware reports a rejection with a *LimitError, which wraps ErrLimited. Test for them with
// errors.Is, and for the detail of a rejection with errors.As.
var (
	// ErrConfig is returned by New for a configuration that cannot limit: a rate that is not
	// a positive finite number (rate.Inf is refused: to stop limiting, leave the limiter out),
	// a burst under 1, a negative MaxBuckets.
	ErrConfig = errors.New("ratelimit: invalid configuration")

	// ErrLimited means a request was refused because its bucket was empty.
	ErrLimited = errors.New("ratelimit: rate limit exceeded")

	// ErrUnavailable means a limiter could not decide, such as a shared limiter whose server
	// is unreachable and that fails closed: Middleware answers 503 with Retry-After.
	ErrUnavailable = errors.New("ratelimit: limiter unavailable")
)

// LimitError is the error Middleware gives WithOnReject for a request it refused with 429.
// It wraps ErrLimited.
type LimitError struct {
	// RetryAfter is how long until the request's bucket holds a token again; the response's
	// Retry-After header is RetryAfter(RetryAfter).
	RetryAfter time.Duration
}

// Error returns "ratelimit: rate limit exceeded; retry after" and the wait.
func (e *LimitError) Error() string {
	return ErrLimited.Error() + "; retry after " + e.RetryAfter.String()
}

// Unwrap returns ErrLimited.
func (e *LimitError) Unwrap() error { return ErrLimited }
