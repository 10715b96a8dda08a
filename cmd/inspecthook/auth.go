package main

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/verify"
)

// The authentication schemes, as --scheme names them: every scheme of package verify that a
// sender can sign with.
const (
	schemeHMAC     = "hmac"
	schemeStandard = "standard-webhooks"
	schemeBasic    = "basic"
	schemeBearer   = "bearer"
	schemeAPIKey   = "api-key"
	schemeJWT      = "jwt"
	schemeURLToken = "url-token"
)

var schemes = []string{schemeHMAC, schemeStandard, schemeBasic, schemeBearer, schemeAPIKey, schemeJWT, schemeURLToken}

// Defaults of the scheme flags.
const (
	defaultAPIKeyHeader = "X-Api-Key"
	defaultTokenParam   = "token"
	defaultJWTAlgorithm = verify.HS256
)

// authFlags are the flags that say how a provider authenticates its deliveries: shared by
// listen, trigger, sign and verify, so that what one signs the others accept.
type authFlags struct {
	scheme          string
	secrets         []string
	signatureHeader string
	encoding        string
	prefix          string
	timestampHeader string
	tolerance       time.Duration
	apiKeyHeader    string
	tokenParam      string
	jwtAlgorithm    string
	jwtKeyFile      string

	getenv func(string) string
}

// register adds the flags to fs; secretUsage says what several --secret flags mean to the
// command.
func (f *authFlags) register(fs *pflag.FlagSet, getenv func(string) string, secretUsage string) {
	f.getenv = getenv
	fs.StringVar(&f.scheme, "scheme", "", "authentication scheme: "+strings.Join(schemes, ", ")+" (default: the provider's own)")
	fs.StringArrayVar(&f.secrets, "secret", nil, secretUsage+"; default $"+envSecret)
	fs.StringVar(&f.signatureHeader, "signature-header", "", "hmac: the header carrying the signature (default: the provider's)")
	fs.StringVar(&f.encoding, "encoding", "", "hmac: hex or base64 (default: the provider's, else hex)")
	fs.StringVar(&f.prefix, "prefix", "", "hmac: text before the encoded signature, such as sha256=")
	fs.StringVar(&f.timestampHeader, "timestamp-header", "", "hmac: a header with a signed Unix timestamp; the signed content becomes <timestamp>.<body>")
	fs.DurationVar(&f.tolerance, "tolerance", 0, "hmac with a timestamp, standard-webhooks: how far a timestamp may lie from the clock (default 5m0s)")
	fs.StringVar(&f.apiKeyHeader, "api-key-header", defaultAPIKeyHeader, "api-key: the header carrying the key")
	fs.StringVar(&f.tokenParam, "token-param", defaultTokenParam, "url-token: the query parameter carrying the token")
	fs.StringVar(&f.jwtAlgorithm, "jwt-alg", defaultJWTAlgorithm, "jwt: HS256, HS384, HS512 (keyed with the secret), RS256 or ES256 (keyed with --jwt-key)")
	fs.StringVar(&f.jwtKeyFile, "jwt-key", "", "jwt: a PEM key file for RS256 or ES256: a private key signs, a public (or private) key verifies")
}

// schemeFor is the scheme in use for p: --scheme, else p's own.
func (f *authFlags) schemeFor(p providerInfo) (string, error) {
	s := strings.ToLower(f.scheme)
	if s == "" {
		return p.scheme, nil
	}
	for _, known := range schemes {
		if s == known {
			return s, nil
		}
	}
	return "", usagef("unknown scheme %q: one of %s", f.scheme, strings.Join(schemes, ", "))
}

// secretList returns the secrets of --secret, else the one of INSPECTHOOK_SECRET, else nil.
// Empty values are a usage error.
func (f *authFlags) secretList() ([]string, error) {
	if len(f.secrets) > 0 {
		for i, s := range f.secrets {
			if s == "" {
				return nil, usagef("--secret number %d is empty", i+1)
			}
		}
		return f.secrets, nil
	}
	if s := f.getenv(envSecret); s != "" {
		return []string{s}, nil
	}
	return nil, nil
}

