package events

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Errors returned by the providers' decoders. Decoders wrap one of them with %w and add detail
// (a field path, an offset, never the body's bytes); test for them with errors.Is, and answer a
// sender with Message(err).
var (
	// ErrNotJSON means the body is not a JSON document: empty, a syntax error, invalid UTF-8, or
	// nested deeper than MaxDepth.
	ErrNotJSON = errors.New("events: body is not valid JSON")

	// ErrShape means the body is JSON but not this provider's shape: not an object, no field
	// that identifies one of its formats, or a field whose JSON type cannot be read into its Go
	// type (an object where a string belongs), which is a *FieldError naming the field.
	ErrShape = errors.New("events: body is not this provider's shape")

	// ErrNoType means the body has the provider's shape but names no event type.
	ErrNoType = errors.New("events: no event type")

	// ErrInvalid means the body decoded but a required field is missing or empty. The error is a
	// *ValidationError naming the fields.
	ErrInvalid = errors.New("events: required field missing")
)

// FieldError reports a field of the body whose JSON type the provider package cannot read,
// such as an object where an id belongs. It unwraps to ErrShape. Unmarshal returns one for any
// type mismatch, with the field's path; InField puts the path of a part of the body under the
// field the part came from.
type FieldError struct {
	// Path is the field's JSON path from the top of the body, member names joined with dots and
	// without array indexes, such as "data.unit.id" or "data.results.data". It is built from the
	// names the provider package expects, never from the body's text. Empty when the part being
	// decoded is itself at fault and the caller has not yet said where it came from.
	Path string

	// JSONType is the JSON type the body has there: "object", "array", "string", "number",
	// "boolean" or "null".
	JSONType string

	// Want says what the field must hold, for logs: a Go type such as "events.ID" or "string".
	Want string
}

// Error names the field, the JSON type sent and what the field takes; never the value.
func (e *FieldError) Error() string {
	msg := ErrShape.Error() + ": "
	if e.Path != "" {
		msg += "field " + strconv.Quote(e.Path) + " is"
	} else {
		msg += "value is"
	}
	msg += " a JSON " + e.JSONType
	if e.Want != "" {
		msg += ", want " + e.Want
	}
	return msg
}

// Unwrap returns ErrShape.
func (e *FieldError) Unwrap() error { return ErrShape }

// ValidationError lists the fields that failed validation, by their JSON paths, such as
// "data.audit.audit_id". It unwraps to ErrInvalid.
type ValidationError struct {
	Fields []string
}

// Error names the missing fields.
func (e *ValidationError) Error() string {
	return ErrInvalid.Error() + ": " + strings.Join(e.Fields, ", ")
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// JoinInvalid merges the validation failures among errs into one *ValidationError naming each
// field once, in order, after putting prefix before the paths of the failure at the same index
// of prefixes (for a payload decoded from "data", pass "data."). Nil errors are skipped; the
// first error that is not a validation failure is returned as it is. With no failure it returns
// nil.
func JoinInvalid(prefixes []string, errs ...error) error {
	var fields []string
	for i, err := range errs {
		if err == nil {
			continue
		}
		var verr *ValidationError
		if !errors.As(err, &verr) {
			return err
		}
		prefix := ""
		if i < len(prefixes) {
			prefix = prefixes[i]
		}
		for _, f := range verr.Fields {
			if f = prefix + f; !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: fields}
}
