package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const testSecret = "sc-test-secret-4b1e"

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    config
		wantErr error
		naming  string // the variable the error must name
	}{
		{
			name: "defaults",
			env:  map[string]string{"SC_WEBHOOK_SECRET": "s"},
			want: config{addr: defaultAddr, secret: "s", rate: defaultRate, burst: defaultBurst},
		},
		{
			name: "everything set",
			env:  map[string]string{"SC_WEBHOOK_SECRET": "s", "ADDR": ":9000", "RATE_LIMIT": "2.5", "RATE_BURST": "7"},
			want: config{addr: ":9000", secret: "s", rate: 2.5, burst: 7},
		},
		{
			name: "rate limit off",
			env:  map[string]string{"SC_WEBHOOK_SECRET": "s", "RATE_LIMIT": "off"},
			want: config{addr: defaultAddr, secret: "s", rate: 0, burst: defaultBurst},
		},
		{name: "no secret", env: map[string]string{"ADDR": ":9000"}, wantErr: errMissingEnv, naming: "SC_WEBHOOK_SECRET"},
		{name: "rate not a number", env: map[string]string{"SC_WEBHOOK_SECRET": "s", "RATE_LIMIT": "fast"}, wantErr: errInvalidEnv, naming: "RATE_LIMIT"},
		{name: "rate zero", env: map[string]string{"SC_WEBHOOK_SECRET": "s", "RATE_LIMIT": "0"}, wantErr: errInvalidEnv, naming: "RATE_LIMIT"},
		{name: "burst zero", env: map[string]string{"SC_WEBHOOK_SECRET": "s", "RATE_BURST": "0"}, wantErr: errInvalidEnv, naming: "RATE_BURST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadConfig(mapEnv(tt.env))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), tt.naming, "the error names the variable to set")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRunRefusesToStartWithoutSecret(t *testing.T) {
	ready := make(chan string, 1)
	err := run(t.Context(), mapEnv(map[string]string{"ADDR": "127.0.0.1:0"}), io.Discard, ready)
	require.ErrorIs(t, err, errMissingEnv)
	assert.Empty(t, ready, "nothing listened")
}

func TestReplayEveryFixture(t *testing.T) {
	url, logs := start(t, map[string]string{"SC_WEBHOOK_SECRET": testSecret, "RATE_LIMIT": "off"})
	signer := hmacSigner(t, testSecret)

	for _, f := range webhooktest.Fixtures(t, safetyculture.Name) {
		t.Run(f.File, func(t *testing.T) {
			status, _ := send(t, url, webhooktest.Body(t, f), signer)
			assert.Equal(t, webhooktest.WantStatus(f), status, "%s (%s)", f.File, f.Kind)
		})
	}
	t.Run("wrong signature", func(t *testing.T) {
		f := webhooktest.Fixture(t, safetyculture.Name, "newer_action_deleted.json")
		status, _ := send(t, url, webhooktest.Body(t, f), hmacSigner(t, "not-the-secret"))
		assert.Equal(t, http.StatusUnauthorized, status)
	})

	lines := logLines(t, logs)
	tests := []struct {
		name string
		want map[string]any // fields one log line must have
	}{
		{"legacy inspection completed", map[string]any{
			"msg": "safetyculture event", "type": safetyculture.InspectionCompleted.Name(),
			"inspection_id": "audit_7e9ee886325a4fb096989c3e2896e876", "name": "000027 / 29 Jun 2017 / John Smith",
		}},
		{"action status updated", map[string]any{
			"msg": "safetyculture event", "type": safetyculture.ActionStatusUpdated.Name(),
			"action_id": "d6658a5a-6154-4802-b1f3-953a67e492c6", "title": "Replace expired fire extinguisher in loading bay",
		}},
		{"known event without a handler", map[string]any{
			"msg": "safetyculture event not handled", "type": safetyculture.IncidentCreated.Name(), "known": true,
		}},
		{"unknown event", map[string]any{
			"msg": "safetyculture event not handled", "type": "TRIGGER_EVENT_TRAINING_CERTIFICATE_ISSUED", "known": false,
		}},
		{"wrong signature", map[string]any{"msg": "webhook delivery", "status": float64(401), "stage": "verify"}},
	}
	for _, tt := range tests {
		t.Run("log/"+tt.name, func(t *testing.T) {
			assert.True(t, hasLine(lines, tt.want), "no log line with %v", tt.want)
		})
	}
}

func TestRateLimit(t *testing.T) {
	// One delivery per 100 s per client IP after a burst of 2: the third is refused whatever
	// the machine's speed.
	url, logs := start(t, map[string]string{"SC_WEBHOOK_SECRET": testSecret, "RATE_LIMIT": "0.01", "RATE_BURST": "2"})
	signer := hmacSigner(t, testSecret)
	body := webhooktest.Body(t, webhooktest.Fixture(t, safetyculture.Name, "newer_action_created.json"))

	var statuses []int
	var retryAfter string
	for range 3 {
		status, h := send(t, url, body, signer)
		statuses = append(statuses, status)
		retryAfter = h.Get("Retry-After")
	}
	assert.Equal(t, []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests}, statuses)
	assert.NotEmpty(t, retryAfter)

	handled := 0
	for _, l := range logLines(t, logs) {
		if l["msg"] == "safetyculture event" {
			handled++
		}
	}
	assert.Equal(t, 1, handled, "the second delivery is a duplicate, the third never reaches the handler")
}

// start runs the program with env (ADDR defaults to 127.0.0.1:0) until the test ends, and
// returns the webhook URL and the log output.
func start(t *testing.T, env map[string]string) (url string, logs *syncBuffer) {
	t.Helper()
	if _, ok := env["ADDR"]; !ok {
		env["ADDR"] = "127.0.0.1:0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, mapEnv(env), logs, ready) }()

	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			assert.NoError(t, <-done, "run returns nil after a graceful shutdown")
		})
		return "http://" + addr + "/webhooks/safetyculture", logs
	case err := <-done:
		cancel()
		t.Fatalf("run returned before listening: %v", err)
	case <-time.After(10 * time.Second): // a watchdog, not a wait: ready normally comes at once
		cancel()
		t.Fatal("run did not listen within 10 s")
	}
	return "", nil
}

func send(t *testing.T, url string, body []byte, signer verify.Signer) (int, http.Header) {
	t.Helper()
	resp, err := webhooktest.Send(t.Context(), nil, url, body, signer)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

func hmacSigner(t *testing.T, secret string) verify.Signer {
	t.Helper()
	s, err := verify.NewHMAC(verify.SafetyCulture(secret))
	require.NoError(t, err)
	return s
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// logLines decodes the JSON log lines written so far.
func logLines(t *testing.T, logs *syncBuffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var l map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), "log line %s", sc.Text())
		lines = append(lines, l)
	}
	return lines
}

func hasLine(lines []map[string]any, want map[string]any) bool {
	for _, l := range lines {
		ok := true
		for k, v := range want {
			if l[k] != v {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// syncBuffer is a bytes.Buffer the server's goroutines and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
