package receiver_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/internal/rawbody/rawbodytest"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// refuseAll is a limiter that refuses every request.
type refuseAll struct{}

func (refuseAll) Allow(*http.Request) (bool, time.Duration, error) { return false, time.Second, nil }

// stateStore answers every claim with state, or fails with err; it stores nothing.
type stateStore struct {
	state idempotency.State
	err   error
}

func (s stateStore) Claim(context.Context, string, time.Duration) (idempotency.Claim, error) {
	return idempotency.Claim{State: s.state, LeaseEnds: t0.Add(time.Minute)}, s.err
}
func (stateStore) Complete(context.Context, string, string, time.Duration) error { return nil }
func (stateStore) Release(context.Context, string, string) error                 { return nil }
func (stateStore) Renew(context.Context, string, string, time.Duration) error    { return nil }

// keyedInsecure configures a Receiver whose claim by IdempotencyKeyHeader runs before the body
// is read: without a Verifier, which would read the body first.
func keyedInsecure(store idempotency.Store) receiver.Config {
	return receiver.Config{InsecureSkipVerify: true, IdempotencyKeyHeader: "Webhook-Id", Store: store}
}

// TestEarlyAnswerClosesTheConnection sends, over raw TCP to a real server, for every stage that
// answers before the body is read to its end, a request that declares 200 KiB and sends 5 bytes
// (or, for a body over the cap, sends past the cap), then nothing: the answer comes at once,
// with "Connection: close", and the server closes the connection rather than wait for the rest
// of the body until its read timeout (see internal/rawbody/rawbodytest).
func TestEarlyAnswerClosesTheConnection(t *testing.T) {
	basic, err := verify.NewBasic(verify.Credential{Username: "r360", Password: "pw"})
	require.NoError(t, err)
	json := http.Header{"Content-Type": {"application/json"}}
	authed := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}
	keyed := http.Header{"Content-Type": {"application/json"}, "Webhook-Id": {"msg_1"}}
	const declared = rawbodytest.Declared
	tests := []struct {
		name     string
		cfg      receiver.Config
		method   string
		header   http.Header
		declared int    // -1: chunked
		sent     string // the only bytes of the body sent
		status   int
		reply    string
	}{
		{"401 Basic, no credentials", receiver.Config{Verifier: basic}, "POST", json, declared, `{"id"`, 401, "unauthorized\n"},
		{"401 Bearer, no credentials", receiver.Config{}, "POST", json, declared, `{"id"`, 401, "unauthorized\n"},
		{"405 not POST", receiver.Config{}, "PUT", authed, declared, `{"id"`, 405, "method not allowed: POST only\n"},
		{"415 not JSON", receiver.Config{}, "POST", http.Header{"Content-Type": {"text/plain"}}, declared, `{"id"`, 415,
			"unsupported media type: send application/json\n"},
		{"429 rate limited", receiver.Config{Limiter: refuseAll{}}, "POST", authed, declared, `{"id"`, 429, "rate limit exceeded\n"},
		{"413 declared over the cap", receiver.Config{MaxBodyBytes: 1 << 10}, "POST", authed, declared, `{"id"`, 413,
			"request body too large: limit 1024 bytes\n"},
		{"413 sent past the cap, chunked", receiver.Config{MaxBodyBytes: 1 << 10}, "POST", authed, -1,
			"800\r\n" + strings.Repeat("x", 0x800) + "\r\n", 413, "request body too large: limit 1024 bytes\n"},
		{"413 sent past the cap, no verifier", receiver.Config{InsecureSkipVerify: true, MaxBodyBytes: 1 << 10}, "POST", json, -1,
			"800\r\n" + strings.Repeat("x", 0x800) + "\r\n", 413, ""},
		{"200 duplicate by header key", keyedInsecure(stateStore{state: idempotency.Done}), "POST", keyed, declared, `{"id"`,
			200, "ok: already received\n"},
		{"409 in flight by header key", keyedInsecure(stateStore{state: idempotency.InFlight}), "POST", keyed, declared, `{"id"`,
			409, ""},
		{"503 store down, header key", keyedInsecure(stateStore{err: errStore}), "POST", keyed, declared, `{"id"`, 503, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.cfg)
			res, body := rawbodytest.EarlyAnswer(t, e.rx, tt.method, "/webhooks/record360", tt.header, tt.declared, tt.sent)
			assert.Equal(t, tt.status, res.StatusCode, body)
			if tt.reply != "" {
				assert.Equal(t, tt.reply, body)
			}
		})
	}
}

// TestReadBodyKeepsTheConnection sends whole deliveries on one connection: a body read to its
// end, whatever the answer, leaves the connection open for the next request.
func TestReadBodyKeepsTheConnection(t *testing.T) {
	e := newEnv(t, receiver.Config{})
	c := rawbodytest.Dial(t, rawbodytest.Server(t, e.rx))
	body := string(inspectionBody(t))
	authed := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}
	tests := []struct {
		name   string
		body   string
		status int
		reply  string
	}{
		{"new", body, 200, "ok\n"},
		{"duplicate", body, 200, "ok: already received\n"},
		{"not the provider's shape", `{"not": "a record360 body"}`, 400, ""},
		{"no body", "", 400, ""},
		{"new again, on the same connection", strings.Replace(body, `"id": "12"`, `"id": "13"`, 1), 200, "ok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Send("POST", "/webhooks/record360", authed, len(tt.body), tt.body)
			res, got := c.Response()
			assert.Equal(t, tt.status, res.StatusCode, got)
			if tt.reply != "" {
				assert.Equal(t, tt.reply, got)
			}
			assert.False(t, res.Close, "the connection stays open")
		})
	}
}

// TestEarlyAnswerOverHTTP2KeepsTheConnection checks that an HTTP/2 request's early answer
// carries no Connection header: HTTP/2 resets the stream instead of draining the body, and
// "Connection: close" would shut down the connection and every delivery multiplexed on it.
func TestEarlyAnswerOverHTTP2KeepsTheConnection(t *testing.T) {
	for _, proto := range []int{1, 2} {
		t.Run("HTTP/"+strconv.Itoa(proto), func(t *testing.T) {
			e := newEnv(t, receiver.Config{})
			r := request(inspectionBody(t))
			r.Header.Del("Authorization")
			r.ProtoMajor = proto
			w := e.serve(r)
			assert.Equal(t, 401, w.Code)
			if proto == 2 {
				assert.Empty(t, w.Header().Get("Connection"))
			} else {
				assert.Equal(t, "close", w.Header().Get("Connection"))
			}
		})
	}
}
