package idempotency_test

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// t0 is the fixed start of the tests' clocks.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// newMemory returns a Memory bounded by maxEntries (0: the default) on a fake clock.
func newMemory(t testing.TB, maxEntries int) (*idempotency.Memory, *storetest.Clock) {
	t.Helper()
	clock := storetest.NewClock(t0)
	m, err := idempotency.NewMemory(idempotency.MemoryConfig{MaxEntries: maxEntries, Now: clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m, clock
}

func TestMemoryConformance(t *testing.T) {
	for _, c := range []struct {
		name       string
		maxEntries int
	}{
		{"Default", 0},
		// A bound the suite comes close to but never fills with live claims: eviction of done
		// entries must not change the rules while there is room.
		{"Bounded", 64},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) (idempotency.Store, func(time.Duration)) {
					m, clock := newMemory(t, c.maxEntries)
					return m, clock.Advance
				},
			})
		})
	}
}

func TestNewMemory(t *testing.T) {
	for _, c := range []struct {
		name    string
		cfg     idempotency.MemoryConfig
		wantErr error
	}{
		{"ZeroConfig", idempotency.MemoryConfig{}, nil},
		{"MaxEntries", idempotency.MemoryConfig{MaxEntries: 1}, nil},
		{"NegativeMaxEntries", idempotency.MemoryConfig{MaxEntries: -1}, idempotency.ErrConfig},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := idempotency.NewMemory(c.cfg)
			if c.wantErr != nil {
				require.ErrorIs(t, err, c.wantErr)
				assert.Nil(t, m)
				return
			}
			require.NoError(t, err)
			claim, err := m.Claim(t.Context(), "evt_1", time.Minute)
			require.NoError(t, err)
			assert.Equal(t, idempotency.Claimed, claim.State)
			require.NoError(t, m.Close())
		})
	}
}

func TestMemoryZeroValue(t *testing.T) {
	var m idempotency.Memory
	ctx := t.Context()
	assert.Equal(t, 0, m.Len())
	c, err := m.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	require.Equal(t, idempotency.Claimed, c.State)
	require.NoError(t, m.Complete(ctx, "evt_1", c.Token, time.Hour))
	c, err = m.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, c.State)
	assert.Equal(t, 1, m.Len())
	require.NoError(t, m.Close())
	_, err = m.Claim(ctx, "evt_1", time.Minute)
	require.ErrorIs(t, err, idempotency.ErrClosed)
}

// step is one operation of a scenario on a Memory store. Tokens are kept per key.
type step struct {
	op   string        // "claim", "complete", "release", "advance" or "len"
	key  string        // the key of claim, complete and release
	d    time.Duration // the lease of claim (default one minute), retention of complete, advance
	want any           // claim: State or error; complete, release: error; len: int
}

func claim(key string, want any) step { return step{op: "claim", key: key, want: want} }
func lease(key string, d time.Duration) step {
	return step{op: "claim", key: key, d: d, want: idempotency.Claimed}
}
func complete(key string, d time.Duration) step { return step{op: "complete", key: key, d: d} }
func release(key string) step                   { return step{op: "release", key: key} }
func advance(d time.Duration) step              { return step{op: "advance", d: d} }
func length(n int) step                         { return step{op: "len", want: n} }

// done claims key and completes it with retention d.
func done(key string, d time.Duration) []step {
	return []step{claim(key, idempotency.Claimed), complete(key, d)}
}

func steps(groups ...any) []step {
	var out []step
	for _, g := range groups {
		switch g := g.(type) {
		case step:
			out = append(out, g)
		case []step:
			out = append(out, g...)
		}
	}
	return out
}

func runSteps(t *testing.T, m *idempotency.Memory, clock *storetest.Clock, script []step) {
	t.Helper()
	ctx := t.Context()
	tokens := map[string]string{}
	for i, s := range script {
		msg := []any{"step %d: %s %q", i, s.op, s.key}
		switch s.op {
		case "claim":
			d := s.d
			if d == 0 {
				d = time.Minute
			}
			c, err := m.Claim(ctx, s.key, d)
			if want, ok := s.want.(error); ok {
				require.ErrorIs(t, err, want, msg...)
				continue
			}
			require.NoError(t, err, msg...)
			require.Equal(t, s.want, c.State, msg...)
			if c.State == idempotency.Claimed {
				tokens[s.key] = c.Token
			}
		case "complete":
			err := m.Complete(ctx, s.key, tokens[s.key], s.d)
			requireErr(t, s.want, err, msg...)
		case "release":
			err := m.Release(ctx, s.key, tokens[s.key])
			requireErr(t, s.want, err, msg...)
		case "advance":
			clock.Advance(s.d)
		case "len":
			require.Equal(t, s.want, m.Len(), msg...)
		default:
			t.Fatalf("step %d: unknown op %q", i, s.op)
		}
	}
}

