package receiver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/webhooktest"
)

type traceKey struct{}

// TestObserverGetsTheRequestContext checks the Observer is called with the context of the
// request as the Receiver was given it, so middleware in front can hand it a per-request value,
// for accepted and refused deliveries alike.
func TestObserverGetsTheRequestContext(t *testing.T) {
	type seen struct {
		trace  string
		status int
	}
	var got []seen
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: bearer(t),
		Logger:   webhooktest.Logger(t),
		Observer: func(ctx context.Context, o receiver.Outcome) {
			trace, _ := ctx.Value(traceKey{}).(string)
			got = append(got, seen{trace, o.Status})
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rx.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), traceKey{}, r.Header.Get("X-Trace"))))
	})

	tests := []struct {
		name   string
		signed bool
		want   int
	}{
		{"accepted", true, http.StatusOK},
		{"refused", false, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			r := webhooktest.NewRequest(t, "/", inspectionBody(t), nil)
			if tt.signed {
				require.NoError(t, bearer(t).Sign(r, inspectionBody(t)))
			}
			r.Header.Set("X-Trace", tt.name)
			w := httptest.NewRecorder()
			front.ServeHTTP(w, r)
			require.Equal(t, tt.want, w.Code)
			require.Equal(t, []seen{{tt.name, tt.want}}, got)
		})
	}
}
