package vehreports

import (
	"encoding/json"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Agreement is the data of agreement.signed, agreement.return_due and agreement.closed: a
// rental agreement through its lifecycle (handover, return, close). The fields are assumed;
// Data keeps the object as sent.
type Agreement struct {
	// ID is vehReports' id of the agreement.
	ID events.ID `json:"id"`

	// Reference is the agreement's human reference, such as "RA-10482": a string or a number.
	Reference events.ID `json:"reference"`

	// Status is the agreement's state, such as "signed", "active" or "closed".
	Status string `json:"status"`

	// Vehicle is the vehicle hired; Customer the hirer.
	Vehicle  *Vehicle  `json:"vehicle"`
	Customer *Customer `json:"customer"`

	// StartsAt is when the hire starts; ReturnDueAt when the vehicle is due back.
	StartsAt    events.Time `json:"starts_at"`
	ReturnDueAt events.Time `json:"return_due_at"`

	// SignedAt is when the agreement was signed (and a credit spent); ClosedAt when it was
	// closed. Each is zero until it happens.
	SignedAt events.Time `json:"signed_at"`
	ClosedAt events.Time `json:"closed_at"`

	// HandoverReportID and ReturnReportID are the inspection reports at handover and return.
	HandoverReportID events.ID `json:"handover_report_id"`
	ReturnReportID   events.ID `json:"return_report_id"`

	// URL is the agreement in the vehReports app.
	URL string `json:"url"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// UnmarshalJSON reads the data object and keeps it in Data.
func (a *Agreement) UnmarshalJSON(b []byte) error {
	type plain Agreement
	data, err := decodeObject(b, (*plain)(a), reflect.TypeFor[Agreement]())
	a.Data = data
	return err
}

// agreementNames are Agreement's member names, for names sent in another case.
var agreementNames = []string{"id", "reference", "status", "vehicle", "customer", "starts_at", "return_due_at",
	"signed_at", "closed_at", "handover_report_id", "return_report_id", "url"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (a *Agreement) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, a.decode) }

func (a *Agreement) decode(sc *scanner) error {
	return decodeData(sc, &a.Data, reflect.TypeFor[Agreement](), a.members)
}

func (a *Agreement) members(sc *scanner) error {
	return sc.members(agreementNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &a.ID)
		case "reference":
			sc.id(name, &a.Reference)
		case "status":
			sc.str(name, &a.Status)
		case "vehicle":
			ref(sc, name, &a.Vehicle, (*Vehicle).decode)
		case "customer":
			ref(sc, name, &a.Customer, (*Customer).decode)
		case "starts_at":
			sc.time(&a.StartsAt)
		case "return_due_at":
			sc.time(&a.ReturnDueAt)
		case "signed_at":
			sc.time(&a.SignedAt)
		case "closed_at":
			sc.time(&a.ClosedAt)
		case "handover_report_id":
			sc.id(name, &a.HandoverReportID)
		case "return_report_id":
			sc.id(name, &a.ReturnReportID)
		case "url":
			sc.str(name, &a.URL)
		default:
			return false
		}
		return true
	})
}
