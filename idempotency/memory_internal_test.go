package idempotency

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// checkInvariants fails t unless m's map and heaps agree: every entry in exactly one heap, at
// its recorded index, claims with a token and done entries without, both heaps ordered, and the
// bound kept.
func checkInvariants(t *testing.T, m *Memory) {
	t.Helper()
	require.Equal(t, len(m.entries), len(m.claims)+len(m.done), "map and heaps disagree")
	require.LessOrEqual(t, len(m.entries), m.max)
	for name, h := range map[string]expiryHeap{"claims": m.claims, "done": m.done} {
		for i, e := range h {
			require.Equal(t, i, e.index, "%s[%d] records index %d", name, i, e.index)
			require.Same(t, e, m.entries[e.key], "%s[%d] is not in the map", name, i)
			require.Equal(t, name == "claims", e.token != "", "%s[%d] token %q", name, i, e.token)
			if i > 0 {
				parent := h[(i-1)/2]
				require.False(t, e.expires.Before(parent.expires), "%s[%d] expires before its parent", name, i)
			}
		}
	}
}

// model is the reference a Memory store is compared with: a map with expiries, written for
// clarity rather than speed, with the same eviction rule.
type model struct {
	max     int
	entries map[string]*modelEntry
}

type modelEntry struct {
	token   string // empty once done
	expires time.Time
}

func (md *model) live(now time.Time) int {
	n := 0
	for _, e := range md.entries {
		if now.Before(e.expires) {
			n++
		}
	}
	return n
}

// claim returns the state Memory must report, and whether it must return ErrFull.
func (md *model) claim(now time.Time, key string) (State, bool) {
	if e, ok := md.entries[key]; ok && now.Before(e.expires) {
		if e.token == "" {
			return Done, false
		}
		return InFlight, false
	}
	if md.live(now) >= md.max {
		var victim string
		for k, e := range md.entries {
			if e.token == "" && now.Before(e.expires) && (victim == "" || e.expires.Before(md.entries[victim].expires)) {
				victim = k
			}
		}
		if victim == "" {
			return 0, true
		}
		delete(md.entries, victim)
	}
	return Claimed, false
}

// holds reports whether token holds key at now.
func (md *model) holds(now time.Time, key, token string) bool {
	e, ok := md.entries[key]
	return ok && e.token == token && now.Before(e.expires)
}

// TestMemoryMatchesModel runs random operations on a Memory store and on the model and
// requires the same answers, and intact invariants, after every one. Retentions differ by a
// nanosecond per Complete so that no two done entries expire at once and the eviction choice is
// unique.
func TestMemoryMatchesModel(t *testing.T) {
	for _, c := range []struct {
		name       string
		maxEntries int
		keys       int
	}{
		{"Unbounded", 1000, 12},
		{"Bounded", 5, 12},
		{"Tight", 2, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(c.maxEntries)))
			now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			m, err := NewMemory(MemoryConfig{MaxEntries: c.maxEntries, Now: func() time.Time { return now }})
			require.NoError(t, err)
			md := &model{max: c.maxEntries, entries: map[string]*modelEntry{}}
			ctx := t.Context()
			var tokens []string // every token issued, for stale ones
			completes := 0
			counts := map[string]int{}

			for i := range 5000 {
				key := "k" + strconv.Itoa(rng.IntN(c.keys))
				token := ""
				if e := md.entries[key]; e != nil && e.token != "" && rng.IntN(4) > 0 {
					token = e.token
				} else if len(tokens) > 0 {
					token = tokens[rng.IntN(len(tokens))]
				} else {
					token = "never-issued"
				}
				switch op := rng.IntN(10); {
				case op < 4:
					lease := time.Duration(1+rng.IntN(5)) * time.Second
					want, full := md.claim(now, key)
					got, err := m.Claim(ctx, key, lease)
					if full {
						require.ErrorIs(t, err, ErrFull, "op %d claim %s", i, key)
						counts["full"]++
						break
					}
					require.NoError(t, err, "op %d claim %s", i, key)
					require.Equal(t, want, got.State, "op %d claim %s", i, key)
					counts[want.String()]++
					if got.State == Claimed {
						md.entries[key] = &modelEntry{token: got.Token, expires: now.Add(lease)}
						tokens = append(tokens, got.Token)
					}
				case op < 7:
					completes++
					retention := time.Duration(1+rng.IntN(8))*time.Second + time.Duration(completes)
					holds := md.holds(now, key, token)
					err := m.Complete(ctx, key, token, retention)
					if holds {
						require.NoError(t, err, "op %d complete %s", i, key)
						md.entries[key] = &modelEntry{expires: now.Add(retention)}
						counts["completed"]++
					} else {
						require.ErrorIs(t, err, ErrLeaseLost, "op %d complete %s", i, key)
						counts["lost"]++
					}
				case op < 8:
					holds := md.holds(now, key, token)
					err := m.Release(ctx, key, token)
					if holds {
						require.NoError(t, err, "op %d release %s", i, key)
						delete(md.entries, key)
						counts["released"]++
					} else {
						require.ErrorIs(t, err, ErrLeaseLost, "op %d release %s", i, key)
						counts["lost"]++
					}
				default:
					now = now.Add(time.Duration(rng.IntN(1500)) * time.Millisecond)
				}
				checkInvariants(t, m)
			}
			require.Equal(t, md.live(now), m.Len())
			checkInvariants(t, m)
			// Every path was taken.
			for _, k := range []string{"claimed", "in-flight", "done", "completed", "released", "lost"} {
				require.Positive(t, counts[k], "%s never happened: %v", k, counts)
			}
			if c.maxEntries < c.keys {
				require.Positive(t, counts["full"], "ErrFull never happened: %v", counts)
			}
		})
	}
}

