package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The JWT algorithms a JWT verifier accepts. Which ones are on depends on the keys it is given.
const (
	HS256 = "HS256" // HMAC-SHA256 with a shared secret
	HS384 = "HS384" // HMAC-SHA384 with a shared secret
	HS512 = "HS512" // HMAC-SHA512 with a shared secret
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256 and an RSA public key
	ES256 = "ES256" // ECDSA on P-256 with SHA-256 and an EC public key
)

// JWTConfig configures a JWT verifier. Give at least one key: shared secrets, PEM public keys or
// both.
type JWTConfig struct {
	// Header carries the token. Default "Authorization", which must hold "Bearer <token>". Any
	// other header holds the token itself; a "Bearer " in front of it is removed.
	Header string

	// Secrets are shared HMAC keys; they turn on HS256, HS384 and HS512.
	Secrets [][]byte

	// PublicKeysPEM are PEM-encoded public keys ("PUBLIC KEY", "RSA PUBLIC KEY" or a
	// "CERTIFICATE"): an RSA key turns on RS256, an EC P-256 key turns on ES256.
	PublicKeysPEM [][]byte

	// Algorithms, when set, narrows the accepted algorithms; each needs a key of its kind.
	// Default: every algorithm the keys allow. "none" is never accepted.
	Algorithms []string

	// Issuer, when set, must equal the token's iss claim.
	Issuer string

	// Audience, when set, must be one of the token's aud values.
	Audience string

	// RequireExpiry rejects tokens without an exp claim.
	RequireExpiry bool

	// Leeway is the clock skew allowed when checking exp, nbf and iat. Default 0.
	Leeway time.Duration

	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// JWT verifies a JSON Web Token carried in a header, such as the JWTs Record360 can send. The
// signature is checked with the configured keys and only the algorithms they allow, so "none"
// and algorithm confusion (an HS256 token checked against an RSA public key) fail. Build one with
// NewJWT; it is safe for concurrent use. Its signing twin is JWTSigner.
type JWT struct {
	header  string
	bearer  bool
	secrets [][]byte
	rsaKeys []*rsa.PublicKey
	ecKeys  []*ecdsa.PublicKey
	algs    []string
	parser  *jwt.Parser
}

// NewJWT builds a JWT verifier. It returns an error wrapping ErrConfig when no key is given, a
// secret is empty, a PEM key cannot be parsed or has an unsupported type or curve, an algorithm
// is unknown or has no key of its kind, or the leeway is negative.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	v := &JWT{header: http.CanonicalHeaderKey(strings.TrimSpace(cfg.Header))}
	if v.header == "" {
		v.header = "Authorization"
	}
	v.bearer = v.header == "Authorization"
	for i, s := range cfg.Secrets {
		if len(s) == 0 {
			return nil, fmt.Errorf("%w: JWT secret %d is empty", ErrConfig, i+1)
		}
		v.secrets = append(v.secrets, append([]byte(nil), s...))
	}
	for i, p := range cfg.PublicKeysPEM {
		key, err := parsePublicKeyPEM(p)
		if err != nil {
			return nil, fmt.Errorf("JWT public key %d: %w", i+1, err)
		}
		switch k := key.(type) {
		case *rsa.PublicKey:
			v.rsaKeys = append(v.rsaKeys, k)
		case *ecdsa.PublicKey:
			if k.Curve != elliptic.P256() {
				return nil, fmt.Errorf("%w: JWT public key %d is on %s; ES256 needs P-256", ErrConfig, i+1, k.Curve.Params().Name)
			}
			v.ecKeys = append(v.ecKeys, k)
		default:
			return nil, fmt.Errorf("%w: JWT public key %d is a %T; want RSA or EC P-256", ErrConfig, i+1, key)
		}
	}
	if len(v.secrets)+len(v.rsaKeys)+len(v.ecKeys) == 0 {
		return nil, fmt.Errorf("%w: JWT needs at least one secret or public key", ErrConfig)
	}
	available := v.available()
	if len(cfg.Algorithms) == 0 {
		v.algs = available
	}
	for _, alg := range cfg.Algorithms {
		if !slices.Contains([]string{HS256, HS384, HS512, RS256, ES256}, alg) {
			return nil, fmt.Errorf("%w: unknown JWT algorithm %q", ErrConfig, alg)
		}
		if !slices.Contains(available, alg) {
			return nil, fmt.Errorf("%w: JWT algorithm %s has no key of its kind", ErrConfig, alg)
		}
		v.algs = append(v.algs, alg)
	}
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("%w: negative JWT leeway %s", ErrConfig, cfg.Leeway)
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.algs),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(clock(cfg.Now)),
		jwt.WithIssuedAt(),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	if cfg.RequireExpiry {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

func (v *JWT) available() []string {
	var algs []string
	if len(v.secrets) > 0 {
		algs = append(algs, HS256, HS384, HS512)
	}
	if len(v.rsaKeys) > 0 {
		algs = append(algs, RS256)
	}
	if len(v.ecKeys) > 0 {
		algs = append(algs, ES256)
	}
	return algs
}

// Verify checks the token in the header. It wraps ErrMissing when the header is absent (or holds
// another scheme than Bearer), ErrMalformed when the token is not a JWT, ErrInvalid when its
// algorithm is not accepted or no key verifies its signature, ErrTooOld when it has expired,
// ErrTooNew when nbf or iat lie in the future, and ErrClaims for a wrong issuer or audience or a
// missing required claim. The jwt package's own error is wrapped as well.
func (v *JWT) Verify(r *http.Request, _ []byte) error {
	header := r.Header
	var tok string
	var err error
	if v.bearer {
		tok, err = authorization(header, "Bearer")
	} else if tok, err = single(header, v.header); err == nil {
		if len(tok) > 7 && strings.EqualFold(tok[:7], "Bearer ") {
			tok = strings.TrimSpace(tok[7:])
		}
	}
	if err != nil {
		return err
	}
	if _, err := v.parser.ParseWithClaims(tok, &jwt.RegisteredClaims{}, v.key); err != nil {
		return jwtError(err)
	}
	return nil
}

// key chooses the verification key for a token: only keys of the kind its algorithm needs, all
// of them tried without an early exit; the one that verifies (or the first, to fail) is returned.
func (v *JWT) key(t *jwt.Token) (any, error) {
	var keys []any
	switch t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		for _, s := range v.secrets {
			keys = append(keys, s)
		}
	case *jwt.SigningMethodRSA:
		for _, k := range v.rsaKeys {
			keys = append(keys, k)
		}
	case *jwt.SigningMethodECDSA:
		for _, k := range v.ecKeys {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no key for %s", t.Method.Alg())
	}
	signed := t.Raw[:strings.LastIndexByte(t.Raw, '.')]
	chosen := keys[0]
	found := false
	for _, k := range keys {
		if t.Method.Verify(signed, t.Signature, k) == nil && !found {
			chosen, found = k, true
		}
	}
	return chosen, nil
}

// jwtError maps the jwt package's errors onto this package's sentinels, keeping both.
func jwtError(err error) error {
	var kind error
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		kind = ErrMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		kind = ErrInvalid
	case errors.Is(err, jwt.ErrTokenExpired):
		kind = ErrTooOld
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		kind = ErrTooNew
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		kind = ErrClaims
	default:
		kind = ErrInvalid
	}
	return fmt.Errorf("%w: JWT: %w", kind, err)
}

