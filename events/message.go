package events

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// maxMessageFields is how many missing fields Message names before it counts the rest.
const maxMessageFields = 8

// Message returns a short, stable, human message for err, one line fit for the body of the
// response to the sender: what is wrong with the request, naming the JSON path at fault where
// there is one, never quoting the body, a Go type or a decoder's text. The messages are:
//
//	request body too large: limit 8388608 bytes    an *http.MaxBytesError
//	could not read the request body                 a body that could not be read
//	body is not valid JSON                          ErrNotJSON
//	field data.unit.id has the wrong JSON type      a *FieldError (ErrShape) with a path
//	body is not this provider's shape               any other ErrShape
//	no event type in the body                       ErrNoType
//	required field missing: id                      a *ValidationError (ErrInvalid) naming one field
//	required fields missing: data.id, data.unit     ... or several (the first 8, then "and N more")
//	body could not be decoded                       anything else
//
// It returns "" for a nil err. Log err itself, whose text keeps the detail (never the body's
// bytes either).
func Message(err error) string {
	var (
		tooLarge *http.MaxBytesError
		field    *FieldError
		invalid  *ValidationError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &tooLarge):
		return "request body too large: limit " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes"
	case errors.Is(err, rawbody.ErrRead):
		return "could not read the request body"
	case errors.Is(err, ErrNotJSON):
		return "body is not valid JSON"
	case errors.As(err, &field) && cleanPath(field.Path):
		return "field " + field.Path + " has the wrong JSON type"
	case errors.Is(err, ErrShape):
		return "body is not this provider's shape"
	case errors.Is(err, ErrNoType):
		return "no event type in the body"
	case errors.As(err, &invalid):
		return missing(invalid.Fields)
	case errors.Is(err, ErrInvalid):
		return "required fields missing"
	}
	return "body could not be decoded"
}

// missing lists the fields of a validation failure, leaving out any that is not a clean path.
func missing(fields []string) string {
	var named []string
	for _, f := range fields {
		if cleanPath(f) {
			named = append(named, f)
		}
	}
	switch len(named) {
	case 0:
		return "required fields missing"
	case 1:
		return "required field missing: " + named[0]
	}
	msg := "required fields missing: " + strings.Join(named[:min(len(named), maxMessageFields)], ", ")
	if more := len(named) - maxMessageFields; more > 0 {
		msg += ", and " + strconv.Itoa(more) + " more"
	}
	return msg
}

// cleanPath reports whether path is a JSON path fit to show: short, made of letters, digits,
// '_', '-' and the dots between names. Paths built from a provider package's field names
// always are; anything else is left out of a message rather than shown.
func cleanPath(path string) bool {
	if path == "" || len(path) > 128 || path[0] == '.' || path[len(path)-1] == '.' || strings.Contains(path, "..") {
		return false
	}
	for _, c := range []byte(path) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}
