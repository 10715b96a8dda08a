package page_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// TestNoTokenWhereverMiddlewareIsMounted mounts the page's Middleware around a receiver with a
// URL token in the path, and one with a Bearer token, on a ServeMux route, in chi's Use (before
// chi has routed: no pattern, no path values) and in chi's With, sends them their secrets in
// every place a sender might, and requires the secrets in no list or detail view.
func TestNoTokenWhereverMiddlewareIsMounted(t *testing.T) {
	const (
		pathToken   = "path-token-6d2a9e"
		bearerToken = "bearer-token-0b7c4f"
	)
	mounts := []struct {
		name  string
		mount func(p *page.Page, pathRx, bearerRx http.Handler) http.Handler
	}{
		{"ServeMux", func(p *page.Page, pathRx, bearerRx http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("POST /webhooks/r360p/{token}", p.Middleware(pathRx))
			mux.Handle("POST /webhooks/r360b/", p.Middleware(bearerRx))
			return mux
		}},
		{"chi Use", func(p *page.Page, pathRx, bearerRx http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Use(p.Middleware)
			r.Post("/webhooks/r360p/{token}", pathRx.ServeHTTP)
			r.Post("/webhooks/r360b/*", bearerRx.ServeHTTP)
			return r
		}},
		{"chi With", func(p *page.Page, pathRx, bearerRx http.Handler) http.Handler {
			r := chi.NewRouter()
			r.With(p.Middleware).Post("/webhooks/r360p/{token}", pathRx.ServeHTTP)
			r.With(p.Middleware).Post("/webhooks/r360b/*", bearerRx.ServeHTTP)
			return r
		}},
	}
	bearer, err := verify.NewBearer(bearerToken)
	require.NoError(t, err)
	sends := []struct {
		target string
		signer verify.Signer
		status int
		path   string // as the detail view shows it
	}{
		{"/webhooks/r360p/" + pathToken, nil, http.StatusOK, "/webhooks/r360p/REDACTED"},
		{"/webhooks/r360p/" + pathToken + "%2Fx", nil, http.StatusUnauthorized, "/webhooks/r360p/REDACTED"},
		{"/webhooks/r360p/x" + pathToken + "y?a=1", nil, http.StatusUnauthorized, "/webhooks/r360p/REDACTED?a=REDACTED"},
		{"/webhooks/r360p/guess?token=" + pathToken, nil, http.StatusUnauthorized, "/webhooks/r360p/REDACTED?token=REDACTED"},
		{"/webhooks/r360b/x?access_token=" + bearerToken, nil, http.StatusUnauthorized, "/webhooks/r360b/x?access_token=REDACTED"},
		{"/webhooks/r360b/" + bearerToken, nil, http.StatusUnauthorized, "/webhooks/r360b/REDACTED"},
		{"/webhooks/r360b/x", bearer, http.StatusOK, "/webhooks/r360b/x"},
	}
	for _, m := range mounts {
		t.Run(m.name, func(t *testing.T) {
			p, err := page.New(page.Config{Logger: discard, BasePath: base})
			require.NoError(t, err)
			t.Cleanup(func() { _ = p.Close() })
			pathTok, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{pathToken}})
			require.NoError(t, err)
			newRx := func(v verify.Verifier) *receiver.Receiver {
				rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: v, Observer: p.Observe, Logger: discard})
				require.NoError(t, err)
				t.Cleanup(func() { _ = rx.Close() })
				return rx
			}
			h := m.mount(p, newRx(pathTok), newRx(bearer))
			body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
			for _, s := range sends {
				w := webhooktest.Replay(t, h, s.target, body, s.signer)
				require.Equal(t, s.status, w.Code, "POST %s: %s", s.target, w.Body)
			}

			get := func(target string) string {
				r := httptest.NewRequest(http.MethodGet, target, nil)
				r.RemoteAddr = "127.0.0.1:50000"
				w := httptest.NewRecorder()
				p.ServeHTTP(w, r)
				require.Equal(t, http.StatusOK, w.Code, "GET %s", target)
				return w.Body.String()
			}
			list := get(base)
			require.Len(t, rows(list), len(sends))
			views := []string{list}
			for i, s := range sends {
				d := get(base + "d/" + strconv.Itoa(i+1)) // ids count from 1, in the order received
				assert.Contains(t, html.UnescapeString(d), "POST "+s.path, s.target)
				views = append(views, d)
			}
			for _, line := range strings.Split(html.UnescapeString(strings.Join(views, "\n")), "\n") {
				for _, secret := range []string{pathToken, bearerToken} {
					assert.False(t, strings.Contains(line, secret), "a view shows %q: %s", secret, line)
				}
			}
		})
	}
}

// TestPathWithoutOutcomePath checks the page's own redaction, for a handler that is no
// Receiver: every query value redacted, the route pattern in place of a path with wildcards.
func TestPathWithoutOutcomePath(t *testing.T) {
	p, err := page.New(page.Config{Logger: discard, BasePath: base})
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Observe(r.Context(), receiver.Outcome{Delivery: receiver.Delivery{Provider: "plain"}, Status: http.StatusOK})
	})
	tests := []struct {
		name   string
		mount  func() http.Handler
		target string
		want   string
	}{
		{"ServeMux pattern", func() http.Handler {
			mux := http.NewServeMux()
			mux.Handle("POST /hooks/{token}", p.Middleware(plain))
			return mux
		}, "/hooks/secret-1?a=secret-2;b", "POST /hooks/{token}?a=REDACTED;b=REDACTED"},
		{"chi With pattern", func() http.Handler {
			r := chi.NewRouter()
			r.With(p.Middleware).Post("/hooks/{token}", plain)
			return r
		}, "/hooks/secret-1?a=secret-2#secret-3", "POST /hooks/{token}?a=REDACTED"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := webhooktest.Replay(t, tt.mount(), tt.target, []byte(`{}`), nil)
			require.Equal(t, http.StatusOK, w.Code)
			r := httptest.NewRequest(http.MethodGet, base+"d/"+strconv.Itoa(i+1), nil)
			r.RemoteAddr = "127.0.0.1:50000"
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, r)
			d := html.UnescapeString(rec.Body.String())
			assert.Contains(t, d, tt.want)
			for _, secret := range []string{"secret-1", "secret-2", "secret-3"} {
				assert.NotContains(t, d, secret)
			}
		})
	}
}
