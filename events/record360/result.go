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

// resultWire is a result as sent: the members every kind has, and those of the known kinds,
// read by the kind "object" names once the whole result is read, so that a kind not known yet
// never fails over a member a known kind types differently. Data is jsontext.Value (raw), or
// resultData to read a checklist's fields in the same pass.
type resultWire[D any] struct {
	Name     string         `json:"name"`
	Object   string         `json:"object"`
	Data     D              `json:"data"`
	Link     jsontext.Value `json:"link"`
	Accepted jsontext.Value `json:"accepted"`
}

// resultData is a result's "data" read by JSON v2: an array, which only a checklist sends, is
// read into checklist fields where it stands; any other value is kept raw. A repeated "data"
// replaces the one before, as a raw one does.
type resultData struct {
	raw      jsontext.Value
	fields   []ChecklistField
	isFields bool
}

// UnmarshalJSONFrom reads the data's value from dec.
func (d *resultData) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*d = resultData{}
	if dec.PeekKind() == '[' {
		d.isFields = true
		return jsonv2.UnmarshalDecode(dec, &d.fields)
	}
	val, err := dec.ReadValue()
	d.raw = val.Clone()
	return err
}

// UnmarshalJSON reads a result of any kind with encoding/json, setting the field its "object"
// names and Raw. A type error names the member at fault, for encoding/json to complete its path.
func (r *Result) UnmarshalJSON(b []byte) error {
	raw := bytes.Clone(b)
	var w resultWire[jsontext.Value]
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	return r.fill(raw, w, nil, func(data []byte, v any, member string) error {
		err := json.Unmarshal(data, v)
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			typeErr.Field = strings.TrimSuffix(member+"."+typeErr.Field, ".")
		}
		return err
	})
}

// UnmarshalJSONFrom reads a result as UnmarshalJSON does, with JSON v2 (events.Unmarshal and
// Decode): an error is a *events.FieldError with the path within the result.
func (r *Result) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if k := val.Kind(); k != '{' && k != 'n' {
		return &jsonv2.SemanticError{JSONKind: k, GoType: resultType}
	}
	raw := val.Clone()
	unmarshal := func(data []byte, v any, member string) error {
		return events.InField(member, events.Unmarshal(data, v))
	}
	// One pass reads the result, a checklist's fields where they stand. It is read again with
	// its data raw when that pass fails (perhaps on an array that is not a checklist's) or when
	// a PDF form's data, to be kept raw, was an array.
	var w resultWire[resultData]
	if events.Unmarshal(raw, &w) == nil && (!w.Data.isFields || w.Object != ResultPDFForm) {
		members := resultWire[jsontext.Value]{Name: w.Name, Object: w.Object, Data: w.Data.raw, Link: w.Link, Accepted: w.Accepted}
		return r.fill(raw, members, w.Data.fields, unmarshal)
	}
	var members resultWire[jsontext.Value]
	if err := events.Unmarshal(raw, &members); err != nil {
		return err
	}
	return r.fill(raw, members, nil, unmarshal)
}

// resultType is what a type error names for a result that is neither an object nor null.
var resultType = reflect.TypeFor[Result]()

// fill sets r to the result whose JSON is raw and whose members are w, decoding the members of
// its kind with unmarshal (into v, from data, the value of the result's member): a checklist's
// data, unless fields already holds it, a PDF form's link, a waiver's "accepted".
func (r *Result) fill(raw []byte, w resultWire[jsontext.Value], fields []ChecklistField, unmarshal func(data []byte, v any, member string) error) error {
	res := Result{Name: w.Name, Object: w.Object, Raw: raw}
	present := func(member string, data jsontext.Value, v any) error {
		if data == nil {
			return nil
		}
		return unmarshal(data, v, member)
	}
	var err error
	switch w.Object {
	case ResultChecklist:
		res.Checklist = fields
		err = present("data", w.Data, &res.Checklist)
	case ResultPDFForm:
		res.PDFForm = &PDFForm{Data: json.RawMessage(w.Data)}
		err = present("link", w.Link, &res.PDFForm.Link)
	case ResultCollisionDamageWaiver:
		res.CollisionDamageWaiver = new(CollisionDamageWaiver)
		err = present("accepted", w.Accepted, &res.CollisionDamageWaiver.Accepted)
	}
	if err == nil {
		*r = res
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
