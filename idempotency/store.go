package idempotency

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// State is the outcome of a Claim. The zero State is not a valid outcome.
type State int

// The outcomes of a Claim.
const (
	// Claimed means the caller now holds the key: run the handler, then Complete or Release.
	Claimed State = iota + 1
	// InFlight means another holder has a live lease: tell the sender to retry later (409).
	InFlight
	// Done means the key was completed within its retention: acknowledge without running the
	// handler (200).
	Done
)

// String returns the state's name: "claimed", "in-flight" or "done".
func (s State) String() string {
	switch s {
	case Claimed:
		return "claimed"
	case InFlight:
		return "in-flight"
	case Done:
		return "done"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Claim is the result of Store.Claim.
type Claim struct {
	// State says whether the caller holds the key.
	State State

	// Token is set when State is Claimed and empty otherwise. It proves ownership to Renew,
	// Complete and Release: 128 random bits from crypto/rand, unique to this claim, so a holder
	// whose lease expired cannot complete or release the claim of the next holder.
	Token string

	// LeaseEnds is when the lease ends, by the store's clock: the new lease for Claimed, the
	// current holder's for InFlight (so a 409 can say when to retry); zero for Done.
	LeaseEnds time.Time
}

// Store records which events have been processed. Implementations are safe for concurrent use.
//
// Every method returns the context's error, wrapped, if ctx is already done, before doing
// anything, and an error wrapping ErrConfig for an empty key or token or a duration that is not
// positive. Keys are compared byte for byte: no case folding, no trimming, no normalisation.
// Callers give keys of at most MaxKeyLen bytes (BoundKey); a store may refuse a longer one with
// ErrConfig.
//
// A token holds its key from Claim until the first of: its lease expires, Complete, Release.
// The lease is measured from the Claim by the store's clock, and from each Renew after it;
// retention is measured from the Complete.
//
// The package storetest checks an implementation against these rules.
type Store interface {
	// Claim atomically takes key for lease if it is free (never seen, released, its lease
	// expired or its retention ended) and returns Claimed with a new token; otherwise it reports
	// InFlight or Done. Of any number of concurrent claims of a free key, exactly one is Claimed.
	Claim(ctx context.Context, key string, lease time.Duration) (Claim, error)

	// Renew renews the lease held by token: the key stays held until lease from now. It
	// returns ErrLeaseLost, and changes nothing, if token no longer holds the key (its lease
	// expired, it was completed or released, or it never held it). Middleware calls it while
	// the handler runs, so a slow handler keeps its key.
	Renew(ctx context.Context, key, token string, lease time.Duration) error

	// Complete marks the claim done: Claim reports Done for key during retention, from now.
	// It returns ErrLeaseLost, and changes nothing, if token no longer holds the key.
	Complete(ctx context.Context, key, token string, retention time.Duration) error

	// Release frees the key so that the sender's retry is processed. It returns ErrLeaseLost,
	// and changes nothing, if token no longer holds the key.
	Release(ctx context.Context, key, token string) error
}

// Defaults for the durations given to a Store.
const (
	// DefaultLease is how long a claim keeps other deliveries of its key out. A minute covers
	// the strictest provider timeout (Inspectorio: exactly 200 within 60 s): a handler still
	// running when the lease ends has already failed in the sender's eyes, so the retry that
	// follows may run it again, while a crashed worker's claim frees itself within a minute,
	// before the sender's next retry (60 s apart or more). Handlers should therefore finish, or
	// give up through their context, before the lease ends.
	DefaultLease = time.Minute

	// DefaultRetention is how long a completed key is remembered: far longer than any
	// documented provider retry window (SafetyCulture: 4 attempts 100 s apart; Inspectorio:
	// 3 more, 60 s apart), so it also covers providers whose retry policy is not public and
	// deliveries replayed by hand within three days.
	DefaultRetention = 72 * time.Hour
)

// checkClaim validates the arguments of Claim, in the order the Store documents.
func checkClaim(ctx context.Context, key string, lease time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("idempotency: claim: %w", err)
	}
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrConfig)
	}
	if lease <= 0 {
		return fmt.Errorf("%w: lease %v is not positive", ErrConfig, lease)
	}
	return nil
}

// checkToken validates the arguments of Complete and Release; op names the method.
func checkToken(ctx context.Context, op, key, token string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("idempotency: %s: %w", op, err)
	}
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrConfig)
	}
	if token == "" {
		return fmt.Errorf("%w: empty token", ErrConfig)
	}
	return nil
}
