package verify_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

func mustURLToken(t *testing.T, cfg verify.URLTokenConfig) *verify.URLToken {
	t.Helper()
	v, err := verify.NewURLToken(cfg)
	require.NoError(t, err)
	return v
}

func checkErr(t *testing.T, want, err error) {
	t.Helper()
	if want == nil {
		assert.NoError(t, err)
	} else {
		assert.ErrorIs(t, err, want)
	}
}

func TestURLTokenQuery(t *testing.T) {
	v := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"tok-old", "tok-new"}})
	tests := []struct {
		target string
		want   error
	}{
		{"/hook?token=tok-old", nil},
		{"/hook?token=tok-new", nil},
		{"/hook?a=1&token=tok-new&b=2", nil},
		{"/hook?token=tok%2Dold", nil},
		{"/hook?tok%65n=tok-old", nil},
		{"/hook", verify.ErrMissing},
		{"/hook?other=tok-old", verify.ErrMissing},
		{"/hook?Token=tok-old", verify.ErrMissing},
		{"/hook/tok-old", verify.ErrMissing},
		{"/hook?token=tok-old;x=1", verify.ErrMissing}, // net/url drops parameters with a semicolon
		{"/hook?token=", verify.ErrMalformed},
		{"/hook?token", verify.ErrMalformed},
		{"/hook?token=tok-old&token=tok-old", verify.ErrMalformed},
		{"/hook?token=tok-old&token=tok-new", verify.ErrMalformed},
		{"/hook?token=" + strings.Repeat("t", 10<<10), verify.ErrMalformed},
		{"/hook?token=tok-third", verify.ErrInvalid},
		{"/hook?token=tok-ol", verify.ErrInvalid},
		{"/hook?token=tok-old2", verify.ErrInvalid},
		{"/hook?token=TOK-OLD", verify.ErrInvalid},
		{"/hook?token=+tok-old", verify.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			checkErr(t, tt.want, v.Verify(httptest.NewRequest(http.MethodPost, tt.target, nil), body))
		})
	}
	t.Run("nil URL", func(t *testing.T) {
		assert.ErrorIs(t, v.Verify(&http.Request{Header: http.Header{}}, body), verify.ErrMissing)
	})
}

func TestURLTokenPathValue(t *testing.T) {
	v := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"tok-old", "tok-new", "a/b c"}})
	var rejected []rejection
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/record360/{token}", verify.Middleware(v, verify.WithOnReject(func(_ *http.Request, status int, err error) {
		rejected = append(rejected, rejection{status, err})
	}))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))

	tests := []struct {
		target string
		status int
		want   error
	}{
		{"/webhooks/record360/tok-old", 200, nil},
		{"/webhooks/record360/tok-new", 200, nil},
		{"/webhooks/record360/tok%2Dold", 200, nil},
		{"/webhooks/record360/a%2Fb%20c", 200, nil},
		{"/webhooks/record360/tok-third", 401, verify.ErrInvalid},
		{"/webhooks/record360/tok-old?token=tok-old", 200, nil},
		{"/webhooks/record360/" + strings.Repeat("t", 10<<10), 401, verify.ErrMalformed},
		{"/webhooks/record360/", 404, nil},
		{"/webhooks/record360", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rejected = nil
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, tt.target, strings.NewReader(`{}`)))
			assert.Equal(t, tt.status, w.Code)
			if tt.want != nil {
				require.Len(t, rejected, 1)
				assert.ErrorIs(t, rejected[0].err, tt.want)
			}
		})
	}

	t.Run("served without the route", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/record360/tok-old", nil)
		assert.ErrorIs(t, v.Verify(r, body), verify.ErrMissing)
		r.SetPathValue("token", "tok-old")
		assert.NoError(t, v.Verify(r, body))
		r.SetPathValue("token", "tok-third")
		assert.ErrorIs(t, v.Verify(r, body), verify.ErrInvalid)
	})
}

