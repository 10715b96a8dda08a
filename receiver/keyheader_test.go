package receiver_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// TestKeyHeaderMustBeAuthenticated checks that New takes the idempotency key from a header only
// when the Verifier authenticates that header: SafetyCulture's HMAC signs the body alone, so a
// captured delivery sent again with another X-Delivery-Id would run its handler again.
func TestKeyHeaderMustBeAuthenticated(t *testing.T) {
	hmac, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
	require.NoError(t, err)
	sw := standardWebhooks(t)
	anyWeak, err := verify.Any(sw, hmac)
	require.NoError(t, err)
	allStrong, err := verify.All(hmac, sw)
	require.NoError(t, err)
	anyStrong, err := verify.Any(sw, bearer(t))
	require.NoError(t, err)
	tests := []struct {
		name     string
		verifier verify.Verifier
		header   string
		ok       bool
	}{
		{"hmac over the body, a delivery id header", hmac, "X-Delivery-Id", false},
		{"hmac over the body, webhook-id", hmac, "webhook-id", false},
		{"standard webhooks, webhook-id", sw, "webhook-id", true},
		{"standard webhooks, another header", sw, "X-Delivery-Id", false},
		{"any of standard webhooks and hmac", anyWeak, "Webhook-Id", false},
		{"all of hmac and standard webhooks", allStrong, "Webhook-Id", true},
		{"any of standard webhooks and bearer", anyStrong, "Webhook-Id", true},
		{"bearer authenticates the sender", bearer(t), "X-Delivery-Id", true},
		{"a verifier that says nothing", opaqueVerifier{}, "X-Delivery-Id", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rx, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: tt.verifier, IdempotencyKeyHeader: tt.header})
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, rx.Close())
				return
			}
			require.ErrorIs(t, err, receiver.ErrConfig)
			assert.Contains(t, err.Error(), http.CanonicalHeaderKey(tt.header))
			assert.Contains(t, err.Error(), "not authenticated")
		})
	}
	t.Run("without the header the body's key needs no check", func(t *testing.T) {
		rx, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: hmac})
		require.NoError(t, err)
		require.NoError(t, rx.Close())
	})
}

// TestReplayWithAnotherKeyHeader sends a Standard Webhooks delivery keyed by its webhook-id, then
// replays it as an attacker who captured it would: with the id changed, without it, and as it
// was. Only the first runs the handler.
func TestReplayWithAnotherKeyHeader(t *testing.T) {
	sw := standardWebhooks(t)
	e := newEnv(t, receiver.Config{Verifier: sw, IdempotencyKeyHeader: "webhook-id"})
	runs := 0
	receiver.Handle(e.rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error {
		runs++
		return nil
	})
	body := inspectionBody(t)
	signed := request(body)
	signed.Header.Del("Authorization")
	signed.Header.Set(verify.HeaderWebhookID, "msg_original")
	require.NoError(t, sw.Sign(signed, body))
	replay := func(edit func(h http.Header)) *http.Request {
		r := request(body)
		r.Header = signed.Header.Clone()
		edit(r.Header)
		return r
	}
	tests := []struct {
		name   string
		r      *http.Request
		status int
	}{
		{"the delivery", replay(func(http.Header) {}), http.StatusOK},
		{"the id changed", replay(func(h http.Header) { h.Set(verify.HeaderWebhookID, "msg_forged") }), http.StatusUnauthorized},
		{"the id removed", replay(func(h http.Header) { h.Del(verify.HeaderWebhookID) }), http.StatusUnauthorized},
		{"the id in another case", replay(func(h http.Header) { h.Set(verify.HeaderWebhookID, "MSG_ORIGINAL") }), http.StatusUnauthorized},
		{"as it was", replay(func(http.Header) {}), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.status, e.serve(tt.r).Code)
			assert.Equal(t, 1, runs, "the handler runs once")
		})
	}
	outs := e.outcomes()
	require.Len(t, outs, len(tests))
	assert.True(t, outs[len(outs)-1].Duplicate)
	assert.Equal(t, "record360:msg_original", outs[len(outs)-1].IdempotencyKey)
}

// opaqueVerifier accepts everything and does not say which headers it covers.
type opaqueVerifier struct{}

func (opaqueVerifier) Verify(*http.Request, []byte) error { return errors.New("never called") }

func standardWebhooks(t testing.TB) *verify.StandardWebhooks {
	t.Helper()
	v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}})
	require.NoError(t, err)
	return v
}
