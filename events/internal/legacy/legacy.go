// Package legacy keeps the decoder the provider packages had before they decoded with JSON v2
// in one pass: encoding/json, the body scanned once per check and once per part. It is the
// reference the differential fuzz targets of the provider packages compare the current decoder
// with: for every input both must give the same envelope and payload, or fail with the same
// sentinel error. Only tests import it.
package legacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// Unmarshal decodes data into v, reporting a JSON type that cannot be read into its Go field as
// a *FieldError (events.ErrShape) with the field's JSON path, and a syntax error as events.ErrNotJSON. Unknown
// fields are ignored. Call CheckObject on the whole body first. When data is a part of the body,
// such as its "data" member, pass the error through InField to complete the path.
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		fe := &events.FieldError{Path: jsonPath(reflect.TypeOf(v), typeErr.Field), JSONType: jsonType(typeErr.Value)}
		if typeErr.Type != nil {
			fe.Want = typeErr.Type.String()
		}
		return fe
	case errors.As(err, &syntaxErr):
		return &syntaxError{err: syntaxErr}
	case errors.Is(err, events.ErrShape), errors.Is(err, events.ErrNotJSON):
		return err
	}
	return fmt.Errorf("%w: %w", events.ErrShape, err)
}

// jsonPath turns the path encoding/json reports for a type error in a value of type t, Go names
// of embedded structs included ("Common.event.event_types"), into the JSON path
// ("event.event_types"), by walking t.
func jsonPath(t reflect.Type, field string) string {
	if field == "" {
		return ""
	}
	segments := strings.Split(field, ".")
	path := segments[:0]
	for _, seg := range segments {
		for t != nil {
			switch t.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
				t = t.Elem()
				continue
			}
			break
		}
		if t == nil || t.Kind() != reflect.Struct {
			path, t = append(path, seg), nil
			continue
		}
		sf, embedded, ok := structField(t, seg)
		if !embedded {
			path = append(path, seg)
		}
		t = nil
		if ok {
			t = sf.Type
		}
	}
	return strings.Join(path, ".")
}

// structField finds the field of struct t that encoding/json names seg in a path: an embedded
// struct by its Go name, any other field by its JSON name.
func structField(t reflect.Type, seg string) (f reflect.StructField, embedded, ok bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Name == seg {
			return f, true, true
		}
		if name == "" {
			name = f.Name
		}
		if name == seg && f.IsExported() {
			return f, false, true
		}
	}
	return reflect.StructField{}, false, false
}

// jsonType names a JSON type from the Value of a json.UnmarshalTypeError, which may carry the
// number itself ("number -5"): only the type is kept.
func jsonType(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	switch kind {
	case "bool":
		return "boolean"
	case "object", "array", "string", "number", "boolean", "null":
		return kind
	}
	return "value"
}

// syntaxError is a JSON syntax error whose text leaves out the character encoding/json quotes
// from the body, so that the error can go to a log as it is. It wraps events.ErrNotJSON and the
// *json.SyntaxError.
type syntaxError struct {
	err *json.SyntaxError
}

func (e *syntaxError) Error() string {
	msg := e.err.Error()
	const invalid = "invalid character "
	if rest, ok := strings.CutPrefix(msg, invalid); ok {
		// rest is a quoted character, then what the decoder expected: "'x' looking for ...".
		msg = "invalid character"
		if i := strings.Index(rest[min(1, len(rest)):], "' "); i >= 0 {
			msg += " " + rest[1+i+2:]
		}
	}
	return fmt.Sprintf("%s: %s at offset %d", events.ErrNotJSON.Error(), msg, e.err.Offset)
}

func (e *syntaxError) Unwrap() []error { return []error{events.ErrNotJSON, e.err} }

// Payload decodes data into a new T and validates it, as a Registry did: empty payload bytes
// decode as null, to a zero T.
func Payload[T any](data []byte) (any, error) {
	p := new(T)
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("null")
	}
	if err := Unmarshal(data, p); err != nil {
		return nil, err
	}
	if err := events.Validate(p); err != nil {
		return p, err
	}
	return p, nil
}

// Table routes event types to their payload decoders, as a provider's Registry did.
type Table map[string]func(data []byte) (any, error)

// Decode decodes data as the payload of event type name; (nil, nil) for a type not routed.
func (t Table) Decode(name string, data []byte) (any, error) {
	decode, ok := t[name]
	if !ok {
		return nil, nil
	}
	return decode(data)
}