// NeedsBody returns false: JWT decides from its header alone.
func (v *JWT) NeedsBody() bool { return false }

// String describes the verifier without its keys.
func (v *JWT) String() string {
	n := len(v.secrets) + len(v.rsaKeys) + len(v.ecKeys)
	return fmt.Sprintf("jwt(header=%s, %s, %s)", v.header, strings.Join(v.algs, "/"), plural(n, "key"))
}

// GoString is String, so that %#v cannot print secrets either.
func (v *JWT) GoString() string { return v.String() }

// JWTSignerConfig configures a JWTSigner, the sending side of JWT: it mints a fresh token for
// every delivery, as a provider configured with a JWT would.
type JWTSignerConfig struct {
	// Algorithm is one of HS256, HS384, HS512, RS256, ES256. Required.
	Algorithm string

	// Secret is the shared key for the HS algorithms.
	Secret []byte

	// PrivateKeyPEM is the PEM private key for RS256 (RSA) or ES256 (EC P-256), in PKCS#8,
	// PKCS#1 or SEC 1 form.
	PrivateKeyPEM []byte

	// Header receives the token. Default "Authorization", as "Bearer <token>"; any other header
	// gets the bare token.
	Header string

	// Issuer, Subject and Audience set the iss, sub and aud claims when not empty.
	Issuer, Subject, Audience string

	// TTL is the token's lifetime: exp is iat plus TTL. Default 5 minutes.
	TTL time.Duration

	// Now is the clock; iat and nbf are its reading. Default time.Now.
	Now func() time.Time
}

