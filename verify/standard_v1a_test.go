package verify_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/verify"
)

// The tests of this file check the v1a (ed25519) version of Standard Webhooks. Keys are made
// from fixed seeds with crypto/ed25519, which also signs and verifies independently of the
// package: a test that signs with the package checks the signature with ed25519.Verify, and a
// test that verifies with the package gives it signatures made by ed25519.Sign.

// edKey is an ed25519 key pair with the text forms of both halves.
type edKey struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	whsk string // "whsk_" and the base64 of the 32-byte seed
	whpk string // "whpk_" and the base64 of the public key
}

// newEdKey makes the key pair of a seed derived from name.
func newEdKey(name string) edKey {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, name+strings.Repeat("-", ed25519.SeedSize))
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	return edKey{
		priv: priv,
		pub:  pub,
		whsk: "whsk_" + base64.StdEncoding.EncodeToString(seed),
		whpk: "whpk_" + base64.StdEncoding.EncodeToString(pub),
	}
}

var (
	edOld   = newEdKey("old signing key")
	edNew   = newEdKey("new signing key")
	edThird = newEdKey("someone else's key")
)

// signedContent is what Standard Webhooks signs: "<msg_id>.<timestamp>.<payload>".
func signedContent(id string, ts int64, payload []byte) []byte {
	return append([]byte(id+"."+strconv.FormatInt(ts, 10)+"."), payload...)
}

// v1aEntry signs the content with crypto/ed25519 directly, as another implementation would.
func v1aEntry(priv ed25519.PrivateKey, id string, ts int64, payload []byte) string {
	return "v1a," + base64.StdEncoding.EncodeToString(ed25519.Sign(priv, signedContent(id, ts, payload)))
}

// v1aHeader is a delivery of body with msg_1 at t0, signed by crypto/ed25519 with each key.
func v1aHeader(keys ...ed25519.PrivateKey) http.Header {
	var entries []string
	for _, k := range keys {
		entries = append(entries, v1aEntry(k, "msg_1", t0.Unix(), body))
	}
	return hdr("webhook-id", "msg_1", "webhook-timestamp", strconv.FormatInt(t0.Unix(), 10), "webhook-signature", strings.Join(entries, " "))
}

// The v1a signing example of the reference Go library of Standard Webhooks:
// github.com/standard-webhooks/standard-webhooks, libraries/go/webhook_asymmetric_test.go,
// TestAsymmetricWebhookSign. The key is the base64 of a 32-byte ed25519 seed (the text
// "TESTSIGNINGKEYDONOTUSETHISFORANY"), which that library reads with ed25519.NewKeyFromSeed.
// The public key is not published with it; openssl derived it (testdata/vectors.sh).
const (
	refSeed      = "VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk="
	refPublic    = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g="
	refID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	refTimestamp = 1614265330
	refBody      = `{"test": 2432232314}`
	refSignature = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag=="
)

