package verify

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/inspecthook/inspecthook/internal/clientip"
)

// IPAllowlistConfig configures an IPAllowlist.
type IPAllowlistConfig struct {
	// Allow are the source networks deliveries may come from, such as the provider's published
	// egress addresses (a single address is a /32 or /128 prefix). Required, each valid. An
	// IPv4-mapped IPv6 prefix is taken as the IPv4 prefix it maps.
	Allow []netip.Prefix

	// TrustedProxies are your own load balancers and reverse proxies: when the peer is inside
	// one of them, the client is found in X-Forwarded-For, exactly as ratelimit.ClientIP finds
	// it. Default none: the peer address is the client and X-Forwarded-For is ignored.
	TrustedProxies []netip.Prefix
}

// IPAllowlist verifies that a delivery comes from an allowed network, for senders that can send
// no credentials, or as a second check beside them (combine with All). An address is not a
// secret, so use it beside a token or signature where the provider offers one.
//
// It has no signing twin: a peer address cannot be set by signing. Requests made with
// httptest.NewRequest or webhooktest come from 192.0.2.1, so allow 192.0.2.0/24 in tests, or
// set RemoteAddr. Build one with NewIPAllowlist; it is safe for concurrent use.
type IPAllowlist struct {
	allow   []netip.Prefix
	trusted []netip.Prefix
}

// NewIPAllowlist builds a source-address allowlist. It returns an error wrapping ErrConfig when
// Allow is empty or a prefix in Allow or TrustedProxies is not valid, such as the zero
// netip.Prefix.
func NewIPAllowlist(cfg IPAllowlistConfig) (*IPAllowlist, error) {
	if len(cfg.Allow) == 0 {
		return nil, fmt.Errorf("%w: IP allowlist needs at least one prefix", ErrConfig)
	}
	for i, p := range cfg.Allow {
		if !p.IsValid() {
			return nil, fmt.Errorf("%w: IP allowlist prefix %d is not valid", ErrConfig, i+1)
		}
	}
	allow, err := clientip.Prefixes(cfg.Allow)
	if err != nil {
		return nil, fmt.Errorf("%w: IP allowlist: %w", ErrConfig, err)
	}
	trusted, err := clientip.Prefixes(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("%w: IP allowlist: %w", ErrConfig, err)
	}
	return &IPAllowlist{allow: allow, trusted: trusted}, nil
}

// Verify checks the client address of r, found as ratelimit.ClientIP finds it. It wraps
// ErrMalformed when RemoteAddr is not an IP address and ErrInvalid, naming the address, when
// the address is not allowed.
func (l *IPAllowlist) Verify(r *http.Request, _ []byte) error {
	addr, ok := clientip.Addr(r, l.trusted)
	if !ok {
		return fmt.Errorf("%w: RemoteAddr is not an IP address", ErrMalformed)
	}
	if !clientip.Contains(l.allow, addr) {
		return fmt.Errorf("%w: source address %s is not allowed", ErrInvalid, addr)
	}
	return nil
}

// NeedsBody returns false: the address is known before the body is read.
func (l *IPAllowlist) NeedsBody() bool { return false }

// String describes the allowlist, such as "ip-allowlist(192.0.2.0/24 198.51.100.7/32,
// trusted 10.0.0.0/8)": prefixes are not secret.
func (l *IPAllowlist) String() string {
	var b strings.Builder
	b.WriteString("ip-allowlist(")
	writePrefixes(&b, l.allow)
	if len(l.trusted) > 0 {
		b.WriteString(", trusted ")
		writePrefixes(&b, l.trusted)
	}
	b.WriteString(")")
	return b.String()
}

func writePrefixes(b *strings.Builder, prefixes []netip.Prefix) {
	for i, p := range prefixes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.String())
	}
}

// GoString is String.
func (l *IPAllowlist) GoString() string { return l.String() }
