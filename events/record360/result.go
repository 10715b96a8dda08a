package record360

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// The kinds of Result Record360 documents, as in Result.Object. It says more are to come.
const (
	ResultChecklist             = "checklist"
	ResultPDFForm               = "pdf_form"
	ResultCollisionDamageWaiver = "collision_damage_waiver"
)

// Result is one element of an inspection's results: a checklist, a PDF form, a collision damage
// waiver, or a kind this package does not know yet. Record360 tells them apart by "object", and
// so does Result: Object names the kind and the field of that kind is set, so callers test a
// field instead of type-switching on an interface:
//
//	for _, r := range insp.Results {
//		switch {
//		case r.Checklist != nil: // Object == ResultChecklist
//		case r.PDFForm != nil: // Object == ResultPDFForm
//		case r.CollisionDamageWaiver != nil: // Object == ResultCollisionDamageWaiver
//		default: // a kind not known yet: read r.Raw
//		}
//	}
//
// A checklist whose data is null or missing leaves Checklist nil; Object still says
// ResultChecklist. Raw is always set, for every kind, to the result's JSON as sent.
type Result struct {
	// Name is the result's title, such as "Basic Checklist" or "Rental Contract".
	Name string

	// Object is the result's kind: ResultChecklist, ResultPDFForm, ResultCollisionDamageWaiver
	// or another string for a kind not known yet.
	Object string

	// Checklist is the checklist's fields, set when Object is ResultChecklist (from "data").
	Checklist []ChecklistField

	// PDFForm is set when Object is ResultPDFForm.
	PDFForm *PDFForm

	// CollisionDamageWaiver is set when Object is ResultCollisionDamageWaiver.
	CollisionDamageWaiver *CollisionDamageWaiver

	// Raw is the result's JSON as sent, whatever its kind.
	Raw json.RawMessage
}

// ChecklistField is one field of a checklist: a single answer in Value, or, for fields such as
// "checkbox" and "pass_fail", one answer per item in Items.
type ChecklistField struct {
	// ID identifies the field across label changes, such as "odom1"; some fields have none.
	ID events.ID `json:"id"`

	// Type is the field's control: "textbox", "single_dropdown_list", "date_selector",
	// "checkbox", "pass_fail" and others.
	Type string `json:"type"`

	Label string `json:"label"`

	// Value is the answer: a number (120000), a string ("7/8", "2025-01-31") or a boolean, kept
	// as sent; null or missing for fields answered per item.
	Value events.Value `json:"value"`

	// Items holds the answers of a multi-part field.
	Items []ChecklistItem `json:"items,omitempty"`
}

// ChecklistItem is one part of a multi-part checklist field, such as one checkbox or one line of
// a pass/fail walkthrough.
type ChecklistItem struct {
	ID    events.ID `json:"id"`
	Label string    `json:"label"`

	// Value is the item's answer. Checkboxes send the strings "true" and "false" in the sample,
	// not JSON booleans: Value.Bool reads both. Pass/fail items send "Pass" or "Fail".
	Value events.Value `json:"value"`
}

// PDFForm is a filled-in PDF form attached to an inspection.
type PDFForm struct {
	// Link is the URL of the PDF.
	Link string `json:"link"`

	// Data is the form's fields as a JSON object (field name to answer), kept raw because its
	// field names depend on the form: decode it into a map or a struct of your own.
	Data json.RawMessage `json:"data,omitempty"`
}

// CollisionDamageWaiver records whether the customer accepted the collision damage waiver.
type CollisionDamageWaiver struct {
	Accepted bool `json:"accepted"`
}

