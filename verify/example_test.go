package verify_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"time"

	"github.com/inspecthook/inspecthook/verify"
)

// A SafetyCulture delivery: the signing twin produces the header SafetyCulture sends, and the
// verifier accepts it while the organisation rotates from an old token to a new one.
func ExampleSafetyCulture() {
	v, err := verify.NewHMAC(verify.SafetyCulture("old-org-token", "new-org-token"))
	if err != nil {
		panic(err)
	}
	body := []byte(`{"webhook_id":"b6b4b4f1","event":{"event_types":["TRIGGER_EVENT_INSPECTION_COMPLETED"]}}`)

	provider, _ := verify.NewHMAC(verify.SafetyCulture("new-org-token"))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", strings.NewReader(string(body)))
	_ = provider.Sign(req, body)

	fmt.Println(len(req.Header.Get("X-SafetyCulture-Signature")), "hex digits")
	fmt.Println("authentic:", v.Verify(req, body) == nil)

	tampered := []byte(strings.Replace(string(body), "COMPLETED", "STARTED", 1))
	err = v.Verify(req, tampered)
	fmt.Println(errors.Is(err, verify.ErrInvalid), err)
	// Output:
	// 64 hex digits
	// authentic: true
	// true verify: invalid signature or credentials: X-Safetyculture-Signature does not match
}

// vehReports signs the raw body with HMAC-SHA256; the header name is configurable.
func ExampleVehReports() {
	cfg := verify.VehReports("endpoint-signing-secret")
	cfg.Header = "X-Signature" // if your endpoint's deliveries use another header
	v, err := verify.NewHMAC(cfg)
	if err != nil {
		panic(err)
	}
	body := []byte(`{"id":"evt_1","type":"report.completed"}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/vehreports", bytes.NewReader(body))
	_ = v.Sign(req, body)
	fmt.Println(strings.HasPrefix(req.Header.Get("X-Signature"), "sha256="), v.Verify(req, body))
	// Output: true <nil>
}

// GitHub-style signatures show that the HMAC scheme is general.
func ExampleGitHub() {
	v, _ := verify.NewHMAC(verify.GitHub("It's a Secret to Everybody"))
	fmt.Println(v.Signature("", []byte("Hello, World!")))
	// Output: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
}

// An HMAC with a signed timestamp rejects replays outside the tolerance window.
func ExampleNewHMAC() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	v, err := verify.NewHMAC(verify.HMACConfig{
		Header:          "X-Signature",
		TimestampHeader: "X-Timestamp",
		Encoding:        verify.Base64,
		Secrets:         [][]byte{[]byte("secret")},
		Tolerance:       time.Minute,
		Now:             func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	body := []byte(`{}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(body))
	_ = v.Sign(req, body)
	fmt.Println(req.Header.Get("X-Timestamp"), v.Verify(req, body))

	req.Header.Set("X-Timestamp", fmt.Sprint(now.Add(-2*time.Minute).Unix()))
	fmt.Println(errors.Is(v.Verify(req, body), verify.ErrTooOld))

	_, err = verify.NewHMAC(verify.HMACConfig{Header: "X-Signature"})
	fmt.Println(err)
	// Output:
	// 1795435200 <nil>
	// true
	// verify: invalid configuration: HMAC needs at least one secret
}

