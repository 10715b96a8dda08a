package redisstore_test

import (
	"context"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/idempotency/storetest"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// newStore returns a store on client under a fresh prefix, with the server's clock unless now
// is set.
func newStore(t testing.TB, client redis.UniversalClient, now func() time.Time) (*redisstore.Store, string) {
	t.Helper()
	prefix := redistest.Prefix(t, client)
	s, err := redisstore.New(client, redisstore.Config{Prefix: prefix, Now: now})
	require.NoError(t, err)
	return s, prefix
}

func TestConformance(t *testing.T) {
	client := redistest.Shared(t)
	for _, c := range []struct {
		name  string
		start time.Time
	}{
		{"Now", t0},
		{"Before1970", time.Time{}}, // a zero storetest.Clock: negative Unix milliseconds
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) (idempotency.Store, func(time.Duration)) {
					clock := storetest.NewClock(c.start)
					s, _ := newStore(t, client, clock.Now)
					return s, clock.Advance
				},
			})
		})
	}
}

func TestNew(t *testing.T) {
	var nilClient *redis.Client
	for _, c := range []struct {
		name   string
		client redis.UniversalClient
	}{
		{"NilInterface", nil},
		{"NilPointer", nilClient},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := redisstore.New(c.client, redisstore.Config{})
			require.ErrorIs(t, err, idempotency.ErrConfig)
			assert.Nil(t, s)
		})
	}
}

func TestZeroStore(t *testing.T) {
	var s redisstore.Store
	ctx := t.Context()
	_, err := s.Claim(ctx, "evt_1", time.Minute)
	assert.ErrorIs(t, err, idempotency.ErrConfig)
	assert.ErrorIs(t, s.Renew(ctx, "evt_1", "tok", time.Minute), idempotency.ErrConfig)
	assert.ErrorIs(t, s.Complete(ctx, "evt_1", "tok", time.Minute), idempotency.ErrConfig)
	assert.ErrorIs(t, s.Release(ctx, "evt_1", "tok"), idempotency.ErrConfig)
}

// TestKeys checks where the keys go: Prefix+key, DefaultPrefix by default, byte for byte.
func TestKeys(t *testing.T) {
	client := redistest.Shared(t)
	ctx := t.Context()
	for _, c := range []struct {
		name   string
		prefix string
		want   string // the prefix the Redis key gets
	}{
		{"Default", "", redisstore.DefaultPrefix},
		{"Custom", "custom:", "custom:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := "evt_" + redistest.Prefix(t, client) // unique, so that the shared Redis keeps no other
			t.Cleanup(func() { client.Del(context.Background(), c.want+key) })
			s, err := redisstore.New(client, redisstore.Config{Prefix: c.prefix})
			require.NoError(t, err)
			claim, err := s.Claim(ctx, key, time.Minute)
			require.NoError(t, err)
			require.Equal(t, idempotency.Claimed, claim.State)
			n, err := client.Exists(ctx, c.want+key).Result()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n, "the Redis key is %q", c.want+key)
			require.NoError(t, s.Release(ctx, key, claim.Token))
		})
	}
}

// TestRedisExpiry checks the expiry Redis enforces: the lease or retention plus a little
// slack, so that Redis drops entries by itself but never before the store would.
func TestRedisExpiry(t *testing.T) {
	client := redistest.Shared(t)
	ctx := t.Context()
	const lease, retention = time.Minute, time.Hour
	const slack = 2 * time.Second // the store adds a second; a second more for the test's own round trips
	for _, c := range []struct {
		name string
		step func(t *testing.T, s *redisstore.Store, key, token string)
		want time.Duration // 0: the key is gone
	}{
		{"Claim", func(*testing.T, *redisstore.Store, string, string) {}, lease},
		{"Renew", func(t *testing.T, s *redisstore.Store, key, token string) {
			require.NoError(t, s.Renew(ctx, key, token, 3*lease))
		}, 3 * lease},
		{"Complete", func(t *testing.T, s *redisstore.Store, key, token string) {
			require.NoError(t, s.Complete(ctx, key, token, retention))
		}, retention},
		{"Release", func(t *testing.T, s *redisstore.Store, key, token string) {
			require.NoError(t, s.Release(ctx, key, token))
		}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, prefix := newStore(t, client, nil)
			claim, err := s.Claim(ctx, "evt_1", lease)
			require.NoError(t, err)
			require.Equal(t, idempotency.Claimed, claim.State)
			c.step(t, s, "evt_1", claim.Token)
			ttl, err := client.PTTL(ctx, prefix+"evt_1").Result()
			require.NoError(t, err)
			if c.want == 0 {
				assert.Equal(t, time.Duration(-2), ttl, "the key is deleted")
				return
			}
			assert.Greater(t, ttl, c.want-slack, "Redis keeps the key as long as the store needs it")
			assert.LessOrEqual(t, ttl, c.want+slack, "and drops it soon after")
		})
	}
}

