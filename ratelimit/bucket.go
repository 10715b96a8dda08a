package ratelimit

import (
	"fmt"
	"net/http"
	"net/netip"

	"github.com/inspecthook/inspecthook/internal/clientip"
)

// BucketFunc returns the name of a request's bucket: requests with the same name share a
// bucket. A name is kept while its bucket is tracked, so names should be short, and copies
// (strings.Clone) rather than slices of long strings such as header values.
type BucketFunc func(r *http.Request) string

// Global returns "" for every request: with Bucket: Global, a Limiter has one bucket shared by
// all requests.
func Global(*http.Request) string { return "" }

// ClientIP returns a BucketFunc that gives each client its own bucket: an IPv4 client by its
// address, an IPv6 client by the /64 prefix its address is in. It is ClientIPv6Prefix(64,
// trusted...).
//
// An IPv6 client is grouped by /64 because a /64 is the smallest network a site or a home line
// is normally given, and a host picks addresses in it at will (SLAAC, privacy addresses): with
// one bucket per address, one host could send from a fresh address, into a fresh full bucket,
// for every request. Use ClientIPv6Prefix(128, ...) for one bucket per IPv6 address, or a
// shorter prefix, such as 56 or 48, for a whole customer allocation.
//
// With no trusted prefixes the client is the peer address: the request's RemoteAddr with the
// port stripped. X-Forwarded-For is ignored, since any client can send it.
//
// When the peer is inside a trusted prefix (your load balancer or reverse proxy), the
// X-Forwarded-For entries are walked from the right, the last hop first, and the client is the
// first address not inside a trusted prefix. Several X-Forwarded-For headers count as one list,
// in order. Empty entries are skipped; an entry that is not an IP address (optionally with a
// port: "192.0.2.1:4711", "[2001:db8::1]:4711") stops the walk, and the client is the last
// good address before it. When every address is trusted, the client is the leftmost one.
// Trusted prefixes are matched against whole addresses, before any grouping.
//
// Bucket names are canonical, so one client has one bucket: an IPv4 address as
// netip.Addr.String writes it ("192.0.2.1"), IPv4-mapped IPv6 addresses included; an IPv6
// client's prefix as netip.Prefix.String writes it, address bits past the prefix zeroed
// ("2001:db8:1:2::/64"), with any zone removed. A RemoteAddr that is not an address is
// returned as it is.
//
// ClientIP panics if a prefix is not valid, such as the zero netip.Prefix. An IPv4-mapped
// IPv6 prefix (::ffff:10.0.0.0/104) is taken as the IPv4 prefix it maps (10.0.0.0/8).
func ClientIP(trusted ...netip.Prefix) BucketFunc {
	return ClientIPv6Prefix(64, trusted...)
}

// ClientIPv6Prefix is ClientIP with IPv6 clients grouped by the first bits bits of their
// address: one bucket per /bits network, named as netip.Prefix.String writes it
// ("2001:db8:1::/48" for 48). With bits 128 each IPv6 address has its own bucket, named as
// netip.Addr.String writes it ("2001:db8::1"). IPv4 clients always have one bucket per address.
//
// ClientIPv6Prefix panics if bits is not in 1..128 or a trusted prefix is not valid.
func ClientIPv6Prefix(bits int, trusted ...netip.Prefix) BucketFunc {
	if bits < 1 || bits > 128 {
		panic(fmt.Sprintf("ratelimit: IPv6 prefix length %d is not in 1..128", bits))
	}
	prefixes, err := clientip.Prefixes(trusted)
	if err != nil {
		panic("ratelimit: " + err.Error())
	}
	return func(r *http.Request) string {
		addr, ok := clientip.Addr(r, prefixes)
		if !ok {
			return r.RemoteAddr
		}
		if addr.Is4() || bits == 128 {
			return addr.String()
		}
		p, _ := addr.Prefix(bits) // cannot fail: an IPv6 address without zone, bits in 1..128
		return p.String()
	}
}