// Standard Webhooks, checked against the example published with the specification.
func ExampleNewStandardWebhooks() {
	v, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{
		Secrets: []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
		Now:     func() time.Time { return time.Unix(1614265330, 0) },
	})
	if err != nil {
		panic(err)
	}
	body := []byte(`{"test": 2432232314}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(body))
	req.Header.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	req.Header.Set("webhook-timestamp", "1614265330")
	req.Header.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	fmt.Println(v.Verify(req, body))
	// Output: <nil>
}

// Standard Webhooks v1a: the sender signs with its whsk_ private key, and the receiver, given
// only the whpk_ public key, can verify deliveries but cannot sign one. ed25519 signatures are
// deterministic, so a fixed key, id and time give a fixed signature.
func ExampleNewStandardWebhooks_v1a() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	sender, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{
		Secrets: []string{"whsk_aW5zcGVjdGhvb2stdjFhLWV4YW1wbGUtc2VlZC0wMDE="}, // a 32-byte seed
		Now:     clock,
	})
	if err != nil {
		panic(err)
	}
	receiver, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{
		Secrets: []string{"whpk_l/t+/9ImNa3Y2hjhAmV/1Ppr+rRdByxhj9+ucvHS9hY="},
		Now:     clock,
	})
	if err != nil {
		panic(err)
	}

	body := []byte(`{"type":"report.created","data":{"id":"r-1"}}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks", bytes.NewReader(body))
	req.Header.Set("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
	if err := sender.Sign(req, body); err != nil {
		panic(err)
	}
	fmt.Println("webhook-timestamp:", req.Header.Get("webhook-timestamp"))
	fmt.Println("webhook-signature:", req.Header.Get("webhook-signature"))
	fmt.Println("verified:", receiver.Verify(req, body))
	fmt.Println("tampered:", errors.Is(receiver.Verify(req, []byte(`{}`)), verify.ErrInvalid))
	fmt.Println("receiver signs:", errors.Is(receiver.Sign(req, body), verify.ErrConfig))
	fmt.Println(receiver)
	// Output:
	// webhook-timestamp: 1795435200
	// webhook-signature: v1a,Rly0u7E+sOyKLFlCsPuzWvAZgfo6EU+dwwOvVxiu/zRexEKquFKZCxOr3vrDJxLFiA/IUfG6PMqyoD4TrnybAA==
	// verified: <nil>
	// tampered: true
	// receiver signs: true
	// standard-webhooks(±5m0s, 1 public key)
}

// Inspectorio Sight can send HTTP Basic credentials.
func ExampleNewBasic() {
	v, err := verify.NewBasic(verify.Credential{Username: "inspectorio", Password: "s3cret"})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/inspectorio", nil)
	req.SetBasicAuth("inspectorio", "s3cret")
	fmt.Println(v.Verify(req, nil))
	req.SetBasicAuth("inspectorio", "guess")
	fmt.Println(v.Verify(req, nil))
	fmt.Println(v)
	// Output:
	// <nil>
	// verify: invalid signature or credentials: Basic user or password
	// basic(1 credential)
}

// A Record360 customer can ask for a static Bearer token.
func ExampleNewBearer() {
	v, _ := verify.NewBearer("r360-token")
	req := httptest.NewRequest(http.MethodPost, "/webhooks/record360", nil)
	req.Header.Set("Authorization", "Bearer r360-token")
	fmt.Println(v.Verify(req, nil))
	// Output: <nil>
}

// An API key in a header of the customer's choosing.
func ExampleNewAPIKey() {
	v, _ := verify.NewAPIKey("X-Api-Key", "key-2026")
	req := httptest.NewRequest(http.MethodPost, "/webhooks/record360", nil)
	fmt.Println(errors.Is(v.Verify(req, nil), verify.ErrMissing))
	req.Header.Set("X-Api-Key", "key-2026")
	fmt.Println(v.Verify(req, nil))
	// Output:
	// true
	// <nil>
}

// Record360 can add several headers: here HTTP Basic plus an account id, both required.
func ExampleAll() {
	basic, _ := verify.NewBasic(verify.Credential{Username: "r360", Password: "pw"})
	account, _ := verify.NewAPIKey("X-Account-Id", "acct-42")
	v, err := verify.All(basic, account)
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/record360", nil)
	req.SetBasicAuth("r360", "pw")
	fmt.Println(errors.Is(v.Verify(req, nil), verify.ErrMissing))
	req.Header.Set("X-Account-Id", "acct-42")
	fmt.Println(v.Verify(req, nil))

	// All signs with every part, as the provider sends both headers.
	signed := httptest.NewRequest(http.MethodPost, "/webhooks/record360", nil)
	_ = v.Sign(signed, nil)
	fmt.Println(signed.Header.Get("X-Account-Id"), v.Verify(signed, nil))
	// Output:
	// true
	// <nil>
	// acct-42 <nil>
}

// Any accepts either of two schemes, for a migration from one to the other.
func ExampleAny() {
	oldAuth, _ := verify.NewBearer("legacy-token")
	newAuth, _ := verify.NewHMAC(verify.VehReports("signing-secret"))
	v, _ := verify.Any(newAuth, oldAuth)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/vehreports", nil)
	req.Header.Set("Authorization", "Bearer legacy-token")
	fmt.Println(v.Verify(req, nil))
	fmt.Println(v)
	// Output:
	// <nil>
	// any(hmac-sha256(header=X-Vehreports-Signature, hex, prefix="sha256=" optional, 1 secret), bearer(1 token))
}

// A JWT in the Authorization header, HS256 with a shared secret, issuer and expiry checked.
func ExampleNewJWT() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	secret := []byte("record360-jwt-secret")

	signer, _ := verify.NewJWTSigner(verify.JWTSignerConfig{Algorithm: verify.HS256, Secret: secret, Issuer: "record360", TTL: time.Minute, Now: clock})
	v, err := verify.NewJWT(verify.JWTConfig{Secrets: [][]byte{secret}, Issuer: "record360", RequireExpiry: true, Now: clock})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/record360", nil)
	_ = signer.Sign(req, nil)
	fmt.Println(v.Verify(req, nil))

	now = now.Add(2 * time.Minute)
	fmt.Println(errors.Is(v.Verify(req, nil), verify.ErrTooOld))
	fmt.Println(v)
	// Output:
	// <nil>
	// true
	// jwt(header=Authorization, HS256/HS384/HS512, 1 key)
}

