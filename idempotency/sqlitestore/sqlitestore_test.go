package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/sqlitestore"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// start is where the fake clocks of these tests stand at first.
var start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// open opens a Store on path and closes it at the end of the test.
func open(t *testing.T, path string, cfg sqlitestore.Config) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(path, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// dbPath is a new database file in the test's temporary directory.
func dbPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "idempotency.db")
}

func TestConformance(t *testing.T) {
	for _, c := range []struct {
		name    string
		cleanup time.Duration
	}{
		{"NoCleanup", -1},
		// A cleanup every millisecond, deleting a row at a time, must never free a key that
		// is held or done.
		{"ConstantCleanup", time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) (idempotency.Store, func(time.Duration)) {
					clock := storetest.NewClock(start)
					s := open(t, dbPath(t), sqlitestore.Config{Now: clock.Now, CleanupInterval: c.cleanup, CleanupBatch: 1})
					return s, clock.Advance
				},
			})
		})
	}
}

// rx is a Record360 receiver on store that counts the runs of its handler and fails them
// while fail is set.
type rx struct {
	*receiver.Receiver
	runs atomic.Int32
	fail atomic.Bool
}

func newReceiver(t *testing.T, store idempotency.Store, auth verify.Verifier) *rx {
	t.Helper()
	r, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: auth,
		Store:    store,
		Logger:   webhooktest.Logger(t),
	})
	require.NoError(t, err)
	x := &rx{Receiver: r}
	receiver.Handle(r, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		x.runs.Add(1)
		if x.fail.Load() {
			return errors.New("the handler failed")
		}
		return nil
	})
	return x
}

// A delivery handled before a restart is a duplicate after it: the store and the receiver are
// closed, as at the exit of the process, and new ones opened on the same file, as at its next
// start.
func TestSurvivesRestart(t *testing.T) {
	auth, err := verify.NewBearer("r360-token")
	require.NoError(t, err)
	body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")

	for _, c := range []struct {
		name        string
		fail        bool   // the handler fails before the restart
		firstStatus int    // the answer before the restart
		retry       string // the answer to the retry after it
		retryRuns   int32  // runs of the handler after the restart
	}{
		{"Completed", false, http.StatusOK, "ok: already received\n", 0},
		{"Released", true, http.StatusInternalServerError, "ok\n", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := dbPath(t)

			store, err := sqlitestore.Open(path, sqlitestore.Config{})
			require.NoError(t, err)
			before := newReceiver(t, store, auth)
			before.fail.Store(c.fail)
			w := webhooktest.Replay(t, before, "/webhooks/record360", body, auth)
			require.Equal(t, c.firstStatus, w.Code, w.Body.String())
			require.Equal(t, int32(1), before.runs.Load())
			require.NoError(t, before.Close())
			require.NoError(t, store.Close())

			after := newReceiver(t, open(t, path, sqlitestore.Config{}), auth)
			w = webhooktest.Replay(t, after, "/webhooks/record360", body, auth)
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, c.retry, w.Body.String())
			assert.Equal(t, c.retryRuns, after.runs.Load(), "runs of the handler after the restart")
			require.NoError(t, after.Close())
		})
	}
}

// A claim held when the process stopped without completing it (a crash) keeps the key for the
// rest of its lease, then frees it; the dead holder's token is spent.
func TestCrashedClaimFreedAfterLease(t *testing.T) {
	const lease = time.Minute
	path := dbPath(t)
	clock := storetest.NewClock(start)
	ctx := t.Context()

	crashed, err := sqlitestore.Open(path, sqlitestore.Config{Now: clock.Now, CleanupInterval: -1})
	require.NoError(t, err)
	held, err := crashed.Claim(ctx, "record360:evt_1", lease)
	require.NoError(t, err)
	require.Equal(t, idempotency.Claimed, held.State)
	require.NoError(t, crashed.Close()) // no Complete, no Release

	s := open(t, path, sqlitestore.Config{Now: clock.Now, CleanupInterval: -1})
	for _, c := range []struct {
		name    string
		advance time.Duration
		want    idempotency.State
	}{
		{"JustAfterRestart", 0, idempotency.InFlight},
		{"ASecondBeforeTheLeaseEnds", lease - time.Second, idempotency.InFlight},
		{"WhenTheLeaseEnds", time.Second, idempotency.Claimed},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock.Advance(c.advance)
			got, err := s.Claim(ctx, "record360:evt_1", lease)
			require.NoError(t, err)
			require.Equal(t, c.want, got.State)
			if c.want == idempotency.InFlight {
				assert.True(t, held.LeaseEnds.Equal(got.LeaseEnds), "InFlight reports the dead holder's lease end: %v, want %v", got.LeaseEnds, held.LeaseEnds)
				return
			}
			assert.NotEqual(t, held.Token, got.Token)
			require.ErrorIs(t, s.Complete(ctx, "record360:evt_1", held.Token, time.Hour), idempotency.ErrLeaseLost, "the dead holder's token")
			require.NoError(t, s.Complete(ctx, "record360:evt_1", got.Token, time.Hour))
		})
	}
}

