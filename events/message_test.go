package events_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/internal/rawbody"
)

func TestMessage(t *testing.T) {
	many := make([]string, 11)
	for i := range many {
		many[i] = fmt.Sprintf("data.f%d", i)
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 8 << 20}), "request body too large: limit 8388608 bytes"},
		{"read failure", fmt.Errorf("%w: connection reset", rawbody.ErrRead), "could not read the request body"},
		{"ErrNotJSON", events.ErrNotJSON, "body is not valid JSON"},
		{"ErrNotJSON with detail", fmt.Errorf("acme: %w: invalid character at offset 3", events.ErrNotJSON), "body is not valid JSON"},
		{"ErrShape", events.ErrShape, "body is not this provider's shape"},
		{"ErrShape with detail", fmt.Errorf("acme: %w: top level is a JSON array, want an object", events.ErrShape), "body is not this provider's shape"},
		{"FieldError", fmt.Errorf("acme: %w", &events.FieldError{Path: "data.unit.id", JSONType: "object", Want: "events.ID"}), "field data.unit.id has the wrong JSON type"},
		{"FieldError without a path", &events.FieldError{JSONType: "array", Want: "acme.Report"}, "body is not this provider's shape"},
		{"FieldError with an odd path", &events.FieldError{Path: `a"b`, JSONType: "array"}, "body is not this provider's shape"},
		{"ErrNoType", fmt.Errorf("acme: %w: type is missing", events.ErrNoType), "no event type in the body"},
		{"ErrInvalid", events.ErrInvalid, "required fields missing"},
		{"one field", fmt.Errorf("acme: %w", &events.ValidationError{Fields: []string{"id"}}), "required field missing: id"},
		{"two fields", &events.ValidationError{Fields: []string{"data.id", "data.unit"}}, "required fields missing: data.id, data.unit"},
		{"many fields", &events.ValidationError{Fields: many},
			"required fields missing: data.f0, data.f1, data.f2, data.f3, data.f4, data.f5, data.f6, data.f7, and 3 more"},
		{"odd field left out", &events.ValidationError{Fields: []string{"id", "Go's\nname"}}, "required field missing: id"},
		{"something else", errors.New("boom: json: cannot unmarshal"), "body could not be decoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := events.Message(tt.err)
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "\n")
			assertCleanMessage(t, got)
		})
	}
}

// assertCleanMessage checks that a message holds nothing of a decoder's or Go's vocabulary.
func assertCleanMessage(t *testing.T, msg string) {
	t.Helper()
	for _, word := range []string{"events.", "acme.", "want ", "string", "struct", "json:", "Go ", "unmarshal", `"`, "offset", "[]", "*"} {
		assert.NotContains(t, msg, word)
	}
	assert.Equal(t, strings.TrimSpace(msg), msg)
}
