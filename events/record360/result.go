package record360

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

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