// needSecrets returns the secrets, or a usage error saying how to give one.
func (f *authFlags) needSecrets(scheme string) ([]string, error) {
	s, err := f.secretList()
	if err != nil {
		return nil, err
	}
	if len(s) == 0 && !(scheme == schemeJWT && f.jwtKeyFile != "" && !isHS(f.jwtAlgorithm)) {
		return nil, usagef("no secret: pass --secret or set %s (%s)", envSecret, secretForm(scheme))
	}
	return s, nil
}

// secretForm says what a secret looks like for scheme.
func secretForm(scheme string) string {
	switch scheme {
	case schemeHMAC:
		return "the signing secret"
	case schemeStandard:
		return "whsec_ followed by the base64 key; for v1a (ed25519), a whsk_ private key signs and a whpk_ public key verifies"
	case schemeBasic:
		return "user:password"
	case schemeBearer:
		return "the bearer token"
	case schemeAPIKey:
		return "the API key"
	case schemeJWT:
		return "the HS key, or --jwt-key for RS256 and ES256"
	case schemeURLToken:
		return "the URL token"
	}
	return "the secret"
}

func isHS(alg string) bool { return strings.HasPrefix(strings.ToUpper(alg), "HS") }

// hmacConfig is p's HMAC configuration with the flags' changes.
func (f *authFlags) hmacConfig(p providerInfo, secrets []string) (verify.HMACConfig, error) {
	var cfg verify.HMACConfig
	switch p.name {
	case safetyculture.Name:
		cfg = verify.SafetyCulture(secrets...)
	case vehreports.Name:
		cfg = verify.VehReports(secrets...)
	default:
		for _, s := range secrets {
			cfg.Secrets = append(cfg.Secrets, []byte(s))
		}
	}
	if f.signatureHeader != "" {
		cfg.Header = f.signatureHeader
	}
	if cfg.Header == "" {
		return cfg, usagef("%s does not sign with an HMAC: name the header with --signature-header", p.name)
	}
	switch strings.ToLower(f.encoding) {
	case "":
	case "hex":
		cfg.Encoding = verify.Hex
	case "base64":
		cfg.Encoding = verify.Base64
	default:
		return cfg, usagef("unknown --encoding %q: hex or base64", f.encoding)
	}
	if f.prefix != "" {
		cfg.Prefix, cfg.PrefixOptional = f.prefix, false
	}
	cfg.TimestampHeader = f.timestampHeader
	cfg.Tolerance = f.tolerance
	return cfg, nil
}

// basicCredential splits a user:password secret.
func basicCredential(secret string) (verify.Credential, error) {
	user, password, ok := strings.Cut(secret, ":")
	if !ok || user == "" || password == "" {
		return verify.Credential{}, usagef("the basic scheme takes its secret as user:password")
	}
	return verify.Credential{Username: user, Password: password}, nil
}

// verifier builds the verifier of p's deliveries from the flags. now is its clock.
func (f *authFlags) verifier(p providerInfo, now func() time.Time) (verify.Verifier, error) {
	scheme, err := f.schemeFor(p)
	if err != nil {
		return nil, err
	}
	secrets, err := f.needSecrets(scheme)
	if err != nil {
		return nil, err
	}
	var v verify.Verifier
	switch scheme {
	case schemeHMAC:
		var cfg verify.HMACConfig
		if cfg, err = f.hmacConfig(p, secrets); err != nil {
			return nil, err
		}
		cfg.Now = now
		v, err = verify.NewHMAC(cfg)
	case schemeStandard:
		v, err = verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: secrets, Tolerance: f.tolerance, Now: now})
	case schemeBasic:
		creds := make([]verify.Credential, len(secrets))
		for i, s := range secrets {
			if creds[i], err = basicCredential(s); err != nil {
				return nil, err
			}
		}
		v, err = verify.NewBasic(creds...)
	case schemeBearer:
		v, err = verify.NewBearer(secrets...)
	case schemeAPIKey:
		v, err = verify.NewAPIKey(f.apiKeyHeader, secrets...)
	case schemeJWT:
		cfg := verify.JWTConfig{Algorithms: []string{strings.ToUpper(f.jwtAlgorithm)}, Now: now}
		if isHS(f.jwtAlgorithm) {
			for _, s := range secrets {
				cfg.Secrets = append(cfg.Secrets, []byte(s))
			}
		} else {
			key, err := f.jwtPublicKey()
			if err != nil {
				return nil, err
			}
			cfg.PublicKeysPEM = [][]byte{key}
		}
		v, err = verify.NewJWT(cfg)
	case schemeURLToken:
		v, err = verify.NewURLToken(verify.URLTokenConfig{Query: f.tokenParam, Tokens: secrets})
	}
	if err != nil {
		return nil, usageError{err}
	}
	return v, nil
}

