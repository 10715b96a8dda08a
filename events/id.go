package events

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"reflect"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ID is an identifier a provider may send as a JSON string or a JSON number: "397691" and 397691
// decode to the same ID, "397691". The number's text is kept exactly as sent, so a 20-digit id
// keeps every digit. null or a missing field is the empty ID. It encodes as a JSON string.
type ID string

// idType is what a type error names as wanted.
var idType = reflect.TypeFor[ID]()

// UnmarshalJSON reads a string, a number or null. Any other JSON value is a
// *json.UnmarshalTypeError, which encoding/json completes with the field's path and Unmarshal
// reports as a *FieldError.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return fmt.Errorf("%w: empty id", ErrShape)
	case b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			return fmt.Errorf("%w: id: %w", ErrShape, err)
		}
		*id = ID(s)
	case string(b) == "null":
		*id = ""
	case b[0] == '-' || ('0' <= b[0] && b[0] <= '9'):
		if !stdjson.Valid(b) {
			return fmt.Errorf("%w: id is not a JSON number", ErrShape)
		}
		*id = ID(b)
	default:
		return &stdjson.UnmarshalTypeError{Value: kindOf(b[0]), Type: idType}
	}
	return nil
}

// MarshalJSON writes the ID as a JSON string.
func (id ID) MarshalJSON() ([]byte, error) { return stdjson.Marshal(string(id)) }

// String returns the id's text.
func (id ID) String() string { return string(id) }

func kindOf(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '"':
		return "string"
	}
	return "number"
}

// UnmarshalJSONFrom reads the next value of dec as UnmarshalJSON reads its bytes, without a
// second scan: a string, a number or null, and for any other JSON value an error that Unmarshal
// reports as a *FieldError.
func (id *ID) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch val.Kind() {
	case '"':
		s, err := unquote(val)
		if err != nil {
			return fmt.Errorf("%w: id: %w", ErrShape, err)
		}
		*id = ID(s)
	case 'n':
		*id = ""
	case '0':
		*id = ID(val)
	default:
		return &json.SemanticError{JSONKind: val.Kind(), GoType: idType}
	}
	return nil
}
