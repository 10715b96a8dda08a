package receiver_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
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

// TestOnStageAndOutcomeDetails checks the stages OnStage reports, in order, for an accepted, a
// refused and a duplicate delivery, and the handler's duration and the scheme in the Outcome.
func TestOnStageAndOutcomeDetails(t *testing.T) {
	var (
		stages []receiver.Stage
		outs   []receiver.Outcome
	)
	clock := storetest.NewClock(t0)
	limiter, err := ratelimit.New(ratelimit.Config{Rate: 100, Burst: 100})
	require.NoError(t, err)
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: bearer(t),
		Limiter:  limiter,
		Logger:   webhooktest.Logger(t),
		Now:      clock.Now,
		OnStage:  func(_ context.Context, s receiver.Stage) { stages = append(stages, s) },
		Observer: func(_ context.Context, o receiver.Outcome) { outs = append(outs, o) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	receiver.Handle(rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		clock.Advance(1500 * time.Millisecond)
		return nil
	})
	S := func(ss ...receiver.Stage) []receiver.Stage { return ss }

	tests := []struct {
		name     string
		signed   bool
		stages   []receiver.Stage
		handler  time.Duration
		status   int
		finished receiver.Stage
	}{
		{"new", true, S(receiver.StageMethod, receiver.StageRateLimit, receiver.StageVerify, receiver.StageDecode, receiver.StageClaim, receiver.StageDispatch), 1500 * time.Millisecond, http.StatusOK, receiver.StageComplete},
		{"forged", false, S(receiver.StageMethod, receiver.StageRateLimit, receiver.StageVerify), 0, http.StatusUnauthorized, receiver.StageVerify},
		// The same bytes again: decoded, then answered as a duplicate by the claim.
		{"duplicate", true, S(receiver.StageMethod, receiver.StageRateLimit, receiver.StageVerify, receiver.StageDecode, receiver.StageClaim), 0, http.StatusOK, receiver.StageComplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stages, outs = nil, nil
			var signer verify.Signer
			if tt.signed {
				signer = bearer(t)
			}
			w := webhooktest.Replay(t, rx, "/", inspectionBody(t), signer)
			require.Equal(t, tt.status, w.Code)
			require.Equal(t, tt.stages, stages)
			require.Len(t, outs, 1)
			require.Equal(t, tt.finished, outs[0].Stage)
			require.Equal(t, tt.handler, outs[0].HandlerDuration)
			require.Equal(t, tt.handler > 0, outs[0].Handled)
			require.Equal(t, "bearer", outs[0].Scheme)
		})
	}
}

func TestObserversAndOnErrorsCallEach(t *testing.T) {
	var calls []string
	obs := receiver.Observers(
		func(context.Context, receiver.Outcome) { calls = append(calls, "a") },
		nil,
		func(context.Context, receiver.Outcome) { calls = append(calls, "b") },
	)
	obs(context.Background(), receiver.Outcome{})
	onErr := receiver.OnErrors(nil, func(context.Context, receiver.Delivery, error) { calls = append(calls, "c") })
	onErr(context.Background(), receiver.Delivery{}, errors.New("x"))
	require.Equal(t, []string{"a", "b", "c"}, calls)
}
