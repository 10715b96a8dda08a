package inbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/receiver"
)

// TestStatsAndOnAttempt checks Stats counts jobs by provider and state and finds the oldest
// waiting one, OnAttempt sees every attempt with its result, and List selects by key and
// provider and orders both ways, on both drivers.
func TestStatsAndOnAttempt(t *testing.T) {
	for _, d := range inboxDrivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu       sync.Mutex
				attempts []inbox.Attempt
			)
			e := newInboxEnv(t, d, inbox.Config{MaxAttempts: 2, OnAttempt: func(_ context.Context, a inbox.Attempt) {
				mu.Lock()
				attempts = append(attempts, a)
				mu.Unlock()
			}})
			st, err := e.ib.Stats(t.Context())
			require.NoError(t, err)
			assert.Empty(t, st.Counts)
			assert.True(t, st.OldestWaiting.IsZero())

			e.setBehave(func(_ context.Context, d receiver.Delivery) error {
				if strings.HasSuffix(d.IdempotencyKey, "fails") {
					return errors.New("downstream rejects it")
				}
				return nil
			})
			e.wantQueued(t, "works")
			e.nextCall(t)
			e.wantQueued(t, "fails")
			e.nextCall(t)
			e.nextCall(t)
			e.waitState(t, "works", "completed")
			e.waitState(t, "fails", "discarded")

			st, err = e.ib.Stats(t.Context())
			require.NoError(t, err)
			assert.Equal(t, []inbox.StateCount{
				{Provider: "record360", State: "completed", Jobs: 1},
				{Provider: "record360", State: "discarded", Jobs: 1},
			}, st.Counts)
			assert.True(t, st.OldestWaiting.IsZero(), "nothing waits")

			mu.Lock()
			results := map[string]int{}
			for _, a := range attempts {
				results[a.Result]++
				assert.Positive(t, a.Job.Attempt)
				assert.GreaterOrEqual(t, a.Duration, time.Duration(0))
			}
			mu.Unlock()
			assert.Equal(t, map[string]int{inbox.AttemptSucceeded: 1, inbox.AttemptRetried: 1, inbox.AttemptDead: 1}, results)

			// A waiting job: stop the workers, store one more, and find it the oldest waiting.
			stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, e.ib.Stop(stopCtx))
			before := time.Now().Add(-time.Second)
			e.wantQueued(t, "waits")
			st, err = e.ib.Stats(t.Context())
			require.NoError(t, err)
			assert.Contains(t, st.Counts, inbox.StateCount{Provider: "record360", State: "available", Jobs: 1})
			assert.True(t, st.OldestWaiting.After(before), "oldest waiting %v", st.OldestWaiting)

			// List: the newest first, one key, one provider, selected by the database.
			newest, err := e.ib.List(t.Context(), inbox.ListParams{NewestFirst: true, Limit: 1})
			require.NoError(t, err)
			require.Len(t, newest, 1)
			assert.True(t, strings.HasSuffix(newest[0].IdempotencyKey, "waits"), newest[0].IdempotencyKey)
			oldest, err := e.ib.List(t.Context(), inbox.ListParams{Limit: 1})
			require.NoError(t, err)
			require.Len(t, oldest, 1)
			assert.True(t, strings.HasSuffix(oldest[0].IdempotencyKey, "works"), oldest[0].IdempotencyKey)
			byKey, err := e.ib.List(t.Context(), inbox.ListParams{Key: oldest[0].IdempotencyKey})
			require.NoError(t, err)
			require.Len(t, byKey, 1)
			assert.Equal(t, oldest[0].ID, byKey[0].ID)
			for provider, want := range map[string]int{"record360": 3, "safetyculture": 0} {
				jobs, err := e.ib.List(t.Context(), inbox.ListParams{Provider: provider})
				require.NoError(t, err)
				assert.Len(t, jobs, want, provider)
			}
			none, err := e.ib.List(t.Context(), inbox.ListParams{Key: "record360:header:no-such-key' OR 1=1 --"})
			require.NoError(t, err)
			assert.Empty(t, none, "a key is a parameter, never SQL")
		})
	}
}

type attemptKey struct{}

// TestAttemptContext checks the handler runs under the context AttemptContext returns, and end
// gets each attempt's error.
func TestAttemptContext(t *testing.T) {
	d := inboxDrivers[len(inboxDrivers)-1] // one driver is enough: the hook is the worker's
	var (
		mu   sync.Mutex
		ends []error
	)
	e := newInboxEnv(t, d, inbox.Config{MaxAttempts: 2, AttemptContext: func(ctx context.Context, del receiver.InboxDelivery) (context.Context, func(error)) {
		return context.WithValue(ctx, attemptKey{}, del.Attempt), func(err error) {
			mu.Lock()
			ends = append(ends, err)
			mu.Unlock()
		}
	}})
	seen := make(chan any, 2)
	e.setBehave(func(ctx context.Context, _ receiver.Delivery) error {
		seen <- ctx.Value(attemptKey{})
		if ctx.Value(attemptKey{}) == 1 {
			return errors.New("first attempt fails")
		}
		return nil
	})
	e.wantQueued(t, "hooked")
	e.nextCall(t)
	e.nextCall(t)
	e.waitState(t, "hooked", "completed")
	require.Equal(t, 1, <-seen)
	require.Equal(t, 2, <-seen)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, ends, 2)
	require.EqualError(t, ends[0], "first attempt fails")
	require.NoError(t, ends[1])
}
