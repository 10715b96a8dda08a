package verify

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below feed one header value at a time to each parser. Their seed corpora are
// in testdata/fuzz/<target>/; run one with, for example,
//
//	go test ./verify -run '^$' -fuzz '^FuzzHMACHeader$' -fuzztime 60s

var (
	fuzzNow    = time.Unix(1795435200, 0)
	fuzzBody   = []byte(`{"event":"create","transaction":{"id":46782411}}`)
	fuzzSecret = []byte("fuzz-secret")
)

// checkSentinel fails unless err is nil or wraps exactly the sentinels Verify may return.
func checkSentinel(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []error{ErrMissing, ErrMalformed, ErrInvalid, ErrTooOld, ErrTooNew, ErrClaims} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %q wraps none of the sentinels", err)
}

func macOf(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

func FuzzHMACHeader(f *testing.F) {
	hexV, err := NewHMAC(HMACConfig{Header: "X-Sig", Prefix: "sha256=", PrefixOptional: true, Secrets: [][]byte{fuzzSecret}})
	if err != nil {
		f.Fatal(err)
	}
	b64V, err := NewHMAC(HMACConfig{Header: "X-Sig", Encoding: Base64, Secrets: [][]byte{fuzzSecret}})
	if err != nil {
		f.Fatal(err)
	}
	want := macOf(fuzzSecret, fuzzBody)
	f.Fuzz(func(t *testing.T, value string) {
		h := http.Header{"X-Sig": {value}}

		err := hexV.Verify(&http.Request{Header: h}, fuzzBody)
		checkSentinel(t, err)
		if err == nil {
			v := strings.TrimSpace(value)
			if len(v) >= 7 && strings.EqualFold(v[:7], "sha256=") {
				v = v[7:]
			}
			got, derr := hex.DecodeString(v)
			if derr != nil || !bytes.Equal(got, want) {
				t.Fatalf("hex verifier accepted %q", value)
			}
		}

		err = b64V.Verify(&http.Request{Header: h}, fuzzBody)
		checkSentinel(t, err)
		if err == nil {
			v := strings.TrimRight(strings.TrimSpace(value), "=")
			v = strings.NewReplacer("-", "+", "_", "/").Replace(v)
			got, derr := base64.RawStdEncoding.DecodeString(v)
			if derr != nil || !bytes.Equal(got, want) {
				t.Fatalf("base64 verifier accepted %q", value)
			}
		}

		// The allocation-free hex decoder agrees with encoding/hex.
		var buf [64]byte
		got, ok := decodeHex(value, buf[:])
		ref, refErr := hex.DecodeString(value)
		if len(value) <= 128 && ok != (refErr == nil) {
			t.Fatalf("decodeHex(%q) ok=%v, encoding/hex err=%v", value, ok, refErr)
		}
		if ok && !bytes.Equal(got, ref) {
			t.Fatalf("decodeHex(%q) = %x, want %x", value, got, ref)
		}
	})
}

func FuzzTimestampHeader(f *testing.F) {
	const tol = 5 * time.Minute
	f.Fuzz(func(t *testing.T, value string) {
		err := checkTimestamp("X-Ts", value, fuzzNow, tol)
		checkSentinel(t, err)
		sec, perr := strconv.ParseInt(value, 10, 64)
		if err == nil {
			if perr != nil {
				t.Fatalf("accepted non-number %q", value)
			}
			if d := fuzzNow.Unix() - sec; d > 300 || d < -300 {
				t.Fatalf("accepted %q, %ds from now", value, d)
			}
		} else if perr == nil && sec >= fuzzNow.Unix()-300 && sec <= fuzzNow.Unix()+300 {
			t.Fatalf("rejected %q inside the window: %v", value, err)
		}
	})
}

// fuzzEdKey is the ed25519 key of the Standard Webhooks fuzz target's v1a entries.
var fuzzEdKey = ed25519.NewKeyFromSeed([]byte("fuzz-ed25519-seed-0123456789abcd"))

// FuzzStandardSignatureHeader feeds webhook-signature values to three verifiers: one with an
// HMAC secret (v1), one with an ed25519 public key (v1a), and one with both. Whatever one
// accepts must hold an entry that crypto/hmac or crypto/ed25519 confirms for a key it has.
func FuzzStandardSignatureHeader(f *testing.F) {
	now := func() time.Time { return fuzzNow }
	pub := fuzzEdKey.Public().(ed25519.PublicKey)
	v1, err := NewStandardWebhooks(StandardWebhooksConfig{Keys: [][]byte{fuzzSecret}, Now: now})
	if err != nil {
		f.Fatal(err)
	}
	v1a, err := NewStandardWebhooks(StandardWebhooksConfig{PublicKeys: []ed25519.PublicKey{pub}, Now: now})
	if err != nil {
		f.Fatal(err)
	}
	both, err := NewStandardWebhooks(StandardWebhooksConfig{Keys: [][]byte{fuzzSecret}, PublicKeys: []ed25519.PublicKey{pub}, Now: now})
	if err != nil {
		f.Fatal(err)
	}
	ts := strconv.FormatInt(fuzzNow.Unix(), 10)
	content := append([]byte("msg_1."+ts+"."), fuzzBody...)
	want := macOf(fuzzSecret, content)
	// entries returns the signatures of the header's entries of a version, decoded as leniently
	// as the verifier decodes them.
	entries := func(value, version string) [][]byte {
		var out [][]byte
		for _, entry := range strings.Fields(value) {
			if b64, ok := strings.CutPrefix(entry, version+","); ok {
				b64 = strings.NewReplacer("-", "+", "_", "/").Replace(strings.TrimRight(b64, "="))
				if got, err := base64.RawStdEncoding.DecodeString(b64); err == nil {
					out = append(out, got)
				}
			}
		}
		return out
	}
	f.Fuzz(func(t *testing.T, value string) {
		h := http.Header{HeaderWebhookID: {"msg_1"}, HeaderWebhookTimestamp: {ts}, HeaderWebhookSignature: {value}}
		macOK, edOK, edCount := false, false, 0
		for _, sig := range entries(value, "v1") {
			macOK = macOK || bytes.Equal(sig, want)
		}
		for _, sig := range entries(value, "v1a") {
			if len(sig) == ed25519.SignatureSize {
				edCount++
				edOK = edOK || ed25519.Verify(pub, content, sig)
			}
		}
		for _, c := range []struct {
			name       string
			v          *StandardWebhooks
			v1, v1a    bool
			capEntries bool
		}{
			{"v1", v1, true, false, false},
			{"v1a", v1a, false, true, true},
			{"both", both, true, true, true},
		} {
			err := c.v.Verify(&http.Request{Header: h}, fuzzBody)
			checkSentinel(t, err)
			if err != nil {
				continue
			}
			if c.capEntries && edCount > maxAsymmetricEntries {
				t.Fatalf("%s verifier accepted %q with %d v1a entries", c.name, value, edCount)
			}
			if !(c.v1 && macOK) && !(c.v1a && edOK) {
				t.Fatalf("%s verifier accepted %q with no matching entry", c.name, value)
			}
		}
	})
}

func FuzzAuthorizationHeader(f *testing.F) {
	basic, err := NewBasic(Credential{Username: "user", Password: "pass word"})
	if err != nil {
		f.Fatal(err)
	}
	bearer, err := NewBearer("token-1")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, value string) {
		h := http.Header{"Authorization": {value}}
		err := basic.Verify(&http.Request{Header: h}, nil)
		checkSentinel(t, err)
		if err == nil {
			scheme, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
			raw, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
			if !strings.EqualFold(scheme, "basic") || derr != nil || string(raw) != "user:pass word" {
				t.Fatalf("Basic accepted %q", value)
			}
		}
		err = bearer.Verify(&http.Request{Header: h}, nil)
		checkSentinel(t, err)
		if err == nil {
			scheme, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
			if !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(rest) != "token-1" {
				t.Fatalf("Bearer accepted %q", value)
			}
		}
	})
}