func TestStandardWebhooksV1aPublishedVector(t *testing.T) {
	when := time.Unix(refTimestamp, 0)
	seed, err := base64.StdEncoding.DecodeString(refSeed)
	require.NoError(t, err)
	full := ed25519.NewKeyFromSeed(seed) // seed and public key, 64 bytes
	h := hdr("webhook-id", refID, "webhook-timestamp", strconv.Itoa(refTimestamp), "webhook-signature", refSignature)

	signers := []struct {
		name string
		cfg  verify.StandardWebhooksConfig
	}{
		{"whsk_ with the 32-byte seed", verify.StandardWebhooksConfig{Secrets: []string{"whsk_" + refSeed}}},
		{"whsk_ with the 64 bytes of seed and public key", verify.StandardWebhooksConfig{Secrets: []string{"whsk_" + base64.StdEncoding.EncodeToString(full)}}},
		{"an ed25519.PrivateKey", verify.StandardWebhooksConfig{PrivateKeys: []ed25519.PrivateKey{full}}},
	}
	for _, tt := range signers {
		t.Run("signs: "+tt.name, func(t *testing.T) {
			tt.cfg.Now = at(when)
			s := mustStandard(t, tt.cfg)
			assert.Equal(t, refSignature, s.Signature(refID, when, []byte(refBody)))
			assert.NoError(t, s.Verify(request(h.Clone()), []byte(refBody)), "a private key verifies with its public half")
		})
	}

	verifiers := []struct {
		name string
		cfg  verify.StandardWebhooksConfig
	}{
		{"whpk_", verify.StandardWebhooksConfig{Secrets: []string{refPublic}}},
		{"an ed25519.PublicKey", verify.StandardWebhooksConfig{PublicKeys: []ed25519.PublicKey{full.Public().(ed25519.PublicKey)}}},
		{"whpk_ beside an unrelated whsec_", verify.StandardWebhooksConfig{Secrets: []string{whsec, refPublic}}},
	}
	for _, tt := range verifiers {
		t.Run("verifies: "+tt.name, func(t *testing.T) {
			tt.cfg.Now = at(when)
			v := mustStandard(t, tt.cfg)
			assert.NoError(t, v.Verify(request(h.Clone()), []byte(refBody)))
			assert.ErrorIs(t, v.Verify(request(h.Clone()), []byte(refBody+" ")), verify.ErrInvalid)
		})
	}

	t.Run("crypto/ed25519 agrees", func(t *testing.T) {
		pub, err := verify.ParseStandardPublicKey(refPublic)
		require.NoError(t, err)
		assert.Equal(t, full.Public(), pub)
		sig, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(refSignature, "v1a,"))
		require.NoError(t, err)
		assert.True(t, ed25519.Verify(pub, signedContent(refID, refTimestamp, []byte(refBody)), sig))
	})
}

func TestStandardWebhooksV1aVectors(t *testing.T) {
	for _, vec := range loadVectors(t, "standard-v1a") {
		whsk, whpk, id, ts, b, want := vec[0], vec[1], vec[2], vec[3], unb64(t, vec[4]), vec[5]
		t.Run(id, func(t *testing.T) {
			sec, err := strconv.ParseInt(ts, 10, 64)
			require.NoError(t, err)
			when := time.Unix(sec, 0)
			s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsk}, Now: at(when)})
			assert.Equal(t, want, s.Signature(id, when, b), "ed25519 signatures are deterministic")
			v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whpk}, Now: at(when)})
			h := hdr("webhook-id", id, "webhook-timestamp", ts, "webhook-signature", want)
			assert.NoError(t, v.Verify(request(h), b))

			// The public key derived from the private one is the one openssl derived.
			priv, err := verify.ParseStandardPrivateKey(whsk)
			require.NoError(t, err)
			pub, err := verify.ParseStandardPublicKey(whpk)
			require.NoError(t, err)
			assert.Equal(t, pub, priv.Public())
		})
	}
}

// TestStandardWebhooksV1aIndependent signs with one implementation and verifies with the other,
// both ways: crypto/ed25519 directly, and the package.
func TestStandardWebhooksV1aIndependent(t *testing.T) {
	bodies := map[string][]byte{
		"json":   body,
		"empty":  {},
		"binary": {0x00, 0xff, '.', '\n', 0x80},
		"large":  []byte(strings.Repeat(`{"k":"v"},`, 10000)),
	}
	for name, b := range bodies {
		t.Run("crypto/ed25519 signs, the package verifies: "+name, func(t *testing.T) {
			v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Now: at(t0)})
			h := hdr("webhook-id", "msg_x", "webhook-timestamp", strconv.FormatInt(t0.Unix(), 10),
				"webhook-signature", v1aEntry(edNew.priv, "msg_x", t0.Unix(), b))
			assert.NoError(t, v.Verify(request(h), b))
			other := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edOld.whpk}, Now: at(t0)})
			assert.ErrorIs(t, other.Verify(request(h), b), verify.ErrInvalid)
		})
		t.Run("the package signs, crypto/ed25519 verifies: "+name, func(t *testing.T) {
			s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whsk}, Now: at(t0)})
			h := hdr("webhook-id", "msg_y")
			require.NoError(t, s.Sign(request(h), b))
			assert.Equal(t, strconv.FormatInt(t0.Unix(), 10), h.Get("webhook-timestamp"))
			version, b64, ok := strings.Cut(h.Get("webhook-signature"), ",")
			require.True(t, ok)
			assert.Equal(t, "v1a", version)
			sig, err := base64.StdEncoding.DecodeString(b64)
			require.NoError(t, err, "standard base64, padded")
			require.Len(t, sig, ed25519.SignatureSize)
			assert.True(t, ed25519.Verify(edNew.pub, signedContent("msg_y", t0.Unix(), b), sig))
			assert.False(t, ed25519.Verify(edOld.pub, signedContent("msg_y", t0.Unix(), b), sig))
			assert.False(t, ed25519.Verify(edNew.pub, signedContent("msg_z", t0.Unix(), b), sig), "the id is signed")
		})
	}
}

