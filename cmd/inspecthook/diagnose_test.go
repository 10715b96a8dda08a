package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // a sender signing with SHA-1 is one of the cases
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/verify"
)

// The secrets of the tests: distinctive, so that a hint quoting one is caught.
const (
	testSecret   = "distinctive-secret"
	testWhsec    = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // the key 0123456789abcdef0123456789abcdef
	testBody     = "{\"event\":\"ping\"}\n"
	testUnixTime = 1700000000
)

// The ed25519 key of the v1a tests, and its text forms.
var (
	testEdKey = ed25519.NewKeyFromSeed([]byte("diagnose-ed25519-seed-0123456789"))
	testWhsk  = "whsk_" + base64.StdEncoding.EncodeToString(testEdKey.Seed())
	testWhpk  = "whpk_" + base64.StdEncoding.EncodeToString(testEdKey.Public().(ed25519.PublicKey))
)

// macHex and macB64 are the HMAC-SHA256 of content with key, in hex and base64.
func macHex(key, content string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(content))
	return hex.EncodeToString(m.Sum(nil))
}

func macB64(key []byte, content string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(content))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hdr builds canonical headers from "Name: value" pairs.
func hdr(lines ...string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		h.Add(name, strings.TrimSpace(value))
	}
	return h
}

// diagCase is one delivery diagnosed: the verifier checks it first, so that the error is the
// one verify really returns, and must refuse it.
type diagCase struct {
	name    string
	in      diagInput
	v       verify.Verifier
	want    []string // each must appear in some hint
	notWant []string // none may appear in any hint
	none    bool     // no hint at all is expected
}

