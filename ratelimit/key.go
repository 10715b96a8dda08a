package ratelimit

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
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
	prefixes := make([]netip.Prefix, 0, len(trusted))
	for _, p := range trusted {
		if !p.IsValid() {
			panic(fmt.Sprintf("ratelimit: invalid trusted prefix %v", p))
		}
		p = p.Masked()
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		prefixes = append(prefixes, p)
	}
	if len(prefixes) == 0 {
		return peerIP
	}
	return func(r *http.Request) string {
		addr, ok := parseAddr(r.RemoteAddr)
		if !ok {
			return r.RemoteAddr
		}
		return forwardedFor(r.Header, addr, prefixes).String()
	}
}

// peerIP is ClientIP with no trusted proxy.
func peerIP(r *http.Request) string {
	addr, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	return addr.String()
}

// forwardedFor walks the X-Forwarded-For entries from the right, starting at peer, while the
// current address is trusted, and returns where it stops.
func forwardedFor(h http.Header, peer netip.Addr, trusted []netip.Prefix) netip.Addr {
	addr := peer
	values := h.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		list := values[i]
		for {
			if !contains(trusted, addr) {
				return addr
			}
			comma := strings.LastIndexByte(list, ',')
			entry := strings.TrimSpace(list[comma+1:])
			if entry != "" {
				next, ok := parseAddr(entry)
				if !ok {
					return addr
				}
				addr = next
			}
			if comma < 0 {
				break
			}
			list = list[:comma]
		}
	}
	return addr
}

func contains(prefixes []netip.Prefix, addr netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// parseAddr reads "ip", "ipv4:port", "[ipv6]" or "[ipv6]:port", and returns the address
// without zone, IPv4-mapped addresses unmapped. The form is told by its syntax rather than by
// trying parsers in turn, so that a well-formed value costs no error value.
func parseAddr(s string) (netip.Addr, bool) {
	host, bracketed, withPort := s, false, false
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 || (end+1 < len(s) && !isPort(s[end+1:])) {
			return netip.Addr{}, false
		}
		host, bracketed = s[1:end], true
	case strings.Count(s, ":") == 1: // an IPv6 address has at least two colons
		colon := strings.IndexByte(s, ':')
		if !isPort(s[colon:]) {
			return netip.Addr{}, false
		}
		host, withPort = s[:colon], true
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || (bracketed && !addr.Is6()) || (withPort && !addr.Is4()) {
		return netip.Addr{}, false
	}
	return addr.WithZone("").Unmap(), true
}

// isPort reports whether s is ":" followed by a port number.
func isPort(s string) bool {
	if len(s) < 2 || len(s) > 6 || s[0] != ':' {
		return false
	}
	n := 0
	for _, c := range []byte(s[1:]) {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n <= 65535
}
