package vehreports

import (
	"encoding/json"
	"reflect"

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
	data, err := decodeRef(b, (*plain)(v), reflect.TypeFor[Vehicle](), &v.ID)
	v.Data = data
	return err
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
	data, err := decodeRef(b, (*plain)(c), reflect.TypeFor[Customer](), &c.ID)
	c.Data = data
	return err
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

// UnmarshalJSON reads a user object or a bare id.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	_, err := decodeRef(b, (*plain)(u), reflect.TypeFor[User](), &u.ID)
	return err
}

// Template is the inspection template a report was made with; its verdict rules decide
// inspection.verdict_flagged. A bare id in place of the object fills ID alone.
type Template struct {
	// ID is vehReports' id of the template.
	ID events.ID `json:"id"`

	// Name is the template's name, such as "Van handover".
	Name string `json:"name"`
}

// UnmarshalJSON reads a template object or a bare id.
func (t *Template) UnmarshalJSON(b []byte) error {
	type plain Template
	_, err := decodeRef(b, (*plain)(t), reflect.TypeFor[Template](), &t.ID)
	return err
}

// vehicleNames are Vehicle's member names, for names sent in another case.
var vehicleNames = []string{"id", "registration", "vin", "make", "model", "colour", "year", "fuel_type",
	"mileage", "status", "changes", "created_at", "updated_at"}

// UnmarshalJSONFrom reads a vehicle object or a bare id from a JSON v2 decoder, as
// UnmarshalJSON reads it, and keeps the JSON in Data.
func (v *Vehicle) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, v.decode) }

func (v *Vehicle) decode(sc *scanner) error {
	return decodeRefData(sc, &v.Data, &v.ID, reflect.TypeFor[Vehicle](), v.members)
}

func (v *Vehicle) members(sc *scanner) error {
	return sc.members(vehicleNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &v.ID)
		case "registration":
			sc.str(name, &v.Registration)
		case "vin":
			sc.str(name, &v.VIN)
		case "make":
			sc.str(name, &v.Make)
		case "model":
			sc.str(name, &v.Model)
		case "colour":
			sc.str(name, &v.Colour)
		case "year":
			sc.value(&v.Year)
		case "fuel_type":
			sc.str(name, &v.FuelType)
		case "mileage":
			sc.value(&v.Mileage)
		case "status":
			sc.str(name, &v.Status)
		case "changes":
			sc.raw(&v.Changes)
		case "created_at":
			sc.time(&v.CreatedAt)
		case "updated_at":
			sc.time(&v.UpdatedAt)
		default:
			return false
		}
		return true
	})
}

// customerNames are Customer's member names, for names sent in another case.
var customerNames = []string{"id", "name", "email", "phone", "company_name", "type", "created_at"}

// UnmarshalJSONFrom reads a customer object or a bare id from a JSON v2 decoder, as
// UnmarshalJSON reads it, and keeps the JSON in Data.
func (c *Customer) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, c.decode) }

func (c *Customer) decode(sc *scanner) error {
	return decodeRefData(sc, &c.Data, &c.ID, reflect.TypeFor[Customer](), c.members)
}

func (c *Customer) members(sc *scanner) error {
	return sc.members(customerNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &c.ID)
		case "name":
			sc.str(name, &c.Name)
		case "email":
			sc.str(name, &c.Email)
		case "phone":
			sc.str(name, &c.Phone)
		case "company_name":
			sc.str(name, &c.CompanyName)
		case "type":
			sc.str(name, &c.Type)
		case "created_at":
			sc.time(&c.CreatedAt)
		default:
			return false
		}
		return true
	})
}

// userNames are User's member names, for names sent in another case.
var userNames = []string{"id", "name", "email"}

// UnmarshalJSONFrom reads a user object or a bare id from a JSON v2 decoder, as UnmarshalJSON
// reads it.
func (u *User) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, u.decode) }

func (u *User) decode(sc *scanner) error {
	return decodeRefData(sc, nil, &u.ID, reflect.TypeFor[User](), u.members)
}

func (u *User) members(sc *scanner) error {
	return sc.members(userNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &u.ID)
		case "name":
			sc.str(name, &u.Name)
		case "email":
			sc.str(name, &u.Email)
		default:
			return false
		}
		return true
	})
}

// templateNames are Template's member names, for names sent in another case.
var templateNames = []string{"id", "name"}

// UnmarshalJSONFrom reads a template object or a bare id from a JSON v2 decoder, as
// UnmarshalJSON reads it.
func (t *Template) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, t.decode) }

func (t *Template) decode(sc *scanner) error {
	return decodeRefData(sc, nil, &t.ID, reflect.TypeFor[Template](), t.members)
}

func (t *Template) members(sc *scanner) error {
	return sc.members(templateNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &t.ID)
		case "name":
			sc.str(name, &t.Name)
		default:
			return false
		}
		return true
	})
}