func TestDiagnose(t *testing.T) {
	now := time.Unix(testUnixTime, 0)
	clock := func() time.Time { return now }
	sc := verify.SafetyCulture(testSecret)
	scTS := verify.SafetyCulture(testSecret)
	scTS.TimestampHeader, scTS.Now = "X-Timestamp", clock
	veh := verify.VehReports(testSecret)
	stdKey := []byte("0123456789abcdef0123456789abcdef")
	stdSigned := "msg_1." + strconv.Itoa(testUnixTime) + "." + testBody

	mustHMAC := func(cfg verify.HMACConfig) verify.Verifier {
		v, err := verify.NewHMAC(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	std := func(at time.Time) verify.Verifier {
		v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{testWhsec}, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	basic, _ := verify.NewBasic(verify.Credential{Username: "user", Password: testSecret})
	bearer, _ := verify.NewBearer(testSecret)
	apiKey, _ := verify.NewAPIKey("X-Api-Key", testSecret)
	jwtV, _ := verify.NewJWT(verify.JWTConfig{Secrets: [][]byte{[]byte(testSecret)}, Algorithms: []string{verify.HS256}, Now: clock})
	urlTok, _ := verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{testSecret}})
	jwtSigner := func(alg, secret string, at time.Time) string {
		s, err := verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: alg, Secret: []byte(secret), Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.Token()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	sha1Hex := func() string {
		m := hmac.New(sha1.New, []byte(testSecret))
		m.Write([]byte(testBody))
		return hex.EncodeToString(m.Sum(nil))
	}()

	hmacIn := func(cfg verify.HMACConfig, h http.Header, body string) diagInput {
		return diagInput{scheme: schemeHMAC, hmac: cfg, header: h, body: []byte(body), secrets: []string{testSecret}, now: now}
	}
	stdIn := func(h http.Header, body string) diagInput {
		return diagInput{scheme: schemeStandard, header: h, body: []byte(body), secrets: []string{testWhsec}, now: now}
	}
	edIn := func(h http.Header, body string) diagInput {
		return diagInput{scheme: schemeStandard, header: h, body: []byte(body), secrets: []string{testWhpk}, now: now}
	}
	stdEd := func(at time.Time) verify.Verifier {
		v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{testWhpk}, Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	edEntry := func(content string) string {
		return "v1a," + base64.StdEncoding.EncodeToString(ed25519.Sign(testEdKey, []byte(content)))
	}
	credIn := func(scheme string, secret string, h http.Header) diagInput {
		return diagInput{scheme: scheme, header: h, secrets: []string{secret}, apiKeyHeader: "X-Api-Key", tokenParam: "token", jwtAlg: verify.HS256, now: now}
	}

	cases := []diagCase{
		{
			name: "hmac header missing, a look-alike holds the right MAC",
			in:   hmacIn(sc, hdr("X-Signature: "+macHex(testSecret, testBody), "Content-Type: application/json"), testBody),
			v:    mustHMAC(sc),
			want: []string{
				"expected the X-Safetyculture-Signature header; the headers given: Content-Type, X-Signature",
				"did you mean X-Signature?", "--signature-header X-Signature",
				"X-Signature holds an HMAC of this body with the secret given",
			},
			notWant: []string{"did you mean Content-Type"},
		},
		{
			name: "hmac header missing, no headers at all",
			in:   hmacIn(sc, http.Header{}, testBody),
			v:    mustHMAC(sc),
			want: []string{"expected the X-Safetyculture-Signature header; no headers were given"},
		},
		{
			name: "hmac in base64 where hex is expected",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+macB64([]byte(testSecret), testBody)), testBody),
			v:    mustHMAC(sc),
			want: []string{"holds the right HMAC in base64; this scheme expects hex (--encoding base64 accepts it)"},
		},
		{
			name: "hmac in hex where base64 is expected",
			in: func() diagInput {
				cfg := sc
				cfg.Encoding = verify.Base64
				return hmacIn(cfg, hdr("X-Safetyculture-Signature: "+macHex(testSecret, testBody)), testBody)
			}(),
			v: func() verify.Verifier {
				cfg := sc
				cfg.Encoding = verify.Base64
				return mustHMAC(cfg)
			}(),
			want: []string{"holds the right HMAC in hex; this scheme expects base64"},
		},
		{
			name: "hmac with a sha256= prefix not expected",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: sha256="+macHex(testSecret, testBody)), testBody),
			v:    mustHMAC(sc),
			want: []string{"after a sha256= prefix this scheme does not expect (--prefix sha256= accepts it)"},
		},
		{
			name: "hmac without the prefix required",
			in: func() diagInput {
				cfg := verify.GitHub(testSecret)
				return hmacIn(cfg, hdr("X-Hub-Signature-256: "+macHex(testSecret, testBody)), testBody)
			}(),
			v:    mustHMAC(verify.GitHub(testSecret)),
			want: []string{"without the sha256= prefix this scheme expects"},
		},
		{
			name: "hmac with another secret and without the prefix required: not called well formed",
			in: func() diagInput {
				return hmacIn(verify.GitHub(testSecret), hdr("X-Hub-Signature-256: "+macHex("another", testBody)), testBody)
			}(),
			v:       mustHMAC(verify.GitHub(testSecret)),
			want:    []string{"this scheme expects the hex HMAC-SHA256 (64 hex digits), after sha256= in X-Hub-Signature-256"},
			notWant: []string{"well formed"},
		},
		{
			name: "hmac header missing, the look-alike holds the MAC of the body without its newline",
			in:   hmacIn(sc, hdr("Signature: "+macHex(testSecret, strings.TrimSuffix(testBody, "\n"))), testBody),
			v:    mustHMAC(sc),
			want: []string{"did you mean Signature?", "Signature holds an HMAC of this body with the secret given; but the body has a trailing newline the sender did not sign"},
		},
		{
			name: "bearer: another scheme word",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: Token "+testSecret)),
			v:    bearer,
			want: []string{"Authorization holds a Token credential; this scheme expects Bearer"},
		},
		{
			name: "hmac over the body without its trailing newline",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+macHex(testSecret, strings.TrimSuffix(testBody, "\n"))), testBody),
			v:    mustHMAC(sc),
			want: []string{"the body has a trailing newline the sender did not sign (an editor or echo added it)"},
		},
		{
			name: "hmac over the body with a newline this body lacks",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+macHex(testSecret, testBody)), strings.TrimSuffix(testBody, "\n")),
			v:    mustHMAC(sc),
			want: []string{"the sender signed the body with a trailing newline this body lacks"},
		},
		{
			name:    "hmac with another secret",
			in:      hmacIn(sc, hdr("X-Safetyculture-Signature: "+macHex("another", testBody)), testBody),
			v:       mustHMAC(sc),
			want:    []string{"the signature is well formed but was made with another secret or over other bytes"},
			notWant: []string{"trailing newline", "base64"},
		},
		{
			name: "hmac of another body, and Content-Length says so",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+macHex(testSecret, "{}"), "Content-Length: 2"), testBody),
			v:    mustHMAC(sc),
			want: []string{"well formed", "Content-Length says 2 bytes but the body given has 17"},
		},
		{
			name: "hmac with an empty body",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+macHex(testSecret, testBody)), ""),
			v:    mustHMAC(sc),
			want: []string{"the body is empty"},
		},
		{
			name: "hmac-sha1 where sha256 is expected",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+sha1Hex), testBody),
			v:    mustHMAC(sc),
			want: []string{"holds an HMAC-SHA1; this scheme expects an HMAC-SHA256"},
		},
		{
			name: "hmac value that is nothing",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: not a signature"), testBody),
			v:    mustHMAC(sc),
			want: []string{"this scheme expects the hex HMAC-SHA256 (64 hex digits) in X-Safetyculture-Signature"},
		},
		{
			name: "vehreports prefix is optional: the form is described so",
			in:   hmacIn(veh, hdr("X-Vehreports-Signature: zz"), testBody),
			v:    mustHMAC(veh),
			want: []string{"optionally after sha256="},
		},
		{
			name: "hmac signed with a timestamp the config does not know",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: "+macHex(testSecret, "1700000000."+testBody), "X-Timestamp: 1700000000"), testBody),
			v:    mustHMAC(sc),
			want: []string{"the signature covers <X-Timestamp>.<body>: pass --timestamp-header X-Timestamp"},
		},
		{
			name: "hmac configured with a timestamp the sender does not sign",
			in:   hmacIn(scTS, hdr("X-Safetyculture-Signature: "+macHex(testSecret, testBody), "X-Timestamp: 1700000000"), testBody),
			v:    mustHMAC(scTS),
			want: []string{"the signature covers the body alone, not <X-Timestamp>.<body>: leave out --timestamp-header"},
		},
		{
			name: "hmac timestamp header missing",
			in:   hmacIn(scTS, hdr("X-Safetyculture-Signature: "+macHex(testSecret, testBody)), testBody),
			v:    mustHMAC(scTS),
			want: []string{"expected the X-Timestamp header", "leave it out if the sender signs the body alone"},
		},
		{
			name: "hmac timestamp too old, signature right",
			in: func() diagInput {
				in := hmacIn(scTS, hdr("X-Safetyculture-Signature: "+macHex(testSecret, "1699999188."+testBody), "X-Timestamp: 1699999188"), testBody)
				return in
			}(),
			v: mustHMAC(scTS),
			want: []string{
				"sent 13m32s ago (X-Timestamp = 2023-11-14T21:59:48Z), 8m32s beyond the 5m0s tolerance; was it replayed from a capture?",
				"--now 1699999188",
				"the signature itself matches",
			},
		},
		{
			name: "hmac timestamp too old, signature wrong too",
			in:   hmacIn(scTS, hdr("X-Safetyculture-Signature: "+macHex("another", "1699999188."+testBody), "X-Timestamp: 1699999188"), testBody),
			v:    mustHMAC(scTS),
			want: []string{"8m32s beyond"}, notWant: []string{"the signature itself matches"},
		},
		{
			name: "hmac sent twice",
			in:   hmacIn(sc, hdr("X-Safetyculture-Signature: a", "X-Safetyculture-Signature: b"), testBody),
			v:    mustHMAC(sc),
			want: []string{"was sent 2 times"},
		},
		{
			name: "standard webhooks headers under Svix's names",
			in:   stdIn(hdr("Svix-Id: msg_1", "Svix-Timestamp: 1700000000", "Svix-Signature: v1,"+macB64(stdKey, stdSigned)), testBody),
			v:    std(now),
			want: []string{
				"expected the Webhook-Id, Webhook-Timestamp and Webhook-Signature headers; the headers given: Svix-Id, Svix-Signature, Svix-Timestamp",
				"did you mean Svix-Id?", "did you mean Svix-Timestamp?", "did you mean Svix-Signature?",
				"Standard Webhooks under Svix's names",
			},
		},
		{
			name: "standard webhooks over the body alone",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64(stdKey, testBody)), testBody),
			v:    std(now),
			want: []string{"the signature covers the body alone; Standard Webhooks signs <webhook-id>.<webhook-timestamp>.<body>"},
		},
		{
			name: "standard webhooks with another secret: neither form matches",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64([]byte("another"), stdSigned)), testBody),
			v:    std(now),
			want: []string{"matches neither <webhook-id>.<webhook-timestamp>.<body> nor the body alone"},
		},
		{
			name: "standard webhooks keyed with the secret's text",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64([]byte(testWhsec), stdSigned)), testBody),
			v:    std(now),
			want: []string{"keyed the HMAC with the secret's text"},
		},
		{
			name: "standard webhooks over the body without its newline",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64(stdKey, strings.TrimSuffix(stdSigned, "\n"))), testBody),
			v:    std(now),
			want: []string{"trailing newline the sender did not sign"},
		},
		{
			name: "standard webhooks entry without its version",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: "+macB64(stdKey, stdSigned)), testBody),
			v:    std(now),
			want: []string{"entries are written v1,<base64> or v1a,<base64>; this one has no version", "only its form is wrong"},
		},
		{
			name: "standard webhooks v1a over the body alone",
			in:   edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: "+edEntry(testBody)), testBody),
			v:    stdEd(now),
			want: []string{"the signature covers the body alone; Standard Webhooks signs <webhook-id>.<webhook-timestamp>.<body>"},
		},
		{
			name: "standard webhooks v1a over the body without its newline, checked with the private key",
			in: func() diagInput {
				in := edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: "+edEntry(strings.TrimSuffix(stdSigned, "\n"))), testBody)
				in.secrets = []string{testWhsk}
				return in
			}(),
			v: func() verify.Verifier {
				v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{testWhsk}, Now: clock})
				if err != nil {
					t.Fatal(err)
				}
				return v
			}(),
			want:    []string{"trailing newline the sender did not sign"},
			notWant: []string{testWhsk, strings.TrimPrefix(testWhsk, "whsk_")},
		},
		{
			name: "standard webhooks v1a with another key: neither form matches",
			in: edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000",
				"Webhook-Signature: v1a,"+base64.StdEncoding.EncodeToString(ed25519.Sign(ed25519.NewKeyFromSeed(make([]byte, 32)), []byte(stdSigned)))), testBody),
			v:    stdEd(now),
			want: []string{"matches neither <webhook-id>.<webhook-timestamp>.<body> nor the body alone"},
		},
		{
			name: "standard webhooks v1a written with an equals sign",
			in:   edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1a="+strings.TrimPrefix(edEntry(stdSigned), "v1a,")), testBody),
			v:    stdEd(now),
			want: []string{"written v1a,<base64>, with a comma, not v1a=<base64>", "only its form is wrong"},
		},
		{
			name: "standard webhooks v1a in hex",
			in:   edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1a,"+hex.EncodeToString(ed25519.Sign(testEdKey, []byte(stdSigned)))), testBody),
			v:    stdEd(now),
			want: []string{"holds a hex signature", "only its form is wrong"},
		},
		{
			name: "standard webhooks v1a entries checked with a whsec_ secret",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: "+edEntry(stdSigned)), testBody),
			v:    std(now),
			want: []string{"holds only v1a entries", "the sender's whpk_ public key"},
		},
		{
			name: "standard webhooks v1 entries checked with a whpk_ public key",
			in:   edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64(stdKey, stdSigned)), testBody),
			v:    stdEd(now),
			want: []string{"holds only v1 entries", "the sender's whsec_ secret"},
		},
		{
			name: "standard webhooks v1a replayed an hour later",
			in: func() diagInput {
				in := edIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64([]byte("x"), stdSigned)+" "+edEntry(stdSigned)), testBody)
				in.now = now.Add(time.Hour)
				return in
			}(),
			v:    stdEd(now.Add(time.Hour)),
			want: []string{"sent 1h0m0s ago", "the signature itself matches"},
		},
		{
			name: "standard webhooks replayed an hour later",
			in: func() diagInput {
				in := stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64(stdKey, stdSigned)), testBody)
				in.now = now.Add(time.Hour)
				return in
			}(),
			v:    std(now.Add(time.Hour)),
			want: []string{"sent 1h0m0s ago", "55m0s beyond the 5m0s tolerance", "--now 1700000000", "the signature itself matches"},
		},
		{
			name: "standard webhooks from the future, with a wider tolerance",
			in: func() diagInput {
				in := stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000", "Webhook-Signature: v1,"+macB64(stdKey, stdSigned)), testBody)
				in.now = now.Add(-20 * time.Minute)
				in.tolerance = 10 * time.Minute
				return in
			}(),
			v: func() verify.Verifier {
				v, _ := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets: []string{testWhsec}, Tolerance: 10 * time.Minute,
					Now: func() time.Time { return now.Add(-20 * time.Minute) }})
				return v
			}(),
			want: []string{"dated 20m0s ahead of the clock", "10m0s beyond the 10m0s tolerance"},
		},
		{
			name: "standard webhooks timestamp in milliseconds",
			in:   stdIn(hdr("Webhook-Id: msg_1", "Webhook-Timestamp: 1700000000000", "Webhook-Signature: v1,"+macB64(stdKey, stdSigned)), testBody),
			v:    std(now),
			want: []string{"looks like milliseconds"},
		},
		{
			name: "basic: a bearer token sent",
			in:   credIn(schemeBasic, "user:"+testSecret, hdr("Authorization: Bearer "+testSecret)),
			v:    basic,
			want: []string{"Authorization holds a Bearer credential; this scheme expects Basic (--scheme bearer checks it)"},
		},
		{
			name: "basic: in clear text",
			in:   credIn(schemeBasic, "user:"+testSecret, hdr("Authorization: Basic user:"+testSecret)),
			v:    basic,
			want: []string{"user:password in clear text"},
		},
		{
			name: "basic: right user, wrong password",
			in:   credIn(schemeBasic, "user:"+testSecret, hdr("Authorization: Basic "+b64("user:wrong"))),
			v:    basic,
			want: []string{"the user name matches a secret given; the password does not"},
		},
		{
			name: "basic: unknown user",
			in:   credIn(schemeBasic, "user:"+testSecret, hdr("Authorization: Basic "+b64("bob:"+testSecret))),
			v:    basic,
			want: []string{"the user name is not the one of any secret given"},
		},
		{
			name: "basic: a newline encoded with the password",
			in:   credIn(schemeBasic, "user:"+testSecret, hdr("Authorization: Basic "+b64("user:"+testSecret+"\n"))),
			v:    basic,
			want: []string{"once surrounding whitespace is removed"},
		},
		{
			name: "basic: no header, a look-alike sent",
			in:   credIn(schemeBasic, "user:"+testSecret, hdr("X-Authorization: Basic "+b64("user:"+testSecret))),
			v:    basic,
			want: []string{"expected the Authorization header", "did you mean X-Authorization?", "Authorization: Basic <base64 of user:password>"},
		},
		{
			name: "bearer: a Basic credential sent",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: Basic "+b64("user:pw"))),
			v:    bearer,
			want: []string{"Authorization holds a Basic credential; this scheme expects Bearer (--scheme basic checks it)"},
		},
		{
			name: "bearer: the token with no scheme word",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: "+testSecret)),
			v:    bearer,
			want: []string{"no scheme word"},
		},
		{
			name: "bearer: wrong token",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: Bearer wrong")),
			v:    bearer,
			want: []string{"the Bearer token is not the secret given"},
		},
		{
			name: "bearer: the base64 of the secret",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: Bearer "+b64(testSecret))),
			v:    bearer,
			want: []string{"is the base64 of a secret given"},
		},
		{
			name: "bearer: case differs",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: Bearer "+strings.ToUpper(testSecret))),
			v:    bearer,
			want: []string{"but for upper and lower case"},
		},
		{
			name: "bearer: a JWT sent",
			in:   credIn(schemeBearer, testSecret, hdr("Authorization: Bearer "+jwtSigner(verify.HS256, "k", now))),
			v:    bearer,
			want: []string{"the Bearer token is a JWT: --scheme jwt"},
		},
		{
			name: "api key under another header",
			in:   credIn(schemeAPIKey, testSecret, hdr("X-Api-Token: "+testSecret)),
			v:    apiKey,
			want: []string{"expected the X-Api-Key header", "did you mean X-Api-Token?", "--api-key-header X-Api-Token"},
		},
		{
			name: "api key wrong, with a trailing space inside",
			in:   credIn(schemeAPIKey, testSecret+" ", hdr("X-Api-Key: "+testSecret)),
			v: func() verify.Verifier {
				v, _ := verify.NewAPIKey("X-Api-Key", testSecret+" ")
				return v
			}(),
			want: []string{"matches a secret given once surrounding whitespace is removed"},
		},
		{
			name: "jwt: not a JWT",
			in:   credIn(schemeJWT, testSecret, hdr("Authorization: Bearer opaque")),
			v:    jwtV,
			want: []string{"the Bearer token is not a JWT", "--scheme bearer"},
		},
		{
			name: "jwt: another algorithm",
			in:   credIn(schemeJWT, testSecret, hdr("Authorization: Bearer "+jwtSigner(verify.HS512, testSecret, now))),
			v:    jwtV,
			want: []string{"the token is signed with HS512; this verifier accepts HS256 (--jwt-alg HS512)"},
		},
		{
			name: "jwt: another secret",
			in:   credIn(schemeJWT, testSecret, hdr("Authorization: Bearer "+jwtSigner(verify.HS256, "another", now))),
			v:    jwtV,
			want: []string{"signed with another secret"},
		},
		{
			name: "jwt: expired",
			in:   credIn(schemeJWT, testSecret, hdr("Authorization: Bearer "+jwtSigner(verify.HS256, testSecret, now.Add(-time.Hour)))),
			v:    jwtV,
			want: []string{"the token expired at 2023-11-14T21:18:20Z, 55m0s before the clock", "--now 1699996400"},
		},
		{
			name: "jwt: not valid yet",
			in:   credIn(schemeJWT, testSecret, hdr("Authorization: Bearer "+jwtSigner(verify.HS256, testSecret, now.Add(time.Hour)))),
			v:    jwtV,
			want: []string{"the token's nbf is 2023-11-14T23:13:20Z, 1h0m0s ahead of the clock"},
		},
		{
			name: "url token: under another parameter, whose value is not printed",
			in: func() diagInput {
				in := credIn(schemeURLToken, testSecret, http.Header{})
				in.url, _ = url.Parse("https://example.com/hook?access_token=" + testSecret)
				return in
			}(),
			v:    urlTok,
			want: []string{"expected the token in the query parameter token", "access_token=REDACTED", "did you mean the query parameter access_token? (--token-param access_token reads it)"},
		},
		{
			name: "url token: no URL given",
			in: func() diagInput {
				in := credIn(schemeURLToken, testSecret, http.Header{})
				in.url, _ = url.Parse(defaultDeliveryURL)
				return in
			}(),
			v:    urlTok,
			want: []string{"give the URL the delivery was sent to with --url"},
		},
		{
			name: "url token: a + read as a space",
			in: func() diagInput {
				in := credIn(schemeURLToken, "a+b", http.Header{})
				in.url, _ = url.Parse("https://example.com/hook?token=a+b")
				return in
			}(),
			v: func() verify.Verifier {
				v, _ := verify.NewURLToken(verify.URLTokenConfig{Query: "token", Tokens: []string{"a+b"}})
				return v
			}(),
			want: []string{"once its spaces are read as +"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &http.Request{Method: http.MethodPost, Header: c.in.header, URL: c.in.url}
			if r.URL == nil {
				r.URL, _ = url.Parse(defaultDeliveryURL)
			}
			c.in.err = c.v.Verify(r, c.in.body)
			if c.in.err == nil {
				t.Fatal("the delivery verifies: the case tests nothing")
			}
			hints := diagnose(c.in)
			all := strings.Join(hints, "\n")
			if c.none && len(hints) > 0 {
				t.Errorf("want no hint, got:\n%s", all)
			}
			if !c.none && len(hints) == 0 {
				t.Fatalf("no hint for %v", c.in.err)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("no hint says %q; err %v; hints:\n%s", w, c.in.err, all)
				}
			}
			for _, w := range append(c.notWant, testSecret, testWhsec, strings.TrimPrefix(testWhsec, "whsec_"), strings.TrimPrefix(testWhsk, "whsk_")) {
				if strings.Contains(all, w) {
					t.Errorf("a hint says %q; hints:\n%s", w, all)
				}
			}
		})
	}
}

