package verify

import "net/http"

// HeaderAuthenticator is implemented by verifiers that can tell which request headers they
// authenticate: whether someone without the secret could take a request that passes Verify and
// change, add or remove the header's value so that the request still passes. Code that trusts a
// header for a decision, such as a receiver taking the idempotency key from one, asks first
// with [AuthenticatesHeader].
//
// A scheme declares what it covers by implementing it. Every Verifier in this package does:
//   - HMAC signs the body, and the timestamp header when it has one (HMACConfig.TimestampHeader):
//     no other header. A captured delivery replayed with another value of an unsigned header
//     still passes.
//   - StandardWebhooks signs "<webhook-id>.<webhook-timestamp>.<body>", with an HMAC (v1) or an
//     ed25519 key (v1a) alike: Webhook-Id and Webhook-Timestamp.
//   - Basic, Bearer, APIKey, JWT, URLToken and IPAllowlist authenticate the sender, not a
//     message: whoever can send a request that passes can send any header and any body with it.
//     A header is as authentic as the body, so they report every header as authenticated.
//   - All authenticates a header when any of its parts does (a request must pass that part too);
//     Any only when every part does (a request need pass only the weakest).
type HeaderAuthenticator interface {
	// AuthenticatesHeader reports whether the header named name (in any case) is authenticated
	// with the delivery.
	AuthenticatesHeader(name string) bool
}

// AuthenticatesHeader reports whether v authenticates the header named name, as
// HeaderAuthenticator describes; false when v does not implement HeaderAuthenticator or is nil.
func AuthenticatesHeader(v Verifier, name string) bool {
	a, ok := v.(HeaderAuthenticator)
	return ok && a != nil && a.AuthenticatesHeader(name)
}

// AuthenticatesHeader reports whether name is the timestamp header, the only header an HMAC
// signs: the rest of the signed content is the body.
func (v *HMAC) AuthenticatesHeader(name string) bool {
	return v != nil && v.tsHeader != "" && http.CanonicalHeaderKey(name) == v.tsHeader
}

// AuthenticatesHeader reports whether name is Webhook-Id or Webhook-Timestamp, the headers
// signed with the body by every version, v1 and v1a.
func (s *StandardWebhooks) AuthenticatesHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case HeaderWebhookID, HeaderWebhookTimestamp:
		return s != nil
	}
	return false
}

// AuthenticatesHeader returns true: a password authenticates the sender, and with it every
// header it sends.
func (b *Basic) AuthenticatesHeader(string) bool { return b != nil }

// AuthenticatesHeader returns true: a token authenticates the sender, and with it every header
// it sends.
func (b *Bearer) AuthenticatesHeader(string) bool { return b != nil }

// AuthenticatesHeader returns true: a key authenticates the sender, and with it every header it
// sends.
func (k *APIKey) AuthenticatesHeader(string) bool { return k != nil }

// AuthenticatesHeader returns true: a token authenticates the sender, and with it every header
// it sends; the token's claims do not cover the message.
func (v *JWT) AuthenticatesHeader(string) bool { return v != nil }

// AuthenticatesHeader returns true: a URL token authenticates the sender, and with it every
// header it sends.
func (t *URLToken) AuthenticatesHeader(string) bool { return t != nil }

// AuthenticatesHeader returns true: an allowed address authenticates the sender, and with it
// every header it sends.
func (l *IPAllowlist) AuthenticatesHeader(string) bool { return l != nil }

// AuthenticatesHeader reports whether any part authenticates name: a request passes only with
// every part.
func (a *AllOf) AuthenticatesHeader(name string) bool {
	if a == nil {
		return false
	}
	for _, p := range a.parts {
		if AuthenticatesHeader(p, name) {
			return true
		}
	}
	return false
}

// AuthenticatesHeader reports whether every part authenticates name: a request passes with any
// one of them.
func (a *AnyOf) AuthenticatesHeader(name string) bool {
	if a == nil || len(a.parts) == 0 {
		return false
	}
	for _, p := range a.parts {
		if !AuthenticatesHeader(p, name) {
			return false
		}
	}
	return true
}
