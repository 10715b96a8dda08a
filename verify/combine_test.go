package verify_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

func TestAllAndAny(t *testing.T) {
	basic, err := verify.NewBasic(verify.Credential{Username: "r360", Password: "pw"})
	require.NoError(t, err)
	account, err := verify.NewAPIKey("X-Account-Id", "acct-42")
	require.NoError(t, err)
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	all, err := verify.All(basic, account)
	require.NoError(t, err)
	anyv, err := verify.Any(bearer, basic)
	require.NoError(t, err)

	both := http.Header{}
	require.NoError(t, all.Sign(request(both), body))
	assert.NotEmpty(t, both.Get("Authorization"))
	assert.Equal(t, "acct-42", both.Get("X-Account-Id"))

	tests := []struct {
		name   string
		v      verify.Verifier
		header http.Header
		want   error
	}{
		{"all: both", all, both, nil},
		{"all: basic only", all, with(both, "X-Account-Id", "<nil>"), verify.ErrMissing},
		{"all: wrong account", all, with(both, "X-Account-Id", "acct-43"), verify.ErrInvalid},
		{"all: wrong password", all, with(basicHeader("r360", "nope"), "X-Account-Id", "acct-42"), verify.ErrInvalid},
		{"any: bearer", anyv, hdr("Authorization", "Bearer tok"), nil},
		{"any: basic", anyv, basicHeader("r360", "pw"), nil},
		{"any: nothing", anyv, http.Header{}, verify.ErrMissing},
		// The bearer part sees another scheme (missing); the basic part saw a wrong password,
		// which is the failure worth reporting.
		{"any: wrong basic", anyv, basicHeader("r360", "nope"), verify.ErrInvalid},
		{"any: wrong bearer", anyv, hdr("Authorization", "Bearer nope"), verify.ErrInvalid},
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

	t.Run("any signs with its first signer", func(t *testing.T) {
		h := http.Header{}
		require.NoError(t, anyv.Sign(request(h), body))
		assert.Equal(t, "Bearer tok", h.Get("Authorization"))
		assert.NoError(t, anyv.Verify(request(h), body))
	})
	t.Run("config errors", func(t *testing.T) {
		for _, f := range []func(...verify.Verifier) error{
			func(vs ...verify.Verifier) error { _, err := verify.All(vs...); return err },
			func(vs ...verify.Verifier) error { _, err := verify.Any(vs...); return err },
		} {
			assert.ErrorIs(t, f(), verify.ErrConfig)
			assert.ErrorIs(t, f(basic, nil), verify.ErrConfig)
		}
	})
	t.Run("nested", func(t *testing.T) {
		nested, err := verify.Any(all, bearer)
		require.NoError(t, err)
		assert.NoError(t, nested.Verify(request(both), body))
		assert.NoError(t, nested.Verify(request(hdr("Authorization", "Bearer tok")), body))
		assert.ErrorIs(t, nested.Verify(request(basicHeader("r360", "pw")), body), verify.ErrMissing)
	})
}

// bodyless is a Verifier from outside the package that does not say whether it needs the body.
type bodyless struct{}

func (bodyless) Verify(*http.Request, []byte) error { return nil }

func TestNeedsBody(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("s"))
	standard := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}})
	basic, err := verify.NewBasic(verify.Credential{Username: "u", Password: "p"})
	require.NoError(t, err)
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	key, err := verify.NewAPIKey("X-Api-Key", "k")
	require.NoError(t, err)
	jwtV := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{[]byte("s")}})
	token := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"t"}})
	ip, err := verify.NewIPAllowlist(verify.IPAllowlistConfig{Allow: prefixes(t, "192.0.2.0/24")})
	require.NoError(t, err)
	combine := func(f func(...verify.Verifier) (verify.Verifier, error), vs ...verify.Verifier) verify.Verifier {
		v, err := f(vs...)
		require.NoError(t, err)
		return v
	}
	all := func(vs ...verify.Verifier) (verify.Verifier, error) { return verify.All(vs...) }
	anyOf := func(vs ...verify.Verifier) (verify.Verifier, error) { return verify.Any(vs...) }

	tests := []struct {
		name string
		v    verify.Verifier
		want bool
	}{
		{"HMAC", sc, true},
		{"Standard Webhooks", standard, true},
		{"Basic", basic, false},
		{"Bearer", bearer, false},
		{"API key", key, false},
		{"JWT", jwtV, false},
		{"URL token", token, false},
		{"IP allowlist", ip, false},
		{"a Verifier that does not say", bodyless{}, true},
		{"All of header-only schemes", combine(all, ip, basic, key), false},
		{"All with HMAC", combine(all, basic, sc), true},
		{"Any of header-only schemes", combine(anyOf, token, bearer), false},
		{"Any with HMAC", combine(anyOf, token, sc), true},
		{"nested", combine(all, ip, combine(anyOf, bearer, combine(all, key, sc))), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verify.NeedsBody(tt.v))
		})
	}
}