func TestDiagnoseNoErrorNoHint(t *testing.T) {
	if h := diagnose(diagInput{scheme: schemeHMAC}); h != nil {
		t.Errorf("diagnose without an error = %q, want nil", h)
	}
}

func TestDiagnoseSimilarHeader(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"X-Safetyculture-Signature", "X-Safety-Culture-Signature", true}, // punctuation
		{"X-Safetyculture-Signature", "X-Safetyculture-Signatur", true},   // a typo
		{"X-Safetyculture-Signature", "X-Hub-Signature-256", true},        // both signatures
		{"X-Safetyculture-Signature", "Signature", true},
		{"X-Vehreports-Signature", "X-Sig", true},
		{"Webhook-Timestamp", "X-Timestamp", true},
		{"Webhook-Id", "Svix-Id", true},
		{"Authorization", "X-Auth-Token", true},
		{"X-Api-Key", "Api-Key", true},
		{"X-Api-Key", "Authorization", true},
		{"X-Safetyculture-Signature", "Content-Type", false},
		{"Authorization", "Content-Length", false},
		{"Webhook-Id", "X-Request-Id", false},
		{"Webhook-Timestamp", "Date", false},
	}
	for _, tt := range tests {
		if got := similarHeader(tt.a, tt.b); got != tt.want {
			t.Errorf("similarHeader(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDiagnoseEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3}, {"signature", "signatur", 1}, {"same", "same", 0},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDiagnoseTimestampHint(t *testing.T) {
	now := time.Unix(testUnixTime, 0)
	tests := []struct {
		name, value string
		tol         time.Duration
		want        string // "" for no hint
	}{
		{"old", "1699999188", 5 * time.Minute, "sent 13m32s ago (X-Ts = 2023-11-14T21:59:48Z), 8m32s beyond the 5m0s tolerance; was it replayed from a capture? use --now to check it at the time it was sent: --now 1699999188"},
		{"new", "1700000900", 5 * time.Minute, "dated 15m0s ahead of the clock (X-Ts = 2023-11-14T22:28:20Z), 10m0s beyond the 5m0s tolerance"},
		{"days old", "1690000000", 5 * time.Minute, "sent 115 days ago"},
		{"inside", "1699999900", 5 * time.Minute, ""},
		{"at the boundary", "1699999700", 5 * time.Minute, ""},
		{"milliseconds", "1700000000000", 5 * time.Minute, "looks like milliseconds (2023-11-14T22:13:20Z); this scheme takes seconds"},
		{"a date", "2023-11-14T22:13:20Z", 5 * time.Minute, "holds a date; this scheme takes the Unix time in seconds"},
		{"text", "yesterday", 5 * time.Minute, "must hold the Unix time in seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(timestampHint("X-Ts", tt.value, now, tt.tol), "\n")
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("timestampHint(%q) = %q, want %q", tt.value, got, tt.want)
			}
		})
	}
}

