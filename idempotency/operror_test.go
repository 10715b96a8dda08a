package idempotency_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
)

// failingStore claims through Memory and fails Complete and Release with errStoreDown.
type failingStore struct{ *idempotency.Memory }

var errStoreDown = errors.New("store down")

func (failingStore) Complete(context.Context, string, string, time.Duration) error {
	return errStoreDown
}
func (failingStore) Release(context.Context, string, string) error { return errStoreDown }

// TestMiddlewareReportsOpErrors checks the hook gets an *OpError naming the operation and the
// key, which still wraps the store's error.
func TestMiddlewareReportsOpErrors(t *testing.T) {
	mem, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = mem.Close() })
	tests := []struct {
		name   string
		status int
		wantOp string
	}{
		{"handled: complete", http.StatusOK, idempotency.OpComplete},
		{"failed: release", http.StatusInternalServerError, idempotency.OpRelease},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got error
			h := idempotency.Middleware(failingStore{mem}, idempotency.HeaderKey("X-Key"),
				idempotency.WithOnError(func(_ *http.Request, err error) { got = err }),
			)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tt.status) }))
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.Header.Set("X-Key", "key-"+tt.wantOp)
			h.ServeHTTP(httptest.NewRecorder(), r)

			var op *idempotency.OpError
			require.ErrorAs(t, got, &op)
			require.Equal(t, tt.wantOp, op.Op)
			require.Equal(t, "key-"+tt.wantOp, op.Key)
			require.ErrorIs(t, got, errStoreDown)
			require.Equal(t, `idempotency: `+tt.wantOp+` of key "key-`+tt.wantOp+`": store down`, got.Error())
		})
	}
}
