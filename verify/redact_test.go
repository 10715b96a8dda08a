package verify_test

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

// The secrets of the redaction tests: every one of them must be absent from every output.
const (
	tokNew     = "tok-new-1a2b"
	tokOld     = "tok-old-3c4d"
	bearer1    = "bearer-first-5e6f"
	bearer2    = "bearer-second-7a8b"
	apiKey1    = "apikey-first-9c0d"
	apiKey2    = "apikey-second-1e2f"
	basicPass1 = "basic-pass-3a4b"
	basicPass2 = "basic-pass2-5c6d"
	spanTok    = "span/tok-9z"
)

// redactVerifiers builds one verifier of every kind that holds a secret a sender sends.
type redactVerifiers struct {
	query, path, span *verify.URLToken
	bearer            *verify.Bearer
	apiKey            *verify.APIKey
	basic             *verify.Basic
	nested            verify.Verifier // All(bearer, Any(apiKey, All(path)))
}

func newRedactVerifiers(t *testing.T) redactVerifiers {
	t.Helper()
	var (
		v   redactVerifiers
		err error
	)
	v.query = mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{tokNew, tokOld}})
	v.path = mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{tokNew, tokOld}})
	v.span = mustURLToken(t, verify.URLTokenConfig{PathValue: "rest", Tokens: []string{spanTok}})
	v.bearer, err = verify.NewBearer(bearer1, bearer2)
	require.NoError(t, err)
	v.apiKey, err = verify.NewAPIKey("X-Api-Key", apiKey1, apiKey2)
	require.NoError(t, err)
	v.basic, err = verify.NewBasic(verify.Credential{Username: "user", Password: basicPass1}, verify.Credential{Username: "other", Password: basicPass2})
	require.NoError(t, err)
	inner, err := verify.All(v.path)
	require.NoError(t, err)
	anyOf, err := verify.Any(v.apiKey, inner)
	require.NoError(t, err)
	v.nested, err = verify.All(v.bearer, anyOf)
	require.NoError(t, err)
	return v
}

// redactSecrets are the texts no redaction may leave.
var redactSecrets = []string{tokNew, tokOld, bearer1, bearer2, apiKey1, apiKey2, basicPass1, basicPass2, spanTok}

