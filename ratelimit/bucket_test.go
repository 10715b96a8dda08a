package ratelimit_test

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strconv"
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
		{"IPv6", nil, "[2001:db8::1]:4711", nil, "2001:db8::/64"},
		{"IPv6 loopback", nil, "[::1]:80", nil, "::/64"},
		{"IPv6 written long", nil, "[2001:0db8:0000:0001:0000::0001]:80", nil, "2001:db8:0:1::/64"},
		{"IPv6 with zone", nil, "[fe80::1%eth0]:80", nil, "fe80::/64"},
		{"IPv4-mapped IPv6", nil, "[::ffff:192.0.2.1]:80", nil, "192.0.2.1"},
		{"IPv4 without port", nil, "192.0.2.1", nil, "192.0.2.1"},
		{"IPv6 without port", nil, "2001:db8::1", nil, "2001:db8::/64"},
		{"bracketed IPv6 without port", nil, "[2001:db8::1]", nil, "2001:db8::/64"},
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
		{"IPv6 chain", proxies, "[fd00::1]:443", []string{"2001:db8:0:9:a::7, fd00::2"}, "2001:db8:0:9::/64"},
		{"mixed families", proxies, "[fd00::1]:443", []string{"203.0.113.9,10.2.2.2"}, "203.0.113.9"},
		{"all hops trusted", proxies, "10.0.0.1:4711", []string{"10.3.3.3, 10.2.2.2"}, "10.3.3.3"},
		{"trusted peer, no header", proxies, "10.0.0.1:4711", nil, "10.0.0.1"},
		{"trusted peer, empty header", proxies, "10.0.0.1:4711", []string{""}, "10.0.0.1"},
		{"entries with ports", proxies, "10.0.0.1:4711", []string{"[2001:db8::7]:5555, 10.2.2.2:80"}, "2001:db8::/64"},
		{"empty entries skipped", proxies, "10.0.0.1:4711", []string{" , 203.0.113.9,, 10.2.2.2 ,"}, "203.0.113.9"},
		{"tabs around entries", proxies, "10.0.0.1:4711", []string{"203.0.113.9\t,\t10.2.2.2"}, "203.0.113.9"},

		// Malformed entries stop the walk at the last good address.
		{"malformed last entry", proxies, "10.0.0.1:4711", []string{"203.0.113.9, unknown"}, "10.0.0.1"},
		{"malformed behind proxies", proxies, "10.0.0.1:4711", []string{"203.0.113.9, _hidden, 10.2.2.2"}, "10.2.2.2"},
		{"malformed behind the client", proxies, "10.0.0.1:4711", []string{"garbage, 203.0.113.9, 10.2.2.2"}, "203.0.113.9"},
		{"IPv4 in brackets", proxies, "10.0.0.1:4711", []string{"[203.0.113.9]"}, "10.0.0.1"},
		{"bad port", proxies, "10.0.0.1:4711", []string{"203.0.113.9:http"}, "10.0.0.1"},
		{"unbracketed IPv6 with port", proxies, "10.0.0.1:4711", []string{"2001:db8::7:5555"}, "2001:db8::/64"},
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

func TestClientIPv6Prefix(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("2001:db8:ffff::1/128")}
	tests := []struct {
		name    string
		bits    int
		trusted []netip.Prefix
		remote  string
		xff     string
		want    string
	}{
		{"per address", 128, nil, "[2001:db8:1:2:3:4:5:6]:1", "", "2001:db8:1:2:3:4:5:6"},
		{"per address, zone removed", 128, nil, "[fe80::1%eth0]:1", "", "fe80::1"},
		{"per address, port not taken", 128, proxy, "[2001:db8:ffff::1]:1", "2001:db8::7:5555", "2001:db8::7:5555"},
		{"/64", 64, nil, "[2001:db8:1:2:3:4:5:6]:1", "", "2001:db8:1:2::/64"},
		{"/64, another host of the network", 64, nil, "[2001:db8:1:2:ffff::9]:1", "", "2001:db8:1:2::/64"},
		{"/64, the next network", 64, nil, "[2001:db8:1:3::1]:1", "", "2001:db8:1:3::/64"},
		{"/56", 56, nil, "[2001:db8:1:2ff:3:4:5:6]:1", "", "2001:db8:1:200::/56"},
		{"/48", 48, nil, "[2001:db8:1:2:3:4:5:6]:1", "", "2001:db8:1::/48"},
		{"/127", 127, nil, "[2001:db8::7]:1", "", "2001:db8::6/127"},
		{"/1", 1, nil, "[2001:db8::1]:1", "", "::/1"},
		{"/1, upper half", 1, nil, "[fe80::1]:1", "", "8000::/1"},
		{"IPv4 stays an address", 48, nil, "192.0.2.1:1", "", "192.0.2.1"},
		{"IPv4-mapped is IPv4", 48, nil, "[::ffff:192.0.2.1]:1", "", "192.0.2.1"},
		{"not an address", 64, nil, "[2001:db8::1]x", "", "[2001:db8::1]x"},

		// Trust is decided on whole addresses: a neighbour of the trusted proxy in its /64 is a
		// client.
		{"trusted proxy", 64, proxy, "[2001:db8:ffff::1]:1", "2001:db8:9::5", "2001:db8:9::/64"},
		{"neighbour of the proxy", 64, proxy, "[2001:db8:ffff::2]:1", "2001:db8:9::5", "2001:db8:ffff::/64"},
		{"neighbour behind the proxy", 64, proxy, "[2001:db8:ffff::1]:1", "2001:db8:9::5, 2001:db8:ffff::2", "2001:db8:ffff::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			assert.Equal(t, tt.want, ratelimit.ClientIPv6Prefix(tt.bits, tt.trusted...)(r))
		})
	}
}

