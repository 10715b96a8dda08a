package storetest

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Harness builds the store under test.
type Harness struct {
	// New returns an empty store, one per subtest, and a function that moves the store's clock
	// forward by a duration. It may register cleanups (closing the store, dropping a database)
	// with t.Cleanup. Stores that share a backend between calls must isolate them, with a fresh
	// database or key prefix. Required.
	New func(t *testing.T) (store idempotency.Store, advance func(time.Duration))
}

// The durations the suite claims and completes with.
const (
	lease     = time.Minute
	retention = time.Hour
	tick      = time.Second // small against lease and retention, large against any clock skew
)

// concurrency is how many goroutines race for one key.
const concurrency = 200

// Run checks the store that h builds against every rule of idempotency.Store, one subtest per
// rule, each on a new store.
func Run(t *testing.T, h Harness) {
	t.Helper()
	require.NotNil(t, h.New, "storetest: Harness.New is required")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, advance := h.New(t)
			require.NotNil(t, s, "Harness.New returned no store")
			require.NotNil(t, advance, "Harness.New returned no advance function")
			c.run(&env{t: t, ctx: t.Context(), s: s, advance: advance})
		})
	}
}

// env is one subtest's store with assertions around it.
type env struct {
	t       *testing.T
	ctx     context.Context
	s       idempotency.Store
	advance func(time.Duration)
}

// claim claims key for lease and requires no error.
func (e *env) claim(key string) idempotency.Claim {
	e.t.Helper()
	c, err := e.s.Claim(e.ctx, key, lease)
	require.NoError(e.t, err, "Claim(%q)", key)
	return c
}

// take claims key, requires Claimed with a token, and returns the token.
func (e *env) take(key string) string {
	e.t.Helper()
	c := e.claim(key)
	require.Equal(e.t, idempotency.Claimed, c.State, "Claim(%q)", key)
	require.NotEmpty(e.t, c.Token, "Claim(%q) returned Claimed without a token", key)
	return c.Token
}

// expect claims key and requires state, with a token exactly when state is Claimed. It
// returns the token. Beware that a Claimed probe takes the key.
func (e *env) expect(key string, state idempotency.State) string {
	e.t.Helper()
	c := e.claim(key)
	require.Equal(e.t, state, c.State, "Claim(%q)", key)
	if state == idempotency.Claimed {
		require.NotEmpty(e.t, c.Token, "Claim(%q) returned Claimed without a token", key)
	} else {
		require.Empty(e.t, c.Token, "Claim(%q) returned %v with a token", key, c.State)
	}
	return c.Token
}

func (e *env) complete(key, token string) error {
	return e.s.Complete(e.ctx, key, token, retention)
}

func (e *env) release(key, token string) error {
	return e.s.Release(e.ctx, key, token)
}

func (e *env) renew(key, token string) error {
	return e.s.Renew(e.ctx, key, token, lease)
}

// ending is Complete or Release with the suite's retention, for rules that hold for both.
type ending struct {
	name string
	end  func(e *env, key, token string) error
	// after is what Claim reports once end succeeded.
	after idempotency.State
}

var endings = []ending{
	{"Complete", (*env).complete, idempotency.Done},
	{"Release", (*env).release, idempotency.Claimed},
}

// forEachEnding runs f as one subtest per ending, each on the same store: f must use keys
// that include the ending's name.
func (e *env) forEachEnding(f func(e *env, x ending)) {
	for _, x := range endings {
		e.t.Run(x.name, func(t *testing.T) {
			f(&env{t: t, ctx: e.ctx, s: e.s, advance: e.advance}, x)
		})
	}
}