// claimAll claims each of keys from goroutines goroutines at once, every goroutine every key,
// spread over stores, and returns how many Claimed each key got. It requires no errors, so no
// SQLITE_BUSY either.
func claimAll(t *testing.T, stores []*sqlitestore.Store, goroutines int, keys []string) map[string]int {
	t.Helper()
	var mu sync.Mutex
	claimed := map[string]int{}
	var errs []error
	var maxWait time.Duration
	// The longest Claim, queueing for the connection and waiting for the lock included: far
	// below the busy timeout (5 s) is the margin of this test.
	defer func() { t.Logf("longest claim: %v", maxWait) }()
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for g := range goroutines {
		s := stores[g%len(stores)]
		wg.Go(func() {
			<-begin
			for i := range keys {
				key := keys[(i+g)%len(keys)] // each goroutine in its own order
				t0 := time.Now()
				c, err := s.Claim(t.Context(), key, time.Minute)
				mu.Lock()
				if d := time.Since(t0); d > maxWait {
					maxWait = d
				}
				if err != nil {
					errs = append(errs, err)
				} else if c.State == idempotency.Claimed {
					claimed[key]++
				}
				mu.Unlock()
			}
		})
	}
	close(begin)
	wg.Wait()
	require.Empty(t, errs, "no claim may fail, SQLITE_BUSY included")
	return claimed
}

func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("record360:evt_%d", i)
	}
	return out
}

// Concurrent claims of the same keys, from many goroutines on one Store or on two Stores on one
// file (two processes of one machine), give exactly one Claimed per key and never SQLITE_BUSY.
func TestConcurrentClaims(t *testing.T) {
	for _, c := range []struct {
		name       string
		stores     int
		goroutines int
		keys       int
	}{
		{"OneStore", 1, 64, 50},
		{"TwoStoresOneFile", 2, 64, 50},
		{"FourStoresOneFile", 4, 32, 25},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := dbPath(t)
			var stores []*sqlitestore.Store
			for range c.stores {
				// A background cleanup running throughout, on every store, writes too.
				stores = append(stores, open(t, path, sqlitestore.Config{CleanupInterval: time.Millisecond}))
			}
			ks := keys(c.keys)
			claimed := claimAll(t, stores, c.goroutines, ks)
			for _, k := range ks {
				assert.Equal(t, 1, claimed[k], "Claimed results for %s", k)
			}
		})
	}
}

// Every method of a closed Store returns ErrClosed, and Close can be called again.
func TestClosed(t *testing.T) {
	ctx := t.Context()
	s, err := sqlitestore.Open(dbPath(t), sqlitestore.Config{})
	require.NoError(t, err)
	c, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "a second Close")

	for _, m := range []struct {
		name string
		call func() error
	}{
		{"Claim", func() error { _, err := s.Claim(ctx, "evt_2", time.Minute); return err }},
		{"Renew", func() error { return s.Renew(ctx, "evt_1", c.Token, time.Minute) }},
		{"Complete", func() error { return s.Complete(ctx, "evt_1", c.Token, time.Hour) }},
		{"Release", func() error { return s.Release(ctx, "evt_1", c.Token) }},
		{"Cleanup", func() error { _, err := s.Cleanup(ctx); return err }},
	} {
		t.Run(m.name, func(t *testing.T) {
			require.ErrorIs(t, m.call(), idempotency.ErrClosed)
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		path string
		cfg  sqlitestore.Config
		want error // nil: any error
	}{
		{"EmptyPath", "", sqlitestore.Config{}, idempotency.ErrConfig},
		{"NegativeBatch", filepath.Join(dir, "a.db"), sqlitestore.Config{CleanupBatch: -1}, idempotency.ErrConfig},
		{"NegativeBusyTimeout", filepath.Join(dir, "b.db"), sqlitestore.Config{BusyTimeout: -time.Second}, idempotency.ErrConfig},
		{"Directory", dir, sqlitestore.Config{}, nil},
		{"MissingDirectory", filepath.Join(dir, "missing", "c.db"), sqlitestore.Config{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := sqlitestore.Open(c.path, c.cfg)
			require.Error(t, err)
			assert.Nil(t, s)
			if c.want != nil {
				assert.ErrorIs(t, err, c.want)
			}
		})
	}
	t.Run("NilDB", func(t *testing.T) {
		_, err := sqlitestore.New(nil, sqlitestore.Config{})
		assert.ErrorIs(t, err, idempotency.ErrConfig)
	})
}

// A path with the characters a file: URI gives a meaning to names the file itself.
func TestOpenPathEscaped(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a?b.db", "a#b.db", "a%3fb.db", "a b.db", "a&_journal_mode=OFF.db"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			s, err := sqlitestore.Open(path, sqlitestore.Config{CleanupInterval: -1})
			require.NoError(t, err)
			c, err := s.Claim(t.Context(), "evt_1", time.Minute)
			require.NoError(t, err)
			require.NoError(t, s.Complete(t.Context(), "evt_1", c.Token, time.Hour))
			require.NoError(t, s.Close())
			assert.FileExists(t, path)

			s = open(t, path, sqlitestore.Config{CleanupInterval: -1})
			c, err = s.Claim(t.Context(), "evt_1", time.Minute)
			require.NoError(t, err)
			assert.Equal(t, idempotency.Done, c.State, "reopened the same file")
		})
	}
}

// New uses a database the caller opened and keeps owning: Close leaves it open, and a Store
// made later on it sees what the first one recorded.
func TestNewCallerDB(t *testing.T) {
	db, err := sql.Open("sqlite", dbPath(t)+"?_busy_timeout=5000&_journal_mode=WAL")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	clock := storetest.NewClock(start)

	s, err := sqlitestore.New(db, sqlitestore.Config{Now: clock.Now})
	require.NoError(t, err)
	c, err := s.Claim(t.Context(), "evt_1", time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.Complete(t.Context(), "evt_1", c.Token, time.Hour))
	require.NoError(t, s.Close())
	require.NoError(t, db.PingContext(t.Context()), "Close left the caller's database open")

	s2, err := sqlitestore.New(db, sqlitestore.Config{Now: clock.Now, CleanupInterval: -1})
	require.NoError(t, err)
	defer s2.Close()
	c, err = s2.Claim(t.Context(), "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, c.State)
}
