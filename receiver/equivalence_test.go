package receiver_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// scheme is a provider's verifier that is also its signing twin.
type scheme interface {
	verify.Verifier
	verify.Signer
}

// providerCase is one provider with the scheme it is tested with.
type providerCase struct {
	provider events.Provider
	scheme   func(t *testing.T) scheme
}

func providerCases() []providerCase {
	must := func(t *testing.T, s scheme, err error) scheme {
		t.Helper()
		require.NoError(t, err)
		return s
	}
	return []providerCase{
		{record360.Provider(), func(t *testing.T) scheme { v, err := verify.NewBearer(token); return must(t, v, err) }},
		{safetyculture.Provider(), func(t *testing.T) scheme {
			v, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
			return must(t, v, err)
		}},
		{inspectorio.Provider(), func(t *testing.T) scheme {
			v, err := verify.NewBasic(verify.Credential{Username: "inspectorio", Password: "pw"})
			return must(t, v, err)
		}},
		{vehreports.Provider(), func(t *testing.T) scheme {
			v, err := verify.NewHMAC(verify.VehReports("vr-secret"))
			return must(t, v, err)
		}},
	}
}

// callLog records which deliveries reached a handler, in order.
type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (c *callLog) record(kind string) func(ctx context.Context, env *events.Envelope) error {
	return func(ctx context.Context, env *events.Envelope) error {
		d := receiver.FromContext(ctx)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.calls = append(c.calls, fmt.Sprintf("%s %s %s %s known=%t", kind, env.Type, d.EventID, d.IdempotencyKey, env.Known()))
		return nil
	}
}

// TestHandChainedStagesMatchNew replays every fixture of every provider through receiver.New
// and through the same stages chained by hand, and expects the same statuses, bodies and
// handler calls.
func TestHandChainedStagesMatchNew(t *testing.T) {
	for _, pc := range providerCases() {
		t.Run(pc.provider.Name(), func(t *testing.T) {
			s := pc.scheme(t)
			limiter := func() *ratelimit.Limiter {
				l, err := ratelimit.New(ratelimit.Config{Rate: 1000, Burst: 1000})
				require.NoError(t, err)
				return l
			}

			// Composed by New.
			rx, err := receiver.New(pc.provider, receiver.Config{Verifier: s, Limiter: limiter(), Logger: webhooktest.Logger(t)})
			require.NoError(t, err)
			t.Cleanup(func() { _ = rx.Close() })
			var viaNew callLog
			receiver.HandleUnknown(rx, viaNew.record("delivery"))

			// Chained by hand, in the documented order.
			store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = store.Close() })
			rt, err := receiver.NewRouter(pc.provider, receiver.RouterConfig{Logger: webhooktest.Logger(t)})
			require.NoError(t, err)
			var byHand callLog
			receiver.HandleUnknown(rt, byHand.record("delivery"))
			var chained http.Handler = rt
			chained = idempotency.Middleware(store, events.IdempotencyKey)(chained)
			chained = events.Middleware(pc.provider)(chained)
			chained = verify.Middleware(s)(chained)
			chained = limiter().Middleware(chained)

			fixtures := webhooktest.Fixtures(t, pc.provider.Name())
			require.NotEmpty(t, fixtures)
			for _, f := range fixtures {
				body := webhooktest.Body(t, f)
				a := webhooktest.Replay(t, rx, "/webhooks", body, s)
				b := webhooktest.Replay(t, chained, "/webhooks", body, s)
				assert.Equal(t, a.Code, b.Code, "%s: status", f.File)
				assert.Equal(t, a.Body.String(), b.Body.String(), "%s: body", f.File)
				assert.Equal(t, webhooktest.WantStatus(f), a.Code, "%s: status against the corpus", f.File)
			}
			// Unsigned: both refuse it the same way.
			a := webhooktest.Replay(t, rx, "/webhooks", webhooktest.Body(t, fixtures[0]), nil)
			b := webhooktest.Replay(t, chained, "/webhooks", webhooktest.Body(t, fixtures[0]), nil)
			assert.Equal(t, http.StatusUnauthorized, a.Code)
			assert.Equal(t, a.Code, b.Code)
			assert.Equal(t, a.Body.String(), b.Body.String())

			assert.NotEmpty(t, viaNew.calls)
			assert.Equal(t, viaNew.calls, byHand.calls, "handler calls")
		})
	}
}