func TestDiagnoseMACCandidates(t *testing.T) {
	mac := []byte("0123456789abcdef0123456789abcdef")
	hx, b64 := hex.EncodeToString(mac), base64.StdEncoding.EncodeToString(mac)
	tests := []struct {
		value, prefix string
		want          macCandidate
	}{
		{hx, "", macCandidate{mac, verify.Hex, ""}},
		{strings.ToUpper(hx), "", macCandidate{mac, verify.Hex, ""}},
		{b64, "", macCandidate{mac, verify.Base64, ""}},
		{base64.RawURLEncoding.EncodeToString(mac), "", macCandidate{mac, verify.Base64, ""}},
		{"sha256=" + hx, "", macCandidate{mac, verify.Hex, "sha256="}},
		{"SHA256=" + hx, "sha256=", macCandidate{mac, verify.Hex, "SHA256="}},
		{"v1," + b64, "", macCandidate{mac, verify.Base64, "v1,"}},
		{"t0=" + hx, "t0=", macCandidate{mac, verify.Hex, "t0="}},
	}
	for _, tt := range tests {
		found := false
		for _, c := range macCandidates(tt.value, tt.prefix) {
			if hmac.Equal(c.mac, tt.want.mac) && c.encoding == tt.want.encoding && c.prefix == tt.want.prefix {
				found = true
			}
		}
		if !found {
			t.Errorf("macCandidates(%q, %q) lacks %s with prefix %q", tt.value, tt.prefix, tt.want.encoding, tt.want.prefix)
		}
	}
	if c := macCandidates("not a mac!", ""); len(c) != 0 {
		t.Errorf("macCandidates of text = %v, want none", c)
	}
}

