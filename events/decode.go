package events

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// decodeOptions make JSON v2 read bodies as encoding/json does, which is what every provider
// package documents: member names match their field case-insensitively (without folding "_" or
// "-"), a repeated name is not an error and the last one wins (merging into a struct, as
// encoding/json does), and null leaves a scalar as it was. Invalid UTF-8 is an error, as is a
// syntax error anywhere in the body, even in members nobody reads.
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true), // checked beforehand, as encoding/json accepts "\ud800"
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsonv1.MergeWithLegacySemantics(true),
)

// validOptions check a body the way decodeOptions read it.
var validOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// DecodeObject decodes body, a whole delivery, into v in one pass over its bytes: it is
// CheckObject and Unmarshal together. The body must be one JSON object in valid UTF-8, nested
// at most MaxDepth deep; unknown members are ignored. Errors are those of CheckObject
// (ErrNotJSON; ErrShape when the top level is not an object) and of Unmarshal (a *FieldError).
// A body that is not valid JSON is always reported as ErrNotJSON, even when a member before
// the syntax error also has the wrong type, as CheckObject would have found first.
func DecodeObject(body []byte, v any) error {
	if err := checkObjectStart(body); err != nil {
		return err
	}
	if err := json.Unmarshal(body, v, decodeOptions); err != nil {
		return bodyError(body, decodeError(err, v, 0))
	}
	return nil
}

// checkObjectStart does the checks of CheckObject that need no decoder: the depth and the first
// byte. A body that does not start with an object is checked further, for the error to be the
// one CheckObject gives.
func checkObjectStart(body []byte) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("%w: invalid UTF-8", ErrNotJSON)
	}
	if err := checkDepth(body); err != nil {
		return err
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return CheckObject(body)
	}
	return nil
}

// bodyError returns err, an error from decoding a part of body, unless body as a whole is not
// valid JSON: then the error is ErrNotJSON, as CheckObject reports it. A decoder stops at the
// first value it cannot read, before it reaches a syntax error further on; with BodyError the
// error does not depend on which came first.
func bodyError(body []byte, err error) error {
	if err == nil || errors.Is(err, ErrNotJSON) {
		return err
	}
	if !jsontext.Value(body).IsValid(validOptions) {
		if cerr := CheckObject(body); cerr != nil {
			return cerr
		}
	}
	return err
}

// decodeError turns an error of JSON v2 decoding into v into the errors of this package: a
// syntax error is ErrNotJSON with its offset; a JSON type that cannot be read into its Go type
// is a *FieldError with the path of the field relative to the value the decoder was in at
// nesting depth base (its first base tokens left out); an error of a type's own unmarshal
// method (an ErrShape) is returned as it is, a *FieldError put under the path of that type.
func decodeError(err error, v any, base int) error {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return &syntaxError{offset: syn.ByteOffset, msg: syntaxMessage(syn), cause: syn}
	}
	var sem *json.SemanticError
	if !errors.As(err, &sem) {
		if errors.Is(err, ErrShape) || errors.Is(err, ErrNotJSON) {
			return err
		}
		return fmt.Errorf("%w: %w", ErrShape, err)
	}
	ptr := sem.JSONPointer
	if base > 0 {
		ptr = dropTokens(ptr, base)
	}
	path := func() string {
		if v == nil {
			return ""
		}
		return pointerPath(reflect.TypeOf(v), ptr)
	}
	if sem.Err != nil && (errors.Is(sem.Err, ErrShape) || errors.Is(sem.Err, ErrNotJSON)) {
		var fe *FieldError
		if errors.As(sem.Err, &fe) {
			if outer := path(); outer != "" {
				return InField(outer, fe)
			}
			return fe
		}
		return sem.Err
	}
	// An UnmarshalJSON method of encoding/json's kind that decodes its value with encoding/json:
	// its error names the field within that value.
	var typeErr *stdjson.UnmarshalTypeError
	if errors.As(sem.Err, &typeErr) {
		fe := &FieldError{Path: path(), JSONType: jsonType(typeErr.Value)}
		if inner := typeErr.Field; inner != "" {
			fe.Path = strings.TrimPrefix(fe.Path+"."+inner, ".")
		}
		if typeErr.Type != nil {
			fe.Want = typeErr.Type.String()
		}
		return fe
	}
	if sem.GoType == nil {
		return fmt.Errorf("%w: %w", ErrShape, err)
	}
	return &FieldError{Path: path(), JSONType: kindName(sem.JSONKind), Want: sem.GoType.String()}
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

// dropTokens returns ptr without its first n reference tokens.
func dropTokens(ptr jsontext.Pointer, n int) jsontext.Pointer {
	s := string(ptr)
	for ; n > 0 && s != ""; n-- {
		i := strings.IndexByte(s[1:], '/')
		if i < 0 {
			return ""
		}
		s = s[1+i:]
	}
	return jsontext.Pointer(s)
}

// syntaxMessage is the description of a syntax error without the bytes of the body it quotes
// (between backquotes or single quotes), so that the error can go to a log as it is.
func syntaxMessage(e *jsontext.SyntacticError) string {
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return "unexpected end of JSON input" // as encoding/json says it
	}
	msg := e.Err.Error()
	var b strings.Builder
	for len(msg) > 0 {
		i := strings.IndexAny(msg, "`'")
		if i < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i])
		end := strings.IndexByte(msg[i+1:], msg[i])
		if end < 0 {
			break
		}
		msg = msg[i+1+end+1:]
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// pointerPath turns the JSON pointer of an error in a value of type t into the JSON path a
// FieldError names: member names joined with dots, without array indexes or map keys, and with
// the names the Go fields declare, as the provider package spells them, never the body's own
// spelling of a name matched case-insensitively.
func pointerPath(t reflect.Type, ptr jsontext.Pointer) string {
	var path []string
	for seg := range ptr.Tokens() {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil {
			path = append(path, seg)
			continue
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem() // an index or a key: not in the path
			continue
		case reflect.Struct:
			name, ft, ok := jsonField(t, seg)
			if !ok {
				path, t = append(path, seg), nil
				continue
			}
			path, t = append(path, name), ft
		default:
			path, t = append(path, seg), nil
		}
	}
	return strings.Join(path, ".")
}

// jsonField finds the field of struct t that the member name seg decodes into, looking into
// embedded structs, exactly first and then case-insensitively, and returns its JSON name and
// Go type.
func jsonField(t reflect.Type, seg string) (string, reflect.Type, bool) {
	var folded struct {
		name string
		t    reflect.Type
		ok   bool
	}
	var walk func(t reflect.Type, depth int) (string, reflect.Type, bool)
	walk = func(t reflect.Type, depth int) (string, reflect.Type, bool) {
		if depth > 8 {
			return "", nil, false
		}
		for i := range t.NumField() {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue
			}
			if f.Anonymous && tag == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if name, typ, ok := walk(ft, depth+1); ok {
						return name, typ, true
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			name := tag
			if name == "" {
				name = f.Name
			}
			if name == seg {
				return name, f.Type, true
			}
			if !folded.ok && strings.EqualFold(name, seg) {
				folded.name, folded.t, folded.ok = name, f.Type, true
			}
		}
		return "", nil, false
	}
	if name, ft, ok := walk(t, 0); ok {
		return name, ft, true
	}
	return folded.name, folded.t, folded.ok
}

// kindName names a JSON kind as FieldError.JSONType does: "object", "array", "string",
// "number", "boolean" or "null" ("value" for the zero Kind).
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "value"
}
