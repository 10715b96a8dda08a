package ratelimit

import "errors"

// Errors returned by the package. New wraps ErrConfig with %w and says which field is wrong;
// test for it with errors.Is.
var (
	// ErrConfig is returned by New for a configuration that cannot limit: a rate that is not
	// a positive finite number (rate.Inf is refused: to stop limiting, leave the limiter out),
	// a burst under 1, a negative MaxKeys.
	ErrConfig = errors.New("ratelimit: invalid configuration")
)
