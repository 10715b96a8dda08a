package verify_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

func TestAuthenticatesHeader(t *testing.T) {
	must := func(v verify.Verifier, err error) verify.Verifier {
		t.Helper()
		require.NoError(t, err)
		return v
	}
	hmac := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	stamped := mustHMAC(t, verify.HMACConfig{Header: "X-Signature", Secrets: [][]byte{[]byte("k")}, TimestampHeader: "x-timestamp"})
	sw := must(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Keys: [][]byte{[]byte("key")}}))
	bearer := must(verify.NewBearer("tok"))
	basic := must(verify.NewBasic(verify.Credential{Username: "u", Password: "p"}))
	apiKey := must(verify.NewAPIKey("X-Api-Key", "key"))
	urlToken := must(verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{"tok"}}))
	allow := must(verify.NewIPAllowlist(verify.IPAllowlistConfig{Allow: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}))
	tests := []struct {
		name   string
		v      verify.Verifier
		header string
		want   bool
	}{
		{"hmac signs no header", hmac, "X-Delivery-Id", false},
		{"hmac, not its own signature header either", hmac, "X-Safetyculture-Signature", false},
		{"hmac with a timestamp signs it", stamped, "X-TIMESTAMP", true},
		{"hmac with a timestamp, another header", stamped, "X-Delivery-Id", false},
		{"standard webhooks signs webhook-id", sw, "webhook-id", true},
		{"standard webhooks signs webhook-timestamp", sw, "Webhook-Timestamp", true},
		{"standard webhooks, another header", sw, "X-Delivery-Id", false},
		{"bearer", bearer, "X-Delivery-Id", true},
		{"basic", basic, "X-Delivery-Id", true},
		{"api key", apiKey, "X-Delivery-Id", true},
		{"url token", urlToken, "X-Delivery-Id", true},
		{"ip allowlist", allow, "X-Delivery-Id", true},
		{"all: one part is enough", must(verify.All(hmac, sw)), "Webhook-Id", true},
		{"all: no part", must(verify.All(hmac, stamped)), "Webhook-Id", false},
		{"any: every part must", must(verify.Any(sw, hmac)), "Webhook-Id", false},
		{"any: every part does", must(verify.Any(sw, bearer)), "Webhook-Id", true},
		{"nested", must(verify.Any(must(verify.All(hmac, sw)), bearer)), "Webhook-Id", true},
		{"nil", nil, "Webhook-Id", false},
		{"a nil *HMAC", (*verify.HMAC)(nil), "Webhook-Id", false},
		{"a nil *Bearer", (*verify.Bearer)(nil), "Webhook-Id", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verify.AuthenticatesHeader(tt.v, tt.header))
		})
	}
}
