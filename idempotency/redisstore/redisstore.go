package redisstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/internal/nilcheck"
)

// DefaultPrefix is the default Config.Prefix.
const DefaultPrefix = "inspecthook:idem:"

// expirySlack is added to the expiry Redis enforces on a key, past the lease or retention the
// store decides by, so that Redis never drops a key that is still held or done by the store's
// clock: the expiry runs from when the script ran, the logical end from the clock reading,
// which can be a little earlier (a caller's clock read before the round trip) or later (TIME
// read after the script's start).
const expirySlack = time.Second

// Config configures a Store. Zero fields get the documented defaults.
type Config struct {
	// Prefix is put before every key: the Redis key of an idempotency key k is Prefix+k.
	// Stores that share a prefix share their keys, as replicas of one receiver must; use
	// different prefixes for receivers whose keys must not meet. Default DefaultPrefix
	// ("inspecthook:idem:").
	//
	// In Redis Cluster each key hashes to its own slot, which is fine since every operation
	// touches one key. A prefix with a hash tag ("{idem}:") would put every key in one slot,
	// and so on one node.
	Prefix string

	// Now is the clock leases and retention are measured by; it is read by the caller and sent
	// with every call. Default: nil, the Redis server's clock (TIME, read inside each script),
	// one clock for every replica, which is what most callers want. Set it in tests, to move
	// time with a fake clock, and only where every process sharing the prefix has the same time.
	Now func() time.Time
}

// Store is an idempotency.Store kept in Redis, shared by every process that uses the same
// Redis and Prefix. Build it with New: the methods of a zero Store return an error wrapping
// idempotency.ErrConfig. It is safe for concurrent use. It does not own the client: close the
// client when done with the store. Claims never hold the last quarter of the client's pool of
// connections (at least one): a burst of claims waits for the others, and the renewals,
// completions and releases of the keys already held go through the rest.
type Store struct {
	client redis.UniversalClient
	prefix string
	now    func() time.Time
	claims chan struct{} // a slot for each Claim in progress; see claimSlots
}

// New returns a Store on client: a *redis.Client (one node, or Sentinel through
// redis.NewFailoverClient), a *redis.ClusterClient, or the result of redis.NewUniversalClient.
// It returns an error wrapping idempotency.ErrConfig when client is nil. New does not contact
// Redis: the first call that cannot reach it returns the error.
func New(client redis.UniversalClient, cfg Config) (*Store, error) {
	if nilcheck.Is(client) {
		return nil, fmt.Errorf("redisstore: %w: no client", idempotency.ErrConfig)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	return &Store{client: client, prefix: cfg.Prefix, now: cfg.Now, claims: make(chan struct{}, claimSlots(poolSize(client)))}, nil
}

// poolSize is the client's pool of connections (per node, for a cluster).
func poolSize(client redis.UniversalClient) int {
	switch c := client.(type) {
	case *redis.Client:
		return c.Options().PoolSize
	case *redis.ClusterClient:
		return c.Options().PoolSize
	case *redis.Ring:
		return c.Options().PoolSize
	}
	return 10 * runtime.GOMAXPROCS(0) // go-redis's default
}

// claimSlots is how many Claims may run at once on a pool of size connections: all but a
// quarter of them (at least one), which are kept for Renew, Complete and Release, so that a
// burst of deliveries, each claiming, cannot queue the renewal of a held key behind it until
// its lease lapses.
func claimSlots(size int) int {
	return max(1, size-max(1, size/4))
}

// Claim takes key for lease if it is free, and otherwise reports InFlight, with the holder's
// lease end, or Done; see idempotency.Store. It is one script, one round trip.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	if err := s.check(ctx, "claim", key, "", lease); err != nil {
		return idempotency.Claim{}, err
	}
	select {
	case s.claims <- struct{}{}:
		defer func() { <-s.claims }()
	case <-ctx.Done():
		return idempotency.Claim{}, fmt.Errorf("redisstore: claim %q: waiting for a connection: %w", key, ctx.Err())
	}
	token := rand.Text()
	reply, err := claimScript.Run(ctx, s.client, []string{s.prefix + key},
		s.clock(), millis(lease), expiry(lease), token).Slice()
	if err != nil {
		return idempotency.Claim{}, fmt.Errorf("redisstore: claim %q: %w", key, err)
	}
	c, ok := parseClaim(reply)
	if !ok {
		return idempotency.Claim{}, fmt.Errorf("redisstore: claim %q: unexpected reply %v", key, reply)
	}
	return c, nil
}

