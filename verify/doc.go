// Package verify decides whether a webhook delivery is authentic, from its headers and its raw
// body bytes exactly as received.
//
// A [Verifier] checks one delivery and returns nil or an error wrapping one of the package's
// sentinels ([ErrMissing], [ErrMalformed], [ErrInvalid], [ErrTooOld], [ErrTooNew], [ErrClaims]);
// test for them with errors.Is. Every scheme is also a [Signer], or has one beside it
// ([JWTSigner]), that sets exactly the headers the provider would send, so tests, examples and
// tools sign as the provider does.
//
// The schemes, and the providers they serve:
//
//   - [NewHMAC]: an HMAC over the raw body, optionally with a signed timestamp. Presets:
//     [SafetyCulture], [VehReports], [GitHub].
//   - [NewStandardWebhooks]: the Standard Webhooks (Svix) scheme, reported for Inspectorio's
//     newer platform.
//   - [NewBasic], [NewBearer], [NewAPIKey]: static credentials, as Inspectorio Sight (Basic) and
//     Record360 (custom headers) send them.
//   - [NewJWT]: a JWT in a header, HS256/384/512, RS256 or ES256, as Record360 can send.
//   - [All] and [Any] combine schemes, such as Basic plus an account-id header.
//
// Most callers want NewHMAC with a preset, or the constructor of the scheme their provider was
// configured with:
//
//	v, err := verify.NewHMAC(verify.SafetyCulture(os.Getenv("SC_WEBHOOK_SECRET")))
//	if err != nil { ... }
//	if err := v.Verify(r.Header, body); err != nil { /* 401 */ }
//
// Rules every scheme keeps: secret-dependent comparisons are constant-time and try every
// configured secret with no early exit, so several secrets can be accepted during rotation
// without timing telling which matched; no secret appears in an error, a log line or the output
// of String; a constructor given no secret, an empty one, an unknown algorithm or a malformed key
// returns an error wrapping [ErrConfig], so a verifier that accepts everything cannot be built;
// timestamps come from the configuration's Now clock; credential headers sent twice, empty or
// longer than [MaxHeaderLen] are rejected as malformed.
//
// Configuration structs have documented defaults for their zero fields. Verifiers are immutable
// once built and safe for concurrent use.
package verify
