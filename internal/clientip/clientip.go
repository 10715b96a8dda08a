// Package clientip finds the address of the client that sent a request, honouring trusted
// proxies' X-Forwarded-For entries. The ratelimit and verify packages share it, so the rate-limit
// bucket and the source-address allowlist see the same client.
package clientip

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Prefixes checks and normalises trusted proxy prefixes: masked, and an IPv4-mapped IPv6 prefix
// (::ffff:10.0.0.0/104) taken as the IPv4 prefix it maps (10.0.0.0/8). It returns an error for
// a prefix that is not valid, such as the zero netip.Prefix.
func Prefixes(trusted []netip.Prefix) ([]netip.Prefix, error) {
	prefixes := make([]netip.Prefix, 0, len(trusted))
	for _, p := range trusted {
		if !p.IsValid() {
			return nil, fmt.Errorf("invalid trusted prefix %v", p)
		}
		p = p.Masked()
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		prefixes = append(prefixes, p)
	}
	return prefixes, nil
}

// Addr returns the client's address: the peer address (RemoteAddr without its port) when it is
// not inside a trusted prefix, else the first X-Forwarded-For entry, walked from the right, that
// is not inside a trusted prefix. Several X-Forwarded-For headers count as one list, in order.
// Empty entries are skipped; an entry that is not an IP address (optionally with a port) stops
// the walk at the last good address before it. When every address is trusted, it is the
// leftmost one. Addresses have no zone and IPv4-mapped IPv6 addresses are unmapped. ok is false
// when RemoteAddr is not an address. trusted must come from Prefixes.
func Addr(r *http.Request, trusted []netip.Prefix) (addr netip.Addr, ok bool) {
	peer, ok := Parse(r.RemoteAddr)
	if !ok {
		return netip.Addr{}, false
	}
	if len(trusted) == 0 {
		return peer, true
	}
	return forwardedFor(r.Header, peer, trusted), true
}

// forwardedFor walks the X-Forwarded-For entries from the right, starting at peer, while the
// current address is trusted, and returns where it stops.
func forwardedFor(h http.Header, peer netip.Addr, trusted []netip.Prefix) netip.Addr {
	addr := peer
	values := h.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		list := values[i]
		for {
			if !Contains(trusted, addr) {
				return addr
			}
			comma := strings.LastIndexByte(list, ',')
			entry := strings.TrimSpace(list[comma+1:])
			if entry != "" {
				next, ok := Parse(entry)
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

// Contains reports whether any of prefixes contains addr.
func Contains(prefixes []netip.Prefix, addr netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Parse reads "ip", "ipv4:port", "[ipv6]" or "[ipv6]:port", and returns the address without
// zone, IPv4-mapped addresses unmapped. The form is told by its syntax rather than by trying
// parsers in turn, so that a well-formed value costs no error value.
func Parse(s string) (netip.Addr, bool) {
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
