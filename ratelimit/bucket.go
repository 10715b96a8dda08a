package ratelimit

import (
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

// ClientIP returns a BucketFunc that gives each client IP address its own bucket.
//
// With no trusted prefixes the bucket is the peer address: the request's RemoteAddr with the
// port stripped. X-Forwarded-For is ignored, since any client can send it.
//
// When the peer is inside a trusted prefix (your load balancer or reverse proxy), the
// X-Forwarded-For entries are walked from the right, the last hop first, and the bucket is the
// first address not inside a trusted prefix. Several X-Forwarded-For headers count as one list,
// in order. Empty entries are skipped; an entry that is not an IP address (optionally with a
// port: "192.0.2.1:4711", "[2001:db8::1]:4711") stops the walk, and the bucket is the last
// good address before it. When every address is trusted, the bucket is the leftmost one.
//
// Bucket names are addresses as netip.Addr.String writes them, with any IPv6 zone removed and
// IPv4-mapped IPv6 addresses written as IPv4, so one client has one bucket. A RemoteAddr that
// is not an address is returned as it is.
//
// ClientIP panics if a prefix is not valid, such as the zero netip.Prefix. An IPv4-mapped
// IPv6 prefix (::ffff:10.0.0.0/104) is taken as the IPv4 prefix it maps (10.0.0.0/8).
func ClientIP(trusted ...netip.Prefix) BucketFunc {
	prefixes, err := clientip.Prefixes(trusted)
	if err != nil {
		panic("ratelimit: " + err.Error())
	}
	return func(r *http.Request) string {
		addr, ok := clientip.Addr(r, prefixes)
		if !ok {
			return r.RemoteAddr
		}
		return addr.String()
	}
}
