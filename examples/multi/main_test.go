package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// testEnv holds every credential multi requires.
var testEnv = map[string]string{
	"RECORD360_USERNAME":        "r360-user",
	"RECORD360_PASSWORD":        "r360-password-31c9",
	"RECORD360_ACCOUNT_ID":      "acct-20417",
	"SC_WEBHOOK_SECRET":         "sc-secret-8d2f",
	"INSPECTORIO_USERNAME":      "sight-user",
	"INSPECTORIO_PASSWORD":      "sight-password-5a77",
	"VEHREPORTS_WEBHOOK_SECRET": "vr-secret-e03b",
}

// with returns testEnv with the given changes; an empty value removes a variable.
func with(changes map[string]string) map[string]string {
	env := maps.Clone(testEnv)
	for k, v := range changes {
		if v == "" {
			delete(env, k)
		} else {
			env[k] = v
		}
	}
	return env
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, cfg config)
		wantErr error
		naming  []string // the variables the error must name
	}{
		{
			name: "defaults",
			env:  testEnv,
			check: func(t *testing.T, cfg config) {
				assert.Equal(t, defaultAddr, cfg.addr)
				assert.EqualValues(t, defaultRate, cfg.rate)
				assert.Equal(t, defaultBurst, cfg.burst)
				assert.Empty(t, cfg.trustedProxies)
				assert.Equal(t, "acct-20417", cfg.record360AccountID)
				assert.Equal(t, "vr-secret-e03b", cfg.vehReportsSecret)
			},
		},
		{
			name: "limits and proxies",
			env:  with(map[string]string{"RATE_LIMIT": "off", "RATE_BURST": "5", "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7/32"}),
			check: func(t *testing.T, cfg config) {
				assert.Zero(t, cfg.rate)
				assert.Equal(t, 5, cfg.burst)
				assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}, cfg.trustedProxies)
			},
		},
		{
			name:    "nothing set names every credential",
			env:     map[string]string{},
			wantErr: errMissingEnv,
			naming: []string{"RECORD360_USERNAME", "RECORD360_PASSWORD", "RECORD360_ACCOUNT_ID", "SC_WEBHOOK_SECRET",
				"INSPECTORIO_USERNAME", "INSPECTORIO_PASSWORD", "VEHREPORTS_WEBHOOK_SECRET"},
		},
		{
			name:    "one credential missing",
			env:     with(map[string]string{"RECORD360_ACCOUNT_ID": ""}),
			wantErr: errMissingEnv,
			naming:  []string{"RECORD360_ACCOUNT_ID"},
		},
		{name: "bad rate", env: with(map[string]string{"RATE_LIMIT": "-1"}), wantErr: errInvalidEnv, naming: []string{"RATE_LIMIT"}},
		{name: "bad burst", env: with(map[string]string{"RATE_BURST": "many"}), wantErr: errInvalidEnv, naming: []string{"RATE_BURST"}},
		{name: "bad proxy", env: with(map[string]string{"TRUSTED_PROXIES": "10.0.0.1"}), wantErr: errInvalidEnv, naming: []string{"TRUSTED_PROXIES"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadConfig(mapEnv(tt.env))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				for _, name := range tt.naming {
					assert.Contains(t, err.Error(), name, "the error names the variable to set")
				}
				return
			}
			require.NoError(t, err)
			tt.check(t, cfg)
		})
	}
}

