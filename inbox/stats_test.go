package inbox_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/webhooktest"
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
			assert.Equal(t, map[string]int{inbox.AttemptSucceeded: 1, inbox.AttemptRetried: 1, inbox.AttemptDiscarded: 1}, results)

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

type requestKey struct{}

// testTracer stores the request's requestKey value and hands each attempt what was stored.
type testTracer struct {
	mu     sync.Mutex
	stored []map[string]string
	ends   []error
}

func (tr *testTracer) Inject(ctx context.Context) map[string]string {
	v, _ := ctx.Value(requestKey{}).(string)
	return map[string]string{"traceparent": v}
}

func (tr *testTracer) Attempt(ctx context.Context, d receiver.InboxDelivery, stored map[string]string) (context.Context, func(error)) {
	tr.mu.Lock()
	tr.stored = append(tr.stored, stored)
	tr.mu.Unlock()
	return context.WithValue(ctx, attemptKey{}, d.Attempt), func(err error) {
		tr.mu.Lock()
		tr.ends = append(tr.ends, err)
		tr.mu.Unlock()
	}
}

// TestTracer checks that what Tracer.Inject returns for the storing request reaches every
// attempt, that the handler runs under the context Attempt returns, and that end gets each
// attempt's error.
func TestTracer(t *testing.T) {
	d := inboxDrivers[len(inboxDrivers)-1] // one driver is enough: the hook is the worker's
	tr := &testTracer{}
	e := newInboxEnv(t, d, inbox.Config{MaxAttempts: 2, Tracer: tr})
	seen := make(chan any, 2)
	e.setBehave(func(ctx context.Context, _ receiver.Delivery) error {
		seen <- ctx.Value(attemptKey{})
		if ctx.Value(attemptKey{}) == 1 {
			return errors.New("first attempt fails")
		}
		return nil
	})
	r := webhooktest.NewRequest(t, "/webhooks/record360", e.body, e.signer)
	r = r.WithContext(context.WithValue(r.Context(), requestKey{}, "00-request-span"))
	r.Header.Set(inboxKeyHeader, "hooked")
	w := httptest.NewRecorder()
	e.rx.ServeHTTP(w, r)
	require.Equal(t, "ok: queued\n", w.Body.String())
	e.nextCall(t)
	e.nextCall(t)
	e.waitState(t, "hooked", inbox.StateCompleted)
	require.Equal(t, 1, <-seen)
	require.Equal(t, 2, <-seen)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	want := map[string]string{"traceparent": "00-request-span"}
	require.Equal(t, []map[string]string{want, want}, tr.stored, "each attempt gets the storing request's trace context")
	require.Len(t, tr.ends, 2)
	require.EqualError(t, tr.ends[0], "first attempt fails")
	require.NoError(t, tr.ends[1])
}
