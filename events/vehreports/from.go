package vehreports

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// The payload structs read themselves from a JSON v2 decoder (UnmarshalJSONFrom) in one pass
// over their bytes, member by member, with the same results as their UnmarshalJSON methods
// give under encoding/json, which stay for encoding/json's users: member names match
// case-insensitively and a repeated one merges into what the earlier one decoded, null leaves
// a string as it was, and a field of the wrong JSON type is reported as encoding/json reports
// it. encoding/json notes a plain field of the wrong type and goes on decoding, but stops at
// an error of a field's own UnmarshalJSON method (an id, a nested vehicle): the decoders below
// keep that order, so that the error names the same field.
//
// A payload reads its value with ReadValue, which checks it, and keeps a copy as its Data; it
// then decodes that copy with a scanner, nested vehicles and customers taking their Data from
// it in the same pass.

// Types named by type errors, as encoding/json names them.
var (
	stringType       = reflect.TypeFor[string]()
	stringsType      = reflect.TypeFor[[]string]()
	idType           = reflect.TypeFor[events.ID]()
	valuesType       = reflect.TypeFor[[]events.Value]()
	endorsementType  = reflect.TypeFor[Endorsement]()
	endorsementsType = reflect.TypeFor[[]Endorsement]()
)

// typeError is the error encoding/json gives for a JSON value of type jsonType (its spelling:
// "bool", not "boolean") that cannot be read into a Go value of type t. Field is filled in by
// inField on the way out, as encoding/json fills it; the events package turns the error into
// an *events.FieldError with the field's path.
func typeError(jsonType string, t reflect.Type) *json.UnmarshalTypeError {
	return &json.UnmarshalTypeError{Value: jsonType, Type: t}
}

// inField puts err, an error of decoding the member name, under name, as encoding/json does
// on its way out of a struct.
func inField(name string, err error) error {
	if e, ok := err.(*json.UnmarshalTypeError); ok {
		if e.Field == "" {
			e.Field = name
		} else {
			e.Field = name + "." + e.Field
		}
	}
	return err
}

// jsonKind names the JSON type of a value by its first byte, as encoding/json names it in a
// type error of a plain field.
func jsonKind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case '"':
		return "string"
	case 'n':
		return "null"
	}
	return "number"
}

// idKind names the JSON type of a value that events.ID cannot read, as its UnmarshalJSON
// method does.
func idKind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// save notes err, of the member name, unless an error came first.
func (sc *scanner) save(name string, err error) {
	if err != nil && sc.saved == nil {
		sc.saved = inField(name, err)
	}
}

// abort ends the decoding with err, of the member name.
func (sc *scanner) abort(name string, err error) {
	if err != nil && sc.stop == nil {
		sc.stop = inField(name, err)
	}
}

// members calls member with each member name of the object at the scanner, which the caller
// has checked starts with '{', until the object ends or a member aborts the decoding, and
// returns the object's error. A member that matches no field is skipped: member returns false
// for it. names are the object's field names, lower case, for names sent in another case.
func (sc *scanner) members(names []string, member func(name string) bool) error {
	outerSaved, outerStop := sc.saved, sc.stop
	sc.saved, sc.stop = nil, nil
	sc.i++ // '{'
	for sc.stop == nil && sc.more('}') {
		name := sc.name()
		if !member(name) {
			if folded := fold(name, names); folded == "" || !member(folded) {
				sc.skip()
			}
		}
	}
	err := sc.stop
	if err == nil {
		err = sc.saved
	}
	sc.saved, sc.stop = outerSaved, outerStop
	return err
}

// fold returns the field name of names that name matches case-insensitively, as encoding/json
// matches a member to a field when no field has its exact name; "" when there is none. Every
// field name is lower-case ASCII, so a name in lower-case ASCII that is not one exactly
// matches none.
func fold(name string, names []string) string {
	lower := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			lower = false
			break
		}
	}
	if lower {
		return ""
	}
	for _, n := range names {
		if strings.EqualFold(name, n) {
			return n
		}
	}
	return ""
}

// str reads a string field: null leaves it as it was.
func (sc *scanner) str(name string, dst *string) {
	switch c := sc.peek(); c {
	case '"':
		*dst = sc.quoted()
	case 'n':
		sc.skip()
	default:
		sc.skip()
		sc.save(name, typeError(jsonKind(c), stringType))
	}
}

// id reads an events.ID field: a string or a number, or null for none. Any other value ends
// the decoding, as the error of events.ID's UnmarshalJSON method.
func (sc *scanner) id(name string, dst *events.ID) {
	switch c := sc.peek(); {
	case c == '"':
		*dst = events.ID(sc.quoted())
	case c == 'n':
		sc.skip()
		*dst = ""
	case c == '-' || '0' <= c && c <= '9':
		*dst = events.ID(sc.literal())
	default:
		sc.skip()
		sc.abort(name, typeError(idKind(c), idType))
	}
}