func TestDiagnoseHeaderText(t *testing.T) {
	tests := []struct {
		name, text string
		want       http.Header
		target     string
		wantErr    bool
	}{
		{
			name:   "sign's output",
			text:   "X-Safetyculture-Signature: abc\nURL: http://127.0.0.1/?token=t\n",
			want:   hdr("X-Safetyculture-Signature: abc"),
			target: "http://127.0.0.1/?token=t",
		},
		{
			name:   "a request log, CRLF, with a body after a blank line",
			text:   "POST /hook?token=t HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}\r\n",
			want:   hdr("Host: example.com", "Content-Type: application/json"),
			target: "http://example.com/hook?token=t",
		},
		{
			name: "the test app's headers, lower-case names, repeated header",
			text: "POST /\nx-sig: a\nX-Sig: b\n",
			want: http.Header{"X-Sig": {"a", "b"}}, target: "http://127.0.0.1/",
		},
		{
			name: "curl -v and HTTP/2 pseudo-headers, comments, leading blank lines",
			text: "\n# captured\n> :method: POST\n> :path: /h?token=t\n> :authority: example.org\n> webhook-id: msg_1\n",
			want: hdr("Webhook-Id: msg_1"), target: "http://example.org/h?token=t",
		},
		{name: "a line with no colon", text: "X-Sig: a\nnonsense\n", wantErr: true},
		{name: "a name with a space", text: "X Sig: a\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, target, err := parseHeaderText(tt.text)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, headers %v", h)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if target != tt.target {
				t.Errorf("target = %q, want %q", target, tt.target)
			}
			if len(h) != len(tt.want) {
				t.Errorf("headers = %v, want %v", h, tt.want)
			}
			for k, vs := range tt.want {
				if strings.Join(h[k], "|") != strings.Join(vs, "|") {
					t.Errorf("%s = %q, want %q", k, h[k], vs)
				}
			}
		})
	}
}