func TestRedactRequest(t *testing.T) {
	v := newRedactVerifiers(t)
	basicB64 := base64.StdEncoding.EncodeToString([]byte("user:" + basicPass1))
	tests := []struct {
		name   string
		v      verify.Verifier
		target string
		values map[string]string // path values, as a router sets them
		want   string
	}{
		{"nil verifier: query values only", nil, "/h/x?a=1&b=" + tokNew, nil, "/h/x?a=REDACTED&b=REDACTED"},
		{"no query", v.query, "/h/x", nil, "/h/x"},
		{"query token", v.query, "/h?token=" + tokNew, nil, "/h?token=REDACTED"},
		{"query token, mixed case name", v.query, "/h?TOKEN=" + tokNew + "&Token=" + tokOld, nil, "/h?TOKEN=REDACTED&Token=REDACTED"},
		{"query token, repeated", v.query, "/h?token=a&token=" + tokNew, nil, "/h?token=REDACTED&token=REDACTED"},
		{"query token, semicolons", v.query, "/h?a=1;token=" + tokNew + ";b", nil, "/h?a=REDACTED;token=REDACTED;b=REDACTED"},
		{"query token, escaped", v.query, "/h?t%6Fken=tok%2Dnew%2D1a2b", nil, "/h?t%6Fken=REDACTED"},
		{"query token as a name", v.query, "/h?" + tokNew + "&x=1", nil, "/h?REDACTED=REDACTED&x=REDACTED"},
		{"query token inside an escaped name", v.query, "/h?a%20tok%2Dnew%2D1a2b=1", nil, "/h?REDACTED=REDACTED"},
		{"empty pairs kept", v.query, "/h?a=1&&b&=", nil, "/h?a=REDACTED&&b=REDACTED&=REDACTED"},
		{"fragment in the query", v.query, "/h?a=1#token=" + tokNew, nil, "/h?a=REDACTED"},
		{"fragment in the path", v.query, "/h/x#" + tokNew + "?a=1", nil, "/h/x"},
		{"only a fragment", v.query, "/h?#" + tokNew, nil, "/h"},
		{"bearer token in the query of a Bearer receiver", v.bearer, "/h?access_token=" + bearer1, nil, "/h?access_token=REDACTED"},
		{"path token in the query of a path-token route", v.path, "/h/x?token=" + tokNew, map[string]string{"token": "x"}, "/h/REDACTED?token=REDACTED"},
		{"path value", v.path, "/webhooks/r360p/" + tokNew, map[string]string{"token": tokNew}, "/webhooks/r360p/REDACTED"},
		{"path value, a guess", v.path, "/webhooks/r360p/guess-0000/x", map[string]string{"token": "guess-0000"}, "/webhooks/r360p/REDACTED/x"},
		{"path value, escaped slash (ServeMux)", v.path, "/webhooks/r360p/" + tokNew + "%2Fx", map[string]string{"token": tokNew + "/x"}, "/webhooks/r360p/REDACTED"},
		{"path value, escaped slash (chi)", v.path, "/webhooks/r360p/guess%2fzz", map[string]string{"token": "guess%2fzz"}, "/webhooks/r360p/REDACTED"},
		{"path value, unknown guess with %2F", v.path, "/webhooks/r360p/guess%2Fzz", map[string]string{"token": "guess/zz"}, "/webhooks/r360p/REDACTED"},
		{"path value over several segments", v.path, "/files/a/b/c/end", map[string]string{"token": "a/b/c"}, "/files/REDACTED/REDACTED/REDACTED/end"},
		{"path value unset: tokens still found", v.path, "/webhooks/r360p/" + tokOld + "%2Fx", nil, "/webhooks/r360p/REDACTED"},
		{"token inside a segment", v.query, "/h/prefix-" + tokOld + "-suffix/x", nil, "/h/REDACTED/x"},
		{"token with escaped letters", v.query, "/h/%74ok-new-1a2b", nil, "/h/REDACTED"},
		{"token after %3B", v.query, "/h/x%3B" + tokNew, nil, "/h/REDACTED"},
		{"token after a literal ;", v.query, "/h/x;token=" + tokNew + "/y", nil, "/h/REDACTED/y"},
		{"token after a lower-case %2f", v.query, "/h/x%2f" + tokNew, nil, "/h/REDACTED"},
		{"secret over two segments", v.span, "/h/span/tok-9z/x", nil, "/h/REDACTED/REDACTED/x"},
		{"secret over an escaped slash", v.span, "/h/span%2Ftok-9z", nil, "/h/REDACTED"},
		{"bearer token in the path", v.bearer, "/h/" + bearer1, nil, "/h/REDACTED"},
		{"second bearer token as a segment", v.bearer, "/h/bearer%2Dsecond-7a8b", nil, "/h/REDACTED"},
		{"second bearer token as a name", v.bearer, "/h?" + bearer2, nil, "/h?REDACTED=REDACTED"},
		{"API key in the path", v.apiKey, "/h/key=" + apiKey1 + "/x", nil, "/h/REDACTED/x"},
		{"second API key as a segment", v.apiKey, "/h/" + apiKey2 + "/x", nil, "/h/REDACTED/x"},
		{"Basic password in the path", v.basic, "/h/pw:" + basicPass1, nil, "/h/REDACTED"},
		{"second Basic password as a segment", v.basic, "/h/" + basicPass2, nil, "/h/REDACTED"},
		{"second bearer token inside a segment", v.bearer, "/h/x" + bearer2 + "y/z", nil, "/h/REDACTED/z"},
		{"second API key inside a name", v.apiKey, "/h?k" + apiKey2 + "=1", nil, "/h?REDACTED=REDACTED"},
		{"second Basic password inside a segment", v.basic, "/h/x" + basicPass2, nil, "/h/REDACTED"},
		{"Basic credentials in the path", v.basic, "/h/" + url.PathEscape(basicB64), nil, "/h/REDACTED"},
		{"nested: every kind", v.nested, "/h/" + apiKey1 + "/" + bearer1 + "/" + tokOld + "?x=1", map[string]string{"token": tokOld}, "/h/REDACTED/REDACTED/REDACTED?x=REDACTED"},
		{"other segments kept", v.nested, "/webhooks/record360/tok", nil, "/webhooks/record360/tok"},
		{"a path too long to search", v.query, "/h/" + strings.Repeat("x", verify.MaxHeaderLen) + "?a=1", nil, "/REDACTED?a=REDACTED"},
		{"a name too long to search", v.query, "/h?" + strings.Repeat("x", verify.MaxHeaderLen+1) + "=1&b=2", nil, "/h?REDACTED=REDACTED&b=REDACTED"},
		{"nothing to search for", nil, "/h/" + strings.Repeat("x", verify.MaxHeaderLen) + "?" + strings.Repeat("y", verify.MaxHeaderLen+1), nil, "/h/" + strings.Repeat("x", verify.MaxHeaderLen) + "?" + strings.Repeat("y", verify.MaxHeaderLen+1) + "=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.target, nil)
			for name, value := range tt.values {
				r.SetPathValue(name, value)
			}
			before := r.URL.String()
			got := verify.RedactRequest(tt.v, r)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, before, r.URL.String(), "r is not modified")
			for _, s := range redactSecrets {
				assert.NotContains(t, got, s)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		assert.Empty(t, verify.RedactRequest(v.query, nil))
		assert.Empty(t, verify.RedactRequest(v.query, &http.Request{}))
	})
}