// JWTSigner mints JWTs and sets them on requests. Build one with NewJWTSigner; it is safe for
// concurrent use.
type JWTSigner struct {
	method jwt.SigningMethod
	key    crypto.PrivateKey
	cfg    JWTSignerConfig
}

// NewJWTSigner builds a JWT signer. It returns an error wrapping ErrConfig for an unknown
// algorithm, a missing or empty secret, or a private key that cannot be parsed or does not fit
// the algorithm.
func NewJWTSigner(cfg JWTSignerConfig) (*JWTSigner, error) {
	s := &JWTSigner{cfg: cfg}
	s.cfg.Header = http.CanonicalHeaderKey(strings.TrimSpace(cfg.Header))
	if s.cfg.Header == "" {
		s.cfg.Header = "Authorization"
	}
	if s.cfg.TTL == 0 {
		s.cfg.TTL = 5 * time.Minute
	}
	if s.cfg.TTL < 0 {
		return nil, fmt.Errorf("%w: negative JWT TTL", ErrConfig)
	}
	s.cfg.Now = clock(cfg.Now)
	switch cfg.Algorithm {
	case HS256, HS384, HS512:
		if len(cfg.Secret) == 0 {
			return nil, fmt.Errorf("%w: %s needs a secret", ErrConfig, cfg.Algorithm)
		}
		s.key = append([]byte(nil), cfg.Secret...)
	case RS256, ES256:
		key, err := parsePrivateKeyPEM(cfg.PrivateKeyPEM)
		if err != nil {
			return nil, err
		}
		_, isRSA := key.(*rsa.PrivateKey)
		ec, isEC := key.(*ecdsa.PrivateKey)
		if (cfg.Algorithm == RS256 && !isRSA) || (cfg.Algorithm == ES256 && (!isEC || ec.Curve != elliptic.P256())) {
			return nil, fmt.Errorf("%w: private key is a %T, which cannot sign %s", ErrConfig, key, cfg.Algorithm)
		}
		s.key = key
	default:
		return nil, fmt.Errorf("%w: unknown JWT algorithm %q", ErrConfig, cfg.Algorithm)
	}
	s.method = jwt.GetSigningMethod(cfg.Algorithm)
	return s, nil
}

// Token mints a token valid from now for the TTL.
func (s *JWTSigner) Token() (string, error) {
	now := s.cfg.Now()
	claims := jwt.RegisteredClaims{
		Issuer:    s.cfg.Issuer,
		Subject:   s.cfg.Subject,
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.TTL)),
	}
	if s.cfg.Audience != "" {
		claims.Audience = jwt.ClaimStrings{s.cfg.Audience}
	}
	tok, err := jwt.NewWithClaims(s.method, claims).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("verify: signing JWT: %w", err)
	}
	return tok, nil
}

// Sign sets the header on r to a fresh token.
func (s *JWTSigner) Sign(r *http.Request, _ []byte) error {
	tok, err := s.Token()
	if err != nil {
		return err
	}
	if s.cfg.Header == "Authorization" {
		tok = "Bearer " + tok
	}
	headerOf(r).Set(s.cfg.Header, tok)
	return nil
}

// String describes the signer without its key.
func (s *JWTSigner) String() string {
	return fmt.Sprintf("jwt-signer(header=%s, %s)", s.cfg.Header, s.cfg.Algorithm)
}

// GoString is String, so that %#v cannot print secrets either.
func (s *JWTSigner) GoString() string { return s.String() }

func parsePublicKeyPEM(data []byte) (any, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: not PEM", ErrConfig)
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a public key", ErrConfig, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, block.Type, err)
	}
	return key, nil
}

func parsePrivateKeyPEM(data []byte) (crypto.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: private key is not PEM", ErrConfig)
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a private key", ErrConfig, block.Type)
	}
	if err != nil {
		// x509's errors describe the structure, never the key material.
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, block.Type, err)
	}
	return key, nil
}