// race runs f from n goroutines released at once and returns their results.
func race[T any](n int, f func() T) []T {
	out := make([]T, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = f()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

type result struct {
	claim idempotency.Claim
	err   error
}

// raceClaims claims key from concurrency goroutines at once and returns how many got each
// state; it requires no errors.
func (e *env) raceClaims(key string) map[idempotency.State]int {
	e.t.Helper()
	results := race(concurrency, func() result {
		c, err := e.s.Claim(e.ctx, key, lease)
		return result{c, err}
	})
	states := map[idempotency.State]int{}
	tokens := map[string]bool{}
	for _, r := range results {
		require.NoError(e.t, r.err)
		states[r.claim.State]++
		if r.claim.Token != "" {
			tokens[r.claim.Token] = true
		}
	}
	assert.Len(e.t, tokens, states[idempotency.Claimed], "one token per Claimed result, none otherwise")
	return states
}

var cases = []struct {
	name string
	run  func(e *env)
}{
	{"ClaimFresh", func(e *env) {
		c := e.claim("evt_1")
		assert.Equal(e.t, idempotency.Claimed, c.State)
		assert.NotEmpty(e.t, c.Token)
	}},

	{"ClaimInFlight", func(e *env) {
		e.take("evt_1")
		e.expect("evt_1", idempotency.InFlight)
		e.advance(lease - tick)
		e.expect("evt_1", idempotency.InFlight)
	}},

	{"CompleteThenClaimIsDone", func(e *env) {
		tok := e.take("evt_1")
		require.NoError(e.t, e.complete("evt_1", tok))
		e.expect("evt_1", idempotency.Done)
		e.expect("evt_1", idempotency.Done)
		e.advance(retention - tick)
		e.expect("evt_1", idempotency.Done)
	}},

	{"ReleaseThenClaimIsClaimed", func(e *env) {
		tok := e.take("evt_1")
		require.NoError(e.t, e.release("evt_1", tok))
		tok2 := e.expect("evt_1", idempotency.Claimed)
		assert.NotEqual(e.t, tok, tok2, "a new claim needs a new token")
		e.expect("evt_1", idempotency.InFlight)
	}},

	{"LeaseExpiryReclaim", func(e *env) {
		tok := e.take("evt_1")
		e.advance(lease - tick)
		e.expect("evt_1", idempotency.InFlight)
		e.advance(2 * tick)
		tok2 := e.expect("evt_1", idempotency.Claimed)
		assert.NotEqual(e.t, tok, tok2, "a new claim needs a new token")
		// The new lease runs from the new claim.
		e.advance(lease - tick)
		e.expect("evt_1", idempotency.InFlight)
		require.NoError(e.t, e.complete("evt_1", tok2))
		e.expect("evt_1", idempotency.Done)
	}},

	{"LeasePerClaim", func(e *env) {
		short, err := e.s.Claim(e.ctx, "evt_short", lease)
		require.NoError(e.t, err)
		require.Equal(e.t, idempotency.Claimed, short.State)
		long, err := e.s.Claim(e.ctx, "evt_long", 10*lease)
		require.NoError(e.t, err)
		require.Equal(e.t, idempotency.Claimed, long.State)
		e.advance(2 * lease)
		e.expect("evt_short", idempotency.Claimed)
		e.expect("evt_long", idempotency.InFlight)
		require.NoError(e.t, e.complete("evt_long", long.Token), "a 10-minute lease holds after 2 minutes")
	}},

	{"StaleTokenAfterReclaim", func(e *env) {
		e.forEachEnding(func(e *env, x ending) {
			key := "evt_" + x.name
			stale := e.take(key)
			e.advance(lease + tick)
			fresh := e.take(key)
			require.ErrorIs(e.t, x.end(e, key, stale), idempotency.ErrLeaseLost)
			// Nothing changed: the new holder still holds the key.
			e.expect(key, idempotency.InFlight)
			require.NoError(e.t, x.end(e, key, fresh))
			e.expect(key, x.after)
		})
	}},

	{"ExpiredLeaseIsLostWithoutReclaim", func(e *env) {
		e.forEachEnding(func(e *env, x ending) {
			key := "evt_" + x.name
			tok := e.take(key)
			e.advance(lease + tick)
			require.ErrorIs(e.t, x.end(e, key, tok), idempotency.ErrLeaseLost)
			// Nothing changed: the key is free, not done.
			e.expect(key, idempotency.Claimed)
		})
	}},

	{"TokenEndsWithComplete", func(e *env) {
		tok := e.take("evt_1")
		require.NoError(e.t, e.complete("evt_1", tok))
		require.ErrorIs(e.t, e.complete("evt_1", tok), idempotency.ErrLeaseLost)
		require.ErrorIs(e.t, e.release("evt_1", tok), idempotency.ErrLeaseLost)
		e.expect("evt_1", idempotency.Done)
	}},

	{"TokenEndsWithRelease", func(e *env) {
		tok := e.take("evt_1")
		require.NoError(e.t, e.release("evt_1", tok))
		require.ErrorIs(e.t, e.release("evt_1", tok), idempotency.ErrLeaseLost)
		require.ErrorIs(e.t, e.complete("evt_1", tok), idempotency.ErrLeaseLost)
		e.expect("evt_1", idempotency.Claimed)
	}},

	{"UnknownTokenOrKey", func(e *env) {
		tok := e.take("evt_1")
		e.forEachEnding(func(e *env, x ending) {
			unclaimed := "evt_unclaimed_" + x.name
			require.ErrorIs(e.t, x.end(e, "evt_1", "not-a-token"), idempotency.ErrLeaseLost)
			require.ErrorIs(e.t, x.end(e, "evt_1", tok+"x"), idempotency.ErrLeaseLost)
			require.ErrorIs(e.t, x.end(e, unclaimed, tok), idempotency.ErrLeaseLost)
			e.expect("evt_1", idempotency.InFlight)
			e.expect(unclaimed, idempotency.Claimed)
		})
		require.NoError(e.t, e.complete("evt_1", tok))
	}},

	{"RetentionExpiry", func(e *env) {
		tok := e.take("evt_1")
		require.NoError(e.t, e.complete("evt_1", tok))
		e.advance(retention - tick)
		e.expect("evt_1", idempotency.Done)
		e.advance(2 * tick)
		tok2 := e.expect("evt_1", idempotency.Claimed)
		assert.NotEqual(e.t, tok, tok2)
		require.ErrorIs(e.t, e.release("evt_1", tok), idempotency.ErrLeaseLost)
		e.expect("evt_1", idempotency.InFlight)
	}},

	{"RetentionRunsFromComplete", func(e *env) {
		tok := e.take("evt_1")
		e.advance(lease - 10*tick)
		require.NoError(e.t, e.s.Complete(e.ctx, "evt_1", tok, lease))
		e.advance(lease - tick) // well past the end of the lease
		e.expect("evt_1", idempotency.Done)
		e.advance(2 * tick)
		e.expect("evt_1", idempotency.Claimed)
	}},

	{"ConcurrentClaimExactlyOne", func(e *env) {
		states := e.raceClaims("evt_race")
		assert.Equal(e.t, map[idempotency.State]int{idempotency.Claimed: 1, idempotency.InFlight: concurrency - 1}, states, "fresh key")

		e.advance(lease + tick)
		states = e.raceClaims("evt_race")
		assert.Equal(e.t, map[idempotency.State]int{idempotency.Claimed: 1, idempotency.InFlight: concurrency - 1}, states, "expired lease")

		tok := e.take("evt_done")
		require.NoError(e.t, e.complete("evt_done", tok))
		states = e.raceClaims("evt_done")
		assert.Equal(e.t, map[idempotency.State]int{idempotency.Done: concurrency}, states, "done key")
	}},

	{"ConcurrentHoldersNeverOverlap", func(e *env) {
		const workers, rounds = 16, 25
		var holders, maxHolders, claims atomic.Int64
		errs := race(workers, func() error {
			for range rounds {
				c, err := e.s.Claim(e.ctx, "evt_race", lease)
				if err != nil || c.State != idempotency.Claimed {
					if err != nil {
						return err
					}
					continue
				}
				claims.Add(1)
				n := holders.Add(1)
				for {
					m := maxHolders.Load()
					if n <= m || maxHolders.CompareAndSwap(m, n) {
						break
					}
				}
				runtime.Gosched() // hold the key while other goroutines run
				holders.Add(-1)
				if err := e.s.Release(e.ctx, "evt_race", c.Token); err != nil {
					return err
				}
			}
			return nil
		})
		for _, err := range errs {
			require.NoError(e.t, err)
		}
		assert.Positive(e.t, claims.Load())
		assert.Equal(e.t, int64(1), maxHolders.Load(), "two holders of one key at once")
	}},

	{"DistinctKeysIndependent", func(e *env) {
		a, b := e.take("evt_a"), e.take("evt_b")
		require.NoError(e.t, e.complete("evt_a", a))
		e.expect("evt_a", idempotency.Done)
		e.expect("evt_b", idempotency.InFlight)
		require.ErrorIs(e.t, e.complete("evt_b", a), idempotency.ErrLeaseLost, "a token holds its own key only")
		require.ErrorIs(e.t, e.release("evt_a", b), idempotency.ErrLeaseLost, "a token holds its own key only")
		require.NoError(e.t, e.release("evt_b", b))
		e.expect("evt_a", idempotency.Done)
		e.expect("evt_b", idempotency.Claimed)
	}},

	{"KeysAreExactBytes", func(e *env) {
		// Keys that a store could confuse by folding case, trimming, truncating, pattern
		// matching or escaping badly: each is its own key.
		keys := []string{
			"evt_1", "EVT_1", "Evt_1", " evt_1", "evt_1 ", "evt_1\n", "evt_10", "evt_", "evt",
			"évt_1", "e\u0301vt_1", "evt_1\x00", "evt_1\x00x", "\xff\xfe", "evt_*", "evt_?", "evt_[1]",
			"evt_%", "evt__", `evt_\`, "evt_'1'", `evt_"1"`, "evt_1;--", "{evt_1}", "a:b:c",
			// The longest keys a store is given (idempotency.BoundKey), and one byte shorter.
			strings.Repeat("k", idempotency.MaxKeyLen), strings.Repeat("k", idempotency.MaxKeyLen-1),
			strings.Repeat("é", idempotency.MaxKeyLen/2),
		}
		tokens := map[string]bool{}
		for _, k := range keys {
			tokens[e.take(k)] = true
		}
		assert.Len(e.t, tokens, len(keys))
		for _, k := range keys {
			e.expect(k, idempotency.InFlight)
		}
	}},

	{"LeaseEnds", func(e *env) {
		short := e.claim("evt_short")
		long, err := e.s.Claim(e.ctx, "evt_long", 10*lease)
		require.NoError(e.t, err)
		require.False(e.t, short.LeaseEnds.IsZero(), "Claimed reports when its lease ends")
		assert.WithinDuration(e.t, short.LeaseEnds.Add(9*lease), long.LeaseEnds, tick, "the lease ends lease from the claim")
		e.advance(tick)
		probe := e.claim("evt_short")
		require.Equal(e.t, idempotency.InFlight, probe.State)
		assert.WithinDuration(e.t, short.LeaseEnds, probe.LeaseEnds, tick/10, "InFlight reports the holder's lease end")
		require.NoError(e.t, e.complete("evt_short", short.Token))
		assert.True(e.t, e.claim("evt_short").LeaseEnds.IsZero(), "Done has no lease")
	}},

	{"RenewKeepsTheKey", func(e *env) {
		tok := e.take("evt_1")
		first := e.claim("evt_1").LeaseEnds
		e.advance(lease - tick)
		require.NoError(e.t, e.renew("evt_1", tok))
		e.advance(2 * tick) // past the first lease: held only thanks to Renew
		probe := e.claim("evt_1")
		require.Equal(e.t, idempotency.InFlight, probe.State)
		assert.WithinDuration(e.t, first.Add(lease-tick), probe.LeaseEnds, tick/10, "the lease runs from the Renew")
		e.advance(lease - 3*tick) // a tick before the renewed lease ends
		e.expect("evt_1", idempotency.InFlight)
		require.NoError(e.t, e.renew("evt_1", tok), "renewed again")
		require.NoError(e.t, e.complete("evt_1", tok), "the renewed token completes")
		e.expect("evt_1", idempotency.Done)
	}},

	{"RenewedLeaseExpires", func(e *env) {
		tok := e.take("evt_1")
		require.NoError(e.t, e.renew("evt_1", tok))
		e.advance(lease + tick)
		require.ErrorIs(e.t, e.renew("evt_1", tok), idempotency.ErrLeaseLost)
		e.expect("evt_1", idempotency.Claimed)
	}},

	{"RenewAfterTheEnd", func(e *env) {
		e.forEachEnding(func(e *env, x ending) {
			key := "evt_" + x.name
			tok := e.take(key)
			require.NoError(e.t, x.end(e, key, tok))
			require.ErrorIs(e.t, e.renew(key, tok), idempotency.ErrLeaseLost)
			e.expect(key, x.after)
		})
	}},

	{"RenewStaleToken", func(e *env) {
		stale := e.take("evt_1")
		e.advance(lease + tick)
		fresh := e.take("evt_1")
		require.ErrorIs(e.t, e.renew("evt_1", stale), idempotency.ErrLeaseLost)
		require.ErrorIs(e.t, e.renew("evt_never", stale), idempotency.ErrLeaseLost, "a key the token never held")
		e.advance(lease - tick)
		e.expect("evt_1", idempotency.InFlight)
		require.NoError(e.t, e.complete("evt_1", fresh), "the stale Renew changed nothing")
	}},

	{"TokensUnique", func(e *env) {
		tokens := map[string]bool{}
		for i := range 50 {
			key := "evt_" + strconv.Itoa(i)
			tok := e.take(key)
			tokens[tok] = true
			require.NoError(e.t, e.release(key, tok))
			tokens[e.take(key)] = true
		}
		e.advance(lease + tick)
		tokens[e.take("evt_0")] = true
		assert.Len(e.t, tokens, 101, "every claim gets its own token")
	}},

	{"EmptyKeyRejected", func(e *env) {
		tok := e.take("evt_1")
		_, err := e.s.Claim(e.ctx, "", lease)
		require.ErrorIs(e.t, err, idempotency.ErrConfig)
		require.ErrorIs(e.t, e.complete("", tok), idempotency.ErrConfig)
		require.ErrorIs(e.t, e.release("", tok), idempotency.ErrConfig)
		require.ErrorIs(e.t, e.renew("", tok), idempotency.ErrConfig)
		e.expect("evt_1", idempotency.InFlight)
	}},

	{"InvalidArgumentsRejected", func(e *env) {
		tok := e.take("evt_1")
		for _, c := range []struct {
			name string
			call func() error
		}{
			{"ZeroLease", func() error { _, err := e.s.Claim(e.ctx, "evt_2", 0); return err }},
			{"NegativeLease", func() error { _, err := e.s.Claim(e.ctx, "evt_2", -lease); return err }},
			{"ZeroRetention", func() error { return e.s.Complete(e.ctx, "evt_1", tok, 0) }},
			{"NegativeRetention", func() error { return e.s.Complete(e.ctx, "evt_1", tok, -retention) }},
			{"EmptyTokenComplete", func() error { return e.complete("evt_1", "") }},
			{"EmptyTokenRelease", func() error { return e.release("evt_1", "") }},
			{"EmptyTokenRenew", func() error { return e.renew("evt_1", "") }},
			{"ZeroRenew", func() error { return e.s.Renew(e.ctx, "evt_1", tok, 0) }},
			{"NegativeRenew", func() error { return e.s.Renew(e.ctx, "evt_1", tok, -lease) }},
		} {
			e.t.Run(c.name, func(t *testing.T) {
				require.ErrorIs(t, c.call(), idempotency.ErrConfig)
			})
		}
		// Nothing changed: evt_2 is free, and the token still holds evt_1.
		e.expect("evt_2", idempotency.Claimed)
		e.expect("evt_1", idempotency.InFlight)
		require.NoError(e.t, e.complete("evt_1", tok))
	}},

	{"CancelledContext", func(e *env) {
		cancelled, cancel := context.WithCancel(e.ctx)
		cancel()
		expired, cancel2 := context.WithDeadline(e.ctx, time.Unix(0, 0))
		defer cancel2()
		for _, c := range []struct {
			name string
			ctx  context.Context
			want error
		}{
			{"Canceled", cancelled, context.Canceled},
			{"DeadlineExceeded", expired, context.DeadlineExceeded},
		} {
			e.t.Run(c.name, func(t *testing.T) {
				fresh, held := "evt_fresh_"+c.name, "evt_held_"+c.name
				e := &env{t: t, ctx: e.ctx, s: e.s, advance: e.advance}
				tok := e.take(held)

				_, err := e.s.Claim(c.ctx, fresh, lease)
				require.ErrorIs(t, err, c.want)
				require.ErrorIs(t, e.s.Complete(c.ctx, held, tok, retention), c.want)
				require.ErrorIs(t, e.s.Release(c.ctx, held, tok), c.want)
				require.ErrorIs(t, e.s.Renew(c.ctx, held, tok, lease), c.want)

				// Nothing happened: the fresh key is free, the held one still held by tok.
				e.expect(fresh, idempotency.Claimed)
				e.expect(held, idempotency.InFlight)
				require.NoError(t, e.complete(held, tok))
			})
		}
	}},
}