func requireErr(t *testing.T, want any, err error, msg ...any) {
	t.Helper()
	if want == nil {
		require.NoError(t, err, msg...)
		return
	}
	require.ErrorIs(t, err, want.(error), msg...)
}

func TestMemoryBound(t *testing.T) {
	full := idempotency.ErrFull
	for _, c := range []struct {
		name       string
		maxEntries int
		script     []step
	}{
		{"DoneEntryClosestToExpiryGoesFirst", 3, steps(
			// Completed in the order a, b, c; b expires first, then c, then a.
			done("a", 3*time.Hour), done("b", time.Hour), done("c", 2*time.Hour),
			claim("x", idempotency.Claimed), // drops b
			claim("a", idempotency.Done), claim("c", idempotency.Done),
			claim("y", idempotency.Claimed), // drops c
			claim("a", idempotency.Done),
			claim("z", idempotency.Claimed), // drops a
			length(3),
			// Every entry is a live claim now: a new key is refused, a held one reported.
			claim("w", full), claim("a", full), claim("b", full), claim("c", full),
			claim("x", idempotency.InFlight), claim("z", idempotency.InFlight),
			length(3),
		)},
		{"ExpiredEntriesGoBeforeDoneOnes", 3, steps(
			lease("a", time.Minute), done("b", time.Hour), done("c", 2*time.Hour),
			advance(2*time.Minute), // a's lease has expired
			claim("x", idempotency.Claimed),
			claim("b", idempotency.Done), claim("c", idempotency.Done),
			length(3),
		)},
		{"LiveClaimsAreNeverEvicted", 2, steps(
			claim("a", idempotency.Claimed), claim("b", idempotency.Claimed),
			claim("c", full),
			claim("a", idempotency.InFlight), claim("b", idempotency.InFlight),
			release("a"),
			claim("c", idempotency.Claimed),
			claim("a", full),
			length(2),
		)},
		{"FullUntilALeaseExpires", 2, steps(
			lease("a", time.Minute), lease("b", 10*time.Minute),
			claim("c", full),
			advance(time.Minute),
			claim("c", idempotency.Claimed), // a's lease ended
			claim("b", idempotency.InFlight),
			length(2),
		)},
		{"CompleteMakesAClaimEvictable", 2, steps(
			claim("a", idempotency.Claimed), claim("b", idempotency.Claimed),
			complete("a", time.Hour),
			claim("c", idempotency.Claimed), // drops the done a: a very old duplicate of a would run again
			claim("b", idempotency.InFlight),
			claim("a", full),
		)},
		{"OneEntry", 1, steps(
			done("a", time.Hour),
			done("b", time.Hour),
			claim("b", idempotency.Done),
			claim("c", idempotency.Claimed),
			claim("b", full),
			length(1),
		)},
		{"LenCountsUnexpired", 0, steps(
			lease("a", time.Minute), done("b", time.Hour), length(2),
			advance(time.Minute), length(1),
			advance(time.Hour), length(0),
		)},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, clock := newMemory(t, c.maxEntries)
			runSteps(t, m, clock, c.script)
		})
	}
}

func TestMemoryBoundUnderChurn(t *testing.T) {
	for _, maxEntries := range []int{1, 7, 100} {
		t.Run("max="+strconv.Itoa(maxEntries), func(t *testing.T) {
			m, clock := newMemory(t, maxEntries)
			ctx := t.Context()
			keys := make([]string, 5*maxEntries)
			for i := range keys {
				keys[i] = "evt_" + strconv.Itoa(i)
				c, err := m.Claim(ctx, keys[i], time.Minute)
				require.NoError(t, err)
				require.Equal(t, idempotency.Claimed, c.State)
				require.NoError(t, m.Complete(ctx, keys[i], c.Token, time.Hour))
				require.LessOrEqual(t, m.Len(), maxEntries)
				clock.Advance(time.Second) // distinct expiries: the oldest goes first
			}
			require.Equal(t, maxEntries, m.Len())
			// The newest keys are remembered; probing them claims nothing.
			for _, k := range keys[len(keys)-maxEntries:] {
				c, err := m.Claim(ctx, k, time.Minute)
				require.NoError(t, err)
				require.Equal(t, idempotency.Done, c.State, k)
			}
			// The oldest was evicted.
			c, err := m.Claim(ctx, keys[0], time.Minute)
			require.NoError(t, err)
			require.Equal(t, idempotency.Claimed, c.State)
		})
	}
}

