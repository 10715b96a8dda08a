package main

import (
	"testing"

	"github.com/inspecthook/inspecthook/verify"
)

// TestSchemeNames checks that --scheme takes the names verify.Scheme gives (and so the metrics,
// traces and page): one name per scheme everywhere.
func TestSchemeNames(t *testing.T) {
	p, err := lookupProvider("record360")
	if err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{schemeStandard: testWhsec, schemeBasic: "user:password"}
	for _, scheme := range schemes {
		secret := secrets[scheme]
		if secret == "" {
			secret = testSecret
		}
		f := authFlags{scheme: scheme, secrets: []string{secret}, apiKeyHeader: defaultAPIKeyHeader,
			tokenParam: defaultTokenParam, jwtAlgorithm: defaultJWTAlgorithm, signatureHeader: "X-Signature", getenv: func(string) string { return "" }}
		v, err := f.verifier(p, nil)
		if err != nil {
			t.Errorf("--scheme %s: %v", scheme, err)
			continue
		}
		if got := verify.Scheme(v); got != scheme {
			t.Errorf("--scheme %s builds a verifier verify.Scheme names %q", scheme, got)
		}
	}
}
