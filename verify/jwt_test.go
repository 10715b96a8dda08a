package verify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

type testKeys struct {
	rsaPriv, rsaPub, rsaPubPKCS1, ecPriv, ecPub, ec384Pub []byte
	rsa                                                   *rsa.PrivateKey
	ec                                                    *ecdsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeys
)

// jwtKeys generates the test key pairs once per test binary.
func jwtKeys(t *testing.T) testKeys {
	t.Helper()
	keysOnce.Do(func() {
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		e384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		require.NoError(t, err)
		pkcs8 := func(k any) []byte {
			b, err := x509.MarshalPKCS8PrivateKey(k)
			require.NoError(t, err)
			return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b})
		}
		pkix := func(k any) []byte {
			b, err := x509.MarshalPKIXPublicKey(k)
			require.NoError(t, err)
			return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b})
		}
		keys = testKeys{
			rsaPriv:     pkcs8(rk),
			rsaPub:      pkix(&rk.PublicKey),
			rsaPubPKCS1: pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)}),
			ecPriv:      pkcs8(ek),
			ecPub:       pkix(&ek.PublicKey),
			ec384Pub:    pkix(&e384.PublicKey),
			rsa:         rk,
			ec:          ek,
		}
	})
	return keys
}

func mustJWT(t *testing.T, cfg verify.JWTConfig) *verify.JWT {
	t.Helper()
	v, err := verify.NewJWT(cfg)
	require.NoError(t, err)
	return v
}

func bearerOf(tok string) http.Header { return hdr("Authorization", "Bearer "+tok) }

func mint(t *testing.T, m jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(m, claims).SignedString(key)
	require.NoError(t, err)
	return tok
}

func TestJWTRoundTrip(t *testing.T) {
	k := jwtKeys(t)
	secret := []byte("record360-shared-jwt-secret")
	tests := []struct {
		name   string
		signer verify.JWTSignerConfig
		cfg    verify.JWTConfig
	}{
		{"HS256", verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: secret}, verify.JWTConfig{Secrets: [][]byte{secret}}},
		{"HS384", verify.JWTSignerConfig{Algorithm: verify.HS384, Secret: secret}, verify.JWTConfig{Secrets: [][]byte{secret}}},
		{"HS512", verify.JWTSignerConfig{Algorithm: verify.HS512, Secret: secret}, verify.JWTConfig{Secrets: [][]byte{secret}}},
		{"RS256", verify.JWTSignerConfig{Algorithm: verify.RS256, PrivateKeyPEM: k.rsaPriv}, verify.JWTConfig{PublicKeysPEM: [][]byte{k.rsaPub}}},
		{"RS256 PKCS#1 public key", verify.JWTSignerConfig{Algorithm: verify.RS256, PrivateKeyPEM: k.rsaPriv}, verify.JWTConfig{PublicKeysPEM: [][]byte{k.rsaPubPKCS1}}},
		{"ES256", verify.JWTSignerConfig{Algorithm: verify.ES256, PrivateKeyPEM: k.ecPriv}, verify.JWTConfig{PublicKeysPEM: [][]byte{k.ecPub}}},
		{"ES256 among mixed keys", verify.JWTSignerConfig{Algorithm: verify.ES256, PrivateKeyPEM: k.ecPriv}, verify.JWTConfig{Secrets: [][]byte{secret}, PublicKeysPEM: [][]byte{k.rsaPub, k.ecPub}}},
		{"issuer and audience", verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: secret, Issuer: "record360", Audience: "fleet-api"}, verify.JWTConfig{Secrets: [][]byte{secret}, Issuer: "record360", Audience: "fleet-api", RequireExpiry: true}},
		{"custom header", verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: secret, Header: "X-R360-Token"}, verify.JWTConfig{Secrets: [][]byte{secret}, Header: "x-r360-token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.signer.Now, tt.cfg.Now = at(t0), at(t0)
			s, err := verify.NewJWTSigner(tt.signer)
			require.NoError(t, err)
			v := mustJWT(t, tt.cfg)
			h := http.Header{}
			require.NoError(t, s.Sign(request(h), body))
			assert.NoError(t, v.Verify(request(h), body))
		})
	}
	t.Run("bearer prefix in a custom header", func(t *testing.T) {
		v := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{secret}, Header: "X-Token", Now: at(t0)})
		tok := mint(t, jwt.SigningMethodHS256, secret, jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(t0.Add(time.Minute))})
		assert.NoError(t, v.Verify(request(hdr("X-Token", tok)), body))
		assert.NoError(t, v.Verify(request(hdr("X-Token", "Bearer "+tok)), body))
	})
}

