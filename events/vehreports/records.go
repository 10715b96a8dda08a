package vehreports

import (
	"encoding/json"
	"reflect"

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
