package receiver

import "errors"

// Errors of the package.
var (
	// ErrConfig is returned by New for a configuration that cannot run safely.
	ErrConfig = errors.New("receiver: invalid configuration")

	// ErrPanic is reported to OnError, wrapped, when a handler panics.
	ErrPanic = errors.New("receiver: handler panicked")

	// ErrEnqueue is reported to OnError, wrapped with the Inbox's error, when the Inbox could
	// not store a delivery (answered 503 with Retry-After).
	ErrEnqueue = errors.New("receiver: enqueue")
)

// permanent marks a handler error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps a handler error that a retry cannot fix, such as a payload the application
// rejects. The receiver acknowledges the delivery with 200, so the provider stops retrying,
// marks the event done, and reports the error to OnError. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was wrapped with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
