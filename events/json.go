package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxDepth is how deeply objects and arrays may nest in a body. Real payloads nest under ten
// levels; deeper bodies are rejected with ErrNotJSON before they are decoded.
const MaxDepth = 64

// CheckObject reports whether body is one well-formed JSON object in valid UTF-8, nested at most
// MaxDepth deep. Errors wrap ErrNotJSON, or ErrShape when the JSON is not an object.
func CheckObject(body []byte) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("%w: invalid UTF-8", ErrNotJSON)
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty body", ErrNotJSON)
	}
	if err := checkDepth(trimmed); err != nil {
		return err
	}
	if !json.Valid(trimmed) {
		// Unmarshal into a RawMessage for the offset of the syntax error.
		var raw json.RawMessage
		err := json.Unmarshal(trimmed, &raw)
		return fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: top level is a JSON %s, want an object", ErrShape, kindOf(trimmed[0]))
	}
	return nil
}

// checkDepth scans for brackets outside strings.
func checkDepth(b []byte) error {
	depth, inString, escaped := 0, false, false
	for i, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > MaxDepth {
				return fmt.Errorf("%w: nested deeper than %d at offset %d", ErrNotJSON, MaxDepth, i)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// Unmarshal decodes data into v, reporting a JSON type that cannot be read into its Go field as
// ErrShape with the field's path, and a syntax error as ErrNotJSON. Unknown fields are ignored.
// Call CheckObject on the whole body first.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Errorf("%w: field %q is a JSON %s, want %s", ErrShape, typeErr.Field, typeErr.Value, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("%w: %w", ErrNotJSON, err)
	case errors.Is(err, ErrShape), errors.Is(err, ErrNotJSON):
		return err
	}
	return fmt.Errorf("%w: %w", ErrShape, err)
}

// unquote returns the contents of the JSON string literal b. Literals without escapes, the
// common case, are read without a second pass of encoding/json.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		plain := true
		for _, c := range inner {
			if c == '\\' || c == '"' || c < 0x20 {
				plain = false
				break
			}
		}
		if plain && utf8.Valid(inner) {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// Present reports whether a field read into a json.RawMessage was sent with a value other than
// null.
func Present(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// FieldKey returns the idempotency key provider + ":" + id, for formats whose events carry
// their own id.
func FieldKey(provider, id string) string { return provider + ":" + id }

// DerivedKey returns an idempotency key for formats without a per-delivery id: provider, ":",
// and the hex SHA-256 of the fields (each length-prefixed, so no two lists of fields collide).
// Use fields that stay the same across the provider's retries of one event.
func DerivedKey(provider string, fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		fmt.Fprintf(h, "%d:", len(f))
		h.Write([]byte(f))
	}
	return provider + ":" + hex.EncodeToString(h.Sum(nil))
}

// IDKey returns FieldKey(provider, id) for a non-empty id, and BodyKey(provider, body) otherwise.
func IDKey(provider string, id ID, body []byte) string {
	if id != "" {
		return FieldKey(provider, string(id))
	}
	return BodyKey(provider, body)
}

// BodyKey returns the last-resort idempotency key: provider, ":sha256:" and the hex SHA-256 of
// the raw body. A provider's retry resends the same bytes, so it deduplicates retries, though
// not two deliveries of one event that differ in any byte.
func BodyKey(provider string, body []byte) string {
	sum := sha256.Sum256(body)
	return provider + ":sha256:" + hex.EncodeToString(sum[:])
}
