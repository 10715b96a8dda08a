package verify_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

type otherVerifier struct{}

func (otherVerifier) Verify(*http.Request, []byte) error { return nil }

func TestScheme(t *testing.T) {
	must := func(v verify.Verifier, err error) verify.Verifier {
		t.Helper()
		require.NoError(t, err)
		return v
	}
	bearer := must(verify.NewBearer("t0ken"))
	tests := []struct {
		name string
		v    verify.Verifier
		want string
	}{
		{"nil", nil, ""},
		{"hmac", must(verify.NewHMAC(verify.SafetyCulture("s"))), "hmac"},
		{"standard", must(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Keys: [][]byte{[]byte("k")}})), "standard-webhooks"},
		{"basic", must(verify.NewBasic(verify.Credential{Username: "u", Password: "p"})), "basic"},
		{"bearer", bearer, "bearer"},
		{"api key", must(verify.NewAPIKey("X-Key", "k")), "api-key"},
		{"jwt", must(verify.NewJWT(verify.JWTConfig{Secrets: [][]byte{[]byte("k")}})), "jwt"},
		{"url token", must(verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{"t"}})), "url-token"},
		{"allowlist", must(verify.NewIPAllowlist(verify.IPAllowlistConfig{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})), "ip-allowlist"},
		{"all", must(verify.All(bearer)), "all"},
		{"any", must(verify.Any(bearer)), "any"},
		{"another package's", otherVerifier{}, "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, verify.Scheme(tt.v))
		})
	}
}
