// Package verify decides whether a webhook delivery is authentic, from its request (headers, and
// where a sender has no credentials its URL or peer address) and its raw body bytes exactly as
// received, and provides the middleware that reads the body once, under a cap, and verifies it.
//
// A [Verifier] checks one delivery and returns nil or an error wrapping one of the package's
// sentinels ([ErrMissing], [ErrMalformed], [ErrInvalid], [ErrTooOld], [ErrTooNew], [ErrClaims]);
// test for them with errors.Is. Every scheme is also a [Signer], or has one beside it
// ([JWTSigner]), that sets on a request exactly the credentials the provider would send, so
// tests, examples and tools sign as the provider does. The one exception is [IPAllowlist]: a
// peer address cannot be signed. Public keys verify but do not sign: a [StandardWebhooks] given
// only whpk_ keys returns an error wrapping [ErrConfig] from Sign, as a [JWT] with only public
// keys needs a [JWTSigner] with the private one.
//
// The schemes, and the providers they serve:
//
//   - [NewHMAC]: an HMAC over the raw body, optionally with a signed timestamp. Presets:
//     [SafetyCulture], [VehReports], [GitHub].
//   - [NewStandardWebhooks]: the Standard Webhooks (Svix) scheme, reported for Inspectorio's
//     newer platform, in both its versions: v1, an HMAC-SHA256 keyed with a whsec_ secret, and
//     v1a, an ed25519 signature made with a whsk_ private key and checked with the whpk_ public
//     key, so that the receiver holds nothing that can sign. The prefix of each key says which;
//     one verifier takes both, and a delivery may carry both.
//   - [NewBasic], [NewBearer], [NewAPIKey]: static credentials, as Inspectorio Sight (Basic) and
//     Record360 (a header its support adds: Bearer by default) send them.
//   - [NewJWT]: a JWT in a header, HS256/384/512, RS256 or ES256, as Record360 can send.
//   - [NewURLToken]: a secret token in a query parameter or a path segment of the URL, for
//     senders that can be given a URL but no credentials. Log requests through
//     [RedactRequest] (URLs through [RedactURL]): every query value, any fragment and every
//     path segment that holds a token, a path value or another secret of the verifier become
//     [Redacted].
//   - [NewIPAllowlist]: the source address must lie in allowed networks, found behind trusted
//     proxies exactly as ratelimit.ClientIP finds it.
//   - [All] and [Any] combine schemes, such as Basic plus an account-id header, or an allowlist
//     plus a token. Both return types that verify and sign.
//
// Most callers want [Middleware] in front of their handler, with NewHMAC and a preset or the
// constructor of the scheme their provider was configured with:
//
//	v, err := verify.NewHMAC(verify.SafetyCulture(os.Getenv("SC_WEBHOOK_SECRET")))
//	if err != nil { ... }
//	mux.Handle("POST /webhooks/safetyculture", verify.Middleware(v)(handler))
//
// and the handler reads the verified bytes with [RawBody] (or from r.Body, which reads them
// again). Middleware answers 401 when verification fails, 413 when the body is larger than the
// cap ([DefaultMaxBodyBytes] unless [WithMaxBodyBytes] says otherwise) and 400 when it cannot be
// read; [WithOnReject] learns why. Schemes that need no body ([NeedsBody] is false: Basic,
// Bearer, APIKey, JWT, URLToken, IPAllowlist) are checked before a single byte of the body is
// read; in an All, its parts that need no body are checked first, before the body is read, and
// the others after; an Any is checked whole after the body is read unless none of its parts
// needs it. Memory taken before a request is authenticated grows with the bytes received, not
// with the Content-Length declared. Verify can also be called directly, with the body already
// read.
//
// Rules every scheme keeps: secret-dependent comparisons are constant-time and try every
// configured secret with no early exit, so several secrets can be accepted during rotation
// without timing telling which matched (an ed25519 check uses only public values, and stops at
// the first public key that matches); no secret appears in an error, a log line or the output
// of String; a constructor given no secret, an empty one, an unknown algorithm or a malformed key
// returns an error wrapping [ErrConfig], so a verifier that accepts everything cannot be built,
// and Middleware panics when given a nil Verifier; timestamps come from the configuration's Now
// clock; credential headers sent twice, empty or longer than [MaxHeaderLen] are rejected as
// malformed.
//
// Configuration structs have documented defaults for their zero fields. Verifiers are immutable
// once built and safe for concurrent use; a zero AllOf or AnyOf rejects every request.
package verify
