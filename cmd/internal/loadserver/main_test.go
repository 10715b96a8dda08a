package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/verify"
)

func TestLoadServer(t *testing.T) {
	body, err := fs.ReadFile(inspecthook.Fixtures(), fixture)
	require.NoError(t, err)
	auth, err := verify.NewHMAC(verify.SafetyCulture(secret))
	require.NoError(t, err)
	sig := auth.Signature("", body)

	for _, mode := range []string{"bare", "full"} {
		t.Run(mode, func(t *testing.T) {
			lua := filepath.Join(t.TempDir(), "sc.lua")
			ctx, cancel := context.WithCancel(t.Context())
			ready := make(chan string, 1)
			var out bytes.Buffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, &out, options{mode: mode, addr: "127.0.0.1:0", duration: time.Minute, lua: lua, keyHeader: "Webhook-Id"}, ready)
			}()
			url := <-ready

			send := func(key string) (int, string) {
				r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				require.NoError(t, err)
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("X-Safetyculture-Signature", sig)
				r.Header.Set("Webhook-Id", key)
				r.Header.Set(apiKeyHeader, apiKey)
				res, err := http.DefaultClient.Do(r)
				require.NoError(t, err)
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				require.NoError(t, err)
				return res.StatusCode, string(b)
			}
			status, answer := send("evt-1")
			assert.Equal(t, http.StatusOK, status)
			status2, answer2 := send("evt-2")
			assert.Equal(t, http.StatusOK, status2)
			if mode == "full" {
				assert.Equal(t, "ok\n", answer, "a new event")
				assert.Equal(t, "ok\n", answer2, "a new key: a new event")
				_, again := send("evt-1")
				assert.Equal(t, "ok: already received\n", again)
			}

			cancel()
			require.NoError(t, <-done)
			assert.Contains(t, out.String(), sig)
			assert.Contains(t, out.String(), "loadserver: stopped after")
			if mode == "full" {
				assert.Contains(t, out.String(), "3 requests, 200: 3, duplicates: 1")
			} else {
				assert.Contains(t, out.String(), "2 requests, 200: 2, duplicates: 0")
			}
			script, err := os.ReadFile(lua)
			require.NoError(t, err)
			assert.True(t, strings.Contains(string(script), string(body)), "the body, as signed")
			assert.Contains(t, string(script), sig)
			assert.Contains(t, string(script), `wrk.headers["Webhook-Id"] = prefix .. counter`)
			assert.Contains(t, string(script), `wrk.headers["X-Load-Key"] = "loadserver-key"`)
		})
	}
}

func TestLoadServerStopsByItself(t *testing.T) {
	var out bytes.Buffer
	start := time.Now()
	require.NoError(t, run(t.Context(), &out, options{mode: "bare", addr: "127.0.0.1:0", duration: 50 * time.Millisecond, keyHeader: "Webhook-Id"}, nil))
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Error(t, run(t.Context(), &out, options{mode: "other", addr: "127.0.0.1:0"}, nil))
}