func TestDiagnoseHeaderArgs(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/h.txt"
	if err := os.WriteFile(file, []byte("X-A: from-file\nX-B: kept\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, _, err := deliveryHeaders(file, []string{"x-a: one", "X-A: two", "X-C:  three  "})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h["X-A"], "|"); got != "one|two" {
		t.Errorf("X-A = %q: --header replaces the file's values and adds up", got)
	}
	if h.Get("X-B") != "kept" || h.Get("X-C") != "three" {
		t.Errorf("headers = %v", h)
	}
	for _, bad := range []string{"nocolon", ": no name", "bad name: x", "Authorization Bearer " + testSecret} {
		_, _, err := deliveryHeaders("", []string{bad})
		var ue usageError
		if err == nil || !errors.As(err, &ue) {
			t.Errorf("--header %q: err %v, want a usage error", bad, err)
		} else if strings.Contains(err.Error(), testSecret) {
			t.Errorf("--header error quotes the argument: %v", err)
		}
	}
}

func TestDiagnoseParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1700000000", 1700000000, true},
		{"2023-11-14T22:13:20Z", 1700000000, true},
		{"2023-11-15T00:13:20+02:00", 1700000000, true},
		{"2023-11-14T22:13:20.5Z", 1700000000, true},
		{"yesterday", 0, false},
		{"-5", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parseNowFlag(tt.in)
		if (err == nil) != tt.ok || tt.ok && got.Unix() != tt.want {
			t.Errorf("parseNowFlag(%q) = %v, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestDiagnoseCurlCommand(t *testing.T) {
	out := signOutput{Headers: map[string]string{"X-Sig": "abc", "Authorization": "Basic it's"}, URL: "http://127.0.0.1:8080/h?a=1&token=x"}
	got := curlCommand(out, "")
	want := `curl -X POST 'http://127.0.0.1:8080/h?a=1&token=x' -H 'Content-Type: application/json' -H 'Authorization: Basic it'\''s' -H 'X-Sig: abc' --data-binary @-`
	if got != want {
		t.Errorf("curlCommand =\n%s\nwant\n%s", got, want)
	}
	if got := curlCommand(out, "my body.json"); !strings.HasSuffix(got, `--data-binary '@my body.json'`) {
		t.Errorf("curlCommand with a file = %s", got)
	}
}