// TestServerClock runs without Config.Now: leases are measured by the server's clock.
func TestServerClock(t *testing.T) {
	client := redistest.Shared(t)
	ctx := t.Context()
	s, _ := newStore(t, client, nil)

	const lease = 50 * time.Millisecond
	before := time.Now()
	claim, err := s.Claim(ctx, "evt_1", lease)
	require.NoError(t, err)
	after := time.Now()
	require.Equal(t, idempotency.Claimed, claim.State)
	// The server runs on this machine, so its clock is ours to within a few milliseconds.
	assert.WithinRange(t, claim.LeaseEnds, before.Add(lease-100*time.Millisecond), after.Add(lease+100*time.Millisecond))

	probe, err := s.Claim(ctx, "evt_1", lease)
	require.NoError(t, err)
	assert.Equal(t, idempotency.InFlight, probe.State)
	assert.Equal(t, claim.LeaseEnds, probe.LeaseEnds, "InFlight reports the holder's lease end")

	// The lease ends by the server's clock: the key is claimed again, not before the lease end.
	var again idempotency.Claim
	redistest.WaitFor(t, 5*time.Second, "the lease to end", func() bool {
		again, err = s.Claim(ctx, "evt_1", time.Minute)
		require.NoError(t, err)
		return again.State == idempotency.Claimed
	})
	assert.False(t, time.Now().Before(claim.LeaseEnds.Add(-10*time.Millisecond)), "reclaimed before the lease ended")
	require.ErrorIs(t, s.Complete(ctx, "evt_1", claim.Token, time.Hour), idempotency.ErrLeaseLost)
	require.NoError(t, s.Complete(ctx, "evt_1", again.Token, time.Hour))
	done, err := s.Claim(ctx, "evt_1", lease)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, done.State)
	assert.True(t, done.LeaseEnds.IsZero())
}

// TestForeignValue checks that a key this store did not write is an error, and is left alone.
func TestForeignValue(t *testing.T) {
	client := redistest.Shared(t)
	ctx := t.Context()
	for _, c := range []struct {
		name  string
		write func(key string) error
	}{
		{"String", func(key string) error { return client.Set(ctx, key, "someone else's", 0).Err() }},
		{"Hash", func(key string) error { return client.HSet(ctx, key, "f", "v").Err() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, prefix := newStore(t, client, nil)
			require.NoError(t, c.write(prefix+"evt_1"))
			for _, op := range []struct {
				name string
				call func() error
			}{
				{"Claim", func() error { _, err := s.Claim(ctx, "evt_1", time.Minute); return err }},
				{"Renew", func() error { return s.Renew(ctx, "evt_1", "tok", time.Minute) }},
				{"Complete", func() error { return s.Complete(ctx, "evt_1", "tok", time.Minute) }},
				{"Release", func() error { return s.Release(ctx, "evt_1", "tok") }},
			} {
				t.Run(op.name, func(t *testing.T) {
					err := op.call()
					require.Error(t, err)
					assert.NotErrorIs(t, err, idempotency.ErrLeaseLost)
					var rerr redis.Error
					assert.ErrorAs(t, err, &rerr, "the server's error is wrapped")
				})
			}
			typ, err := client.Type(ctx, prefix+"evt_1").Result()
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"String": "string", "Hash": "hash"}[c.name], typ, "left alone")
		})
	}
}

