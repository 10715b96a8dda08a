package verify_test

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func mustStandard(t *testing.T, cfg verify.StandardWebhooksConfig) *verify.StandardWebhooks {
	t.Helper()
	v, err := verify.NewStandardWebhooks(cfg)
	require.NoError(t, err)
	return v
}

func TestStandardWebhooksVectors(t *testing.T) {
	for _, vec := range loadVectors(t, "standard") {
		secret, id, ts, b, want := vec[0], vec[1], vec[2], unb64(t, vec[3]), vec[4]
		t.Run(id, func(t *testing.T) {
			sec, err := strconv.ParseInt(ts, 10, 64)
			require.NoError(t, err)
			when := time.Unix(sec, 0)
			v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{secret}, Now: at(when)})
			assert.Equal(t, want, v.Signature(id, when, b))
			h := hdr("webhook-id", id, "webhook-timestamp", ts, "webhook-signature", want)
			assert.NoError(t, v.Verify(request(h), b))

			// The same key given as raw bytes, and the secret without its prefix.
			key, err := verify.ParseStandardSecret(secret)
			require.NoError(t, err)
			raw := mustStandard(t, verify.StandardWebhooksConfig{Keys: [][]byte{key}, Now: at(when)})
			assert.NoError(t, raw.Verify(request(h), b))
			bare := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{strings.TrimPrefix(secret, "whsec_")}, Now: at(when)})
			assert.NoError(t, bare.Verify(request(h), b))
		})
	}
}

func TestStandardWebhooksSignatureList(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0)})
	good := http.Header{}
	require.NoError(t, v.Sign(request(good), body))
	sig := good.Get("webhook-signature")
	other := "v1," + base64.StdEncoding.EncodeToString(make([]byte, 32))

	tests := []struct {
		name string
		sigs string
		want error
	}{
		{"alone", sig, nil},
		{"after another v1", other + " " + sig, nil},
		{"before another v1", sig + " " + other, nil},
		{"beside unknown versions", "v1a,c29tZXRoaW5n v2,abc " + sig, nil},
		{"extra spaces", "  " + sig + "   " + other + " ", nil},
		{"only unknown versions", "v1a,c29tZXRoaW5n v2," + strings.TrimPrefix(sig, "v1,"), verify.ErrMalformed},
		{"no comma", strings.Replace(sig, ",", "", 1), verify.ErrMalformed},
		{"bad base64", "v1,***", verify.ErrMalformed},
		{"wrong length", "v1," + base64.StdEncoding.EncodeToString([]byte("short")), verify.ErrMalformed},
		{"only a wrong v1", other, verify.ErrInvalid},
		{"version in upper case", "V1," + strings.TrimPrefix(sig, "v1,"), verify.ErrMalformed},
		{"10 KB", strings.Repeat(other+" ", 10<<10/len(other)+1), verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(request(with(good, "webhook-signature", tt.sigs)), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestStandardWebhooksRejects(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0)})
	good := hdr("webhook-id", "msg_1")
	require.NoError(t, v.Sign(request(good), body))
	require.Equal(t, "msg_1", good.Get("webhook-id"), "Sign keeps a given id")
	flipped := append([]byte(nil), body...)
	flipped[0] ^= 0x20
	repeated := good.Clone()
	repeated.Add("webhook-signature", good.Get("webhook-signature"))

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"no id", with(good, "webhook-id", "<nil>"), body, verify.ErrMissing},
		{"no timestamp", with(good, "webhook-timestamp", "<nil>"), body, verify.ErrMissing},
		{"no signature", with(good, "webhook-signature", "<nil>"), body, verify.ErrMissing},
		{"empty signature", with(good, "webhook-signature", ""), body, verify.ErrMalformed},
		{"timestamp in milliseconds", with(good, "webhook-timestamp", strconv.FormatInt(t0.UnixMilli(), 10)), body, verify.ErrTooNew},
		{"timestamp not a number", with(good, "webhook-timestamp", "2026-11-23T12:00:00Z"), body, verify.ErrMalformed},
		{"id changed", with(good, "webhook-id", "msg_2"), body, verify.ErrInvalid},
		{"timestamp changed", with(good, "webhook-timestamp", strconv.FormatInt(t0.Unix()-1, 10)), body, verify.ErrInvalid},
		{"flipped body byte", good, flipped, verify.ErrInvalid},
		{"truncated body", good, body[:len(body)-1], verify.ErrInvalid},
		{"signature header repeated", repeated, body, verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, v.Verify(request(tt.header), tt.body), tt.want)
		})
	}
}

