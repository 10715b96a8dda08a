package ratelimit_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/inspecthook/inspecthook/ratelimit"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("fd00::/8"),
	}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string // one entry per X-Forwarded-For header
		want    string
	}{
		// The peer alone.
		{"IPv4", nil, "192.0.2.1:4711", nil, "192.0.2.1"},
		{"IPv6", nil, "[2001:db8::1]:4711", nil, "2001:db8::1"},
		{"IPv6 loopback", nil, "[::1]:80", nil, "::1"},
		{"IPv6 written long", nil, "[2001:0db8:0000::0001]:80", nil, "2001:db8::1"},
		{"IPv6 with zone", nil, "[fe80::1%eth0]:80", nil, "fe80::1"},
		{"IPv4-mapped IPv6", nil, "[::ffff:192.0.2.1]:80", nil, "192.0.2.1"},
		{"IPv4 without port", nil, "192.0.2.1", nil, "192.0.2.1"},
		{"IPv6 without port", nil, "2001:db8::1", nil, "2001:db8::1"},
		{"bracketed IPv6 without port", nil, "[2001:db8::1]", nil, "2001:db8::1"},
		{"not an address", nil, "@", nil, "@"},
		{"host name", nil, "localhost:80", nil, "localhost:80"},
		{"bracketed IPv4", nil, "[192.0.2.1]:80", nil, "[192.0.2.1]:80"},
		{"port out of range", nil, "192.0.2.1:65536", nil, "192.0.2.1:65536"},
		{"empty port", nil, "[::1]:", nil, "[::1]:"},
		{"junk after bracket", nil, "[::1]x80", nil, "[::1]x80"},
		{"empty", nil, "", nil, ""},

		// X-Forwarded-For from a peer that is not trusted is ignored.
		{"spoofed, no trusted prefix", nil, "192.0.2.1:4711", []string{"203.0.113.9"}, "192.0.2.1"},
		{"spoofed, untrusted peer", proxies, "192.0.2.1:4711", []string{"10.0.0.1, 203.0.113.9"}, "192.0.2.1"},

		// A trusted peer: walk from the right.
		{"one proxy", proxies, "10.0.0.1:4711", []string{"203.0.113.9"}, "203.0.113.9"},
		{"proxy chain", proxies, "10.0.0.1:4711", []string{"203.0.113.9, 10.1.1.1, 10.2.2.2"}, "203.0.113.9"},
		{"client spoofs the left", proxies, "10.0.0.1:4711", []string{"198.51.100.66, 203.0.113.9, 10.2.2.2"}, "203.0.113.9"},
		{"IPv6 chain", proxies, "[fd00::1]:443", []string{"2001:db8::7, fd00::2"}, "2001:db8::7"},
		{"mixed families", proxies, "[fd00::1]:443", []string{"203.0.113.9,10.2.2.2"}, "203.0.113.9"},
		{"all hops trusted", proxies, "10.0.0.1:4711", []string{"10.3.3.3, 10.2.2.2"}, "10.3.3.3"},
		{"trusted peer, no header", proxies, "10.0.0.1:4711", nil, "10.0.0.1"},
		{"trusted peer, empty header", proxies, "10.0.0.1:4711", []string{""}, "10.0.0.1"},
		{"entries with ports", proxies, "10.0.0.1:4711", []string{"[2001:db8::7]:5555, 10.2.2.2:80"}, "2001:db8::7"},
		{"empty entries skipped", proxies, "10.0.0.1:4711", []string{" , 203.0.113.9,, 10.2.2.2 ,"}, "203.0.113.9"},
		{"tabs around entries", proxies, "10.0.0.1:4711", []string{"203.0.113.9\t,\t10.2.2.2"}, "203.0.113.9"},

		// Malformed entries stop the walk at the last good address.
		{"malformed last entry", proxies, "10.0.0.1:4711", []string{"203.0.113.9, unknown"}, "10.0.0.1"},
		{"malformed behind proxies", proxies, "10.0.0.1:4711", []string{"203.0.113.9, _hidden, 10.2.2.2"}, "10.2.2.2"},
		{"malformed behind the client", proxies, "10.0.0.1:4711", []string{"garbage, 203.0.113.9, 10.2.2.2"}, "203.0.113.9"},
		{"IPv4 in brackets", proxies, "10.0.0.1:4711", []string{"[203.0.113.9]"}, "10.0.0.1"},
		{"bad port", proxies, "10.0.0.1:4711", []string{"203.0.113.9:http"}, "10.0.0.1"},
		{"unbracketed IPv6 with port", proxies, "10.0.0.1:4711", []string{"2001:db8::7:5555"}, "2001:db8::7:5555"},
		{"address with a mask", proxies, "10.0.0.1:4711", []string{"203.0.113.0/24"}, "10.0.0.1"},

		// Several headers are one list, in order.
		{"several headers", proxies, "10.0.0.1:4711", []string{"203.0.113.9", "10.1.1.1", "10.2.2.2"}, "203.0.113.9"},
		{"several headers, client in the middle", proxies, "10.0.0.1:4711", []string{"198.51.100.66", "203.0.113.9, 10.1.1.1", "10.2.2.2"}, "203.0.113.9"},
		{"several headers, all trusted", proxies, "10.0.0.1:4711", []string{"10.9.9.9, 10.8.8.8", "10.2.2.2"}, "10.9.9.9"},
		{"several headers, malformed one", proxies, "10.0.0.1:4711", []string{"203.0.113.9", "nope", "10.2.2.2"}, "10.2.2.2"},

		// Prefixes are normalised.
		{"unmasked prefix", []netip.Prefix{netip.MustParsePrefix("10.1.2.3/8")}, "10.0.0.1:1", []string{"203.0.113.9"}, "203.0.113.9"},
		{"IPv4-mapped prefix", []netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")}, "10.0.0.1:1", []string{"203.0.113.9"}, "203.0.113.9"},
		{"single host prefix", []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}, "10.0.0.1:1", []string{"10.0.0.2"}, "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			before := r.Header.Clone()
			assert.Equal(t, tt.want, ratelimit.ClientIP(tt.trusted...)(r))
			assert.Equal(t, before, r.Header, "the request is not changed")
		})
	}
}

// Whatever the headers hold, the bucket is the RemoteAddr as given or a canonical address.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:4711", "203.0.113.9, 10.2.2.2")
	f.Add("[fd00::1]:443", "[2001:db8::7]:5555,, fd00::2")
	f.Add("10.0.0.1", "unknown, 10.0.0.2:99999")
	f.Add("[10.0.0.1]:1", "[")
	bucketOf := ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"))
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := bucketOf(r)
		if got == remote {
			return
		}
		addr, err := netip.ParseAddr(got)
		if err != nil || addr.String() != got || addr.Zone() != "" || addr.Is4In6() {
			t.Fatalf("bucket %q from RemoteAddr %q and X-Forwarded-For %q", got, remote, xff)
		}
	})
}

func TestClientIPInvalidPrefix(t *testing.T) {
	assert.PanicsWithValue(t, "ratelimit: invalid trusted prefix invalid Prefix", func() {
		ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8"), netip.Prefix{})
	})
}

func TestGlobal(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	assert.Equal(t, "", ratelimit.Global(r))
}