func TestRedactURLRules(t *testing.T) {
	v := newRedactVerifiers(t)
	tests := []struct {
		name string
		v    verify.Verifier
		in   string
		want string
	}{
		{"nil verifier", nil, "/h/x?a=1", "/h/x?a=REDACTED"},
		{"absolute", v.query, "https://example.com/h/" + tokNew + "?token=" + tokNew + "#frag", "https://example.com/h/REDACTED?token=REDACTED"},
		{"password", nil, "https://user:pw-secret@example.com/h", "https://user:REDACTED@example.com/h"},
		{"user name holding a secret", v.bearer, "https://" + bearer1 + "@example.com/h", "https://REDACTED@example.com/h"},
		{"fragment", v.query, "/h#" + tokNew, "/h"},
		{"opaque", v.query, "http:" + tokNew + "/x?a=b", "http:REDACTED/x?a=REDACTED"},
		{"mixed case and repeats", v.query, "/h?Token=a&TOKEN=b;token=c", "/h?Token=REDACTED&TOKEN=REDACTED;token=REDACTED"},
		{"escaped separator", v.path, "/h/" + tokOld + "%2Fx/y", "/h/REDACTED/y"},
		{"substring", v.apiKey, "/h/x" + apiKey1 + "y", "/h/REDACTED"},
		{"nested", v.nested, "/h/" + tokNew + "/" + apiKey1 + "/" + bearer1 + "?q=" + bearer2, "/h/REDACTED/REDACTED/REDACTED?q=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			require.NoError(t, err)
			before := *u
			got := verify.RedactURL(tt.v, u)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, before, *u, "u is not modified")
			for _, s := range append(redactSecrets, "pw-secret") {
				assert.NotContains(t, got, s)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		assert.Empty(t, verify.RedactURL(v.query, nil))
	})
}

// TestRedactFindsASecretAnywhere puts a token at every offset of a long segment of random text,
// with a near miss of it before, and checks the segment is always redacted and the text around
// it kept.
func TestRedactFindsASecretAnywhere(t *testing.T) {
	v := newRedactVerifiers(t)
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-"
	noise := make([]byte, 300)
	for i := range noise {
		noise[i] = alphabet[rng.IntN(len(alphabet))]
	}
	nearMiss := tokNew[:len(tokNew)-1] // every byte of the token but the last
	tests := []struct {
		name   string
		v      verify.Verifier
		secret string
	}{
		{"URL token", v.query, tokNew},
		{"first API key", v.apiKey, apiKey1},
		{"path value", v.path, "guess-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; i <= len(noise); i += 7 {
				segment := nearMiss + string(noise[:i]) + tt.secret + string(noise[i:])
				r := httptest.NewRequest(http.MethodPost, "/keep/"+segment+"/"+nearMiss, nil)
				r.SetPathValue("token", "guess-value")
				require.Equal(t, "/keep/REDACTED/"+nearMiss, verify.RedactRequest(tt.v, r), "offset %d", i)
			}
		})
	}
}