// Middleware authenticates deliveries in front of an ordinary handler, which reads the raw bytes
// the signature was checked over.
func ExampleMiddleware() {
	v, err := verify.NewHMAC(verify.SafetyCulture("org-token"))
	if err != nil {
		panic(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := verify.RawBody(r) // the same bytes r.Body reads
		fmt.Fprintf(w, "accepted %d bytes\n", len(body))
	})
	h := verify.Middleware(v,
		verify.WithMaxBodyBytes(1<<20),
		verify.WithOnReject(func(r *http.Request, status int, err error) {
			fmt.Println("rejected:", status, err) // the reason, which the response does not carry
		}),
	)(handler)

	body := []byte(`{"event":"inspection.completed"}`)
	req := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", bytes.NewReader(body))
	_ = v.Sign(req, body) // as SafetyCulture signs
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Print(w.Code, " ", w.Body)

	forged := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", bytes.NewReader(body))
	forged.Header.Set("X-SafetyCulture-Signature", strings.Repeat("0", 64))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, forged)
	fmt.Print(w.Code, " ", w.Body)
	// Output:
	// 200 accepted 32 bytes
	// rejected: 401 verify: invalid signature or credentials: X-Safetyculture-Signature does not match
	// 401 unauthorized
}

// A sender that can only be given a URL: a secret token as the last path segment, accepted only
// from the sender's network. Both are checked before the body is read, and the URL is logged
// through RedactURL.
func ExampleNewURLToken() {
	token, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{"r360-url-secret"}})
	if err != nil {
		panic(err)
	}
	network, err := verify.NewIPAllowlist(verify.IPAllowlistConfig{
		Allow: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
	})
	if err != nil {
		panic(err)
	}
	v, err := verify.All(network, token)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/record360/{token}", verify.Middleware(v,
		verify.WithOnReject(func(r *http.Request, status int, err error) {
			fmt.Println("rejected:", verify.RedactURL(v, r.URL), err)
		}),
	)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("accepted:", verify.RedactURL(v, r.URL))
	})))

	// Signing appends the token to the path; httptest requests come from 192.0.2.1.
	req := httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(`{}`))
	_ = v.Sign(req, nil)
	mux.ServeHTTP(httptest.NewRecorder(), req)

	// The right URL from another network.
	req = httptest.NewRequest(http.MethodPost, "/webhooks/record360/r360-url-secret", strings.NewReader(`{}`))
	req.RemoteAddr = "203.0.113.7:52100"
	mux.ServeHTTP(httptest.NewRecorder(), req)

	// A guessed token from the right network.
	req = httptest.NewRequest(http.MethodPost, "/webhooks/record360/guess", strings.NewReader(`{}`))
	mux.ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// accepted: /webhooks/record360/REDACTED
	// rejected: /webhooks/record360/REDACTED verify: invalid signature or credentials: source address 203.0.113.7 is not allowed
	// rejected: /webhooks/record360/guess verify: invalid signature or credentials: path value {token} does not match
}
