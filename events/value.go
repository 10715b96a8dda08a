package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Kind is the JSON type of a Value.
type Kind int

// The kinds of Value. The zero Kind is Null.
const (
	Null Kind = iota
	String
	Number
	Bool
	// Other is an object or an array, kept as raw JSON text.
	Other
)

// Value is a scalar a provider may send as a string, a number, a boolean or null, such as a
// checklist answer (120000, "7/8", "true", false). It keeps the value exactly: Text is the
// string's contents, the number's literal digits, "true" or "false", or "" for null; an object
// or array is kept as its JSON text with Kind Other. It never fails to decode.
type Value struct {
	Kind Kind
	Text string
}

// StringValue, NumberValue and BoolValue build Values, for tests and fixtures.
func StringValue(s string) Value { return Value{Kind: String, Text: s} }

// NumberValue returns a Number Value with the literal text n, such as "120000".
func NumberValue(n string) Value { return Value{Kind: Number, Text: n} }

// BoolValue returns a Bool Value.
func BoolValue(b bool) Value { return Value{Kind: Bool, Text: strconv.FormatBool(b)} }

// UnmarshalJSON reads any JSON value.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*v = Value{}
	case b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			*v = Value{Kind: Other, Text: string(b)}
			return nil
		}
		*v = Value{Kind: String, Text: s}
	case string(b) == "true" || string(b) == "false":
		*v = Value{Kind: Bool, Text: string(b)}
	case b[0] == '-' || ('0' <= b[0] && b[0] <= '9'):
		*v = Value{Kind: Number, Text: string(b)}
	default:
		*v = Value{Kind: Other, Text: string(b)}
	}
	return nil
}

// UnmarshalJSONFrom reads the next value of dec as UnmarshalJSON reads its bytes, without a
// second scan.
func (v *Value) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return v.UnmarshalJSON(val)
}

// MarshalJSON writes the value back as it came.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Kind {
	case Null:
		return []byte("null"), nil
	case String:
		return json.Marshal(v.Text)
	}
	return []byte(v.Text), nil
}

// String returns Text.
func (v Value) String() string { return v.Text }

// IsNull reports whether the value was null or missing.
func (v Value) IsNull() bool { return v.Kind == Null }

// Bool reads the value as a boolean: true and false, or the strings "true" and "false" in any
// case, as providers send either. ok is false for anything else.
func (v Value) Bool() (b, ok bool) {
	if v.Kind != Bool && v.Kind != String {
		return false, false
	}
	switch {
	case strings.EqualFold(v.Text, "true"):
		return true, true
	case strings.EqualFold(v.Text, "false"):
		return false, true
	}
	return false, false
}

// Float reads a number, or a string holding one, as a float64.
func (v Value) Float() (float64, bool) {
	if v.Kind != Number && v.Kind != String {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Text, 64)
	return f, err == nil
}
