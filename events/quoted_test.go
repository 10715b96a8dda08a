package events

import "testing"

// TestWithoutQuoted checks both wordings of encoding/json's syntax errors: Go 1.26's, which
// quotes the character in single quotes, and Go 1.27's, which quotes escape sequences in
// backquotes.
func TestWithoutQuoted(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"invalid character 'Q' looking for beginning of value", "invalid character looking for beginning of value"},
		{"invalid character '\\'' in string escape code", "invalid character in string escape code"},
		{"invalid escape sequence `\\q` in string", "invalid escape sequence in string"},
		{"invalid character 'x' after object key:value pair, then 'y'", "invalid character after object key:value pair, then"},
		{"unexpected end of JSON input", "unexpected end of JSON input"},
		{"an unclosed 'quote of the body", "an unclosed"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			if got := withoutQuoted(tt.msg); got != tt.want {
				t.Errorf("withoutQuoted(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}