func TestStandardWebhooksV1aSignatureList(t *testing.T) {
	hmacSigner := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0)})
	h := hdr("webhook-id", "msg_1")
	require.NoError(t, hmacSigner.Sign(request(h), body))
	v1 := h.Get("webhook-signature")
	v1a := v1aEntry(edNew.priv, "msg_1", t0.Unix(), body)
	wrongV1a := v1aEntry(edThird.priv, "msg_1", t0.Unix(), body)
	sigBytes, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v1a, "v1a,"))
	require.NoError(t, err)
	zeros := "v1a," + base64.StdEncoding.EncodeToString(make([]byte, ed25519.SignatureSize))
	// The example header of the specification: well formed, made with keys it does not publish.
	const specExample = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg=="

	public := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Now: at(t0)})
	both := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec, edNew.whpk}, Now: at(t0)})
	hmacOnly := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec}, Now: at(t0)})

	tests := []struct {
		name string
		v    *verify.StandardWebhooks
		sigs string
		want error
	}{
		{"v1a alone", public, v1a, nil},
		{"v1a after a wrong v1a", public, wrongV1a + " " + v1a, nil},
		{"v1a before a wrong v1a", public, v1a + " " + wrongV1a, nil},
		{"v1a beside v1 entries it has no secret for", public, v1 + " " + v1a + " v1,AAAA", nil},
		{"v1a beside unknown versions", public, "v2,abc v1b," + strings.TrimPrefix(v1a, "v1a,") + " " + v1a, nil},
		{"v1a, URL-safe and unpadded", public, "v1a," + base64.RawURLEncoding.EncodeToString(sigBytes), nil},
		{"v1a, extra spaces", public, "  " + wrongV1a + "    " + v1a + "  ", nil},
		{"mixed header, both kinds of key, v1 right", both, v1 + " " + wrongV1a, nil},
		{"mixed header, both kinds of key, v1a right", both, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + v1a, nil},
		{"mixed header, both right", both, v1 + " " + v1a, nil},
		{"mixed header, v1 right, to an HMAC verifier", hmacOnly, v1a + " " + v1, nil},
		{"mixed header, both wrong", both, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + wrongV1a, verify.ErrInvalid},
		{"the specification's example", both, specExample, verify.ErrInvalid},
		{"the specification's example, to a public key alone", public, specExample, verify.ErrInvalid},
		{"only a wrong v1a", public, wrongV1a, verify.ErrInvalid},
		{"zero signature", public, zeros, verify.ErrInvalid},
		{"only v1 entries, to a public key alone", public, v1, verify.ErrMalformed},
		{"only v1a entries, to an HMAC verifier", hmacOnly, v1a, verify.ErrMalformed},
		{"v1a prefix on a 32-byte MAC", public, "v1a," + strings.TrimPrefix(v1, "v1,"), verify.ErrMalformed},
		{"v1 prefix on an ed25519 signature", public, "v1," + strings.TrimPrefix(v1a, "v1a,"), verify.ErrMalformed},
		{"no comma", public, strings.Replace(v1a, ",", "", 1), verify.ErrMalformed},
		{"empty signature", public, "v1a,", verify.ErrMalformed},
		{"bad base64", public, "v1a,***", verify.ErrMalformed},
		{"truncated", public, v1a[:len(v1a)-4], verify.ErrMalformed},
		{"version in upper case", public, "V1A," + strings.TrimPrefix(v1a, "v1a,"), verify.ErrMalformed},
		{"version with a space", public, "v1a, " + strings.TrimPrefix(v1a, "v1a,"), verify.ErrMalformed},
		{"four v1a entries, the last right", public, strings.Repeat(wrongV1a+" ", 3) + v1a, nil},
		{"five v1a entries", public, strings.Repeat(wrongV1a+" ", 4) + v1a, verify.ErrMalformed},
		{"five v1a entries, the first right", public, v1a + strings.Repeat(" "+wrongV1a, 4), verify.ErrMalformed},
		{"five v1a entries and a right v1", both, strings.Repeat(wrongV1a+" ", 5) + v1, verify.ErrMalformed},
		{"five v1a entries, to an HMAC verifier that ignores them", hmacOnly, strings.Repeat(wrongV1a+" ", 5) + v1, nil},
		{"five v1a entries, four of them malformed", public, strings.Repeat("v1a,AAAA ", 4) + v1a, nil},
		{"8 KiB of v1a entries", public, strings.Repeat(zeros+" ", 8<<10/len(zeros)), verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.want, tt.v.Verify(request(with(h, "webhook-signature", tt.sigs)), body))
		})
	}
}

