package sqlitestore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func open(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "idempotency.db"), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// rows counts the rows of the table, expired or not.
func rows(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	require.NoError(t, s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM inspecthook_idempotency`).Scan(&n))
	return n
}

// fill claims n keys named prefix_i and, when retention is positive, completes them.
func fill(t *testing.T, s *Store, prefix string, n int, lease, retention time.Duration) []string {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s_%d", prefix, i)
		c, err := s.Claim(t.Context(), keys[i], lease)
		require.NoError(t, err)
		require.Equal(t, idempotency.Claimed, c.State)
		if retention > 0 {
			require.NoError(t, s.Complete(t.Context(), keys[i], c.Token, retention))
		}
	}
	return keys
}

// Cleanup deletes every expired row, crashed claims and done keys past retention alike, in
// deletes of at most CleanupBatch rows, and keeps live claims and done keys within retention.
func TestCleanup(t *testing.T) {
	for _, c := range []struct {
		name                 string
		batch                int
		expiredClaims        int // claimed, never completed: their lease ends
		expiredDone          int // completed: their retention ends
		liveClaims, liveDone int
		wantBatches          []int
	}{
		{"Nothing", 2, 0, 0, 0, 0, []int{0}},
		{"NothingExpired", 2, 0, 0, 3, 3, []int{0}},
		{"LessThanABatch", 10, 2, 3, 1, 1, []int{5}},
		{"ExactBatches", 2, 2, 2, 1, 1, []int{2, 2, 0}},
		{"PartLastBatch", 2, 3, 2, 2, 0, []int{2, 2, 1}},
		{"DefaultBatch", 0, 700, 400, 5, 5, []int{1000, 100}},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			s := open(t, Config{Now: clock.Now, CleanupInterval: -1, CleanupBatch: c.batch})
			var batches []int
			s.afterBatch = func(n int) { batches = append(batches, n) }

			crashed := fill(t, s, "crashed", c.expiredClaims, time.Minute, 0)
			old := fill(t, s, "old", c.expiredDone, time.Minute, time.Hour)
			clock.Advance(30 * time.Minute)
			held := fill(t, s, "held", c.liveClaims, 2*time.Hour, 0)
			done := fill(t, s, "done", c.liveDone, time.Minute, 2*time.Hour)
			clock.Advance(time.Hour) // the crashed claims and old done keys have expired

			require.Equal(t, c.expiredClaims+c.expiredDone+c.liveClaims+c.liveDone, rows(t, s))
			n, err := s.Cleanup(t.Context())
			require.NoError(t, err)
			assert.Equal(t, c.expiredClaims+c.expiredDone, n, "rows deleted")
			assert.Equal(t, c.wantBatches, batches, "rows deleted by each delete")
			assert.Equal(t, c.liveClaims+c.liveDone, rows(t, s), "rows kept")

			for _, k := range held {
				got, err := s.Claim(t.Context(), k, time.Minute)
				require.NoError(t, err)
				assert.Equal(t, idempotency.InFlight, got.State, k)
			}
			for _, k := range done {
				got, err := s.Claim(t.Context(), k, time.Minute)
				require.NoError(t, err)
				assert.Equal(t, idempotency.Done, got.State, k)
			}
			for _, k := range append(crashed, old...) {
				got, err := s.Claim(t.Context(), k, time.Minute)
				require.NoError(t, err)
				assert.Equal(t, idempotency.Claimed, got.State, k)
			}
		})
	}
}

// A cancelled context stops Cleanup between deletes, with what it deleted so far.
func TestCleanupCancelled(t *testing.T) {
	clock := storetest.NewClock(start)
	s := open(t, Config{Now: clock.Now, CleanupInterval: -1, CleanupBatch: 2})
	fill(t, s, "crashed", 5, time.Minute, 0)
	clock.Advance(2 * time.Minute)
	ctx, cancel := context.WithCancel(t.Context())
	s.afterBatch = func(int) { cancel() }

	n, err := s.Cleanup(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 2, n)
	assert.Equal(t, 3, rows(t, s))
}

// The background cleanup deletes expired rows every CleanupInterval and reports to OnCleanup;
// Close stops it, and OnCleanup is not called after Close returns.
func TestBackgroundCleanup(t *testing.T) {
	clock := storetest.NewClock(start)
	type report struct {
		n   int
		err error
	}
	reports := make(chan report, 100)
	var closed atomic.Bool
	s, err := Open(filepath.Join(t.TempDir(), "idempotency.db"), Config{
		Now:             clock.Now,
		CleanupInterval: time.Millisecond,
		CleanupBatch:    3,
		OnCleanup: func(n int, err error) {
			if closed.Load() {
				t.Errorf("OnCleanup(%d, %v) after Close", n, err)
			}
			select {
			case reports <- report{n, err}:
			default:
			}
		},
	})
	require.NoError(t, err)
	fill(t, s, "crashed", 10, time.Minute, 0)
	fill(t, s, "done", 2, time.Minute, time.Hour)
	clock.Advance(2 * time.Minute)

	deleted := 0
	deadline := time.After(10 * time.Second)
	for deleted < 10 {
		select {
		case r := <-reports:
			require.NoError(t, r.err)
			deleted += r.n
		case <-deadline:
			t.Fatalf("the background cleanup deleted %d of 10 expired rows", deleted)
		}
	}
	assert.Equal(t, 10, deleted)
	assert.Equal(t, 2, rows(t, s), "the done keys are kept")
	require.NoError(t, s.Close())
	closed.Store(true)
}

// Open sets the file to WAL mode, synchronous=NORMAL and the busy timeout, on one connection.
func TestOpenPragmas(t *testing.T) {
	for _, c := range []struct {
		name string
		busy time.Duration
		want map[string]string
	}{
		{"Default", 0, map[string]string{"journal_mode": "wal", "synchronous": "1", "busy_timeout": "5000"}},
		{"BusyTimeout", 1500 * time.Millisecond, map[string]string{"busy_timeout": "1500"}},
		{"BusyTimeoutRoundedUp", 100 * time.Microsecond, map[string]string{"busy_timeout": "1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := open(t, Config{BusyTimeout: c.busy, CleanupInterval: -1})
			for pragma, want := range c.want {
				var got string
				require.NoError(t, s.db.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got))
				assert.Equal(t, want, got, pragma)
			}
			assert.Equal(t, 1, s.db.Stats().MaxOpenConnections)
		})
	}
}

// Open runs the schema on a file that has it already without changing anything.
func TestMigrationIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idempotency.db")
	clock := storetest.NewClock(start)
	for i := range 3 {
		s, err := Open(path, Config{Now: clock.Now, CleanupInterval: -1})
		require.NoError(t, err, "open #%d", i+1)
		fill(t, s, fmt.Sprintf("open%d", i), 2, time.Minute, time.Hour)
		assert.Equal(t, 2*(i+1), rows(t, s))
		require.NoError(t, s.Close())
	}
}