func TestMemoryClose(t *testing.T) {
	m, _ := newMemory(t, 0)
	ctx := t.Context()
	c, err := m.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	require.NoError(t, m.Close())
	assert.Equal(t, 0, m.Len())

	for _, call := range []struct {
		name string
		do   func() error
	}{
		{"Claim", func() error { _, err := m.Claim(ctx, "evt_2", time.Minute); return err }},
		{"Complete", func() error { return m.Complete(ctx, "evt_1", c.Token, time.Hour) }},
		{"Release", func() error { return m.Release(ctx, "evt_1", c.Token) }},
		{"CloseAgain", func() error {
			if err := m.Close(); err != nil {
				return err
			}
			return idempotency.ErrClosed
		}},
	} {
		t.Run(call.name, func(t *testing.T) {
			require.ErrorIs(t, call.do(), idempotency.ErrClosed)
		})
	}
}

func TestMemoryCloseWhileClaiming(t *testing.T) {
	m, _ := newMemory(t, 0)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := m.Claim(ctx, "evt_"+strconv.Itoa(i), time.Minute)
			if err == nil {
				err = m.Complete(ctx, "evt_"+strconv.Itoa(i), c.Token, time.Hour)
			}
			errs[i] = err
		}()
	}
	require.NoError(t, m.Close())
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			assert.ErrorIs(t, err, idempotency.ErrClosed)
		}
	}
	_, err := m.Claim(ctx, "evt_0", time.Minute)
	require.ErrorIs(t, err, idempotency.ErrClosed)
}

func TestStateString(t *testing.T) {
	for _, c := range []struct {
		s    idempotency.State
		want string
	}{
		{idempotency.Claimed, "claimed"},
		{idempotency.InFlight, "in-flight"},
		{idempotency.Done, "done"},
		{0, "State(0)"},
		{42, "State(42)"},
	} {
		t.Run(c.want, func(t *testing.T) {
			assert.Equal(t, c.want, c.s.String())
		})
	}
}

func TestErrorsArePrefixed(t *testing.T) {
	for _, err := range []error{
		idempotency.ErrLeaseLost, idempotency.ErrClosed, idempotency.ErrFull, idempotency.ErrConfig,
		idempotency.ErrNoKey, idempotency.ErrUnavailable, idempotency.ErrDuplicate, idempotency.ErrInFlight,
	} {
		t.Run(err.Error(), func(t *testing.T) {
			assert.True(t, strings.HasPrefix(err.Error(), "idempotency: "))
		})
	}
}

func TestErrorsCarryContext(t *testing.T) {
	m, _ := newMemory(t, 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := m.Claim(ctx, "evt_1", time.Minute)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, strings.HasPrefix(err.Error(), "idempotency: claim: "), err.Error())

	err = m.Release(t.Context(), "evt_1", "stale")
	assert.ErrorIs(t, err, idempotency.ErrLeaseLost)
	assert.Contains(t, err.Error(), `"evt_1"`)

	_, err = m.Claim(t.Context(), "evt_1", time.Minute)
	require.NoError(t, err)
	_, err = m.Claim(t.Context(), "evt_2", time.Minute)
	assert.ErrorIs(t, err, idempotency.ErrFull)
	assert.False(t, errors.Is(err, idempotency.ErrConfig))
}

// Memory keeps a copy of a key, not the larger string the key was cut from.
func TestMemoryCopiesKeys(t *testing.T) {
	m, _ := newMemory(t, 0)
	var heapBefore, heapAfter runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapBefore)
	func() {
		padded := strings.Repeat(" ", 4<<20) + evtKey
		c, err := m.Claim(t.Context(), strings.TrimSpace(padded), time.Minute)
		require.NoError(t, err)
		require.Equal(t, idempotency.Claimed, c.State)
	}()
	runtime.GC()
	runtime.ReadMemStats(&heapAfter)
	assert.Less(t, int64(heapAfter.HeapAlloc)-int64(heapBefore.HeapAlloc), int64(1<<20))
	assert.Equal(t, 1, m.Len())
}
