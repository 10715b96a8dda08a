package verify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook/verify"
)

var benchSizes = []int{1 << 10, 4 << 10, 64 << 10}

func benchBody(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// BenchmarkHMACBaseline only computes crypto/hmac over the body and compares: the floor under
// every HMAC verifier.
func BenchmarkHMACBaseline(b *testing.B) {
	key := []byte("org-secret")
	for _, n := range benchSizes {
		body := benchBody(n)
		want := hmac.New(sha256.New, key)
		want.Write(body)
		sig := want.Sum(nil)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				m := hmac.New(sha256.New, key)
				m.Write(body)
				if !hmac.Equal(m.Sum(nil), sig) {
					b.Fatal("mismatch")
				}
			}
		})
	}
}

func benchVerify(b *testing.B, v verify.Verifier, s verify.Signer) {
	for _, n := range benchSizes {
		body := benchBody(n)
		r := request(http.Header{})
		if err := s.Sign(r, body); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if err := v.Verify(r, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHMACVerify is SafetyCulture's scheme: hex HMAC-SHA256 of the body.
func BenchmarkHMACVerify(b *testing.B) {
	v, err := verify.NewHMAC(verify.SafetyCulture("org-secret"))
	if err != nil {
		b.Fatal(err)
	}
	benchVerify(b, v, v)
}

// BenchmarkHMACVerifyRotation has two secrets, the signature made with the second.
func BenchmarkHMACVerifyRotation(b *testing.B) {
	v, err := verify.NewHMAC(verify.SafetyCulture("old-secret", "org-secret"))
	if err != nil {
		b.Fatal(err)
	}
	s, _ := verify.NewHMAC(verify.SafetyCulture("org-secret"))
	benchVerify(b, v, s)
}

// BenchmarkStandardWebhooksVerify is the Standard Webhooks scheme with one secret.
func BenchmarkStandardWebhooksVerify(b *testing.B) {
	v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}})
	if err != nil {
		b.Fatal(err)
	}
	benchVerify(b, v, v)
}

// BenchmarkStandardWebhooksV1aVerify is the v1a version: one ed25519 verification with a whpk_
// public key, about 80 µs plus the SHA-512 of the body.
func BenchmarkStandardWebhooksV1aVerify(b *testing.B) {
	v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}})
	if err != nil {
		b.Fatal(err)
	}
	s, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{edNew.whsk}})
	if err != nil {
		b.Fatal(err)
	}
	benchVerify(b, v, s)
}

// BenchmarkStandardWebhooksV1aWorstCase is a header of 4 v1a entries (the most accepted), none of
// them right, checked against 2 public keys: the most a forged request can cost.
func BenchmarkStandardWebhooksV1aWorstCase(b *testing.B) {
	v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{edOld.whpk, edNew.whpk}})
	if err != nil {
		b.Fatal(err)
	}
	s, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{edThird.whsk}})
	if err != nil {
		b.Fatal(err)
	}
	body := benchBody(1 << 10)
	r := request(http.Header{})
	if err := s.Sign(r, body); err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Webhook-Signature", strings.TrimSpace(strings.Repeat(r.Header.Get("Webhook-Signature")+" ", 4)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(r, body); !errors.Is(err, verify.ErrInvalid) {
			b.Fatal(err)
		}
	}
}

// BenchmarkBasicVerify does not read the body; its cost is the same at every size.
func BenchmarkBasicVerify(b *testing.B) {
	v, err := verify.NewBasic(verify.Credential{Username: "inspectorio", Password: "pw"})
	if err != nil {
		b.Fatal(err)
	}
	benchVerify(b, v, v)
}

// BenchmarkJWTVerify is an HS256 JWT in the Authorization header.
func BenchmarkJWTVerify(b *testing.B) {
	secret := []byte("jwt-secret")
	v, err := verify.NewJWT(verify.JWTConfig{Secrets: [][]byte{secret}})
	if err != nil {
		b.Fatal(err)
	}
	s, err := verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	benchVerify(b, v, s)
}