func TestReplayEveryFixture(t *testing.T) {
	base, logs := start(t, with(map[string]string{"RATE_LIMIT": "off"}))
	signers := providerSigners(t, testEnv)

	for _, p := range []string{record360.Name, safetyculture.Name, inspectorio.Name, vehreports.Name} {
		for _, f := range webhooktest.Fixtures(t, p) {
			t.Run(f.File, func(t *testing.T) {
				status, _ := send(t, base+"/webhooks/"+p, webhooktest.Body(t, f), signers[p])
				assert.Equal(t, webhooktest.WantStatus(f), status, "%s (%s)", f.File, f.Kind)
			})
		}
	}

	wrong := providerSigners(t, map[string]string{
		"RECORD360_USERNAME":        testEnv["RECORD360_USERNAME"],
		"RECORD360_PASSWORD":        testEnv["RECORD360_PASSWORD"],
		"RECORD360_ACCOUNT_ID":      "someone-elses-account", // right Basic credentials, wrong account
		"SC_WEBHOOK_SECRET":         "not-the-secret",
		"INSPECTORIO_USERNAME":      testEnv["INSPECTORIO_USERNAME"],
		"INSPECTORIO_PASSWORD":      "not-the-password",
		"VEHREPORTS_WEBHOOK_SECRET": "not-the-secret",
	})
	unauthorized := []struct {
		name     string
		provider string
		fixture  string
		signer   verify.Signer
	}{
		{"record360 wrong account id", record360.Name, "v3_task_completed.json", wrong[record360.Name]},
		{"record360 unsigned", record360.Name, "v3_task_completed.json", nil},
		{"safetyculture wrong secret", safetyculture.Name, "newer_action_created.json", wrong[safetyculture.Name]},
		{"inspectorio wrong password", inspectorio.Name, "sight_report_created.json", wrong[inspectorio.Name]},
		{"vehreports wrong secret", vehreports.Name, "report_completed.json", wrong[vehreports.Name]},
		{"another provider's credentials", vehreports.Name, "report_completed.json", signers[safetyculture.Name]},
	}
	for _, tt := range unauthorized {
		t.Run(tt.name, func(t *testing.T) {
			body := webhooktest.Body(t, webhooktest.Fixture(t, tt.provider, tt.fixture))
			status, _ := send(t, base+"/webhooks/"+tt.provider, body, tt.signer)
			assert.Equal(t, http.StatusUnauthorized, status)
		})
	}

	lines := logLines(t, logs)
	handled := []struct {
		name string
		want map[string]any // fields one log line must have
	}{
		{"record360 inspection", map[string]any{
			"msg": "event", "provider": record360.Name, "type": "inspection.created",
			"inspection_id": "430", "unit": "WMWRF33519TW73378",
		}},
		{"record360 v3 task", map[string]any{
			"msg": "event", "provider": record360.Name, "type": "task.completed", "task_id": "397691", "unit": "89N5J6",
		}},
		{"record360 v1 transaction", map[string]any{
			"msg": "event", "provider": record360.Name, "type": "v1/transaction.create", "transaction_id": "40849",
		}},
		{"safetyculture inspection", map[string]any{
			"msg": "event", "provider": safetyculture.Name, "type": "TRIGGER_EVENT_INSPECTION_COMPLETED",
			"inspection_id": "audit_7e9ee886325a4fb096989c3e2896e876",
		}},
		{"inspectorio report", map[string]any{
			"msg": "event", "provider": inspectorio.Name, "type": "report.created",
			"message_id": "wh-638ce960-1231-11e9-a15d-d1c47c8f7593", "report_id": "12301",
		}},
		{"vehreports report", map[string]any{
			"msg": "event", "provider": vehreports.Name, "type": "report.completed",
			"report": "VR-2025-004127", "registration": "LB21 XKT",
		}},
		{"vehreports known event without a handler", map[string]any{
			"msg": "event not handled", "provider": vehreports.Name, "type": "payment.failed", "known": true,
		}},
		{"inspectorio unknown event", map[string]any{
			"msg": "event not handled", "provider": inspectorio.Name, "type": "inspection.updated", "known": false,
		}},
	}
	for _, tt := range handled {
		t.Run("log/"+tt.name, func(t *testing.T) {
			assert.True(t, hasLine(lines, tt.want), "no log line with %v", tt.want)
		})
	}
}

func TestRateLimitIsPerProvider(t *testing.T) {
	// One delivery per 100 s per client IP and provider: the second delivery to a route is
	// refused whatever the machine's speed, and another route still has its token.
	base, _ := start(t, with(map[string]string{"RATE_LIMIT": "0.01", "RATE_BURST": "1"}))
	signers := providerSigners(t, testEnv)
	deliver := func(provider, file string) (int, http.Header) {
		body := webhooktest.Body(t, webhooktest.Fixture(t, provider, file))
		return send(t, base+"/webhooks/"+provider, body, signers[provider])
	}

	status, _ := deliver(safetyculture.Name, "newer_action_created.json")
	assert.Equal(t, http.StatusOK, status)
	status, h := deliver(safetyculture.Name, "newer_action_deleted.json")
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.NotEmpty(t, h.Get("Retry-After"))
	status, _ = deliver(vehreports.Name, "report_completed.json")
	assert.Equal(t, http.StatusOK, status, "vehReports has a bucket of its own")
}

func TestRoutes(t *testing.T) {
	base, _ := start(t, testEnv)
	tests := []struct {
		name   string
		method string
		path   string
		want   int
	}{
		{"GET on a webhook route", http.MethodGet, "/webhooks/record360", http.StatusMethodNotAllowed},
		{"unknown provider", http.MethodPost, "/webhooks/other", http.StatusNotFound},
		{"root", http.MethodGet, "/", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, base+tt.path, strings.NewReader("{}"))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
}

// providerSigners returns, for each provider, the signer that sends env's credentials as the
// provider does.
func providerSigners(t *testing.T, env map[string]string) map[string]verify.Signer {
	t.Helper()
	cfg, err := loadConfig(mapEnv(env))
	require.NoError(t, err)
	signers := map[string]verify.Signer{}
	for _, m := range mounts(cfg) {
		v, err := m.auth()
		require.NoError(t, err)
		s, ok := v.(verify.Signer)
		require.True(t, ok, "%s: %T is not a Signer", m.name, v)
		signers[m.name] = s
	}
	return signers
}

// start runs the program with env on 127.0.0.1:0 until the test ends, and returns its base URL
// and log output.
func start(t *testing.T, env map[string]string) (base string, logs *syncBuffer) {
	t.Helper()
	env = maps.Clone(env)
	env["ADDR"] = "127.0.0.1:0"
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
		return "http://" + addr, logs
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
