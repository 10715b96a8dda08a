package idempotency_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
)

// signalStore is a Memory store that reports each Renew on a channel, and can fail them.
type signalStore struct {
	*idempotency.Memory
	renewed chan error
	fail    error
}

func (s *signalStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	err := s.fail
	if err == nil {
		err = s.Memory.Renew(ctx, key, token, lease)
	}
	select {
	case s.renewed <- err:
	default:
	}
	return err
}

// waitFor returns the next value on ch, failing the test after 10 s.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10 s", what)
		panic("unreachable")
	}
}

// slowHandler blocks until release is closed, counting runs and overlapping runs.
type slowHandler struct {
	started chan struct{}
	release chan struct{}
	running atomic.Int32
	runs    atomic.Int32
	overlap atomic.Int32
}

func newSlowHandler() *slowHandler {
	return &slowHandler{started: make(chan struct{}, 4), release: make(chan struct{})}
}

func (h *slowHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h.runs.Add(1)
	if h.running.Add(1) > 1 {
		h.overlap.Add(1)
	}
	defer h.running.Add(-1)
	h.started <- struct{}{}
	<-h.release
}

func deliver(h http.Handler) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set(keyHeader, evtKey)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestRenewalKeepsASlowHandlerAlone runs a handler past its lease: with renewal a retry gets 409
// and the handler runs once; without it the retry runs the handler again beside the first run.
func TestRenewalKeepsASlowHandlerAlone(t *testing.T) {
	const lease = time.Minute
	tests := []struct {
		name      string
		renew     time.Duration
		retry     int
		runs      int32
		overlaps  int32
		completed bool
	}{
		// Renewals come often; each Renew may take until the lease would lapse, far above what
		// the in-memory store takes on a busy machine.
		{"renewed", 50 * time.Millisecond, http.StatusConflict, 1, 0, true},
		{"not renewed", -1, http.StatusOK, 2, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, clock := newMemory(t, 0)
			store := &signalStore{Memory: m, renewed: make(chan error, 1)}
			var errs atomic.Int32
			slow := newSlowHandler()
			h := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader),
				idempotency.WithLease(lease), idempotency.WithRenewEvery(tt.renew), idempotency.WithNow(clock.Now),
				idempotency.WithOnError(func(*http.Request, error) { errs.Add(1) }),
			)(slow)

			first := make(chan *httptest.ResponseRecorder, 1)
			go func() { first <- deliver(h) }()
			waitFor(t, slow.started, "first run")

			// Most of a lease passes; with renewal, wait for a Renew made after that.
			clock.Advance(lease - time.Second)
			if tt.renew > 0 {
				<-store.renewed // possibly from before the advance
				require.NoError(t, waitFor(t, store.renewed, "renewal"))
			}
			clock.Advance(30 * time.Second) // past the first lease

			retry := make(chan *httptest.ResponseRecorder, 1)
			go func() { retry <- deliver(h) }()
			if tt.retry == http.StatusOK {
				waitFor(t, slow.started, "second run")
			}
			if tt.retry == http.StatusConflict {
				w := waitFor(t, retry, "retry's answer")
				assert.Equal(t, http.StatusConflict, w.Code)
				// The seconds left in the renewed lease: 30, or a whole lease when a renewal
				// came after the last advance.
				assert.Contains(t, []string{"30", "60"}, w.Header().Get("Retry-After"))
			}
			close(slow.release)
			assert.Equal(t, http.StatusOK, waitFor(t, first, "first answer").Code)
			if tt.retry == http.StatusOK {
				assert.Equal(t, http.StatusOK, waitFor(t, retry, "retry's answer").Code)
			}
			assert.Equal(t, tt.runs, slow.runs.Load(), "handler runs")
			assert.Equal(t, tt.overlaps, slow.overlap.Load(), "runs at the same time")
			if tt.completed {
				assert.Zero(t, errs.Load(), "every renewal and the Complete succeeded")
			}
		})
	}
}

// TestRenewalFailureIsReported makes every Renew fail: the handler goes on, each failure goes
// to WithOnError, and the claim is still completed while its lease holds.
func TestRenewalFailureIsReported(t *testing.T) {
	m, clock := newMemory(t, 0)
	down := errors.New("store unreachable")
	store := &signalStore{Memory: m, renewed: make(chan error, 1), fail: down}
	reported := make(chan error, 16)
	slow := newSlowHandler()
	h := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader),
		idempotency.WithRenewEvery(time.Millisecond), idempotency.WithNow(clock.Now),
		idempotency.WithOnError(func(_ *http.Request, err error) {
			select {
			case reported <- err:
			default:
			}
		}),
	)(slow)
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- deliver(h) }()
	waitFor(t, slow.started, "run")
	assert.ErrorIs(t, waitFor(t, reported, "reported renewal failure"), down)
	require.ErrorIs(t, waitFor(t, store.renewed, "second renewal"), down, "renewal keeps trying")
	close(slow.release)
	assert.Equal(t, http.StatusOK, waitFor(t, done, "answer").Code)
	c, err := m.Claim(t.Context(), evtKey, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, c.State, "completed: the lease had not lapsed")
}

// slowFinishStore is a Memory store whose Complete and Release, once they have done their work,
// wait until a Renew has come after it, so the test sees whether the lease was still renewed
// while the claim was being finished. The Renew finds the claim gone: ErrLeaseLost.
type slowFinishStore struct {
	*idempotency.Memory
	finished atomic.Bool
	renewed  chan error // every Renew made after the work was done
}

func (s *slowFinishStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	err := s.Memory.Renew(ctx, key, token, lease)
	if s.finished.Load() {
		select {
		case s.renewed <- err:
		default:
		}
	}
	return err
}

func (s *slowFinishStore) wait(err error) error {
	s.finished.Store(true)
	select {
	case <-s.renewed:
	case <-time.After(10 * time.Second):
		return errors.New("test: no renewal while the claim was being finished")
	}
	return err
}

func (s *slowFinishStore) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	return s.wait(s.Memory.Complete(ctx, key, token, retention))
}

func (s *slowFinishStore) Release(ctx context.Context, key, token string) error {
	return s.wait(s.Memory.Release(ctx, key, token))
}

// TestLeaseRenewedUntilFinished checks that the lease is renewed until Complete or Release
// returns, not only while the handler runs, so a store slow to complete does not let the key
// lapse; and that a renewal the Complete or Release overtook, which finds the claim gone, is
// not reported as a lost lease.
func TestLeaseRenewedUntilFinished(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
	}{{"complete", http.StatusOK}, {"release", http.StatusInternalServerError}} {
		t.Run(tt.name, func(t *testing.T) {
			m, clock := newMemory(t, 0)
			store := &slowFinishStore{Memory: m, renewed: make(chan error, 1)}
			var errs []error
			h := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader),
				idempotency.WithLease(time.Minute), idempotency.WithRenewEvery(20*time.Millisecond), idempotency.WithNow(clock.Now),
				idempotency.WithOnError(func(_ *http.Request, err error) { errs = append(errs, err) }),
			)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tt.status) }))
			assert.Equal(t, tt.status, deliver(h).Code)
			assert.Empty(t, errs, "the Complete or Release succeeded, and the renewal it overtook is not an error")
		})
	}
}