func TestStandardWebhooksV1aRejects(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Now: at(t0)})
	good := v1aHeader(edNew.priv)
	require.NoError(t, v.Verify(request(good), body))
	flipped := append([]byte(nil), body...)
	flipped[len(flipped)-2] ^= 0x01
	repeated := good.Clone()
	repeated.Add("webhook-signature", good.Get("webhook-signature"))
	ts := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		want   error
	}{
		{"wrong key", v1aHeader(edThird.priv), body, verify.ErrInvalid},
		{"flipped body bit", good, flipped, verify.ErrInvalid},
		{"body with a trailing newline", good, append(append([]byte(nil), body...), '\n'), verify.ErrInvalid},
		{"empty body", good, nil, verify.ErrInvalid},
		{"id changed", with(good, "webhook-id", "msg_2"), body, verify.ErrInvalid},
		{"timestamp changed by a second", with(good, "webhook-timestamp", ts(time.Second)), body, verify.ErrInvalid},
		{"timestamp an hour old", with(good, "webhook-timestamp", ts(-time.Hour)), body, verify.ErrTooOld},
		{"timestamp an hour ahead", with(good, "webhook-timestamp", ts(time.Hour)), body, verify.ErrTooNew},
		{"timestamp in milliseconds", with(good, "webhook-timestamp", strconv.FormatInt(t0.UnixMilli(), 10)), body, verify.ErrTooNew},
		{"timestamp not a number", with(good, "webhook-timestamp", "yesterday"), body, verify.ErrMalformed},
		{"no id", with(good, "webhook-id", "<nil>"), body, verify.ErrMissing},
		{"no timestamp", with(good, "webhook-timestamp", "<nil>"), body, verify.ErrMissing},
		{"no signature", with(good, "webhook-signature", "<nil>"), body, verify.ErrMissing},
		{"signature header repeated", repeated, body, verify.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, v.Verify(request(tt.header), tt.body), tt.want)
		})
	}
}

