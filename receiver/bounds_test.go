package receiver_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// TestOneMaxKeyLen checks that the bound of events' key helpers is idempotency.MaxKeyLen, the
// one bound of idempotency keys (events does not import idempotency, so it repeats the number):
// a provider's key is never hashed again by idempotency.BoundKey.
func TestOneMaxKeyLen(t *testing.T) {
	assert.Equal(t, idempotency.MaxKeyLen, events.MaxKeyLen)
	key := events.FieldKey("acme", strings.Repeat("x", 1000))
	assert.Equal(t, key, idempotency.BoundKey(key), "a bounded key of events stays as it is")
}

// TestHugeIDsAreBounded sends an Inspectorio delivery whose messageId and eventCode are 3 MiB
// each: the idempotency key is bounded, and the log line stays small.
func TestHugeIDsAreBounded(t *testing.T) {
	auth, err := verify.NewBasic(verify.Credential{Username: "u", Password: "p"})
	require.NoError(t, err)
	var logs bytes.Buffer
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	defer store.Close()
	var seen receiver.Delivery
	rx, err := receiver.New(inspectorio.Provider(), receiver.Config{
		Verifier: auth,
		Store:    store,
		Logger:   newTextLogger(&logs),
	})
	require.NoError(t, err)
	receiver.HandleUnknown(rx, func(ctx context.Context, _ *events.Envelope) error {
		seen = receiver.FromContext(ctx)
		return nil
	})
	huge := strings.Repeat("x", 3<<20)
	body := []byte(`{"messageId":"wh-` + huge + `","eventCode":"report.` + huge + `","payload":{"resourceId":1,"path":"/r/1"}}`)
	w := webhooktest.Replay(t, rx, "/", body, auth)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())

	assert.LessOrEqual(t, len(seen.IdempotencyKey), idempotency.MaxKeyLen, "the key is bounded")
	assert.Len(t, seen.EventID, len("wh-")+len(huge), "the handler still sees the whole id")
	assert.Equal(t, 1, store.Len())
	assert.Less(t, logs.Len(), 4<<10, "the log line is cut: %d bytes", logs.Len())
	assert.Contains(t, logs.String(), "more bytes]", "a cut field is marked")

	// The same delivery again is a duplicate under the bounded key.
	w = webhooktest.Replay(t, rx, "/", body, auth)
	assert.Equal(t, "ok: already received\n", w.Body.String())
}

// TestDecodeErrorsAreShortAndStable checks that 400 and 422 bodies name the JSON path and do
// not echo decoder internals or the body.
func TestDecodeErrorsAreShortAndStable(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"not JSON", `{"id":`, 400, "body is not valid JSON"},
		{"wrong JSON type", `{"id":"1","object":"event","type":"inspection.created","created_at":"x","data":{"object":"inspection","id":"2","unit":"WMWRF33519TW73378"}}`, 400, "data.unit"},
		{"missing id", `{"object":"event","type":"inspection.created","data":{"object":"inspection","id":"1"}}`, 422, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, receiver.Config{})
			w := e.post([]byte(tt.body))
			require.Equal(t, tt.status, w.Code)
			answer := w.Body.String()
			assert.Contains(t, answer, tt.want)
			assert.Equal(t, 1, strings.Count(answer, "\n"), "one line")
			for _, leak := range []string{"record360.", "want ", "Go value", "WMWRF33519TW73378", "json:"} {
				assert.NotContains(t, answer, leak)
			}
			outs := e.outcomes()
			require.Len(t, outs, 1)
			assert.Error(t, outs[0].Err, "the full error goes to the outcome")
		})
	}
}

// TestHeaderOnlySchemesRunBeforeTheBody refuses a wrong Bearer token without reading the body.
func TestHeaderOnlySchemesRunBeforeTheBody(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	body := inspectionBody(t)
	r := request(body)
	r.Header.Set("Authorization", "Bearer guess")
	cr := &countingReader{r: bytes.NewReader(body)}
	r.Body = io.NopCloser(cr)
	w := e.serve(r)
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Zero(t, cr.read, "an unauthenticated sender never makes the server read its body")
	assert.Equal(t, receiver.StageVerify, e.outcomes()[0].Stage)
}

// TestURLTokenIsRedactedInTheLog receives Record360 with a token in the query and checks the
// log line shows the path with the token redacted.
func TestURLTokenIsRedactedInTheLog(t *testing.T) {
	const secret = "query-secret-5d1e"
	tok, err := verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{secret}})
	require.NoError(t, err)
	e := newEnv(t, receiver.Config{Verifier: tok})
	body := inspectionBody(t)
	assert.Equal(t, http.StatusOK, webhooktest.Replay(t, e.rx, "/webhooks/record360?account=7", body, tok).Code)
	assert.Equal(t, http.StatusUnauthorized, webhooktest.Replay(t, e.rx, "/webhooks/record360?token=guess-"+secret, body, nil).Code)
	logs := e.logs.String()
	assert.Contains(t, logs, "token="+verify.Redacted)
	assert.Contains(t, logs, "account="+verify.Redacted, "every query value is redacted")
	assert.NotContains(t, logs, "account=7")
	assert.NotContains(t, logs, secret)
}
