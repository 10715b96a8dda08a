package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const (
	acmeSecret = "acme-test-secret"
	urlSecret  = "r360-url-secret-91c2"
)

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func start(t *testing.T) (*httptest.Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	a, err := newApp(config{acmeSecret: acmeSecret, record360Token: urlSecret}, slog.New(slog.NewTextHandler(logs, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.store.Close() })
	srv := httptest.NewServer(a.router)
	t.Cleanup(srv.Close)
	return srv, logs
}

func post(t *testing.T, url string, body []byte, signer verify.Signer) (int, string) {
	t.Helper()
	resp, err := webhooktest.Send(t.Context(), nil, url, body, signer)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestAcmeBehindVerifyMiddleware(t *testing.T) {
	srv, logs := start(t)
	signer, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Acme-Signature", Secrets: [][]byte{[]byte(acmeSecret)}, Prefix: "sha256="})
	require.NoError(t, err)
	wrong, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Acme-Signature", Secrets: [][]byte{[]byte("guess")}, Prefix: "sha256="})
	require.NoError(t, err)
	body := []byte(`{"id":"evt_1","type":"widget.shipped"}`)

	tests := []struct {
		name   string
		body   []byte
		signer verify.Signer
		status int
		answer string
	}{
		{"signed", body, signer, 200, "ok\n"},
		{"unsigned", body, nil, 401, "unauthorized\n"},
		{"wrong secret", body, wrong, 401, "unauthorized\n"},
		{"signed but not what the handler wants", []byte(`[1]`), signer, 400, "expected a JSON object with an id\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, answer := post(t, srv.URL+"/webhooks/acme", tt.body, tt.signer)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.answer, answer)
		})
	}
	assert.Contains(t, logs.String(), "acme event", "the plain handler read the verified bytes")
}

func TestRecord360ChainedByHand(t *testing.T) {
	srv, logs := start(t)
	tok, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{urlSecret}})
	require.NoError(t, err)
	body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
	base := srv.URL + "/webhooks/record360/"

	status, answer := post(t, base, body, tok)
	assert.Equal(t, 200, status)
	assert.Equal(t, "ok\n", answer)
	status, answer = post(t, base, body, tok)
	assert.Equal(t, 200, status)
	assert.Equal(t, "ok: already received\n", answer)
	status, _ = post(t, base+"guess", body, nil)
	assert.Equal(t, 401, status)
	status, _ = post(t, base, []byte(`{"id":`), tok)
	assert.Equal(t, 400, status)

	out := logs.String()
	assert.Equal(t, 1, strings.Count(out, "record360 inspection"), "one handler run for two deliveries")
	assert.Contains(t, out, "/webhooks/record360/"+verify.Redacted)
	assert.NotContains(t, out, urlSecret, "the token never reaches the log")
}

// TestAccessLogRedactsWhateverTheSenderSends sends the URL token, through a real server, where
// a sender might put it by mistake, and looks for it in the whole log.
func TestAccessLogRedactsWhateverTheSenderSends(t *testing.T) {
	srv, logs := start(t)
	body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
	tests := []struct {
		name   string
		target string
		want   string // the access log's url: the guessed path value is redacted too
	}{
		{"then %2F", "/webhooks/record360/" + urlSecret + "%2Fx", "/webhooks/record360/REDACTED"},
		{"inside a segment", "/webhooks/record360/x" + urlSecret + "y", "/webhooks/record360/REDACTED"},
		{"in the query of the path route", "/webhooks/record360/guess?token=" + urlSecret, "/webhooks/record360/REDACTED?token=REDACTED"},
		{"in the query, upper case", "/webhooks/acme?TOKEN=" + urlSecret, "/webhooks/acme?TOKEN=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _ := post(t, srv.URL+tt.target, body, nil)
			assert.Equal(t, 401, status)
			assert.Contains(t, logs.String(), tt.want)
		})
	}
	assert.NotContains(t, logs.String(), urlSecret)
}

func TestMissingSecretsAreErrors(t *testing.T) {
	_, err := newApp(config{record360Token: urlSecret}, slog.New(slog.DiscardHandler))
	assert.ErrorIs(t, err, verify.ErrConfig)
	_, err = newApp(config{acmeSecret: acmeSecret}, slog.New(slog.DiscardHandler))
	assert.ErrorIs(t, err, verify.ErrConfig)
}