// TestErrorsNeverEchoCredentials makes every scheme fail on credentials the sender sent, and
// looks for them in the error, which the receiver logs and gives to its observers.
func TestErrorsNeverEchoCredentials(t *testing.T) {
	const mark = "c0ffee15bad5eed5" // hex, base64 and token text alike
	v := newRedactVerifiers(t)
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	std, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Keys: [][]byte{[]byte("std-secret")}})
	require.NoError(t, err)
	stdV1a, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Now: at(time.Unix(1, 0))})
	require.NoError(t, err)
	jwtV, err := verify.NewJWT(verify.JWTConfig{Secrets: [][]byte{[]byte("jwt-secret")}, Issuer: "them"})
	require.NoError(t, err)
	jwtSigner, err := verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: []byte("jwt-secret"), Issuer: mark})
	require.NoError(t, err)
	signedJWT := httptest.NewRequest(http.MethodPost, "/h", nil)
	require.NoError(t, jwtSigner.Sign(signedJWT, nil))

	long := strings.Repeat(mark, verify.MaxHeaderLen/len(mark)+1)
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name   string
		v      verify.Verifier
		target string
		values map[string]string
		header http.Header
	}{
		{"Bearer", v.bearer, "/h", nil, hdr("Authorization", "Bearer "+mark)},
		{"Bearer, too long", v.bearer, "/h", nil, hdr("Authorization", "Bearer "+long)},
		{"Bearer, twice", v.bearer, "/h", nil, hdr("Authorization", "Bearer "+mark, "Authorization", "Bearer "+mark)},
		{"Basic", v.basic, "/h", nil, hdr("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("user:"+mark)))},
		{"Basic, no colon", v.basic, "/h", nil, hdr("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(mark)))},
		{"Basic, not base64", v.basic, "/h", nil, hdr("Authorization", "Basic "+mark+"!")},
		{"API key", v.apiKey, "/h", nil, hdr("X-Api-Key", mark)},
		{"API key, twice", v.apiKey, "/h", nil, hdr("X-Api-Key", mark, "X-Api-Key", mark)},
		{"HMAC", sc, "/h", nil, hdr("X-Safetyculture-Signature", mark)},
		{"HMAC, not hex", sc, "/h", nil, hdr("X-Safetyculture-Signature", mark+"zz")},
		{"Standard Webhooks", std, "/h", nil, hdr("Webhook-Id", "m", "Webhook-Timestamp", "1", "Webhook-Signature", "v1,"+mark)},
		{"Standard Webhooks v1a", stdV1a, "/h", nil, hdr("Webhook-Id", "m", "Webhook-Timestamp", "1", "Webhook-Signature", "v1a,"+mark)},
		{"Standard Webhooks v1a, too many", stdV1a, "/h", nil, hdr("Webhook-Id", "m", "Webhook-Timestamp", "1", "Webhook-Signature", strings.Repeat("v1a,"+strings.Repeat(mark, 5)+"AAAAAA ", 9))},
		{"JWT, not a JWT", jwtV, "/h", nil, hdr("Authorization", "Bearer "+mark)},
		{"JWT, three parts", jwtV, "/h", nil, hdr("Authorization", "Bearer "+mark+"."+mark+"."+mark)},
		{"JWT, wrong issuer", jwtV, "/h", nil, signedJWT.Header},
		{"URL token in the query", v.query, "/h?token=" + mark, nil, nil},
		{"URL token in the query, twice", v.query, "/h?token=" + mark + "&token=" + mark, nil, nil},
		{"URL token in the query, too long", v.query, "/h?token=" + long, nil, nil},
		{"URL token in the path", v.path, "/h/" + mark, map[string]string{"token": mark}, nil},
		{"nested", v.nested, "/h/" + mark, map[string]string{"token": mark}, hdr("Authorization", "Bearer "+mark, "X-Api-Key", mark)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.target, nil)
			if tt.header != nil {
				r.Header = tt.header
			}
			for name, value := range tt.values {
				r.SetPathValue(name, value)
			}
			err := tt.v.Verify(r, []byte(`{}`))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), mark)
		})
	}
}
