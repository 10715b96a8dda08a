package ratelimit

import (
	"net/http"
	"net/netip"

	"github.com/inspecthook/inspecthook/internal/clientip"
)

// KeyFunc returns the bucket key of a request. Requests with the same key share a bucket.
// A key is kept while its bucket is tracked, so keys should be short, and copies
// (strings.Clone) rather than slices of long strings such as header values.
type KeyFunc func(r *http.Request) string

// Global returns "" for every request: with Key: Global, a Limiter has one bucket shared by
// all requests.
func Global(*http.Request) string { return "" }

// ClientIP returns a KeyFunc whose key is the client's IP address.
//
// With no trusted prefixes the key is the peer address: the request's RemoteAddr with the port
// stripped. X-Forwarded-For is ignored, since any client can send it.
//
// When the peer is inside a trusted prefix (your load balancer or reverse proxy), the
// X-Forwarded-For entries are walked from the right, the last hop first, and the key is the
// first address not inside a trusted prefix. Several X-Forwarded-For headers count as one list,
// in order. Empty entries are skipped; an entry that is not an IP address (optionally with a
// port: "192.0.2.1:4711", "[2001:db8::1]:4711") stops the walk, and the key is the last good
// address before it. When every address is trusted, the key is the leftmost one.
//
// Keys are addresses as netip.Addr.String writes them, with any IPv6 zone removed and
// IPv4-mapped IPv6 addresses written as IPv4, so one client has one key. A RemoteAddr that is
// not an address is returned as it is.
//
// ClientIP panics if a prefix is not valid, such as the zero netip.Prefix. An IPv4-mapped
// IPv6 prefix (::ffff:10.0.0.0/104) is taken as the IPv4 prefix it maps (10.0.0.0/8).
func ClientIP(trusted ...netip.Prefix) KeyFunc {
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
