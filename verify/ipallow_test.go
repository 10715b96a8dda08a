package verify_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/internal/clientip"
	"github.com/inspecthook/inspecthook/verify"
)

func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		p, err := netip.ParsePrefix(s)
		require.NoError(t, err)
		out[i] = p
	}
	return out
}

func TestIPAllowlist(t *testing.T) {
	cfg := verify.IPAllowlistConfig{
		Allow:          prefixes(t, "192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"),
		TrustedProxies: prefixes(t, "10.0.0.0/8"),
	}
	v, err := verify.NewIPAllowlist(cfg)
	require.NoError(t, err)
	trusted, err := clientip.Prefixes(cfg.TrustedProxies)
	require.NoError(t, err)

	tests := []struct {
		name   string
		remote string
		xff    []string
		want   error
	}{
		{"allowed", "192.0.2.1:1234", nil, nil},
		{"allowed, no port", "192.0.2.200", nil, nil},
		{"allowed IPv6", "[2001:db8::1]:443", nil, nil},
		{"allowed IPv6 with a zone", "[2001:db8::1%eth0]:443", nil, nil},
		{"IPv4-mapped IPv6", "[::ffff:192.0.2.9]:80", nil, nil},
		{"single address", "198.51.100.7:1", nil, nil},
		{"next to the single address", "198.51.100.8:1", nil, verify.ErrInvalid},
		{"elsewhere", "203.0.113.5:1", nil, verify.ErrInvalid},
		{"elsewhere IPv6", "[2001:db9::1]:1", nil, verify.ErrInvalid},
		{"X-Forwarded-For from an untrusted peer is ignored", "203.0.113.5:1", []string{"192.0.2.1"}, verify.ErrInvalid},
		{"through a trusted proxy", "10.0.0.1:1", []string{"192.0.2.1"}, nil},
		{"through two trusted proxies", "10.0.0.1:1", []string{"192.0.2.1, 10.0.0.2"}, nil},
		{"through a trusted proxy, several headers", "10.0.0.1:1", []string{"203.0.113.5", "192.0.2.1"}, nil},
		{"through a trusted proxy, spoofed on the left", "10.0.0.1:1", []string{"192.0.2.1, 203.0.113.5"}, verify.ErrInvalid},
		{"through a trusted proxy from elsewhere", "10.0.0.1:1", []string{"203.0.113.5"}, verify.ErrInvalid},
		{"the proxy itself", "10.0.0.1:1", nil, verify.ErrInvalid},
		{"no RemoteAddr", "", nil, verify.ErrMalformed},
		{"RemoteAddr not an address", "example.com:80", nil, verify.ErrMalformed},
		{"RemoteAddr with a bad port", "192.0.2.1:http", nil, verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/webhooks", nil)
			r.RemoteAddr = tt.remote
			for _, x := range tt.xff {
				r.Header.Add("X-Forwarded-For", x)
			}
			err := v.Verify(r, nil)
			checkErr(t, tt.want, err)

			// The decision is about the address ratelimit.ClientIP keys on.
			if addr, ok := clientip.Addr(r, trusted); ok {
				assert.Equal(t, err == nil, clientip.Contains(prefixes(t, "192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"), addr))
			}
		})
	}
	t.Run("httptest requests come from 192.0.2.1", func(t *testing.T) {
		assert.NoError(t, v.Verify(httptest.NewRequest(http.MethodPost, "/", nil), nil))
	})
}

func TestIPAllowlistConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  verify.IPAllowlistConfig
	}{
		{"no prefixes", verify.IPAllowlistConfig{}},
		{"empty prefixes", verify.IPAllowlistConfig{Allow: []netip.Prefix{}}},
		{"zero prefix", verify.IPAllowlistConfig{Allow: []netip.Prefix{{}}}},
		{"zero trusted prefix", verify.IPAllowlistConfig{Allow: prefixes(t, "192.0.2.0/24"), TrustedProxies: []netip.Prefix{{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := verify.NewIPAllowlist(tt.cfg)
			assert.ErrorIs(t, err, verify.ErrConfig)
			assert.Nil(t, v)
		})
	}

	v, err := verify.NewIPAllowlist(verify.IPAllowlistConfig{
		Allow:          prefixes(t, "192.0.2.77/24", "::ffff:198.51.100.0/120"),
		TrustedProxies: prefixes(t, "10.1.2.3/8"),
	})
	require.NoError(t, err)
	assert.Equal(t, "ip-allowlist(192.0.2.0/24 198.51.100.0/24, trusted 10.0.0.0/8)", v.String(), "prefixes are masked and unmapped")
	assert.Equal(t, v.String(), v.GoString())
	assert.False(t, verify.NeedsBody(v))
	_, signs := verify.Verifier(v).(verify.Signer)
	assert.False(t, signs, "an address cannot be signed")
}
