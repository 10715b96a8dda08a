package vehreports

import (
	"bytes"
	"encoding/json"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Vehicle is a vehicle on the company's fleet: the data of vehicle.created and vehicle.updated,
// and the vehicle a report, verdict or agreement is about. Field names are assumed. A bare id
// (a JSON string or number) in place of the object fills ID alone.
type Vehicle struct {
	// ID is vehReports' id of the vehicle.
	ID events.ID `json:"id"`

	// Registration is the number plate as entered, such as "LB21 XKT".
	Registration string `json:"registration"`

	// VIN is the vehicle identification number, when recorded.
	VIN string `json:"vin"`

	// Make, Model and Colour describe the vehicle, such as "Ford", "Transit Custom" and
	// "Frozen White".
	Make   string `json:"make"`
	Model  string `json:"model"`
	Colour string `json:"colour"`

	// Year is the year of manufacture or first registration: a number or a string.
	Year events.Value `json:"year"`

	// FuelType is the fuel, such as "diesel" or "electric".
	FuelType string `json:"fuel_type"`

	// Mileage is the last recorded odometer reading: a number or a string.
	Mileage events.Value `json:"mileage"`

	// Status is the vehicle's state in the fleet, such as "available" or "on_hire".
	Status string `json:"status"`

	// Changes says what vehicle.updated changed. Its shape is not known: kept as sent.
	Changes json.RawMessage `json:"changes"`

	// CreatedAt is when the vehicle was added; UpdatedAt when it last changed.
	CreatedAt events.Time `json:"created_at"`
	UpdatedAt events.Time `json:"updated_at"`

	// Data is the vehicle's JSON exactly as sent (an object, or the bare id); nil for null.
	Data json.RawMessage `json:"-"`
}

// UnmarshalJSON reads a vehicle object or a bare id, and keeps the JSON in Data.
func (v *Vehicle) UnmarshalJSON(b []byte) error {
	type plain Vehicle
	return decodeRef(b, (*plain)(v), &v.ID, &v.Data, reflect.TypeFor[Vehicle]())
}

// Customer is a hirer or client: the data of customer.created, and the customer of an
// agreement. Field names are assumed. A bare id in place of the object fills ID alone.
type Customer struct {
	// ID is vehReports' id of the customer.
	ID events.ID `json:"id"`

	// Name is the customer's full name or trading name.
	Name string `json:"name"`

	// Email and Phone are the customer's contact details.
	Email string `json:"email"`
	Phone string `json:"phone"`

	// CompanyName is the business the customer hires for, if any.
	CompanyName string `json:"company_name"`

	// Type is "individual" or "business", as assumed.
	Type string `json:"type"`

	// CreatedAt is when the customer was added.
	CreatedAt events.Time `json:"created_at"`

	// Data is the customer's JSON exactly as sent (an object, or the bare id); nil for null.
	Data json.RawMessage `json:"-"`
}

// UnmarshalJSON reads a customer object or a bare id, and keeps the JSON in Data.
func (c *Customer) UnmarshalJSON(b []byte) error {
	type plain Customer
	return decodeRef(b, (*plain)(c), &c.ID, &c.Data, reflect.TypeFor[Customer]())
}

// User is a member of the vehReports company account: who signed a report off, ran a licence
// check or cancelled a subscription. A bare id in place of the object fills ID alone.
type User struct {
	// ID is vehReports' id of the user.
	ID events.ID `json:"id"`

	// Name and Email identify the user to people.
	Name  string `json:"name"`
	Email string `json:"email"`
}

// UnmarshalJSON reads a user object or a bare id, for encoding/json.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	return decodeRef(b, (*plain)(u), &u.ID, nil, reflect.TypeFor[User]())
}

// UnmarshalJSONFrom reads a user object or a bare id, for JSON v2.
func (u *User) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain User
	return decodeRefFrom(dec, (*plain)(u), &u.ID, reflect.TypeFor[User]())
}

// Template is the inspection template a report was made with; its verdict rules decide
// inspection.verdict_flagged. A bare id in place of the object fills ID alone.
type Template struct {
	// ID is vehReports' id of the template.
	ID events.ID `json:"id"`

	// Name is the template's name, such as "Van handover".
	Name string `json:"name"`
}

// UnmarshalJSON reads a template object or a bare id, for encoding/json.
func (t *Template) UnmarshalJSON(b []byte) error {
	type plain Template
	return decodeRef(b, (*plain)(t), &t.ID, nil, reflect.TypeFor[Template]())
}

// UnmarshalJSONFrom reads a template object or a bare id, for JSON v2.
func (t *Template) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	type plain Template
	return decodeRefFrom(dec, (*plain)(t), &t.ID, reflect.TypeFor[Template]())
}

// A reference to another record (a vehicle, customer, user or template) is the one shape of
// this package that struct decoding cannot express: a value that is an object or a scalar, the
// record's bare id. Each record type has a method that looks at the JSON kind and hands the
// value to struct decoding: decodeRef for a record that keeps its JSON as Data (Vehicle and
// Customer, whose UnmarshalJSON serves encoding/json and JSON v2 alike), decodeRefFrom, which
// decodes in place, for JSON v2 and a record that keeps none (User and Template).

// decodeRef decodes b, a reference to another record, into v, the record's plain twin (its
// fields, without its methods): an object by struct decoding, or the record's bare id, a JSON
// string or number, which fills id alone. null leaves the record as it was. data, for a record
// that keeps its JSON, gets a copy of b (nil for null). Any other JSON value is an error naming
// public, the record's type.
func decodeRef(b []byte, v any, id *events.ID, data *json.RawMessage, public reflect.Type) error {
	var err error
	switch k := jsontext.Value(b).Kind(); k {
	case '{':
		err = events.Unmarshal(b, v)
	case '"', '0':
		err = events.Unmarshal(b, id)
	case 'n':
		b = nil
	default:
		return &jsonv2.SemanticError{JSONKind: k, GoType: public}
	}
	if data != nil {
		*data = nil
		if err == nil && b != nil {
			*data = bytes.Clone(b)
		}
	}
	return err
}

// decodeRefFrom is decodeRef for the next value of dec, decoded in place, for a record that
// keeps no Data.
func decodeRefFrom(dec *jsontext.Decoder, v any, id *events.ID, public reflect.Type) error {
	switch k := dec.PeekKind(); k {
	case '{':
		return jsonv2.UnmarshalDecode(dec, v)
	case '"', '0':
		return jsonv2.UnmarshalDecode(dec, id)
	case 'n':
		return dec.SkipValue()
	default:
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return &jsonv2.SemanticError{JSONKind: k, GoType: public}
	}
}