// UnmarshalJSON reads a result of any kind, setting the field its "object" names and Raw.
func (r *Result) UnmarshalJSON(b []byte) error {
	raw := bytes.Clone(b)
	if string(bytes.TrimSpace(b)) == "null" {
		*r = Result{Raw: raw}
		return nil
	}
	// One pass reads the fields of every known kind, the kind-specific ones undecoded, so that
	// a kind not known yet never fails over a field a known kind types differently.
	var head struct {
		Name     string          `json:"name"`
		Object   string          `json:"object"`
		Data     json.RawMessage `json:"data"`
		Link     json.RawMessage `json:"link"`
		Accepted json.RawMessage `json:"accepted"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	res := Result{Name: head.Name, Object: head.Object, Raw: raw}
	switch head.Object {
	case ResultChecklist:
		if err := unmarshalPresent("data", head.Data, &res.Checklist); err != nil {
			return err
		}
	case ResultPDFForm:
		res.PDFForm = &PDFForm{Data: head.Data}
		if err := unmarshalPresent("link", head.Link, &res.PDFForm.Link); err != nil {
			return err
		}
	case ResultCollisionDamageWaiver:
		res.CollisionDamageWaiver = new(CollisionDamageWaiver)
		if err := unmarshalPresent("accepted", head.Accepted, &res.CollisionDamageWaiver.Accepted); err != nil {
			return err
		}
	}
	*r = res
	return nil
}

// UnmarshalJSONFrom reads a result as UnmarshalJSON does, for JSON v2 (events.Unmarshal and the
// provider's Decode): the result's bytes are copied once into Raw and read once more, member by
// member, a checklist's data decoded where it stands once "object" has named the kind. A
// PDFForm's Data is a part of Raw, not a copy of its own. A result whose members are not what
// its kind expects is read again as UnmarshalJSON reads it, for the error to be the same.
func (r *Result) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch val.Kind() {
	case 'n':
		*r = Result{Raw: bytes.Clone(val)}
		return nil
	case '{':
	default:
		return &jsonv2.SemanticError{JSONKind: val.Kind(), GoType: resultType}
	}
	*r = Result{Raw: bytes.Clone(val)}
	if err := events.Unmarshal(r.Raw, (*resultReader)(r)); err != nil {
		// A member of the wrong type: read it again as UnmarshalJSON does, for its error.
		*r = Result{Raw: r.Raw}
		return r.readSlowly()
	}
	return nil
}

// resultType is what a type error names for a result that is not an object.
var resultType = reflect.TypeFor[Result]()

// resultReader reads the members of a result's object, Raw, into the result in one pass. Any
// error means only that the result must be read again with readSlowly.
type resultReader Result

// The members of a result, as memberIndex tells them apart in resultMembers.
const (
	resultOther = iota
	resultName
	resultObject
	resultData
	resultLink
	resultAccepted
)

// resultMembers names the members of a result, by their constants above.
var resultMembers = []string{resultName: "name", resultObject: "object", resultData: "data", resultLink: "link", resultAccepted: "accepted"}

// UnmarshalJSONFrom reads the result's members, the last of each name winning as with
// encoding/json. The kind-specific members are kept as raw bytes of the result (the decoder
// reads res.Raw itself) and decoded when the loop ends, unless "object" named the kind before
// them: then a checklist's data is decoded where it stands.
func (rr *resultReader) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	res := (*Result)(rr)
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var (
		data, link, accepted []byte
		checklistDecoded     bool // res.Checklist holds the last data member, decoded
	)
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		member := memberIndex(name, resultMembers)
		switch {
		case member == resultName:
			err = readResultString(dec, &res.Name, nil)
		case member == resultObject:
			err = readResultString(dec, &res.Object, resultKinds)
		case member == resultData && res.Object == ResultChecklist && dec.PeekKind() == '[':
			start := dec.InputOffset()
			res.Checklist = nil
			if err = jsonv2.UnmarshalDecode(dec, &res.Checklist); err == nil {
				end := dec.InputOffset()
				data, checklistDecoded = bytes.TrimLeft(res.Raw[start:end:end], " \t\r\n:"), true
			}
		case member != resultOther:
			var val jsontext.Value
			if val, err = dec.ReadValue(); err == nil {
				end := dec.InputOffset()
				raw := res.Raw[end-int64(len(val)) : end : end]
				switch member {
				case resultData:
					data, checklistDecoded = raw, false
				case resultLink:
					link = raw
				default:
					accepted = raw
				}
			}
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if res.Object != ResultChecklist || !checklistDecoded {
		res.Checklist = nil
	}
	switch res.Object {
	case ResultChecklist:
		if !checklistDecoded && data != nil {
			return events.Unmarshal(data, &res.Checklist)
		}
	case ResultPDFForm:
		res.PDFForm = &PDFForm{Data: json.RawMessage(data)}
		if link != nil {
			return events.Unmarshal(link, &res.PDFForm.Link)
		}
	case ResultCollisionDamageWaiver:
		res.CollisionDamageWaiver = new(CollisionDamageWaiver)
		if accepted != nil {
			return events.Unmarshal(accepted, &res.CollisionDamageWaiver.Accepted)
		}
	}
	return nil
}

// resultKinds are the kinds of result this package knows.
var resultKinds = []string{ResultChecklist, ResultPDFForm, ResultCollisionDamageWaiver}

// readResultString reads the next value of dec into s as encoding/json reads a string: null
// leaves s as it was. A string among known is set to the constant, without a copy. Any other
// JSON type is an error, which only sends the result to readSlowly.
func readResultString(dec *jsontext.Decoder, s *string, known []string) error {
	val, err := dec.ReadValue()
	switch {
	case err != nil:
		return err
	case val.Kind() == 'n':
	case val.Kind() != '"':
		return errWrongType
	case bytes.IndexByte(val, '\\') < 0:
		text := val[1 : len(val)-1]
		for _, k := range known {
			if string(text) == k {
				*s = k
				return nil
			}
		}
		*s = string(text)
	default:
		return events.Unmarshal(val, s)
	}
	return nil
}

// errWrongType is a member of a result of the wrong JSON type: the result must be read again,
// by readSlowly, for the error.
var errWrongType = errors.New("record360: wrong JSON type")

// readSlowly reads r.Raw, a JSON object, as UnmarshalJSON does, with JSON v2: first the members
// every kind has, then the member of the kind "object" names. It is only used for the error of
// a result whose members have the wrong types, as a type error names the member UnmarshalJSON
// would name.
func (r *Result) readSlowly() error {
	var head struct {
		Name     string         `json:"name"`
		Object   string         `json:"object"`
		Data     jsontext.Value `json:"data"`
		Link     jsontext.Value `json:"link"`
		Accepted jsontext.Value `json:"accepted"`
	}
	if err := events.Unmarshal(r.Raw, &head); err != nil {
		return resultError("", reflect.TypeOf(head), err)
	}
	r.Name, r.Object = head.Name, head.Object
	present := func(name string, data jsontext.Value, v any) error {
		if data == nil {
			return nil
		}
		return resultError(name, reflect.TypeOf(v), events.Unmarshal(data, v))
	}
	switch head.Object {
	case ResultChecklist:
		return present("data", head.Data, &r.Checklist)
	case ResultPDFForm:
		r.PDFForm = &PDFForm{Data: json.RawMessage(head.Data)}
		return present("link", head.Link, &r.PDFForm.Link)
	case ResultCollisionDamageWaiver:
		r.CollisionDamageWaiver = new(CollisionDamageWaiver)
		return present("accepted", head.Accepted, &r.CollisionDamageWaiver.Accepted)
	}
	return nil
}

// resultError turns err, an error of events.Unmarshal decoding the member name of a result into
// a value of type t, into the error UnmarshalJSON returns, which JSON v2 completes with the
// result's own path: an encoding/json type error naming the member and the path inside it.
func resultError(name string, t reflect.Type, err error) error {
	var fe *events.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	path := strings.TrimSuffix(name+"."+fe.Path, ".")
	path = strings.TrimPrefix(path, ".")
	return &jsonv2.SemanticError{Err: &json.UnmarshalTypeError{
		Value: fe.JSONType,
		Type:  typeAt(t, fe.Path),
		Field: path,
	}}
}

// typeAt returns the type of the field at path (JSON names joined with dots, without indexes)
// in a value of type t, or nil when path leads nowhere.
func typeAt(t reflect.Type, path string) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" {
			continue
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		found := false
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name == seg {
				t, found = f.Type, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return t
}

// unmarshalPresent decodes data, the value of the result's member name, into v unless the
// member was missing (data is nil). A type error names the member, for the path encoding/json
// completes around it.
func unmarshalPresent(name string, data json.RawMessage, v any) error {
	if data == nil {
		return nil
	}
	err := json.Unmarshal(data, v)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		typeErr.Field = strings.TrimSuffix(name+"."+typeErr.Field, ".")
	}
	return err
}

// MarshalJSON writes Raw when it is set, so a decoded result encodes back exactly as it came;
// otherwise it writes the result in Record360's shape from its fields.
func (r Result) MarshalJSON() ([]byte, error) {
	if len(r.Raw) > 0 {
		return r.Raw, nil
	}
	wire := struct {
		Name     string `json:"name"`
		Object   string `json:"object"`
		Link     string `json:"link,omitempty"`
		Data     any    `json:"data,omitempty"`
		Accepted *bool  `json:"accepted,omitempty"`
	}{Name: r.Name, Object: r.Object}
	switch {
	case r.Checklist != nil:
		wire.Data = r.Checklist
	case r.PDFForm != nil:
		wire.Link = r.PDFForm.Link
		if len(r.PDFForm.Data) > 0 {
			wire.Data = r.PDFForm.Data
		}
	case r.CollisionDamageWaiver != nil:
		wire.Accepted = &r.CollisionDamageWaiver.Accepted
	}
	return json.Marshal(wire)
}