// parseClaim reads the reply of claimScript.
func parseClaim(reply []any) (idempotency.Claim, bool) {
	if len(reply) != 3 {
		return idempotency.Claim{}, false
	}
	state, ok1 := reply[0].(int64)
	token, ok2 := reply[1].(string)
	ends, ok3 := reply[2].(int64)
	if !ok1 || !ok2 || !ok3 {
		return idempotency.Claim{}, false
	}
	switch idempotency.State(state) {
	case idempotency.Claimed:
		if token == "" {
			return idempotency.Claim{}, false
		}
		return idempotency.Claim{State: idempotency.Claimed, Token: token, LeaseEnds: time.UnixMilli(ends)}, true
	case idempotency.InFlight:
		return idempotency.Claim{State: idempotency.InFlight, LeaseEnds: time.UnixMilli(ends)}, true
	case idempotency.Done:
		return idempotency.Claim{State: idempotency.Done}, true
	}
	return idempotency.Claim{}, false
}

// Renew renews the lease held by token for lease from now, or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store. It is one script, one round trip.
func (s *Store) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	if err := s.check(ctx, "renew", key, token, lease); err != nil {
		return err
	}
	return s.run(ctx, renewScript, "renew", key, token, millis(lease), expiry(lease))
}

// Complete marks the claim done for retention, or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store. It is one script, one round trip.
func (s *Store) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	if err := s.check(ctx, "complete", key, token, retention); err != nil {
		return err
	}
	return s.run(ctx, completeScript, "complete", key, token, millis(retention), expiry(retention))
}

// Release frees the key, or returns an error wrapping idempotency.ErrLeaseLost; see
// idempotency.Store. It is one script, one round trip.
func (s *Store) Release(ctx context.Context, key, token string) error {
	if err := s.check(ctx, "release", key, token, 0); err != nil {
		return err
	}
	return s.run(ctx, releaseScript, "release", key, token)
}

// run runs a script that checks token and returns 1 when it held the key, 0 when not.
func (s *Store) run(ctx context.Context, script *redis.Script, op, key, token string, args ...any) error {
	argv := append([]any{s.clock(), token}, args...)
	held, err := script.Run(ctx, s.client, []string{s.prefix + key}, argv...).Int64()
	switch {
	case err != nil:
		return fmt.Errorf("redisstore: %s %q: %w", op, key, err)
	case held == 0:
		return fmt.Errorf("redisstore: %s %q: %w", op, key, idempotency.ErrLeaseLost)
	case held != 1:
		return fmt.Errorf("redisstore: %s %q: unexpected reply %d", op, key, held)
	}
	return nil
}

// clock is the first argument of every script: the caller's time in Unix milliseconds, or ""
// for the server's.
func (s *Store) clock() string {
	if s.now == nil {
		return ""
	}
	return strconv.FormatInt(s.now().UnixMilli(), 10)
}

// millis is d in whole milliseconds, rounded up so that a lease is never shortened.
func millis(d time.Duration) string {
	ms := d / time.Millisecond
	if d%time.Millisecond > 0 {
		ms++
	}
	return strconv.FormatInt(int64(ms), 10)
}

// expiry is the Redis expiry of a key held or done for d: d and expirySlack, in milliseconds.
func expiry(d time.Duration) string {
	return millis(min(d, math.MaxInt64-expirySlack) + expirySlack)
}

// check validates the arguments of a method in the order idempotency.Store documents: the
// context, the key, then the token unless op is a claim, and the duration unless op is a
// release. A Store not built by New is an error too.
func (s *Store) check(ctx context.Context, op, key, token string, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	switch {
	case s.client == nil:
		return fmt.Errorf("redisstore: %s: %w: a Store must be built with New", op, idempotency.ErrConfig)
	case key == "":
		return fmt.Errorf("redisstore: %s: %w: empty key", op, idempotency.ErrConfig)
	case token == "" && op != "claim":
		return fmt.Errorf("redisstore: %s: %w: empty token", op, idempotency.ErrConfig)
	case d <= 0 && op != "release":
		return fmt.Errorf("redisstore: %s: %w: duration %v is not positive", op, idempotency.ErrConfig, d)
	}
	return nil
}

var _ idempotency.Store = (*Store)(nil)