func TestZeroCombinationsRejectEverything(t *testing.T) {
	for _, v := range []verify.Verifier{&verify.AllOf{}, &verify.AnyOf{}} {
		assert.ErrorIs(t, v.Verify(request(http.Header{}), body), verify.ErrConfig, "%v", v)
		assert.ErrorIs(t, v.(verify.Signer).Sign(request(http.Header{}), body), verify.ErrConfig, "%v", v)
	}
}

// TestAllowlistAndBasic is a sender with credentials that must also come from its network.
func TestAllowlistAndBasic(t *testing.T) {
	ip, err := verify.NewIPAllowlist(verify.IPAllowlistConfig{Allow: prefixes(t, "192.0.2.0/24")})
	require.NoError(t, err)
	basic, err := verify.NewBasic(verify.Credential{Username: "inspectorio", Password: "pw"})
	require.NoError(t, err)
	v, err := verify.All(ip, basic)
	require.NoError(t, err)

	tests := []struct {
		name   string
		remote string
		user   string
		pass   string
		want   error
	}{
		{"allowed and signed", "192.0.2.1:1234", "inspectorio", "pw", nil},
		{"signed from elsewhere", "203.0.113.5:1234", "inspectorio", "pw", verify.ErrInvalid},
		{"allowed, wrong password", "192.0.2.1:1234", "inspectorio", "guess", verify.ErrInvalid},
		{"allowed, no credentials", "192.0.2.1:1234", "", "", verify.ErrMissing},
		{"RemoteAddr not an address", "somewhere", "inspectorio", "pw", verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/webhooks/inspectorio", nil)
			if tt.user != "" {
				r.SetBasicAuth(tt.user, tt.pass)
			}
			r.RemoteAddr = tt.remote
			checkErr(t, tt.want, v.Verify(r, nil))

			// Both parts are header-only: Middleware decides before reading the body.
			var code int
			if tt.want != nil {
				r.Body, r.ContentLength = untouchable{t}, 10
				code = http.StatusUnauthorized
			} else {
				r.Body, r.ContentLength = io.NopCloser(strings.NewReader(`{}`)), 2
				code = http.StatusOK
			}
			w := httptest.NewRecorder()
			verify.Middleware(v)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
			assert.Equal(t, code, w.Code)
		})
	}
	t.Run("signs with Basic only", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/inspectorio", nil)
		require.NoError(t, v.Sign(r, nil))
		user, pass, ok := r.BasicAuth()
		assert.True(t, ok)
		assert.Equal(t, "inspectorio:pw", user+":"+pass)
		assert.NoError(t, v.Verify(r, nil), "httptest requests come from 192.0.2.1")
	})
	t.Run("no signer at all", func(t *testing.T) {
		only, err := verify.All(ip)
		require.NoError(t, err)
		assert.ErrorIs(t, only.Sign(httptest.NewRequest(http.MethodPost, "/", nil), nil), verify.ErrConfig)
	})
}

// TestAnyURLTokenOrHMAC is a migration from a URL token to signed deliveries.
func TestAnyURLTokenOrHMAC(t *testing.T) {
	token := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"url-secret"}})
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	v, err := verify.Any(token, sc)
	require.NoError(t, err)

	tests := []struct {
		name   string
		target string
		sign   verify.Signer
		want   error
	}{
		{"signed by Any: the token, its first signer", "/hook", v, nil},
		{"token", "/hook?token=url-secret", nil, nil},
		{"HMAC", "/hook", sc, nil},
		{"both", "/hook?token=url-secret", sc, nil},
		{"HMAC and a wrong token", "/hook?token=wrong", sc, nil},
		{"wrong token", "/hook?token=wrong", nil, verify.ErrInvalid},
		{"neither", "/hook", nil, verify.ErrMissing},
		{"repeated token", "/hook?token=url-secret&token=url-secret", nil, verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.target, strings.NewReader(string(body)))
			if tt.sign != nil {
				require.NoError(t, tt.sign.Sign(r, body))
			}
			checkErr(t, tt.want, v.Verify(r, body))

			// HMAC needs the body, so Middleware checks the whole Any after reading it.
			w := httptest.NewRecorder()
			verify.Middleware(v)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(w, r)
			if tt.want == nil {
				assert.Equal(t, http.StatusOK, w.Code)
			} else {
				assert.Equal(t, http.StatusUnauthorized, w.Code)
			}
		})
	}
	t.Run("signed by Any", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/hook", nil)
		require.NoError(t, v.Sign(r, body))
		assert.Equal(t, "/hook?token=REDACTED", verify.RedactURL(v, r.URL))
		assert.Empty(t, r.Header.Get("X-Safetyculture-Signature"))
	})
}
