package idempotency

import (
	"errors"
	"strconv"
)

// Errors returned by the stores and given to Middleware's hooks. They are wrapped with %w and
// context added (a key, a limit, the store's own error); test for them with errors.Is. A
// cancelled or expired context is returned as its own error (context.Canceled,
// context.DeadlineExceeded), wrapped.
var (
	// ErrLeaseLost means the token no longer holds the key, so Complete or Release changed
	// nothing: the lease expired (whether or not another delivery has claimed the key since),
	// the claim was already completed or released, or the token was never issued for the key.
	// The handler's work may be repeated by the sender's retry.
	ErrLeaseLost = errors.New("idempotency: lease lost")

	// ErrClosed means the store was closed.
	ErrClosed = errors.New("idempotency: store closed")

	// ErrFull means a Memory store holds MaxEntries entries and every one of them is a live
	// claim, so a new key cannot be claimed until a claim ends or its lease expires.
	ErrFull = errors.New("idempotency: store full")

	// ErrConfig is returned by constructors for a configuration that cannot work, and by the
	// methods for arguments no store accepts: an empty key or token, a lease or retention that
	// is not positive.
	ErrConfig = errors.New("idempotency: invalid configuration or argument")

	// ErrNoKey means Middleware found no idempotency key for a request (its KeyFunc returned
	// "") and answered 400.
	ErrNoKey = errors.New("idempotency: no idempotency key")

	// ErrUnavailable means the store failed to claim a key, so Middleware answered 503 with
	// Retry-After. The store's error is wrapped too.
	ErrUnavailable = errors.New("idempotency: store unavailable")

	// ErrDuplicate means the key was already done: a duplicate delivery, which Middleware
	// acknowledged with 200 without running the next handler.
	ErrDuplicate = errors.New("idempotency: already received")

	// ErrInFlight means another delivery of the key holds a live claim, so Middleware answered
	// 409 with Retry-After and the sender retries later.
	ErrInFlight = errors.New("idempotency: in flight")
)

// The operations an OpError names.
const (
	OpClaim    = "claim"
	OpRenew    = "renew"
	OpComplete = "complete"
	OpRelease  = "release"
)

// OpError is a store failure that Middleware (and package receiver) report to their error
// hooks, with the operation that failed: for metrics and logs that tell a failed claim from a
// failed renewal. Find it with errors.As; errors.Is still sees the store's own error.
type OpError struct {
	Op  string // OpClaim, OpRenew, OpComplete or OpRelease
	Key string // the idempotency key, at most MaxKeyLen bytes
	Err error  // the store's error
}

// Error says which operation failed on which key, then the store's error.
func (e *OpError) Error() string {
	return "idempotency: " + e.Op + " of key " + strconv.Quote(e.Key) + ": " + e.Err.Error()
}

// Unwrap returns the store's error.
func (e *OpError) Unwrap() error { return e.Err }
