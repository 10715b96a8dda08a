package idempotency

import (
	"errors"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// doneEntries returns the entries in d: the queue's first to last, then the heap's in its
// order.
func doneEntries(d *doneOrder) (queue, heap []uint32) {
	for i, b := range d.queue.blocks {
		from, to := 0, queueBlockLen
		if i == 0 {
			from = d.queue.head
		}
		if i == len(d.queue.blocks)-1 {
			to = d.queue.tail
		}
		queue = append(queue, b[from:to]...)
	}
	return queue, append([]uint32(nil), d.heap...)
}

// The states of an entry that checkInvariants tells apart.
const (
	unseen = iota
	isFree
	isDone
	isDead
	isClaim
)

// checkInvariants fails t unless m's table, entries, claims, leases and done order agree: every
// entry used once, as a claim (in the table, claims and leases, at its recorded index, with a
// token), a done key (in the table and in done once), a dead one (in done once, expired) or a
// free one (in the free list once); the table's slots where a lookup finds them, and at most
// three quarters full; the queue and both heaps ordered; a single copy of each key, shared by
// claims and the entry; and the bound kept.
func checkInvariants(t *testing.T, m *Memory) {
	t.Helper()
	s := &m.entries
	require.LessOrEqual(t, m.table.count, m.max)
	state := make([]int, s.n)
	for i := s.free; i != noEntry; i = uint32(s.at(i).expires) {
		require.Equal(t, unseen, state[i], "free entry %d is listed twice", i)
		require.Empty(t, s.at(i).key, "free entry %d has a key", i)
		state[i] = isFree
	}

	queue, heap := doneEntries(&m.done)
	now := m.tick(m.now())
	for _, i := range append(queue, heap...) {
		require.Equal(t, unseen, state[i], "entry %d in done is free or there twice", i)
		e := s.at(i)
		if e.key == "" {
			require.LessOrEqual(t, e.expires, now, "entry %d died before its retention ended", i)
			state[i] = isDead
		} else {
			require.NotEqual(t, int64(heldMark), e.expires, "claim %q is in done", e.key)
			state[i] = isDone
		}
	}
	for i := 1; i < len(queue); i++ {
		require.LessOrEqual(t, s.at(queue[i-1]).expires, s.at(queue[i]).expires, "queue[%d] expires before its predecessor", i)
	}
	if len(queue) > 0 {
		require.Equal(t, s.at(queue[len(queue)-1]).expires, m.done.last)
	}
	for i := 1; i < len(heap); i++ {
		require.LessOrEqual(t, s.at(heap[(i-1)/2]).expires, s.at(heap[i]).expires, "heap[%d] expires before its parent", i)
	}

	require.Len(t, m.leases, len(m.claims), "claims and leases disagree")
	for i, c := range m.leases {
		require.Equal(t, i, c.index, "leases[%d] records index %d", i, c.index)
		require.Less(t, c.entry, s.n, "leases[%d] points past the entries", i)
		e := s.at(c.entry)
		require.Equal(t, int64(heldMark), e.expires, "the entry of leases[%d] is not held", i)
		require.Same(t, c, m.claims[e.key], "leases[%d] is not in claims", i)
		require.NotEmpty(t, c.token, "leases[%d] has no token", i)
		if i > 0 {
			require.False(t, c.expires.Before(m.leases[(i-1)/2].expires), "leases[%d] expires before its parent", i)
		}
	}
	for k, c := range m.claims {
		require.Same(t, unsafe.StringData(s.at(c.entry).key), unsafe.StringData(k), "claim %q holds a second copy", k)
	}

	n := len(m.table.slots)
	require.Equal(t, 0, n&(n-1), "the table has %d slots", n)
	require.LessOrEqual(t, 4*m.table.count, 3*n, "the table is too full")
	used, done := 0, 0
	for slot, v := range m.table.slots {
		if v == 0 {
			continue
		}
		used++
		i := uint32(v) - 1
		require.Less(t, i, s.n, "slot %d points past the entries", slot)
		e := s.at(i)
		require.NotEmpty(t, e.key, "slot %d points at entry %d, free or dead", slot, i)
		h := m.hash(e.key)
		require.Equal(t, h, uint32(v>>32), "slot %d has the wrong hash", slot)
		found, j, ok := m.table.find(s, e.key, h)
		require.True(t, ok && found == slot && j == i, "%q is at slot %d, found at %d", e.key, slot, found)
		if e.expires == heldMark {
			require.Equal(t, unseen, state[i])
			require.Contains(t, m.claims, e.key, "claimed %q is not in claims", e.key)
			require.Equal(t, i, m.claims[e.key].entry)
			state[i] = isClaim
			continue
		}
		require.Equal(t, isDone, state[i], "done %q is not in done", e.key)
		done++
	}
	require.Equal(t, m.table.count, used)
	for i, st := range state {
		require.NotEqual(t, unseen, st, "entry %d is lost", i)
		if st == isDone {
			done--
		}
	}
	require.Zero(t, done, "done entries and the table disagree")
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
	require.Equal(t, n, m.table.count)
	now = now.Add(time.Minute) // every lease and retention ends

	calls := 0
	for m.table.count > 0 {
		before := m.table.count
		err := m.Release(ctx, "evt_0", "stale")
		require.True(t, errors.Is(err, ErrLeaseLost))
		require.Equal(t, before-min(before, purgeBatch), m.table.count, "one call removes at most purgeBatch")
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

// TestKeyTable runs random inserts, lookups and removals on a keyTable and compares it with a
// map, under hash functions that make runs long, collide outright or wrap around the end of the
// table, so that backward-shift removal meets every case.
func TestKeyTable(t *testing.T) {
	seed := maphash.MakeSeed()
	for _, c := range []struct {
		name string
		hash func(key string) uint32
	}{
		{"Random", func(key string) uint32 { return uint32(maphash.String(seed, key)) }},
		{"AllCollide", func(string) uint32 { return 7 }},
		{"ThreeHomes", func(key string) uint32 { return uint32(maphash.String(seed, key)%3) * 5 }},
		{"WrapAround", func(key string) uint32 { return math.MaxUint32 - uint32(maphash.String(seed, key)%4) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			s := slab{free: noEntry}
			tb := keyTable{slots: make([]uint64, minTableSlots)}
			want := map[string]uint32{}
			for op := range 4000 {
				key := "k" + strconv.Itoa(rng.IntN(200))
				h := c.hash(key)
				_, i, ok := tb.find(&s, key, h)
				wi, wok := want[key]
				require.Equal(t, wok, ok, "op %d: find %s", op, key)
				switch {
				case ok:
					require.Equal(t, wi, i, "op %d: find %s", op, key)
					if rng.IntN(2) == 0 {
						tb.remove(h, i)
						s.release(i)
						delete(want, key)
					}
				default:
					i, err := s.alloc(key, 0)
					require.NoError(t, err)
					tb.insert(h, i)
					want[key] = i
				}
				require.Equal(t, len(want), tb.count)
				require.LessOrEqual(t, 4*tb.count, 3*len(tb.slots))
				for k, wi := range want {
					_, i, ok := tb.find(&s, k, c.hash(k))
					require.True(t, ok && i == wi, "op %d: %s is lost", op, k)
				}
			}
		})
	}
}

// TestDoneOrder pushes expiries in various orders into a doneOrder, popping some on the way,
// and requires them back earliest first, the queue taking those in order.
func TestDoneOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sequence := func(n int, f func(i int) int64) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	for _, c := range []struct {
		name      string
		expiries  []int64
		popEvery  int // pop after every popEvery pushes; 0: only at the end
		wantQueue bool
	}{
		{"AscendingOverBlocks", sequence(3*queueBlockLen+5, func(i int) int64 { return int64(i) }), 0, true},
		{"AscendingWithPops", sequence(3*queueBlockLen+5, func(i int) int64 { return int64(i) }), 3, true},
		{"Equal", sequence(2*queueBlockLen, func(int) int64 { return 42 }), 0, true},
		{"Descending", sequence(500, func(i int) int64 { return int64(-i) }), 0, false},
		{"TwoRetentions", sequence(2000, func(i int) int64 { return int64(i + i%2*100) }), 7, false},
		{"Random", sequence(2000, func(int) int64 { return rng.Int64N(300) - 150 }), 5, false},
		{"RandomWithPops", sequence(2000, func(int) int64 { return rng.Int64N(300) }), 2, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := slab{free: noEntry}
			var d doneOrder
			var present []int64 // the expiries pushed and not popped, sorted
			pop := func() {
				i, ok := d.first(&s)
				require.True(t, ok)
				require.Equal(t, present[0], s.at(i).expires, "not the earliest")
				present = present[1:]
				d.pop(&s)
				s.release(i)
			}
			for n, e := range c.expiries {
				i, err := s.alloc("k", e)
				require.NoError(t, err)
				d.push(&s, i)
				at, _ := slices.BinarySearch(present, e)
				present = slices.Insert(present, at, e)
				if c.popEvery > 0 && n%c.popEvery == c.popEvery-1 {
					pop()
				}
			}
			if c.wantQueue {
				require.Empty(t, d.heap, "in-order expiries went to the heap")
			} else {
				require.NotEmpty(t, d.heap, "out-of-order expiries all went to the queue")
			}
			for len(present) > 0 {
				pop()
			}
			_, ok := d.first(&s)
			require.False(t, ok)
			require.True(t, d.queue.empty())
			require.Empty(t, d.heap)
		})
	}
}

// TestMemoryTakesOverExpiredDone claims a done key whose retention ended while more than
// purgeBatch expired entries wait, so that it is still in the store: the claim takes it over
// and its old entry stays dead in done until it comes first. What follows must behave as for a
// fresh key, and the dead entry must be freed.
func TestMemoryTakesOverExpiredDone(t *testing.T) {
	const n = 3 * purgeBatch
	for _, c := range []struct {
		name      string
		then      func(m *Memory, key, token string) error
		wantState State // of a new Claim of the key after then, within a minute
		wantLen   int   // after every other key expired
	}{
		{"Complete", func(m *Memory, key, token string) error {
			return m.Complete(t.Context(), key, token, time.Hour)
		}, Done, 1},
		{"Release", func(m *Memory, key, token string) error {
			return m.Release(t.Context(), key, token)
		}, Claimed, 1},
		{"Renew", func(m *Memory, key, token string) error {
			return m.Renew(t.Context(), key, token, time.Hour)
		}, InFlight, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			m, err := NewMemory(MemoryConfig{Now: func() time.Time { return now }})
			require.NoError(t, err)
			ctx := t.Context()
			keys := make([]string, n)
			for i := range keys {
				keys[i] = "evt_" + strconv.Itoa(i)
				cl, err := m.Claim(ctx, keys[i], time.Minute)
				require.NoError(t, err)
				require.NoError(t, m.Complete(ctx, keys[i], cl.Token, time.Minute))
			}
			now = now.Add(time.Minute) // every retention ends

			last := keys[n-1]
			cl, err := m.Claim(ctx, last, time.Minute)
			require.NoError(t, err)
			require.Equal(t, Claimed, cl.State)
			checkInvariants(t, m)
			queue, heap := doneEntries(&m.done)
			dead := 0
			for _, i := range append(queue, heap...) {
				if m.entries.at(i).key == "" {
					dead++
				}
			}
			require.Equal(t, 1, dead, "the old entry of %s is not dead in done", last)

			require.NoError(t, c.then(m, last, cl.Token))
			checkInvariants(t, m)
			cl, err = m.Claim(ctx, last, time.Minute)
			require.NoError(t, err)
			require.Equal(t, c.wantState, cl.State)
			require.Equal(t, c.wantLen, m.Len())
			checkInvariants(t, m)
			queue, heap = doneEntries(&m.done)
			for _, i := range append(queue, heap...) {
				require.NotEmpty(t, m.entries.at(i).key, "a dead entry is left after Len")
			}
			require.LessOrEqual(t, int(m.entries.n), n+1, "freed entries are not reused")
		})
	}
}