// TestUnreachable checks that a Redis that cannot be reached is an error wrapping the
// client's, not ErrLeaseLost, and that a context error comes first.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second, DialerRetries: 1})
	t.Cleanup(func() { _ = client.Close() })
	s, err := redisstore.New(client, redisstore.Config{})
	require.NoError(t, err)
	ctx := t.Context()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, c := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Claim", func(ctx context.Context) error { _, err := s.Claim(ctx, "evt_1", time.Minute); return err }},
		{"Renew", func(ctx context.Context) error { return s.Renew(ctx, "evt_1", "tok", time.Minute) }},
		{"Complete", func(ctx context.Context) error { return s.Complete(ctx, "evt_1", "tok", time.Minute) }},
		{"Release", func(ctx context.Context) error { return s.Release(ctx, "evt_1", "tok") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(ctx)
			require.Error(t, err)
			assert.ErrorIs(t, err, syscall.ECONNREFUSED, "the client's error is wrapped")
			assert.NotErrorIs(t, err, idempotency.ErrLeaseLost)
			assert.ErrorIs(t, c.call(cancelled), context.Canceled, "the context's error first")
		})
	}
}

// TestTwoReplicas runs two Store values on two clients, as two replicas of a receiver: each
// sees the other's claims.
func TestTwoReplicas(t *testing.T) {
	ctx := t.Context()
	clientA, clientB := redistest.Shared(t), redistest.Shared(t)
	prefix := redistest.Prefix(t, clientA)
	a, err := redisstore.New(clientA, redisstore.Config{Prefix: prefix})
	require.NoError(t, err)
	b, err := redisstore.New(clientB, redisstore.Config{Prefix: prefix})
	require.NoError(t, err)
	const lease, retention = time.Minute, time.Hour

	claimAs := func(t *testing.T, s *redisstore.Store, key string, want idempotency.State) idempotency.Claim {
		t.Helper()
		c, err := s.Claim(ctx, key, lease)
		require.NoError(t, err)
		require.Equal(t, want, c.State)
		return c
	}
	for _, c := range []struct {
		name string
		run  func(t *testing.T, key string)
	}{
		{"InFlightElsewhere", func(t *testing.T, key string) {
			held := claimAs(t, a, key, idempotency.Claimed)
			probe := claimAs(t, b, key, idempotency.InFlight)
			assert.Equal(t, held.LeaseEnds, probe.LeaseEnds)
		}},
		{"DoneElsewhere", func(t *testing.T, key string) {
			held := claimAs(t, a, key, idempotency.Claimed)
			require.NoError(t, a.Complete(ctx, key, held.Token, retention))
			claimAs(t, b, key, idempotency.Done)
		}},
		{"ReleasedElsewhere", func(t *testing.T, key string) {
			held := claimAs(t, a, key, idempotency.Claimed)
			require.NoError(t, a.Release(ctx, key, held.Token))
			claimAs(t, b, key, idempotency.Claimed)
			claimAs(t, a, key, idempotency.InFlight)
		}},
		{"TokenHoldsEverywhere", func(t *testing.T, key string) {
			held := claimAs(t, a, key, idempotency.Claimed)
			require.NoError(t, b.Renew(ctx, key, held.Token, 2*lease), "the token is the proof, not the replica")
			probe := claimAs(t, a, key, idempotency.InFlight)
			assert.True(t, probe.LeaseEnds.After(held.LeaseEnds), "renewed")
			require.NoError(t, b.Complete(ctx, key, held.Token, retention))
			require.ErrorIs(t, a.Release(ctx, key, held.Token), idempotency.ErrLeaseLost)
			claimAs(t, a, key, idempotency.Done)
		}},
		{"OneWinnerAcrossReplicas", func(t *testing.T, key string) {
			stores := []*redisstore.Store{a, b}
			results := make(chan idempotency.Claim, 100)
			start := make(chan struct{})
			errs := make(chan error, 100)
			for i := range 100 {
				go func() {
					<-start
					c, err := stores[i%2].Claim(ctx, key, lease)
					errs <- err
					results <- c
				}()
			}
			close(start)
			states := map[idempotency.State]int{}
			for range 100 {
				require.NoError(t, <-errs)
				states[(<-results).State]++
			}
			assert.Equal(t, map[idempotency.State]int{idempotency.Claimed: 1, idempotency.InFlight: 99}, states)
		}},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, "evt_"+c.name) })
	}
}
