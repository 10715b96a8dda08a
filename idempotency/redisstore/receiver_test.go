package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// bearerToken authenticates the deliveries of these tests.
const bearerToken = "r360-redisstore-test-token"

// bearer returns the verifier, and signer, of the test deliveries.
func bearer(tb testing.TB) *verify.Bearer {
	tb.Helper()
	v, err := verify.NewBearer(bearerToken)
	require.NoError(tb, err)
	return v
}

// eventBody is a Record360 inspection.created event with the given id, which is what its
// idempotency key is derived from.
func eventBody(id string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"object":"event","type":"inspection.created",`+
		`"created_at":"2024-10-09-19:00:00Z","data":{"object":"inspection","id":"430",`+
		`"unit":{"id":"43","reference_number":"WMWRF33519TW73378"}}}`, id)
}

// discard is a logger for tests that send too many deliveries to log each.
func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runs counts handler calls per event id. It is safe for concurrent use.
type runs struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *runs) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[id]++
}

func (r *runs) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.n))
	for k, v := range r.n {
		out[k] = v
	}
	return out
}

// errorLog collects the errors a receiver reports. It is safe for concurrent use.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) onError(_ context.Context, _ receiver.Delivery, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// newReceiver returns a Record360 receiver with cfg, authenticating with bearer, whose
// inspection.created handler is handle.
func newReceiver(tb testing.TB, cfg receiver.Config, handle func(ctx context.Context) error) *receiver.Receiver {
	tb.Helper()
	cfg.Verifier = bearer(tb)
	rx, err := receiver.New(record360.Provider(), cfg)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = rx.Close() })
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
		return handle(ctx)
	})
	return rx
}

// within waits for ch until timeout, and fails the test after.
func within[T any](tb testing.TB, ch <-chan T, timeout time.Duration, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(timeout):
		tb.Fatalf("timed out after %v waiting for %s", timeout, what)
	}
	panic("unreachable")
}
