package receiver_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// The secrets of TestNoSecretInLogsOutcomesOrErrors.
const (
	urlTok    = "url-token-4e8d1c"
	bearerTok = "bearer-token-9a7b3f"
	apiKey    = "api-key-2c6e0d"
	basicPass = "basic-pass-5f1a9b"
)

// TestNoSecretInLogsOutcomesOrErrors sends real receivers of every scheme that holds a secret a
// sender sends the secret wherever a sender might put it, and looks for it in the whole log
// output (at level Debug), every Outcome handed to the observer and every error given to
// OnError. It also checks Outcome.Path, which the log line shows.
func TestNoSecretInLogsOutcomesOrErrors(t *testing.T) {
	queryTok, err := verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{urlTok}})
	require.NoError(t, err)
	pathTok, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{urlTok}})
	require.NoError(t, err)
	bearerV, err := verify.NewBearer(bearerTok)
	require.NoError(t, err)
	apiKeyV, err := verify.NewAPIKey("X-Api-Key", apiKey)
	require.NoError(t, err)
	basicV, err := verify.NewBasic(verify.Credential{Username: "user", Password: basicPass})
	require.NoError(t, err)
	basicAuth := func(pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+pass))
	}

	serveMux := func(rx http.Handler) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("POST /webhooks/r360p/{token}", rx)
		return mux
	}
	chiRouter := func(rx http.Handler) http.Handler {
		r := chi.NewRouter()
		r.Post("/webhooks/r360c/{token}", rx.ServeHTTP)
		return r
	}

	type send struct {
		name   string
		target string
		header map[string]string // Content-Type is set
		status int
		path   string // the Outcome's (and the log line's) path
	}
	tests := []struct {
		name  string
		v     verify.Verifier
		mount func(rx http.Handler) http.Handler // nil: the receiver is the handler
		sends []send
	}{
		{"URL token in the query", queryTok, nil, []send{
			{"valid", "/webhooks/record360?token=" + urlTok, nil, 200, "/webhooks/record360?token=REDACTED"},
			{"another case", "/webhooks/record360?TOKEN=" + urlTok, nil, 401, "/webhooks/record360?TOKEN=REDACTED"},
			{"mixed case", "/webhooks/record360?ToKeN=" + urlTok + "&x=1", nil, 401, "/webhooks/record360?ToKeN=REDACTED&x=REDACTED"},
			{"escaped name", "/webhooks/record360?t%6Fken=" + urlTok, nil, 200, "/webhooks/record360?t%6Fken=REDACTED"},
			{"repeated", "/webhooks/record360?token=" + urlTok + "&token=" + urlTok, nil, 401, "/webhooks/record360?token=REDACTED&token=REDACTED"},
			{"after a semicolon", "/webhooks/record360?a=1;token=" + urlTok, nil, 401, "/webhooks/record360?a=REDACTED;token=REDACTED"},
			{"in a fragment of the query", "/webhooks/record360?a=1#token=" + urlTok, nil, 401, "/webhooks/record360?a=REDACTED"},
			{"in a fragment of the path", "/webhooks/record360#" + urlTok, nil, 401, "/webhooks/record360"},
			{"as a parameter name", "/webhooks/record360?" + urlTok, nil, 401, "/webhooks/record360?REDACTED=REDACTED"},
			{"in the path", "/webhooks/record360/" + urlTok + "?x=1", nil, 401, "/webhooks/record360/REDACTED?x=REDACTED"},
			{"inside a segment", "/webhooks/record360/x" + urlTok + "y", nil, 401, "/webhooks/record360/REDACTED"},
			{"after %2F", "/webhooks/record360%2F" + urlTok, nil, 401, "/webhooks/REDACTED"},
			{"after %3B", "/webhooks/record360%3B" + urlTok, nil, 401, "/webhooks/REDACTED"},
		}},
		{"URL token in the path, ServeMux", pathTok, serveMux, []send{
			{"valid", "/webhooks/r360p/" + urlTok, nil, 200, "/webhooks/r360p/REDACTED"},
			{"escaped letter", "/webhooks/r360p/%75rl-token-4e8d1c", nil, 200, "/webhooks/r360p/REDACTED"},
			{"then %2F", "/webhooks/r360p/" + urlTok + "%2Fx", nil, 401, "/webhooks/r360p/REDACTED"},
			{"then %2f", "/webhooks/r360p/" + urlTok + "%2fx", nil, 401, "/webhooks/r360p/REDACTED"},
			{"after %3B", "/webhooks/r360p/x%3B" + urlTok, nil, 401, "/webhooks/r360p/REDACTED"},
			{"inside a segment", "/webhooks/r360p/x" + urlTok + "y", nil, 401, "/webhooks/r360p/REDACTED"},
			{"in the query", "/webhooks/r360p/guess?token=" + urlTok, nil, 401, "/webhooks/r360p/REDACTED?token=REDACTED"},
			{"a guess", "/webhooks/r360p/guess-9f9f", nil, 401, "/webhooks/r360p/REDACTED"},
		}},
		{"URL token in the path, chi", pathTok, chiRouter, []send{
			{"valid", "/webhooks/r360c/" + urlTok, nil, 200, "/webhooks/r360c/REDACTED"},
			{"then %2F", "/webhooks/r360c/" + urlTok + "%2Fx", nil, 401, "/webhooks/r360c/REDACTED"},
			{"a guess with %2F", "/webhooks/r360c/guess%2Fzz", nil, 401, "/webhooks/r360c/REDACTED"},
		}},
		{"Bearer", bearerV, nil, []send{
			{"valid", "/webhooks/record360", map[string]string{"Authorization": "Bearer " + bearerTok}, 200, "/webhooks/record360"},
			{"in the query", "/webhooks/record360?access_token=" + bearerTok, nil, 401, "/webhooks/record360?access_token=REDACTED"},
			{"in the path", "/webhooks/record360/" + bearerTok, nil, 401, "/webhooks/record360/REDACTED"},
			{"inside a wrong token", "/webhooks/record360", map[string]string{"Authorization": "Bearer " + bearerTok + "x"}, 401, "/webhooks/record360"},
		}},
		{"Basic", basicV, nil, []send{
			{"valid", "/webhooks/record360", map[string]string{"Authorization": basicAuth(basicPass)}, 200, "/webhooks/record360"},
			{"in the query", "/webhooks/record360?password=" + basicPass, nil, 401, "/webhooks/record360?password=REDACTED"},
			{"in the path", "/webhooks/record360/user:" + basicPass, nil, 401, "/webhooks/record360/REDACTED"},
			{"inside a wrong password", "/webhooks/record360", map[string]string{"Authorization": basicAuth(basicPass + "x")}, 401, "/webhooks/record360"},
		}},
		{"API key", apiKeyV, nil, []send{
			{"valid", "/webhooks/record360", map[string]string{"X-Api-Key": apiKey}, 200, "/webhooks/record360"},
			{"in the path", "/webhooks/record360/" + apiKey, nil, 401, "/webhooks/record360/REDACTED"},
			{"in the query", "/webhooks/record360?api_key=" + apiKey, nil, 401, "/webhooks/record360?api_key=REDACTED"},
			{"inside a wrong key", "/webhooks/record360", map[string]string{"X-Api-Key": apiKey + "x"}, 401, "/webhooks/record360"},
		}},
		{"no verifier", nil, nil, []send{
			{"query values", "/webhooks/record360/x?token=" + urlTok, nil, 200, "/webhooks/record360/x?token=REDACTED"},
		}},
	}
	secrets := []string{urlTok, bearerTok, apiKey, basicPass, base64.StdEncoding.EncodeToString([]byte("user:" + basicPass))}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := receiver.Config{Verifier: tt.v, InsecureSkipVerify: tt.v == nil}
			e := newEnv(t, cfg)
			var h http.Handler = e.rx
			if tt.mount != nil {
				h = tt.mount(e.rx)
			}
			for i, s := range tt.sends {
				r := httptest.NewRequest(http.MethodPost, s.target, strings.NewReader(string(inspectionBody(t))))
				r.Header.Set("Content-Type", "application/json")
				for k, v := range s.header {
					r.Header.Set(k, v)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				assert.Equal(t, s.status, w.Code, "%s: %s", s.name, w.Body)
				outs := e.outcomes()
				require.Len(t, outs, i+1, "%s: one outcome per request", s.name)
				assert.Equal(t, s.path, outs[i].Path, s.name)
			}

			var all strings.Builder
			all.WriteString(e.logs.String())
			for _, o := range e.outcomes() {
				fmt.Fprintf(&all, "%+v %v %s\n", o, o.Err, o.Path)
			}
			for _, err := range e.errors() {
				fmt.Fprintf(&all, "%v\n", err)
			}
			text := all.String()
			require.Contains(t, text, `path=`, "the log lines are there")
			for _, line := range strings.Split(text, "\n") {
				for _, secret := range secrets {
					assert.False(t, strings.Contains(line, secret), "%q in: %s", secret, line)
				}
			}
		})
	}
}
