package verify_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

// TestNoSecretInOutput prints every verifier and signer in every way a program might, makes each
// fail in several ways, and looks for the secrets in all of it.
func TestNoSecretInOutput(t *testing.T) {
	k := jwtKeys(t)
	const (
		s1 = "SECRET-one-4f9a"
		s2 = "SECRET-two-77b1"
	)
	whsec := "whsec_" + base64.StdEncoding.EncodeToString([]byte(s1))
	seed := []byte(s1 + "/" + s2 + "/") // 32 bytes: an ed25519 seed
	whsk := "whsk_" + base64.StdEncoding.EncodeToString(seed)
	whsk64 := "whsk_" + base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(seed))
	must := func(v any, err error) any {
		require.NoError(t, err)
		return v
	}
	items := []any{
		must(verify.NewHMAC(verify.SafetyCulture(s1, s2))),
		must(verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", TimestampHeader: "X-Ts", Encoding: verify.Base64, Secrets: [][]byte{[]byte(s1)}})),
		must(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{whsec}, Keys: [][]byte{[]byte(s2)}})),
		must(verify.NewBasic(verify.Credential{Username: "user", Password: s1})),
		must(verify.NewBearer(s1, s2)),
		must(verify.NewAPIKey("X-Api-Key", s1)),
		must(verify.NewJWT(verify.JWTConfig{Secrets: [][]byte{[]byte(s1)}, PublicKeysPEM: [][]byte{k.rsaPub}})),
		must(verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: []byte(s1)})),
		must(verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{s1, s2}})),
		must(verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{s1}})),
		must(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{whsk, whsk64}})),
		must(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{whsec, whsk}, PrivateKeys: []ed25519.PrivateKey{ed25519.NewKeyFromSeed(seed)}})),
	}
	bearer := items[4].(verify.Verifier)
	apiKey := items[5].(verify.Verifier)
	queryToken := items[8].(*verify.URLToken)
	pathToken := items[9].(*verify.URLToken)
	items = append(items, must(verify.All(bearer, apiKey)), must(verify.Any(bearer, apiKey)), must(verify.All(queryToken, must(verify.Any(pathToken, bearer)).(verify.Verifier))))

	var out bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&out, nil))
	jsonLogger := slog.New(slog.NewJSONHandler(&out, nil))
	for _, item := range items {
		fmt.Fprintf(&out, "%v %+v %#v %s\n", item, item, item, item)
		logger.Info("verifier", "v", item)
		jsonLogger.Info("verifier", "v", item)
		if v, ok := item.(verify.Verifier); ok {
			for _, h := range []http.Header{
				{},
				hdr("Authorization", "Bearer wrong", "X-Api-Key", "wrong", "X-Safetyculture-Signature", strings.Repeat("ab", 32)),
				hdr("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("user:"+s1+"x"))),
				hdr("webhook-id", "m", "webhook-timestamp", "1", "webhook-signature", "v1,AAAA"),
				hdr("webhook-id", "m", "webhook-timestamp", "1", "webhook-signature", "v1a,AAAA"),
				hdr("X-Sig", "zz", "X-Ts", "1"),
			} {
				if err := v.Verify(request(h), []byte(s1)); err != nil {
					fmt.Fprintln(&out, err)
				}
			}
			r := httptest.NewRequest(http.MethodPost, "/hook/"+s1+"x?token="+s1+"x", nil)
			r.SetPathValue("token", s1+"x")
			if err := v.Verify(r, nil); err != nil {
				fmt.Fprintln(&out, err)
			}
		}
	}
	// URLs are logged through RedactURL; a token in its place never shows.
	for _, target := range []string{"/hook/" + s1 + "?token=" + s2, "/hook/" + s1 + "/?a=1&token=" + s1 + "x;token=" + s2} {
		u, err := url.Parse(target)
		require.NoError(t, err)
		fmt.Fprintln(&out, verify.RedactURL(items[len(items)-1].(verify.Verifier), u))
	}
	fmt.Fprintln(&out, queryToken.Redact(&url.URL{Path: "/hook", RawQuery: "token=" + s1}))
	fmt.Fprintln(&out, pathToken.Redact(&url.URL{Path: "/hook/" + s1}))
	// Constructor errors must not echo what they were given either.
	for _, err := range []error{
		second(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{"whsec_" + s1 + "*"}})),
		second(verify.ParseStandardSecret(s1 + "!")),
		second(verify.ParseStandardSecret(whsk)),
		second(verify.ParseStandardPublicKey(whsk)),
		second(verify.ParseStandardPrivateKey(whsk + "!")),
		second(verify.ParseStandardPrivateKey(whsk[:len(whsk)-4])),
		second(verify.ParseStandardPrivateKey(whsk64[:len(whsk64)-8] + "AAAAAAA=")),
		second(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{whsk + "*"}})),
		second(verify.NewStandardWebhooks(verify.StandardWebhooksConfig{PrivateKeys: []ed25519.PrivateKey{ed25519.PrivateKey(seed)}})),
		second(verify.NewJWT(verify.JWTConfig{PublicKeysPEM: [][]byte{[]byte(s1)}})),
		second(verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: verify.RS256, PrivateKeyPEM: []byte(s1)})),
	} {
		require.Error(t, err)
		fmt.Fprintln(&out, err)
	}

	text := out.String()
	require.NotEmpty(t, text)
	for _, s := range []string{s1, s2, strings.TrimPrefix(whsec, "whsec_"), strings.TrimPrefix(whsk, "whsk_"), strings.TrimPrefix(whsk64, "whsk_")} {
		assert.NotContains(t, text, s)
	}
	assert.Contains(t, text, "2 secrets", "String should still describe the verifier")
	assert.Contains(t, text, "2 private keys", "String should still describe the verifier")
}

func second[T any](_ T, err error) error { return err }