func TestJWTRotation(t *testing.T) {
	v := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{[]byte("old"), []byte("new")}, Now: at(t0)})
	for _, tt := range []struct {
		secret string
		want   error
	}{{"old", nil}, {"new", nil}, {"third", verify.ErrInvalid}} {
		t.Run(tt.secret, func(t *testing.T) {
			err := v.Verify(request(bearerOf(mint(t, jwt.SigningMethodHS256, []byte(tt.secret), jwt.RegisteredClaims{}))), nil)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestJWTRejects(t *testing.T) {
	k := jwtKeys(t)
	secret := []byte("shared")
	hsAndRSA := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{secret}, PublicKeysPEM: [][]byte{k.rsaPub}, Leeway: 30 * time.Second, Now: at(t0)})
	rsaOnly := mustJWT(t, verify.JWTConfig{PublicKeysPEM: [][]byte{k.rsaPub}, Now: at(t0)})
	strict := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{secret}, Issuer: "record360", Audience: "fleet-api", RequireExpiry: true, Now: at(t0)})
	hsOnly256 := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{secret}, Algorithms: []string{verify.HS256}, Now: at(t0)})

	b64 := base64.RawURLEncoding.EncodeToString
	none := b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64([]byte(`{"sub":"x"}`)) + "."
	// Algorithm confusion: an HS256 token keyed with the RSA public key's bytes, which an
	// attacker knows.
	confused := mint(t, jwt.SigningMethodHS256, k.rsaPub, jwt.RegisteredClaims{})
	otherRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	hs := func(c jwt.RegisteredClaims) string { return mint(t, jwt.SigningMethodHS256, secret, c) }
	date := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(t0.Add(d)) }

	tests := []struct {
		name   string
		v      verify.Verifier
		header http.Header
		want   error
	}{
		{"alg none", hsAndRSA, bearerOf(none), verify.ErrInvalid},
		{"alg none, unsigned with a dot", rsaOnly, bearerOf(none), verify.ErrInvalid},
		{"HS256 keyed with the RSA public key", rsaOnly, bearerOf(confused), verify.ErrInvalid},
		{"HS256 keyed with the RSA public key, HS allowed", hsAndRSA, bearerOf(confused), verify.ErrInvalid},
		{"RS256 from another key", rsaOnly, bearerOf(mint(t, jwt.SigningMethodRS256, otherRSA, jwt.RegisteredClaims{})), verify.ErrInvalid},
		{"ES256 without EC keys", hsAndRSA, bearerOf(mint(t, jwt.SigningMethodES256, k.ec, jwt.RegisteredClaims{})), verify.ErrInvalid},
		{"RS384 not offered", rsaOnly, bearerOf(mint(t, jwt.SigningMethodRS384, k.rsa, jwt.RegisteredClaims{})), verify.ErrInvalid},
		{"HS512 narrowed away", hsOnly256, bearerOf(mint(t, jwt.SigningMethodHS512, secret, jwt.RegisteredClaims{})), verify.ErrInvalid},
		{"expired past leeway", hsAndRSA, bearerOf(hs(jwt.RegisteredClaims{ExpiresAt: date(-31 * time.Second)})), verify.ErrTooOld},
		{"expired within leeway", hsAndRSA, bearerOf(hs(jwt.RegisteredClaims{ExpiresAt: date(-29 * time.Second)})), nil},
		{"nbf past leeway", hsAndRSA, bearerOf(hs(jwt.RegisteredClaims{NotBefore: date(31 * time.Second)})), verify.ErrTooNew},
		{"nbf within leeway", hsAndRSA, bearerOf(hs(jwt.RegisteredClaims{NotBefore: date(29 * time.Second)})), nil},
		{"iat in the future", hsAndRSA, bearerOf(hs(jwt.RegisteredClaims{IssuedAt: date(time.Hour)})), verify.ErrTooNew},
		{"wrong issuer", strict, bearerOf(hs(jwt.RegisteredClaims{Issuer: "someone", Audience: jwt.ClaimStrings{"fleet-api"}, ExpiresAt: date(time.Minute)})), verify.ErrClaims},
		{"wrong audience", strict, bearerOf(hs(jwt.RegisteredClaims{Issuer: "record360", Audience: jwt.ClaimStrings{"other"}, ExpiresAt: date(time.Minute)})), verify.ErrClaims},
		{"no exp when required", strict, bearerOf(hs(jwt.RegisteredClaims{Issuer: "record360", Audience: jwt.ClaimStrings{"fleet-api"}})), verify.ErrClaims},
		{"audience among several", strict, bearerOf(hs(jwt.RegisteredClaims{Issuer: "record360", Audience: jwt.ClaimStrings{"a", "fleet-api"}, ExpiresAt: date(time.Minute)})), nil},
		{"not a JWT", hsAndRSA, bearerOf("abc"), verify.ErrMalformed},
		{"bad base64 segment", hsAndRSA, bearerOf("a.b.c"), verify.ErrMalformed},
		{"signature stripped", hsAndRSA, bearerOf(hs(jwt.RegisteredClaims{})[:len(hs(jwt.RegisteredClaims{}))-43]), verify.ErrInvalid},
		{"no header", hsAndRSA, http.Header{}, verify.ErrMissing},
		{"basic instead", hsAndRSA, basicHeader("a", "b"), verify.ErrMissing},
		{"repeated", hsAndRSA, hdr("Authorization", "Bearer x", "Authorization", "Bearer y"), verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(request(tt.header), body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
	t.Run("the jwt package's error is kept", func(t *testing.T) {
		err := hsAndRSA.Verify(request(bearerOf(hs(jwt.RegisteredClaims{ExpiresAt: date(-time.Hour)}))), nil)
		assert.ErrorIs(t, err, jwt.ErrTokenExpired)
	})
}

func TestJWTConfigErrors(t *testing.T) {
	k := jwtKeys(t)
	tests := []struct {
		name string
		cfg  verify.JWTConfig
	}{
		{"no keys", verify.JWTConfig{}},
		{"empty secret", verify.JWTConfig{Secrets: [][]byte{{}}}},
		{"not PEM", verify.JWTConfig{PublicKeysPEM: [][]byte{[]byte("ssh-rsa AAAA")}}},
		{"private key given as public", verify.JWTConfig{PublicKeysPEM: [][]byte{k.rsaPriv}}},
		{"corrupt PEM body", verify.JWTConfig{PublicKeysPEM: [][]byte{pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("junk")})}}},
		{"P-384 key", verify.JWTConfig{PublicKeysPEM: [][]byte{k.ec384Pub}}},
		{"unknown algorithm", verify.JWTConfig{Secrets: [][]byte{[]byte("s")}, Algorithms: []string{"none"}}},
		{"algorithm without key", verify.JWTConfig{Secrets: [][]byte{[]byte("s")}, Algorithms: []string{verify.RS256}}},
		{"negative leeway", verify.JWTConfig{Secrets: [][]byte{[]byte("s")}, Leeway: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verify.NewJWT(tt.cfg)
			assert.ErrorIs(t, err, verify.ErrConfig)
		})
	}

	signers := []struct {
		name string
		cfg  verify.JWTSignerConfig
	}{
		{"no algorithm", verify.JWTSignerConfig{Secret: []byte("s")}},
		{"none", verify.JWTSignerConfig{Algorithm: "none", Secret: []byte("s")}},
		{"HS without secret", verify.JWTSignerConfig{Algorithm: verify.HS256}},
		{"RS without key", verify.JWTSignerConfig{Algorithm: verify.RS256}},
		{"RS with an EC key", verify.JWTSignerConfig{Algorithm: verify.RS256, PrivateKeyPEM: k.ecPriv}},
		{"ES with an RSA key", verify.JWTSignerConfig{Algorithm: verify.ES256, PrivateKeyPEM: k.rsaPriv}},
		{"public key given as private", verify.JWTSignerConfig{Algorithm: verify.RS256, PrivateKeyPEM: k.rsaPub}},
		{"negative TTL", verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: []byte("s"), TTL: -time.Second}},
	}
	for _, tt := range signers {
		t.Run("signer "+tt.name, func(t *testing.T) {
			_, err := verify.NewJWTSigner(tt.cfg)
			assert.ErrorIs(t, err, verify.ErrConfig)
		})
	}
}

func TestJWTSignerClaims(t *testing.T) {
	s, err := verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: []byte("s"), Issuer: "record360", Subject: "acct-1", Audience: "us", TTL: time.Minute, Now: at(t0)})
	require.NoError(t, err)
	tok, err := s.Token()
	require.NoError(t, err)
	var c jwt.RegisteredClaims
	_, err = jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return []byte("s"), nil }, jwt.WithTimeFunc(at(t0)))
	require.NoError(t, err)
	assert.Equal(t, "record360", c.Issuer)
	assert.Equal(t, "acct-1", c.Subject)
	assert.Equal(t, jwt.ClaimStrings{"us"}, c.Audience)
	assert.Equal(t, t0.Unix(), c.IssuedAt.Unix())
	assert.Equal(t, t0.Add(time.Minute).Unix(), c.ExpiresAt.Unix())

	v := mustJWT(t, verify.JWTConfig{Secrets: [][]byte{[]byte("s")}, Now: at(t0.Add(time.Minute + time.Second))})
	assert.ErrorIs(t, v.Verify(request(bearerOf(tok)), nil), verify.ErrTooOld, "TTL is enforced")
}
