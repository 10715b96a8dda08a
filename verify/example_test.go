package verify_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	_ = provider.Sign(req.Header, body)

	fmt.Println(len(req.Header.Get("X-SafetyCulture-Signature")), "hex digits")
	fmt.Println("authentic:", v.Verify(req.Header, body) == nil)

	tampered := []byte(strings.Replace(string(body), "COMPLETED", "STARTED", 1))
	err = v.Verify(req.Header, tampered)
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
	h := http.Header{}
	_ = v.Sign(h, body)
	fmt.Println(strings.HasPrefix(h.Get("X-Signature"), "sha256="), v.Verify(h, body))
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
	h := http.Header{}
	_ = v.Sign(h, body)
	fmt.Println(h.Get("X-Timestamp"), v.Verify(h, body))

	h.Set("X-Timestamp", fmt.Sprint(now.Add(-2*time.Minute).Unix()))
	fmt.Println(errors.Is(v.Verify(h, body), verify.ErrTooOld))

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
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	fmt.Println(v.Verify(h, []byte(`{"test": 2432232314}`)))
	// Output: <nil>
}

// Inspectorio Sight can send HTTP Basic credentials.
func ExampleNewBasic() {
	v, err := verify.NewBasic(verify.Credential{Username: "inspectorio", Password: "s3cret"})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/webhooks/inspectorio", nil)
	req.SetBasicAuth("inspectorio", "s3cret")
	fmt.Println(v.Verify(req.Header, nil))
	req.SetBasicAuth("inspectorio", "guess")
	fmt.Println(v.Verify(req.Header, nil))
	fmt.Println(v)
	// Output:
	// <nil>
	// verify: invalid signature or credentials: Basic user or password
	// basic(1 credential)
}

// A Record360 customer can ask for a static Bearer token.
func ExampleNewBearer() {
	v, _ := verify.NewBearer("r360-token")
	h := http.Header{"Authorization": {"Bearer r360-token"}}
	fmt.Println(v.Verify(h, nil))
	// Output: <nil>
}

// An API key in a header of the customer's choosing.
func ExampleNewAPIKey() {
	v, _ := verify.NewAPIKey("X-Api-Key", "key-2026")
	h := http.Header{}
	fmt.Println(errors.Is(v.Verify(h, nil), verify.ErrMissing))
	h.Set("X-Api-Key", "key-2026")
	fmt.Println(v.Verify(h, nil))
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
	fmt.Println(errors.Is(v.Verify(req.Header, nil), verify.ErrMissing))
	req.Header.Set("X-Account-Id", "acct-42")
	fmt.Println(v.Verify(req.Header, nil))
	// Output:
	// true
	// <nil>
}

// Any accepts either of two schemes, for a migration from one to the other.
func ExampleAny() {
	oldAuth, _ := verify.NewBearer("legacy-token")
	newAuth, _ := verify.NewHMAC(verify.VehReports("signing-secret"))
	v, _ := verify.Any(newAuth, oldAuth)
	fmt.Println(v.Verify(http.Header{"Authorization": {"Bearer legacy-token"}}, nil))
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
	h := http.Header{}
	_ = signer.Sign(h, nil)
	fmt.Println(v.Verify(h, nil))

	now = now.Add(2 * time.Minute)
	fmt.Println(errors.Is(v.Verify(h, nil), verify.ErrTooOld))
	fmt.Println(v)
	// Output:
	// <nil>
	// true
	// jwt(header=Authorization, HS256/HS384/HS512, 1 key)
}