func TestStandardWebhooksV1aRotation(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edOld.whpk, edNew.whpk}, Now: at(t0)})
	tests := []struct {
		name    string
		signers []ed25519.PrivateKey
		want    error
	}{
		{"old key", []ed25519.PrivateKey{edOld.priv}, nil},
		{"new key", []ed25519.PrivateKey{edNew.priv}, nil},
		{"both keys", []ed25519.PrivateKey{edOld.priv, edNew.priv}, nil},
		{"another key, then the new", []ed25519.PrivateKey{edThird.priv, edNew.priv}, nil},
		{"another key", []ed25519.PrivateKey{edThird.priv}, verify.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.want, v.Verify(request(v1aHeader(tt.signers...)), body))
		})
	}

	t.Run("a rotating sender signs with both", func(t *testing.T) {
		s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edOld.whsk, edNew.whsk}, Now: at(t0)})
		h := http.Header{}
		require.NoError(t, s.Sign(request(h), body))
		entries := strings.Fields(h.Get("webhook-signature"))
		require.Len(t, entries, 2)
		for i, k := range []edKey{edOld, edNew} {
			sig, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(entries[i], "v1a,"))
			require.NoError(t, err)
			assert.True(t, ed25519.Verify(k.pub, signedContent(h.Get("webhook-id"), t0.Unix(), body), sig), "entry %d", i)
		}
		for _, k := range []edKey{edOld, edNew} {
			only := mustStandard(t, verify.StandardWebhooksConfig{PublicKeys: []ed25519.PublicKey{k.pub}, Now: at(t0)})
			assert.NoError(t, only.Verify(request(h), body))
		}
	})

	t.Run("from v1 to v1a", func(t *testing.T) {
		// The receiver holds the old whsec_ secret and the new public key while the sender moves.
		receiver := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec, edNew.whpk}, Now: at(t0)})
		for _, sender := range [][]string{{whsec}, {whsec, edNew.whsk}, {edNew.whsk}} {
			s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: sender, Now: at(t0)})
			h := http.Header{}
			require.NoError(t, s.Sign(request(h), body))
			assert.Len(t, strings.Fields(h.Get("webhook-signature")), len(sender))
			assert.NoError(t, receiver.Verify(request(h), body), "sender with %d keys", len(sender))
		}
		h := http.Header{}
		require.NoError(t, mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{whsec, edNew.whsk}, Now: at(t0)}).Sign(request(h), body))
		assert.Regexp(t, `^v1,\S+ v1a,\S+$`, h.Get("webhook-signature"), "v1 entries first, then v1a")
	})
}

func TestStandardWebhooksV1aTolerance(t *testing.T) {
	tests := []struct {
		name      string
		tolerance time.Duration
		skew      time.Duration
		want      error
	}{
		{"default, old at the boundary", 0, -5 * time.Minute, nil},
		{"default, one second too old", 0, -5*time.Minute - time.Second, verify.ErrTooOld},
		{"default, new at the boundary", 0, 5 * time.Minute, nil},
		{"default, one second too new", 0, 5*time.Minute + time.Second, verify.ErrTooNew},
		{"30s, old at the boundary", 30 * time.Second, -30 * time.Second, nil},
		{"30s, one second too old", 30 * time.Second, -31 * time.Second, verify.ErrTooOld},
		{"30s, new at the boundary", 30 * time.Second, 30 * time.Second, nil},
		{"30s, one second too new", 30 * time.Second, 31 * time.Second, verify.ErrTooNew},
		{"1h, 59 minutes old", time.Hour, -59 * time.Minute, nil},
		{"1h, 59 minutes ahead", time.Hour, 59 * time.Minute, nil},
		{"1h, 61 minutes old", time.Hour, -61 * time.Minute, verify.ErrTooOld},
		{"1h, 61 minutes ahead", time.Hour, 61 * time.Minute, verify.ErrTooNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Tolerance: tt.tolerance, Now: at(t0)})
			s := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whsk}, Now: at(t0.Add(tt.skew))})
			h := http.Header{}
			require.NoError(t, s.Sign(request(h), body))
			checkErr(t, tt.want, v.Verify(request(h), body))
		})
	}
}

func TestStandardWebhooksV1aSignNeedsAPrivateKey(t *testing.T) {
	v := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Now: at(t0)})
	h := http.Header{}
	err := v.Sign(request(h), body)
	assert.ErrorIs(t, err, verify.ErrConfig)
	assert.Contains(t, err.Error(), "whsk_")
	assert.Empty(t, h, "nothing is set when nothing can sign")
	assert.Empty(t, v.Signature("msg_1", t0, body))
}

