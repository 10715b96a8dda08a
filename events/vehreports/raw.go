package vehreports

import (
	"bytes"
	"encoding/json"
	"reflect"

	"github.com/inspecthook/inspecthook/events"
)

// decodeObject decodes the JSON object b into v, a pointer to a payload struct's plain twin (the
// same fields, without the UnmarshalJSON method), and returns b as the struct's Data. null
// leaves v as it is and returns nil. Anything but an object is reported as a type error naming
// the public type, which encoding/json completes with the field's path.
func decodeObject(b []byte, v any, public reflect.Type) (json.RawMessage, error) {
	t := bytes.TrimSpace(b)
	switch {
	case !events.Present(t):
		return nil, nil
	case t[0] != '{':
		return nil, &json.UnmarshalTypeError{Value: kind(t[0]), Type: public}
	}
	if err := json.Unmarshal(t, v); err != nil {
		return nil, err
	}
	return append(json.RawMessage(nil), t...), nil
}

// decodeRef is decodeObject for a reference to another record, which may be sent as the
// record's bare id: a JSON string or number fills id alone.
func decodeRef(b []byte, v any, public reflect.Type, id *events.ID) (json.RawMessage, error) {
	t := bytes.TrimSpace(b)
	if len(t) > 0 && (t[0] == '"' || t[0] == '-' || ('0' <= t[0] && t[0] <= '9')) {
		if err := id.UnmarshalJSON(t); err != nil {
			return nil, err
		}
		return append(json.RawMessage(nil), t...), nil
	}
	return decodeObject(t, v, public)
}

// kind names the JSON type of a value by its first byte, as encoding/json does.
func kind(c byte) string {
	switch c {
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case '"':
		return "string"
	}
	return "number"
}