// value reads an events.Value field, which takes any JSON value, as its UnmarshalJSON method
// reads it.
func (sc *scanner) value(dst *events.Value) {
	switch c := sc.peek(); {
	case c == '"':
		*dst = events.StringValue(sc.quoted())
	case c == 'n':
		sc.skip()
		*dst = events.Value{}
	case c == 't' || c == 'f':
		*dst = events.Value{Kind: events.Bool, Text: sc.literal()}
	case c == '-' || '0' <= c && c <= '9':
		*dst = events.NumberValue(sc.literal())
	default:
		*dst = events.Value{Kind: events.Other, Text: sc.rawText()}
	}
}

// time reads an events.Time field, which takes any JSON value.
func (sc *scanner) time(dst *events.Time) {
	switch sc.peek() {
	case '"':
		*dst = events.ParseTime(sc.quoted())
	case 'n':
		sc.skip()
		*dst = events.Time{}
	default:
		_ = dst.UnmarshalJSON(sc.rawBytes()) // never fails
	}
}

// raw reads a json.RawMessage field: the value as sent, null included.
func (sc *scanner) raw(dst *json.RawMessage) {
	*dst = bytes.Clone(sc.rawBytes())
}

// values reads a []events.Value field.
func (sc *scanner) values(name string, dst *[]events.Value) {
	switch c := sc.peek(); c {
	case '[':
		array(sc, dst, sc.value)
	case 'n':
		sc.skip()
		*dst = nil
	default:
		sc.skip()
		sc.save(name, typeError(jsonKind(c), valuesType))
	}
}

// strs reads a []string field.
func (sc *scanner) strs(name string, dst *[]string) {
	switch c := sc.peek(); c {
	case '[':
		array(sc, dst, func(e *string) { sc.str(name, e) })
	case 'n':
		sc.skip()
		*dst = nil
	default:
		sc.skip()
		sc.save(name, typeError(jsonKind(c), stringsType))
	}
}

// array decodes the array at the scanner, which the caller has checked starts with '[', into
// *dst as encoding/json does: into the elements already there, growing the slice as needed,
// and cutting it to the array's length; an empty array makes an empty slice.
func array[E any](sc *scanner, dst *[]E, elem func(*E)) {
	v := *dst
	i := 0
	sc.i++ // '['
	for sc.more(']') {
		if i >= cap(v) {
			v = slices.Grow(v, 1)
		}
		if i >= len(v) {
			v = v[:i+1]
		}
		elem(&v[i])
		i++
	}
	if i < len(v) {
		v = v[:i]
	}
	if i == 0 {
		v = make([]E, 0)
	}
	*dst = v
}

// ref reads a field holding a reference to another record (*Vehicle, *Customer, *User or
// *Template): null sets it to nil; anything else decodes into the record it points to,
// allocated if need be, as encoding/json calls the record's UnmarshalJSON method. An error
// there, even of a plain field, ends the decoding.
func ref[T any](sc *scanner, name string, dst **T, decode func(*T, *scanner) error) {
	if sc.peek() == 'n' {
		sc.skip()
		*dst = nil
		return
	}
	if *dst == nil {
		*dst = new(T)
	}
	sc.abort(name, decode(*dst, sc))
}

// readFrom reads the next value of dec, a payload that keeps its JSON, and decodes a copy of
// it with decode, which is handed the scanner of that copy. null decodes as decode does it.
func readFrom(dec *jsontext.Decoder, decode func(sc *scanner) error) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return decode(newScanner(bytes.Clone(val)))
}

// keep returns the bytes the scanner read since start, for a Data field: the scanner's own
// copy when they are all of it, else a copy of them.
func keep(sc *scanner, start int) json.RawMessage {
	if start == 0 && sc.i == len(sc.b) {
		return sc.b[:len(sc.b):len(sc.b)]
	}
	return bytes.Clone(sc.b[start:sc.i])
}

// decodeData decodes a payload that keeps its JSON as Data: an object, read by members into
// the payload with its Data the object's bytes; null leaves the payload as it was with a nil
// Data; anything else is a type error naming public. data is nil for a record that keeps no
// Data.
func decodeData(sc *scanner, data *json.RawMessage, public reflect.Type, members func(sc *scanner) error) error {
	var err error
	switch c := sc.peek(); c {
	case '{':
		start := sc.i
		if err = members(sc); err == nil && data != nil {
			*data = keep(sc, start)
			return nil
		}
	case 'n':
		sc.skip()
	default:
		sc.skip()
		err = typeError(kind(c), public)
	}
	if data != nil {
		*data = nil
	}
	return err
}

// decodeRefData is decodeData for a record that may be sent as its bare id (a JSON string or
// number), which fills id alone; Data is then the id as sent. data may be nil for a record that
// keeps no Data.
func decodeRefData(sc *scanner, data *json.RawMessage, id *events.ID, public reflect.Type, members func(sc *scanner) error) error {
	c := sc.peek()
	start := sc.i
	switch {
	case c == '"':
		*id = events.ID(sc.quoted())
	case c == '-' || '0' <= c && c <= '9':
		*id = events.ID(sc.literal())
	default:
		return decodeData(sc, data, public, members)
	}
	if data != nil {
		*data = keep(sc, start)
	}
	return nil
}