func TestStandardWebhooksTolerance(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0)})
	tests := []struct {
		name string
		skew time.Duration
		want error
	}{
		{"old at the boundary", -5 * time.Minute, nil},
		{"one second too old", -5*time.Minute - time.Second, verify.ErrTooOld},
		{"new at the boundary", 5 * time.Minute, nil},
		{"one second too new", 5*time.Minute + time.Second, verify.ErrTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0.Add(tt.skew))})
			h := http.Header{}
			require.NoError(t, s.Sign(request(h), body))
			err := v.Verify(request(h), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
	t.Run("configurable", func(t *testing.T) {
		wide := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Tolerance: time.Hour, Now: at(t0)})
		s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0.Add(-59 * time.Minute))})
		h := http.Header{}
		require.NoError(t, s.Sign(request(h), body))
		assert.NoError(t, wide.Verify(request(h), body))
		assert.ErrorIs(t, v.Verify(request(h), body), verify.ErrTooOld)
	})
}

func TestStandardWebhooksRotation(t *testing.T) {
	oldKey, newKey, third := []byte("old key bytes"), []byte("new key bytes"), []byte("third key bytes")
	v := mustStandard(t, verify.StandardWebhooksConfig{
		Secrets: []string{"whsec_" + base64.StdEncoding.EncodeToString(oldKey)},
		Keys:    [][]byte{newKey},
		Now:     at(t0),
	})
	tests := []struct {
		name string
		key  []byte
		want error
	}{
		{"old", oldKey, nil},
		{"new", newKey, nil},
		{"third", third, verify.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			require.NoError(t, mustStandard(t, verify.StandardWebhooksConfig{Keys: [][]byte{tt.key}, Now: at(t0)}).Sign(request(h), body))
			err := v.Verify(request(h), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
	t.Run("a rotating sender signs with both", func(t *testing.T) {
		h := http.Header{}
		require.NoError(t, v.Sign(request(h), body))
		assert.Len(t, strings.Fields(h.Get("webhook-signature")), 2)
		only := mustStandard(t, verify.StandardWebhooksConfig{Keys: [][]byte{newKey}, Now: at(t0)})
		assert.NoError(t, only.Verify(request(h), body))
	})
}

func TestStandardWebhooksSignGeneratesIDs(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0)})
	a, b := http.Header{}, http.Header{}
	require.NoError(t, v.Sign(request(a), body))
	require.NoError(t, v.Sign(request(b), body))
	assert.True(t, strings.HasPrefix(a.Get("webhook-id"), "msg_"))
	assert.NotEqual(t, a.Get("webhook-id"), b.Get("webhook-id"))
	assert.Equal(t, strconv.FormatInt(t0.Unix(), 10), a.Get("webhook-timestamp"))
}

func TestNewStandardWebhooksConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  verify.StandardWebhooksConfig
	}{
		{"no secret", verify.StandardWebhooksConfig{}},
		{"empty secret", verify.StandardWebhooksConfig{Secrets: []string{""}}},
		{"prefix only", verify.StandardWebhooksConfig{Secrets: []string{"whsec_"}}},
		{"not base64", verify.StandardWebhooksConfig{Secrets: []string{"whsec_not*base64"}}},
		{"empty key", verify.StandardWebhooksConfig{Keys: [][]byte{{}}}},
		{"negative tolerance", verify.StandardWebhooksConfig{Secrets: []string{whsec}, Tolerance: -time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verify.NewStandardWebhooks(tt.cfg)
			assert.ErrorIs(t, err, verify.ErrConfig)
		})
	}
}