func TestMemoryPurgesGradually(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	m, err := NewMemory(MemoryConfig{Now: func() time.Time { return now }})
	require.NoError(t, err)
	ctx := t.Context()
	const n = 100
	for i := range n {
		key := "evt_" + strconv.Itoa(i)
		c, err := m.Claim(ctx, key, time.Minute)
		require.NoError(t, err)
		if i%2 == 0 {
			require.NoError(t, m.Complete(ctx, key, c.Token, time.Minute))
		}
	}
	require.Len(t, m.entries, n)
	now = now.Add(time.Minute) // every lease and retention ends

	calls := 0
	for len(m.entries) > 0 {
		before := len(m.entries)
		err := m.Release(ctx, "evt_0", "stale")
		require.True(t, errors.Is(err, ErrLeaseLost))
		require.Equal(t, before-min(before, purgeBatch), len(m.entries), "one call removes at most purgeBatch")
		checkInvariants(t, m)
		calls++
	}
	require.Equal(t, (n+purgeBatch-1)/purgeBatch, calls)
}

func TestNewMemoryDefaults(t *testing.T) {
	m, err := NewMemory(MemoryConfig{})
	require.NoError(t, err)
	require.Equal(t, DefaultMaxEntries, m.max)
	require.NotNil(t, m.now)

	var zero Memory
	require.Equal(t, 0, zero.Len())
	require.Equal(t, DefaultMaxEntries, zero.max)
}

// TestMemoryConcurrentChurn runs every operation, eviction and ErrFull included, from several
// goroutines on a small store, for the race detector, then checks the invariants.
func TestMemoryConcurrentChurn(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	m, err := NewMemory(MemoryConfig{MaxEntries: 8, Now: clock})
	require.NoError(t, err)
	ctx := t.Context()

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(2, uint64(g)))
			for range 300 {
				key := "k" + strconv.Itoa(rng.IntN(16))
				c, err := m.Claim(ctx, key, time.Duration(1+rng.IntN(3))*time.Second)
				switch {
				case errors.Is(err, ErrFull):
					continue
				case err != nil:
					errs <- err
					return
				case c.State != Claimed:
					continue
				}
				if g == 0 {
					mu.Lock()
					now = now.Add(time.Duration(rng.IntN(500)) * time.Millisecond)
					mu.Unlock()
				}
				if rng.IntN(2) == 0 {
					err = m.Complete(ctx, key, c.Token, time.Duration(1+rng.IntN(5))*time.Second)
				} else {
					err = m.Release(ctx, key, c.Token)
				}
				if err != nil && !errors.Is(err, ErrLeaseLost) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	checkInvariants(t, m)
}
