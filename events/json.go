package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
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
	if !stdjson.Valid(trimmed) {
		// Unmarshal into a RawMessage for the offset of the syntax error.
		var raw stdjson.RawMessage
		err := stdjson.Unmarshal(trimmed, &raw)
		var syntaxErr *stdjson.SyntaxError
		if errors.As(err, &syntaxErr) {
			return v1SyntaxError(syntaxErr)
		}
		return fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: top level is a JSON %s, want an object", ErrShape, kindOf(trimmed[0]))
	}
	return nil
}

// checkDepth reports a body nested deeper than MaxDepth: more than MaxDepth brackets open at
// once outside strings. A body with at most MaxDepth opening brackets in all cannot be, and most
// bodies are such, so only the others are scanned.
func checkDepth(b []byte) error {
	if bytes.Count(b, []byte("{"))+bytes.Count(b, []byte("[")) <= MaxDepth {
		return nil
	}
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
// a *FieldError (ErrShape) with the field's JSON path, and a syntax error as ErrNotJSON. Unknown
// fields are ignored; member names match case-insensitively and a repeated name overrides the
// earlier one, as with encoding/json. Call CheckObject on the whole body first, or decode the
// whole body with DecodeObject. When data is a part of the body, such as its "data" member, pass
// the error through InField to complete the path.
//
// It decodes with JSON v2 (github.com/go-json-experiment/json) in one pass: types of this
// package and of the provider packages read themselves from the decoder (UnmarshalJSONFrom)
// rather than being handed their bytes to scan again.
func Unmarshal(data []byte, v any) error {
	if err := json.Unmarshal(data, v, decodeOptions); err != nil {
		return decodeError(err, v, 0)
	}
	return nil
}

// InField returns err, as Unmarshal or Registry.Decode returned it for a part of the body, with
// the path of its *FieldError put under field, the JSON path of that part: decoding the member
// "data" of a body, "unit.id" becomes "data.unit.id", and an empty path (the part itself has the
// wrong type) becomes "data". Any other error, and nil, is returned as it is.
func InField(field string, err error) error {
	var fe *FieldError
	if field == "" || !errors.As(err, &fe) {
		return err
	}
	path := field
	if fe.Path != "" {
		path += "." + fe.Path
	}
	return &FieldError{Path: path, JSONType: fe.JSONType, Want: fe.Want}
}

// syntaxError is a JSON syntax error whose text leaves out the character the decoder quotes
// from the body, so that the error can go to a log as it is. It wraps ErrNotJSON and the
// decoder's own error: a *json.SyntaxError of encoding/json, or a *jsontext.SyntacticError.
type syntaxError struct {
	offset int64
	msg    string
	cause  error
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%s: %s at offset %d", ErrNotJSON.Error(), e.msg, e.offset)
}

func (e *syntaxError) Unwrap() []error { return []error{ErrNotJSON, e.cause} }

// v1SyntaxError is the syntaxError of an encoding/json syntax error.
func v1SyntaxError(err *stdjson.SyntaxError) *syntaxError {
	return &syntaxError{offset: err.Offset, msg: withoutQuoted(err.Error()), cause: err}
}

// withoutQuoted returns msg without the pieces of the body a decoder quotes in it, between
// single quotes ("invalid character 'x' looking for ...") or backquotes ("invalid escape
// sequence `\x` in string", as encoding/json words it from Go 1.27), and the space before each.
func withoutQuoted(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexAny(msg, "'`")
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		end := closingQuote(msg[i+1:], msg[i])
		if end < 0 {
			b.WriteString(msg[:i]) // an unclosed quote: leave out the rest
			return strings.TrimRight(b.String(), " ")
		}
		b.WriteString(strings.TrimRight(msg[:i], " "))
		msg = msg[i+1+end+1:]
	}
}

// closingQuote returns the index in s of the quote q that closes a quoted piece, passing over
// the character after each backslash (encoding/json quotes a quote as a backslash and a
// quote between quotes), or -1.
func closingQuote(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i
		}
	}
	return -1
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
	err := stdjson.Unmarshal(b, &s)
	return s, err
}

// Present reports whether a field read into a json.RawMessage was sent with a value other than
// null.
func Present(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// MaxKeyLen bounds the idempotency keys FieldKey, DerivedKey, IDKey and BodyKey return, in
// bytes, for a provider name of at most 128 bytes. It is idempotency.MaxKeyLen, the one bound
// of idempotency keys, documented there; package events does not import idempotency, so it
// repeats the number, and a test of package receiver checks that the two agree. A key that would
// be longer, such as one made of a 4 MiB messageId, becomes provider + ":sha256:" + the hex
// SHA-256 of the key it replaces: a retry still gets the same key, two long ids still get two
// keys, and idempotency.BoundKey leaves the key as it is.
const MaxKeyLen = 200

// FieldKey returns the idempotency key provider + ":" + id, for formats whose events carry their
// own id; bounded by MaxKeyLen.
func FieldKey(provider, id string) string {
	if len(provider)+1+len(id) <= MaxKeyLen {
		return provider + ":" + id
	}
	h := sha256.New()
	io.WriteString(h, provider)
	io.WriteString(h, ":")
	io.WriteString(h, id)
	return provider + ":sha256:" + hex.EncodeToString(h.Sum(nil))
}

// DerivedKey returns an idempotency key for formats without a per-delivery id: provider, ":",
// and the hex SHA-256 of the fields (each length-prefixed, so no two lists of fields collide).
// Use fields that stay the same across the provider's retries of one event. The key is 65 bytes
// longer than provider, so within MaxKeyLen.
func DerivedKey(provider string, fields ...string) string {
	h := sha256.New()
	for _, f := range fields {
		fmt.Fprintf(h, "%d:", len(f))
		io.WriteString(h, f)
	}
	return provider + ":" + hex.EncodeToString(h.Sum(nil))
}

// IDKey returns FieldKey(provider, id) for a non-empty id, and BodyKey(provider, body) otherwise.
// Like FieldKey, it is bounded by MaxKeyLen.
func IDKey(provider string, id ID, body []byte) string {
	if id != "" {
		return FieldKey(provider, string(id))
	}
	return BodyKey(provider, body)
}

// BodyKey returns the last-resort idempotency key: provider, ":sha256:" and the hex SHA-256 of
// the raw body. A provider's retry resends the same bytes, so it deduplicates retries, though
// not two deliveries of one event that differ in any byte. The key is 72 bytes longer than
// provider, so within MaxKeyLen.
func BodyKey(provider string, body []byte) string {
	sum := sha256.Sum256(body)
	return provider + ":sha256:" + hex.EncodeToString(sum[:])
}