// ClientIP groups IPv6 clients by /64.
func TestClientIPIsPrefix64(t *testing.T) {
	tests := []struct{ remote, xff string }{
		{"[2001:db8:1:2:3:4:5:6]:1", ""},
		{"192.0.2.1:1", ""},
		{"[fd00::1]:1", "2001:db8:1:2:3:4:5:6, 10.0.0.1"},
		{"10.0.0.1:1", "garbage, 2001:db8:1:2:3:4:5:6"},
		{"nonsense", ""},
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.RemoteAddr = tt.remote
			r.Header.Set("X-Forwarded-For", tt.xff)
			assert.Equal(t, ratelimit.ClientIPv6Prefix(64, trusted...)(r), ratelimit.ClientIP(trusted...)(r))
		})
	}
}

// Whatever the headers hold, the bucket is the RemoteAddr as given, or a canonical IPv4
// address, or an IPv6 address (bits 128) or the canonical prefix of that address.
func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:4711", "203.0.113.9, 10.2.2.2", uint8(63))
	f.Add("[fd00::1]:443", "[2001:db8::7]:5555,, fd00::2", uint8(47))
	f.Add("10.0.0.1", "unknown, 10.0.0.2:99999", uint8(127))
	f.Add("[10.0.0.1]:1", "[", uint8(0))
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	perAddress := ratelimit.ClientIPv6Prefix(128, trusted...)
	byDefault := ratelimit.ClientIP(trusted...)
	f.Fuzz(func(t *testing.T, remote, xff string, b uint8) {
		bits := 1 + int(b)%128
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)

		// The client's address, canonical, or the RemoteAddr as given.
		client := perAddress(r)
		addr, err := netip.ParseAddr(client)
		if err != nil {
			if client != remote {
				t.Fatalf("bucket %q from RemoteAddr %q and X-Forwarded-For %q", client, remote, xff)
			}
		} else if addr.String() != client || addr.Zone() != "" || addr.Is4In6() {
			t.Fatalf("bucket %q from RemoteAddr %q and X-Forwarded-For %q", client, remote, xff)
		}

		// Grouped: the same, but an IPv6 address's prefix.
		want := func(bits int) string {
			if err != nil || addr.Is4() || bits == 128 {
				return client
			}
			return netip.PrefixFrom(addr, bits).Masked().String()
		}
		if got := ratelimit.ClientIPv6Prefix(bits, trusted...)(r); got != want(bits) {
			t.Fatalf("bits %d: bucket %q, want %q, from RemoteAddr %q and X-Forwarded-For %q", bits, got, want(bits), remote, xff)
		}
		if got := byDefault(r); got != want(64) {
			t.Fatalf("ClientIP: bucket %q, want %q, from RemoteAddr %q and X-Forwarded-For %q", got, want(64), remote, xff)
		}
	})
}

func TestClientIPInvalidPrefix(t *testing.T) {
	assert.PanicsWithValue(t, "ratelimit: invalid trusted prefix invalid Prefix", func() {
		ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8"), netip.Prefix{})
	})
	assert.PanicsWithValue(t, "ratelimit: invalid trusted prefix invalid Prefix", func() {
		ratelimit.ClientIPv6Prefix(64, netip.Prefix{})
	})
}

func TestClientIPv6PrefixInvalidBits(t *testing.T) {
	for _, bits := range []int{-1, 0, 129, 1 << 20} {
		t.Run(strconv.Itoa(bits), func(t *testing.T) {
			assert.PanicsWithValue(t, fmt.Sprintf("ratelimit: IPv6 prefix length %d is not in 1..128", bits), func() {
				ratelimit.ClientIPv6Prefix(bits)
			})
		})
	}
}

func TestGlobal(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	assert.Equal(t, "", ratelimit.Global(r))
}
