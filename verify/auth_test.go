package verify_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

func basicHeader(user, pass string) http.Header {
	return hdr("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
}

func TestBasic(t *testing.T) {
	v, err := verify.NewBasic(verify.Credential{Username: "record360", Password: "old-pass"}, verify.Credential{Username: "record360", Password: "new-pass"})
	require.NoError(t, err)
	signed := http.Header{}
	require.NoError(t, v.Sign(request(signed), nil))

	tests := []struct {
		name   string
		header http.Header
		want   error
	}{
		{"signed", signed, nil},
		{"old password", basicHeader("record360", "old-pass"), nil},
		{"new password", basicHeader("record360", "new-pass"), nil},
		{"scheme in lower case", hdr("Authorization", "basic "+base64.StdEncoding.EncodeToString([]byte("record360:new-pass"))), nil},
		{"password with a colon", basicHeader("record360", "new-pass:"), verify.ErrInvalid},
		{"third password", basicHeader("record360", "other"), verify.ErrInvalid},
		{"wrong user", basicHeader("someone", "old-pass"), verify.ErrInvalid},
		{"empty password", basicHeader("record360", ""), verify.ErrInvalid},
		{"no header", http.Header{}, verify.ErrMissing},
		{"bearer instead", hdr("Authorization", "Bearer abc"), verify.ErrMissing},
		{"empty", hdr("Authorization", ""), verify.ErrMalformed},
		{"scheme only", hdr("Authorization", "Basic"), verify.ErrMalformed},
		{"bad base64", hdr("Authorization", "Basic %%%"), verify.ErrMalformed},
		{"no colon", hdr("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("record360"))), verify.ErrMalformed},
		{"repeated", hdr("Authorization", signed.Get("Authorization"), "Authorization", signed.Get("Authorization")), verify.ErrMalformed},
		{"10 KB", hdr("Authorization", "Basic "+strings.Repeat("A", 10<<10)), verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(request(tt.header), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestBearerAndAPIKey(t *testing.T) {
	bearer, err := verify.NewBearer("tok-old", "tok-new")
	require.NoError(t, err)
	key, err := verify.NewAPIKey("x-api-key", "key-1", "key-2")
	require.NoError(t, err)
	signedBearer, signedKey := http.Header{}, http.Header{}
	require.NoError(t, bearer.Sign(request(signedBearer), nil))
	require.NoError(t, key.Sign(request(signedKey), nil))
	assert.Equal(t, "Bearer tok-old", signedBearer.Get("Authorization"))
	assert.Equal(t, "key-1", signedKey.Get("X-Api-Key"))

	tests := []struct {
		name   string
		v      verify.Verifier
		header http.Header
		want   error
	}{
		{"bearer signed", bearer, signedBearer, nil},
		{"bearer new", bearer, hdr("Authorization", "Bearer tok-new"), nil},
		{"bearer scheme case", bearer, hdr("Authorization", "BEARER tok-new"), nil},
		{"bearer third", bearer, hdr("Authorization", "Bearer tok-third"), verify.ErrInvalid},
		{"bearer prefix of a token", bearer, hdr("Authorization", "Bearer tok-ol"), verify.ErrInvalid},
		{"bearer longer than a token", bearer, hdr("Authorization", "Bearer tok-old2"), verify.ErrInvalid},
		{"bearer missing", bearer, http.Header{}, verify.ErrMissing},
		{"bearer basic instead", bearer, basicHeader("a", "b"), verify.ErrMissing},
		{"bearer empty token", bearer, hdr("Authorization", "Bearer "), verify.ErrMalformed},
		{"bearer repeated", bearer, hdr("Authorization", "Bearer tok-old", "Authorization", "Bearer tok-old"), verify.ErrMalformed},
		{"bearer 10 KB", bearer, hdr("Authorization", "Bearer "+strings.Repeat("t", 10<<10)), verify.ErrMalformed},
		{"key signed", key, signedKey, nil},
		{"key second", key, hdr("X-API-KEY", "key-2"), nil},
		{"key wrong", key, hdr("X-Api-Key", "key-3"), verify.ErrInvalid},
		{"key case matters", key, hdr("X-Api-Key", "KEY-1"), verify.ErrInvalid},
		{"key missing", key, http.Header{}, verify.ErrMissing},
		{"key empty", key, hdr("X-Api-Key", ""), verify.ErrMalformed},
		{"key repeated", key, hdr("X-Api-Key", "key-1", "X-Api-Key", "key-2"), verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(request(tt.header), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestAuthConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		make func() (verify.Verifier, error)
	}{
		{"basic none", func() (verify.Verifier, error) { return verify.NewBasic() }},
		{"basic empty user", func() (verify.Verifier, error) { return verify.NewBasic(verify.Credential{Password: "p"}) }},
		{"basic empty password", func() (verify.Verifier, error) { return verify.NewBasic(verify.Credential{Username: "u"}) }},
		{"basic colon in user", func() (verify.Verifier, error) {
			return verify.NewBasic(verify.Credential{Username: "u:v", Password: "p"})
		}},
		{"bearer none", func() (verify.Verifier, error) { return verify.NewBearer() }},
		{"bearer empty", func() (verify.Verifier, error) { return verify.NewBearer("a", "") }},
		{"api key no header", func() (verify.Verifier, error) { return verify.NewAPIKey(" ", "k") }},
		{"api key none", func() (verify.Verifier, error) { return verify.NewAPIKey("X-Key") }},
		{"api key empty", func() (verify.Verifier, error) { return verify.NewAPIKey("X-Key", "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.make()
			assert.ErrorIs(t, err, verify.ErrConfig)
		})
	}
}
