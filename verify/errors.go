package verify

import "errors"

// Errors returned by Verify and by the constructors. Verify wraps one of them with %w and adds
// context that is never secret (a header name, a length); test for them with errors.Is.
var (
	// ErrMissing means the credential or signature header is absent, or carries another
	// authentication scheme than the one expected (a Bearer token where Basic was required).
	ErrMissing = errors.New("verify: missing credentials")

	// ErrMalformed means a credential header is present but cannot be parsed: empty, repeated,
	// too long, wrong prefix, bad hex or base64, a signature of the wrong length, a timestamp
	// that is not a number, a token that is not a JWT.
	ErrMalformed = errors.New("verify: malformed credentials")

	// ErrInvalid means the credentials were well formed but did not match: a signature computed
	// with none of the configured secrets, an unknown password, token or key.
	ErrInvalid = errors.New("verify: invalid signature or credentials")

	// ErrTooOld means a signed timestamp lies further in the past than the tolerance allows, or
	// a JWT has expired.
	ErrTooOld = errors.New("verify: timestamp too old")

	// ErrTooNew means a signed timestamp lies further in the future than the tolerance allows,
	// or a JWT is not valid yet (nbf or iat in the future).
	ErrTooNew = errors.New("verify: timestamp too new")

	// ErrClaims means a JWT was authentic and current but its issuer or audience did not match,
	// or a required claim was missing.
	ErrClaims = errors.New("verify: token claims rejected")

	// ErrConfig is returned by constructors for a configuration that could not verify safely:
	// no secret, an empty secret, an unknown algorithm or encoding, a malformed key, a key of
	// another kind than expected (a whsk_ private key where a whpk_ public key belongs). Sign
	// returns it when the configuration cannot sign: a StandardWebhooks with public keys alone.
	ErrConfig = errors.New("verify: invalid configuration")
)