func TestStandardWebhooksV1aConfigErrors(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "a seed for the configuration")
	priv := ed25519.NewKeyFromSeed(seed)
	mismatched := append(append([]byte(nil), seed...), edOld.pub...) // a seed with another key's public half
	b64 := base64.StdEncoding.EncodeToString

	tests := []struct {
		name string
		cfg  verify.StandardWebhooksConfig
	}{
		{"whpk_ alone", verify.StandardWebhooksConfig{Secrets: []string{"whpk_"}}},
		{"whpk_ not base64", verify.StandardWebhooksConfig{Secrets: []string{"whpk_not*base64"}}},
		{"whpk_ unpadded", verify.StandardWebhooksConfig{Secrets: []string{strings.TrimRight(edNew.whpk, "=")}}},
		{"whpk_ of 31 bytes", verify.StandardWebhooksConfig{Secrets: []string{"whpk_" + b64(edNew.pub[:31])}}},
		{"whpk_ of 64 bytes", verify.StandardWebhooksConfig{Secrets: []string{"whpk_" + b64(priv)}}},
		{"whsk_ alone", verify.StandardWebhooksConfig{Secrets: []string{"whsk_"}}},
		{"whsk_ not base64", verify.StandardWebhooksConfig{Secrets: []string{"whsk_not*base64"}}},
		{"whsk_ of 31 bytes", verify.StandardWebhooksConfig{Secrets: []string{"whsk_" + b64(seed[:31])}}},
		{"whsk_ of 48 bytes", verify.StandardWebhooksConfig{Secrets: []string{"whsk_" + b64(priv[:48])}}},
		{"whsk_ whose public half is another key's", verify.StandardWebhooksConfig{Secrets: []string{"whsk_" + b64(mismatched)}}},
		{"a good whpk_ beside a bad whsk_", verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk, "whsk_x"}}},
		{"PublicKeys of the wrong length", verify.StandardWebhooksConfig{PublicKeys: []ed25519.PublicKey{edNew.pub[:16]}}},
		{"PublicKeys empty", verify.StandardWebhooksConfig{PublicKeys: []ed25519.PublicKey{{}}}},
		{"PrivateKeys of the wrong length", verify.StandardWebhooksConfig{PrivateKeys: []ed25519.PrivateKey{ed25519.PrivateKey(seed)}}},
		{"PrivateKeys whose public half is another key's", verify.StandardWebhooksConfig{PrivateKeys: []ed25519.PrivateKey{mismatched}}},
		{"public key with a negative tolerance", verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}, Tolerance: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verify.NewStandardWebhooks(tt.cfg)
			require.ErrorIs(t, err, verify.ErrConfig)
			for _, secret := range []string{b64(seed), b64(priv), b64(mismatched), strings.TrimPrefix(edNew.whpk, "whpk_")} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}

	t.Run("a key where another kind belongs", func(t *testing.T) {
		parsers := []struct {
			name  string
			parse func(string) error
			wrong []string
		}{
			{"ParseStandardPublicKey", func(s string) error { _, err := verify.ParseStandardPublicKey(s); return err }, []string{edNew.whsk, whsec}},
			{"ParseStandardPrivateKey", func(s string) error { _, err := verify.ParseStandardPrivateKey(s); return err }, []string{edNew.whpk, whsec}},
			{"ParseStandardSecret", func(s string) error { _, err := verify.ParseStandardSecret(s); return err }, []string{edNew.whpk, edNew.whsk}},
		}
		for _, p := range parsers {
			for _, text := range p.wrong {
				kind, _, _ := strings.Cut(text, "_")
				t.Run(p.name+" given "+kind+"_", func(t *testing.T) {
					err := p.parse(text)
					require.ErrorIs(t, err, verify.ErrConfig)
					assert.Contains(t, err.Error(), "a "+kind+"_ ", "the message names the kind given")
					_, rest, _ := strings.Cut(text, "_")
					assert.NotContains(t, err.Error(), rest)
				})
			}
		}
	})

	t.Run("the prefix is optional to the parsers", func(t *testing.T) {
		pub, err := verify.ParseStandardPublicKey(strings.TrimPrefix(edNew.whpk, "whpk_"))
		require.NoError(t, err)
		assert.Equal(t, edNew.pub, pub)
		key, err := verify.ParseStandardPrivateKey(strings.TrimPrefix(edNew.whsk, "whsk_"))
		require.NoError(t, err)
		assert.Equal(t, edNew.priv, key)
		key, err = verify.ParseStandardPrivateKey(" whsk_" + b64(edNew.priv) + "\n")
		require.NoError(t, err, "the 64-byte form, with spaces around")
		assert.Equal(t, edNew.priv, key)
	})

	t.Run("the caller's slices are copied", func(t *testing.T) {
		pub := append(ed25519.PublicKey(nil), edNew.pub...)
		priv := append(ed25519.PrivateKey(nil), edOld.priv...)
		v := mustStandard(t, verify.StandardWebhooksConfig{PublicKeys: []ed25519.PublicKey{pub}, PrivateKeys: []ed25519.PrivateKey{priv}, Now: at(t0)})
		clear(pub)
		clear(priv)
		assert.NoError(t, v.Verify(request(v1aHeader(edNew.priv)), body))
		h := http.Header{}
		require.NoError(t, v.Sign(request(h), body))
		assert.Equal(t, v1aEntry(edOld.priv, h.Get("webhook-id"), t0.Unix(), body), h.Get("webhook-signature"))
	})
}

