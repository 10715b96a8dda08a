package receiver_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// countingStore counts lease renewals.
type countingStore struct {
	*idempotency.Memory
	renewals chan struct{}
}

func (s *countingStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	err := s.Memory.Renew(ctx, key, token, lease)
	if err == nil {
		select {
		case s.renewals <- struct{}{}:
		default:
		}
	}
	return err
}

// TestHandlerOutlivingItsLeaseRunsOnce is the double run a lease alone allowed: a handler that
// ignores its deadline and outlives its lease. Retries during the run get 409, the run is
// completed, and the next retry is a duplicate: one run, never two at once.
func TestHandlerOutlivingItsLeaseRunsOnce(t *testing.T) {
	const lease = 150 * time.Millisecond
	mem, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	defer mem.Close()
	store := &countingStore{Memory: mem, renewals: make(chan struct{}, 64)}
	auth := bearer(t)
	var errs []error
	var mu sync.Mutex
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier:       auth,
		Store:          store,
		HandlerTimeout: 50 * time.Millisecond,
		Lease:          lease,
		Logger:         webhooktest.Logger(t),
		OnError: func(_ context.Context, _ receiver.Delivery, err error) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, err)
		},
	})
	require.NoError(t, err)
	release := make(chan struct{})
	started := make(chan struct{}, 4)
	var runs, running, overlaps atomic.Int32
	receiver.Handle(rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		runs.Add(1)
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer running.Add(-1)
		started <- struct{}{}
		<-release // ignores its context and its deadline
		return nil
	})
	body := inspectionBody(t)

	first := make(chan int, 1)
	go func() { first <- webhooktest.Replay(t, rx, "/", body, auth).Code }()
	<-started
	// Three renewals, a third of a lease apart: the first lease has passed.
	for range 3 {
		select {
		case <-store.renewals:
		case <-time.After(10 * time.Second):
			t.Fatal("the lease was not renewed")
		}
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			w := webhooktest.Replay(t, rx, "/", body, auth)
			assert.Equal(t, http.StatusConflict, w.Code, "a retry while the handler runs")
			assert.NotEmpty(t, w.Header().Get("Retry-After"))
		})
	}
	wg.Wait()
	close(release)
	assert.Equal(t, http.StatusOK, <-first)
	assert.Equal(t, "ok: already received\n", webhooktest.Replay(t, rx, "/", body, auth).Body.String())
	assert.Equal(t, int32(1), runs.Load(), "one run")
	assert.Zero(t, overlaps.Load(), "never two at once")
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, errs, "no renewal or Complete failed")
}
