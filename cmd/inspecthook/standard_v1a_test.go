package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptCmds["ed25519sig"] = cmdEd25519Sig
}

// cmdEd25519Sig checks, independently of package verify, that a delivery carries a Standard
// Webhooks v1a signature of the public key: one webhook-signature entry "v1a,<base64>" that
// crypto/ed25519 verifies over "<webhook-id>.<webhook-timestamp>.<body>".
//
//	ed25519sig WHPK BODYFILE HEADERSFILE
//
// WHPK is "whpk_" and the base64 of the 32-byte public key; HEADERSFILE is what sign prints or
// what app headers writes.
func cmdEd25519Sig(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: ed25519sig WHPK BODYFILE HEADERSFILE")
	}
	b64, ok := strings.CutPrefix(args[0], "whpk_")
	if !ok {
		ts.Fatalf("%q does not start with whpk_", args[0])
	}
	pub, err := base64.StdEncoding.DecodeString(b64)
	ts.Check(err)
	if len(pub) != ed25519.PublicKeySize {
		ts.Fatalf("the public key is %d bytes", len(pub))
	}
	body, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	text, err := os.ReadFile(ts.MkAbs(args[2]))
	ts.Check(err)
	h, _, err := parseHeaderText(string(text))
	ts.Check(err)
	content := append([]byte(h.Get("Webhook-Id")+"."+h.Get("Webhook-Timestamp")+"."), body...)
	match := false
	for entry := range strings.FieldsSeq(h.Get("Webhook-Signature")) {
		if sig, ok := strings.CutPrefix(entry, "v1a,"); ok {
			raw, err := base64.StdEncoding.DecodeString(sig)
			match = match || (err == nil && ed25519.Verify(ed25519.PublicKey(pub), content, raw))
		}
	}
	switch {
	case !match && !neg:
		ts.Fatalf("no v1a entry of %q is signed with the key", h.Get("Webhook-Signature"))
	case match && neg:
		ts.Fatalf("a v1a entry is signed with the key, and should not be")
	}
}

// TestSignerStandardV1a checks the signer the scheme flags build for Standard Webhooks keys:
// a whsk_ private key signs v1a, a whpk_ public key cannot sign, and the verifier takes both.
func TestSignerStandardV1a(t *testing.T) {
	p, err := lookupProvider("inspectorio")
	if err != nil {
		t.Fatal(err)
	}
	flags := func(secrets ...string) *authFlags {
		return &authFlags{scheme: schemeStandard, secrets: secrets, getenv: func(string) string { return "" }}
	}
	tests := []struct {
		name      string
		secrets   []string
		signErr   string // "" when it signs
		verifyErr string // "" when it verifies
	}{
		{"private key", []string{testWhsk}, "", ""},
		{"public key", []string{testWhpk}, "a whpk_ public key verifies but cannot sign", ""},
		{"public key, then private key", []string{testWhpk, testWhsk}, "a whpk_ public key verifies but cannot sign", ""},
		{"private key, then public key", []string{testWhsk, testWhpk}, "", ""},
		{"malformed private key", []string{"whsk_!!" + testSecret}, "not whsk_ followed by base64", "not whsk_ followed by base64"},
		{"private key of the wrong length", []string{"whsk_" + base64.StdEncoding.EncodeToString([]byte(testSecret))}, "is 18 bytes", "is 18 bytes"},
		{"malformed public key", []string{"whpk_" + testSecret}, "cannot sign", "not whpk_ followed by base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(what string, err error, want string) {
				t.Helper()
				switch {
				case want == "" && err != nil:
					t.Errorf("%s: %v", what, err)
				case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
					t.Errorf("%s: error %v, want one saying %q", what, err, want)
				case err != nil && !errors.As(err, new(usageError)):
					t.Errorf("%s: %v is not a usage error", what, err)
				case err != nil && strings.Contains(err.Error(), testSecret):
					t.Errorf("%s: %v holds the secret", what, err)
				}
			}
			_, err := flags(tt.secrets...).signer(p, nil)
			check("signer", err, tt.signErr)
			_, err = flags(tt.secrets...).verifier(p, nil)
			check("verifier", err, tt.verifyErr)
		})
	}
}