// TestStandardWebhooksV1aDescribed checks what the rest of the SDK reads from a v1a verifier:
// its scheme name, the headers it authenticates, that it needs the body, and its description.
func TestStandardWebhooksV1aDescribed(t *testing.T) {
	tests := []struct {
		name string
		cfg  verify.StandardWebhooksConfig
		text string
	}{
		{"public key", verify.StandardWebhooksConfig{Secrets: []string{edNew.whpk}}, "standard-webhooks(±5m0s, 1 public key)"},
		{"private key", verify.StandardWebhooksConfig{Secrets: []string{edNew.whsk}}, "standard-webhooks(±5m0s, 1 private key)"},
		{"all kinds", verify.StandardWebhooksConfig{
			Secrets:    []string{whsec, edOld.whpk, edOld.whsk},
			PublicKeys: []ed25519.PublicKey{edNew.pub}, PrivateKeys: []ed25519.PrivateKey{edNew.priv},
			Tolerance: time.Minute,
		}, "standard-webhooks(±1m0s, 1 secret, 2 private keys, 2 public keys)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustStandard(t, tt.cfg)
			assert.Equal(t, "standard-webhooks", verify.Scheme(v))
			assert.True(t, verify.NeedsBody(v))
			for name, want := range map[string]bool{
				"webhook-id": true, "Webhook-Timestamp": true, "webhook-signature": false, "Content-Type": false,
			} {
				assert.Equal(t, want, verify.AuthenticatesHeader(v, name), name)
			}
			assert.Equal(t, tt.text, v.String())
			printed := fmt.Sprintf("%v %+v %#v %s", v, v, v, v)
			for _, k := range []edKey{edOld, edNew} {
				assert.NotContains(t, printed, strings.TrimPrefix(k.whsk, "whsk_"))
				assert.NotContains(t, printed, base64.StdEncoding.EncodeToString(k.priv))
			}
		})
	}
}

// TestStandardWebhooksV1aRedact: a v1a verifier, alone or beside a URL token, leaves
// RedactRequest as it was: query values redacted whatever they hold, the token's path segment
// redacted, and nothing of its keys in the text (they are never sent, so never looked for).
func TestStandardWebhooksV1aRedact(t *testing.T) {
	std := mustStandard(t, verify.StandardWebhooksConfig{Secrets: []string{edNew.whsk, edOld.whpk}})
	tok := mustURLToken(t, verify.URLTokenConfig{PathValue: "token", Tokens: []string{"url-token-1"}})
	both, err := verify.All(std, tok)
	require.NoError(t, err)
	q := "?key=" + edNew.whsk + "&pub=" + edOld.whpk + "&b64=" + strings.TrimPrefix(edNew.whsk, "whsk_")
	tests := []struct {
		name   string
		v      verify.Verifier
		target string
		token  string
		want   string
	}{
		{"alone", std, "/webhooks/std" + q, "", "/webhooks/std?key=REDACTED&pub=REDACTED&b64=REDACTED"},
		{"beside a URL token", both, "/webhooks/url-token-1" + q, "url-token-1", "/webhooks/REDACTED?key=REDACTED&pub=REDACTED&b64=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, strings.ReplaceAll(tt.target, "+", "%2B"), nil)
			if tt.token != "" {
				r.SetPathValue("token", tt.token)
			}
			got := verify.RedactRequest(tt.v, r)
			assert.Equal(t, tt.want, got)
			for _, k := range []edKey{edNew, edOld} {
				assert.NotContains(t, got, strings.TrimPrefix(k.whsk, "whsk_"))
			}
		})
	}
}
