package main

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzParseHeaderText feeds verify --headers arbitrary text, such as a request copied from a
// log: it never panics, and what it returns are valid header names with trimmed values.
func FuzzParseHeaderText(f *testing.F) {
	for _, seed := range []string{
		"X-Safetyculture-Signature: 599ce8d4\n",
		"POST /webhooks?token=abc HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\n\r\n{\"a\":1}",
		"> POST /x HTTP/2\n> :authority: example.com\n> :path: /y?token=1\n> webhook-id: msg_1\n",
		"# a comment\nURL: https://example.com/hooks?token=t\nAuthorization: Bearer t0ken\n",
		"no colon here\n",
		": empty name\n",
		"Bad Name: value\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		h, _, err := parseHeaderText(text)
		if err != nil {
			if h != nil {
				t.Fatalf("headers %v returned with error %v", h, err)
			}
			return
		}
		for name, values := range h {
			if name == "" || strings.ContainsAny(name, " \t\r\n:") {
				t.Fatalf("invalid header name %q", name)
			}
			if name != http.CanonicalHeaderKey(name) {
				t.Fatalf("header name %q is not canonical", name)
			}
			for _, v := range values {
				if v != strings.TrimSpace(v) {
					t.Fatalf("value %q of %s is not trimmed", v, name)
				}
			}
		}
	})
}