func FuzzJWTHeader(f *testing.F) {
	v, err := NewJWT(JWTConfig{Secrets: [][]byte{fuzzSecret}, Now: func() time.Time { return fuzzNow }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, token string) {
		err := v.Verify(&http.Request{Header: http.Header{"Authorization": {"Bearer " + token}}}, nil)
		checkSentinel(t, err)
		if err != nil {
			return
		}
		// Accepted: the third segment must be the HMAC of the first two under an HS algorithm.
		parts := strings.Split(strings.TrimSpace(token), ".")
		if len(parts) != 3 {
			t.Fatalf("accepted %q without three segments", token)
		}
		sig, derr := base64.RawURLEncoding.DecodeString(parts[2])
		if derr != nil || len(sig) < sha256.Size {
			t.Fatalf("accepted %q with signature %q", token, parts[2])
		}
		if len(sig) == sha256.Size && !hmac.Equal(sig, macOf(fuzzSecret, []byte(parts[0]+"."+parts[1]))) {
			t.Fatalf("accepted %q with a wrong HS256 signature", token)
		}
	})
}

func FuzzURLTokenRedact(f *testing.F) {
	query, err := NewURLToken(URLTokenConfig{Query: "token", Tokens: []string{"fuzz-token"}})
	if err != nil {
		f.Fatal(err)
	}
	path, err := NewURLToken(URLTokenConfig{PathValue: "token", Tokens: []string{"fuzz-token", "a/b"}})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"/hook?token=fuzz-token",
		"/webhooks/fuzz-token?x=1",
		"/webhooks/a%2Fb/fuzz%2Dtoken",
		"/hook?a=1;token=x&tok%65n=y&token",
		"https://example.com/p?token=fuzz-token#frag",
		"http:fuzz-token/x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		before := u.String()
		if _, err := url.Parse(before); err != nil {
			return // a URL net/url cannot read back is no request's URL
		}

		// Query: every value of the parameter is gone, so the redacted URL never verifies.
		red := query.Redact(u)
		back, err := url.Parse(red)
		if err != nil {
			t.Fatalf("%q redacted to %q, which does not parse: %v", raw, red, err)
		}
		for _, v := range back.Query()["token"] {
			if v != Redacted {
				t.Fatalf("%q redacted to %q, which still has token=%q", raw, red, v)
			}
		}
		if query.Verify(&http.Request{URL: back}, nil) == nil {
			t.Fatalf("%q redacted to %q, which verifies", raw, red)
		}

		// PathValue: no segment equals a token, escaped or not.
		red = path.Redact(u)
		if back, err = url.Parse(red); err != nil {
			t.Fatalf("%q redacted to %q, which does not parse: %v", raw, red, err)
		}
		for _, p := range []string{back.EscapedPath(), back.Opaque} {
			for seg := range strings.SplitSeq(p, "/") {
				v, err := url.PathUnescape(seg)
				if path.tokens.contains(seg) || (err == nil && path.tokens.contains(v)) {
					t.Fatalf("%q redacted to %q, which still has segment %q", raw, red, seg)
				}
			}
		}
		if u.String() != before {
			t.Fatalf("Redact modified %q", raw)
		}
	})
}
