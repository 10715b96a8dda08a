package events

import (
	"errors"
	"slices"
	"strings"
)

// Errors returned by the providers' decoders. Decoders wrap one of them with %w and add detail
// (a field path, an offset); test for them with errors.Is.
var (
	// ErrNotJSON means the body is not a JSON document: empty, a syntax error, invalid UTF-8, or
	// nested deeper than MaxDepth.
	ErrNotJSON = errors.New("events: body is not valid JSON")

	// ErrShape means the body is JSON but not this provider's shape: not an object, no field
	// that identifies one of its formats, or a field whose JSON type cannot be read into its Go
	// type (an object where a string belongs).
	ErrShape = errors.New("events: body is not this provider's shape")

	// ErrNoType means the body has the provider's shape but names no event type.
	ErrNoType = errors.New("events: no event type")

	// ErrInvalid means the body decoded but a required field is missing or empty. The error is a
	// *ValidationError naming the fields.
	ErrInvalid = errors.New("events: required field missing")
)

// ValidationError lists the fields that failed validation, by their JSON paths. It unwraps to
// ErrInvalid.
type ValidationError struct {
	Fields []string
}

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