// signer builds the signer that sets on a request what p would send, from the flags; the first
// secret signs. now, when not nil, is the clock of signed timestamps and tokens.
func (f *authFlags) signer(p providerInfo, now func() time.Time) (verify.Signer, error) {
	scheme, err := f.schemeFor(p)
	if err != nil {
		return nil, err
	}
	secrets, err := f.needSecrets(scheme)
	if err != nil {
		return nil, err
	}
	if len(secrets) > 1 {
		secrets = secrets[:1]
	}
	if scheme == schemeStandard && strings.HasPrefix(strings.TrimSpace(secrets[0]), verify.StandardPublicKeyPrefix) {
		return nil, usagef("a whpk_ public key verifies but cannot sign: sign with the sender's whsk_ private key")
	}
	var s verify.Signer
	switch scheme {
	case schemeJWT:
		cfg := verify.JWTSignerConfig{Algorithm: strings.ToUpper(f.jwtAlgorithm), Now: now}
		if isHS(f.jwtAlgorithm) {
			cfg.Secret = []byte(secrets[0])
		} else {
			if f.jwtKeyFile == "" {
				return nil, usagef("jwt with %s signs with a private key: pass --jwt-key", f.jwtAlgorithm)
			}
			if cfg.PrivateKeyPEM, err = os.ReadFile(f.jwtKeyFile); err != nil {
				return nil, usageError{err}
			}
		}
		s, err = verify.NewJWTSigner(cfg)
	default:
		// Every other scheme's verifier is its own signer.
		saved := f.secrets
		f.secrets = secrets
		var v verify.Verifier
		v, err = f.verifier(p, now)
		f.secrets = saved
		if err != nil {
			return nil, err
		}
		var ok bool
		if s, ok = v.(verify.Signer); !ok {
			return nil, fmt.Errorf("the %s scheme cannot sign", scheme)
		}
	}
	if err != nil {
		return nil, usageError{err}
	}
	return s, nil
}

// jwtPublicKey reads --jwt-key as a public key: a private key's public half is taken from it, so
// the same file serves the sender and the receiver in a test.
func (f *authFlags) jwtPublicKey() ([]byte, error) {
	if f.jwtKeyFile == "" {
		return nil, usagef("jwt with %s verifies with a public key: pass --jwt-key", f.jwtAlgorithm)
	}
	data, err := os.ReadFile(f.jwtKeyFile)
	if err != nil {
		return nil, usageError{err}
	}
	block, _ := pem.Decode(data)
	if block == nil || !strings.Contains(block.Type, "PRIVATE KEY") {
		return data, nil // a public key or certificate: verify says what is wrong with it
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, usagef("--jwt-key %s: %v", f.jwtKeyFile, err)
	}
	pub, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok {
		return nil, usagef("--jwt-key %s: a %T has no public key", f.jwtKeyFile, key)
	}
	der, err := x509.MarshalPKIXPublicKey(pub.Public())
	if err != nil {
		return nil, usagef("--jwt-key %s: %v", f.jwtKeyFile, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