func TestURLTokenSign(t *testing.T) {
	query := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"tok-old", "tok-new"}})
	escapedQuery := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"a b&c=d"}})
	path := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"tok-old", "tok-new"}})
	escapedPath := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"a/b c?d"}})

	tests := []struct {
		name   string
		v      *verify.URLToken
		target string
		want   string // the signed request's URI
	}{
		{"query", query, "/hook", "/hook?token=tok-old"},
		{"query replaces", query, "/hook?a=1&token=stale&b=2", "/hook?a=1&b=2&token=tok-old"},
		{"query replaces repeated", query, "/hook?token=x&token=y", "/hook?token=tok-old"},
		{"query escaped", escapedQuery, "/hook?x=1", "/hook?x=1&token=a+b%26c%3Dd"},
		{"path", path, "/webhooks/record360", "/webhooks/record360/tok-old"},
		{"path with a slash", path, "/webhooks/record360/", "/webhooks/record360/tok-old"},
		{"path keeps the query", path, "/webhooks/record360?x=1", "/webhooks/record360/tok-old?x=1"},
		{"path escaped", escapedPath, "/webhooks/record360", "/webhooks/record360/a%2Fb%20c%3Fd"},
		{"path escaped after an escaped segment", escapedPath, "/webhooks/a%2Fb", "/webhooks/a%2Fb/a%2Fb%20c%3Fd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tt.target, nil)
			require.NoError(t, tt.v.Sign(r, body))
			assert.Equal(t, tt.want, r.URL.RequestURI())
			assert.Equal(t, tt.want, r.RequestURI, "RequestURI follows")
			assert.NoError(t, tt.v.Verify(r, body), "verifies served directly")

			require.NoError(t, tt.v.Sign(r, body))
			assert.Equal(t, tt.want, r.URL.RequestURI(), "signing twice leaves one token")

			// What arrives over the wire: the text of the URL, parsed again.
			again := httptest.NewRequest(http.MethodPost, tt.want, nil)
			if tt.v == query || tt.v == escapedQuery {
				assert.NoError(t, tt.v.Verify(again, body))
			}
		})
	}

	t.Run("path signing reaches the route", func(t *testing.T) {
		for _, v := range []*verify.URLToken{path, escapedPath} {
			mux := http.NewServeMux()
			mux.Handle("POST /webhooks/record360/{token}", verify.Middleware(v)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
			r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(`{}`))
			require.NoError(t, v.Sign(r, nil))
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, r.URL.RequestURI(), strings.NewReader(`{}`)))
			assert.Equal(t, http.StatusOK, w.Code, "%s as sent over the wire", r.URL)
			w = httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			assert.Equal(t, http.StatusOK, w.Code, "%s signed in place", r.URL)
		}
	})
	t.Run("a client request keeps an empty RequestURI", func(t *testing.T) {
		r, err := http.NewRequest(http.MethodPost, "https://example.com/hook", nil)
		require.NoError(t, err)
		require.NoError(t, query.Sign(r, nil))
		assert.Equal(t, "https://example.com/hook?token=tok-old", r.URL.String())
		assert.Empty(t, r.RequestURI)
	})
	t.Run("nil URL", func(t *testing.T) {
		r := &http.Request{}
		require.NoError(t, query.Sign(r, nil))
		assert.Equal(t, "?token=tok-old", r.URL.String())
	})
}

func TestURLTokenRedact(t *testing.T) {
	query := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"tok-old", "tok-new"}})
	path := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"tok-old", "tok-new", "a/b"}})
	tests := []struct {
		name string
		v    *verify.URLToken
		in   string
		want string
	}{
		{"query", query, "/hook?token=tok-old", "/hook?token=REDACTED"},
		{"query, any value", query, "/hook?a=1&token=anything&b=2", "/hook?a=REDACTED&token=REDACTED&b=REDACTED"},
		{"query, repeated", query, "/hook?token=x&token=y", "/hook?token=REDACTED&token=REDACTED"},
		{"query, escaped name", query, "/hook?tok%65n=tok-old", "/hook?tok%65n=REDACTED"},
		{"query, semicolon", query, "/hook?a=1;token=tok-old", "/hook?a=REDACTED;token=REDACTED"},
		{"query, no value", query, "/hook?token", "/hook?token=REDACTED"},
		{"query, absolute", query, "https://example.com/hook?token=tok-old", "https://example.com/hook?token=REDACTED"},
		{"query, every value", query, "/hook?x=tok-old", "/hook?x=REDACTED"},
		{"query, none", query, "/hook", "/hook"},
		{"path", path, "/webhooks/record360/tok-old", "/webhooks/record360/REDACTED"},
		{"path with a query", path, "/webhooks/record360/tok-new?x=1", "/webhooks/record360/REDACTED?x=REDACTED"},
		{"path, escaped", path, "/webhooks/record360/tok%2Dold", "/webhooks/record360/REDACTED"},
		{"path, escaped slash", path, "/webhooks/a%2Fb", "/webhooks/REDACTED"},
		{"path, every segment", path, "/tok-old/x/tok-new/", "/REDACTED/x/REDACTED/"},
		{"path, a token inside a segment", path, "/webhooks/record360/tok-old2", "/webhooks/record360/REDACTED"},
		{"path, other segments kept", path, "/webhooks/record360/tok", "/webhooks/record360/tok"},
		{"path, none", path, "/webhooks/record360", "/webhooks/record360"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			require.NoError(t, err)
			before := *u
			assert.Equal(t, tt.want, tt.v.Redact(u))
			assert.Equal(t, tt.want, verify.RedactURL(tt.v, u))
			assert.Equal(t, before, *u, "u is not modified")
		})
	}
	t.Run("nil URL", func(t *testing.T) {
		assert.Empty(t, query.Redact(nil))
		assert.Empty(t, verify.RedactURL(query, nil))
	})
}

func TestRedactURL(t *testing.T) {
	query := mustURLToken(t, verify.URLTokenConfig{Query: "key", Tokens: []string{"q-secret"}})
	path := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"p-secret"}})
	bearer, err := verify.NewBearer("b-secret")
	require.NoError(t, err)
	sc := mustHMAC(t, verify.SafetyCulture("s"))
	anyOf, err := verify.Any(sc, query)
	require.NoError(t, err)
	nested, err := verify.All(bearer, anyOf, path)
	require.NoError(t, err)

	u, err := url.Parse("/webhooks/p-secret?key=q-secret&page=2")
	require.NoError(t, err)
	tests := []struct {
		name string
		v    verify.Verifier
		want string
	}{
		{"no URL token", bearer, "/webhooks/p-secret?key=REDACTED&page=REDACTED"},
		{"nil verifier", nil, "/webhooks/p-secret?key=REDACTED&page=REDACTED"},
		{"query token", query, "/webhooks/p-secret?key=REDACTED&page=REDACTED"},
		{"inside Any", anyOf, "/webhooks/p-secret?key=REDACTED&page=REDACTED"},
		{"both, inside All and Any", nested, "/webhooks/REDACTED?key=REDACTED&page=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, verify.RedactURL(tt.v, u))
		})
	}
}

func TestURLTokenConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  verify.URLTokenConfig
	}{
		{"no place", verify.URLTokenConfig{Tokens: []string{"t"}}},
		{"blank place", verify.URLTokenConfig{Query: " ", Tokens: []string{"t"}}},
		{"both places", verify.URLTokenConfig{Query: "token", PathValue: "token", Tokens: []string{"t"}}},
		{"no tokens", verify.URLTokenConfig{Query: "token"}},
		{"empty token", verify.URLTokenConfig{PathValue: "token", Tokens: []string{"t", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := verify.NewURLToken(tt.cfg)
			assert.ErrorIs(t, err, verify.ErrConfig)
			assert.Nil(t, v)
		})
	}
}

func TestURLTokenString(t *testing.T) {
	q := mustURLToken(t, verify.URLTokenConfig{Query: "token", Tokens: []string{"tok-old", "tok-new"}})
	p := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"tok-old"}})
	assert.Equal(t, "url-token(query=token, 2 tokens)", q.String())
	assert.Equal(t, "url-token(path-value={token}, 1 token)", p.String())
	assert.False(t, verify.NeedsBody(q))
}
