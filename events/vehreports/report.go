package vehreports

import (
	"encoding/json"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Report is the data of report.completed: an inspection report signed off and locked. The
// fields are assumed (vehReports does not publish the payload); Data keeps the object as sent.
type Report struct {
	// ID is vehReports' id of the report.
	ID events.ID `json:"id"`

	// Reference is the report's human reference, such as "VR-2025-004127": a string or a number.
	Reference events.ID `json:"reference"`

	// Direction is "outbound" (handover) or "inbound" (return), as assumed from the
	// documentation's "inbound report".
	Direction string `json:"direction"`

	// Status is the report's state, such as "completed".
	Status string `json:"status"`

	// Vehicle is the vehicle inspected.
	Vehicle *Vehicle `json:"vehicle"`

	// Registration is the vehicle's number plate, for deliveries that carry it beside (or
	// instead of) the vehicle object.
	Registration string `json:"registration"`

	// Template is the inspection template used.
	Template *Template `json:"template"`

	// AgreementID is the rental agreement the inspection belongs to, if any.
	AgreementID events.ID `json:"agreement_id"`

	// Mileage is the odometer reading recorded: a number or a string.
	Mileage events.Value `json:"mileage"`

	// FuelLevel is the fuel recorded, in whatever form the template uses: "3/4", 0.75, 75.
	FuelLevel events.Value `json:"fuel_level"`

	// DamageCount is how many damage items the report records.
	DamageCount events.Value `json:"damage_count"`

	// Verdict is the report's verdict, such as "pass" or "concerns".
	Verdict string `json:"verdict"`

	// SignedOffAt is when the report was signed off (and a credit spent).
	SignedOffAt events.Time `json:"signed_off_at"`

	// SignedOffBy is who signed it off.
	SignedOffBy *User `json:"signed_off_by"`

	// URL is the report in the vehReports app; PDFURL its PDF.
	URL    string `json:"url"`
	PDFURL string `json:"pdf_url"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// UnmarshalJSON reads the data object and keeps it in Data.
func (r *Report) UnmarshalJSON(b []byte) error {
	type plain Report
	data, err := decodeObject(b, (*plain)(r), reflect.TypeFor[Report]())
	r.Data = data
	return err
}

// Verdict is the data of inspection.verdict_flagged: a template's verdict rules flagged an
// inspection, for example new damage over a threshold or a refuel required on an inbound
// report. The fields are assumed; Data keeps the object as sent.
type Verdict struct {
	// ReportID is the report whose verdict was flagged.
	ReportID events.ID `json:"report_id"`

	// Verdict is the flagged verdict, such as "concerns" or "fail".
	Verdict string `json:"verdict"`

	// Reasons are the rules that fired. Assumed to be strings such as "refuel_required";
	// an object in their place is kept as JSON text (Kind events.Other).
	Reasons []events.Value `json:"reasons"`

	// Direction is "outbound" or "inbound", as in Report.
	Direction string `json:"direction"`

	// Vehicle is the vehicle inspected; Template the template whose rules fired.
	Vehicle  *Vehicle  `json:"vehicle"`
	Template *Template `json:"template"`

	// FlaggedAt is when the verdict was flagged.
	FlaggedAt events.Time `json:"flagged_at"`

	// URL is the report in the vehReports app.
	URL string `json:"url"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// UnmarshalJSON reads the data object and keeps it in Data.
func (v *Verdict) UnmarshalJSON(b []byte) error {
	type plain Verdict
	data, err := decodeObject(b, (*plain)(v), reflect.TypeFor[Verdict]())
	v.Data = data
	return err
}

// reportNames are Report's member names, for names sent in another case.
var reportNames = []string{"id", "reference", "direction", "status", "vehicle", "registration", "template",
	"agreement_id", "mileage", "fuel_level", "damage_count", "verdict", "signed_off_at", "signed_off_by", "url", "pdf_url"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (r *Report) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, r.decode) }

func (r *Report) decode(sc *scanner) error {
	return decodeData(sc, &r.Data, reflect.TypeFor[Report](), r.members)
}

func (r *Report) members(sc *scanner) error {
	return sc.members(reportNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &r.ID)
		case "reference":
			sc.id(name, &r.Reference)
		case "direction":
			sc.str(name, &r.Direction)
		case "status":
			sc.str(name, &r.Status)
		case "vehicle":
			ref(sc, name, &r.Vehicle, (*Vehicle).decode)
		case "registration":
			sc.str(name, &r.Registration)
		case "template":
			ref(sc, name, &r.Template, (*Template).decode)
		case "agreement_id":
			sc.id(name, &r.AgreementID)
		case "mileage":
			sc.value(&r.Mileage)
		case "fuel_level":
			sc.value(&r.FuelLevel)
		case "damage_count":
			sc.value(&r.DamageCount)
		case "verdict":
			sc.str(name, &r.Verdict)
		case "signed_off_at":
			sc.time(&r.SignedOffAt)
		case "signed_off_by":
			ref(sc, name, &r.SignedOffBy, (*User).decode)
		case "url":
			sc.str(name, &r.URL)
		case "pdf_url":
			sc.str(name, &r.PDFURL)
		default:
			return false
		}
		return true
	})
}

// verdictNames are Verdict's member names, for names sent in another case.
var verdictNames = []string{"report_id", "verdict", "reasons", "direction", "vehicle", "template", "flagged_at", "url"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (v *Verdict) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, v.decode) }

func (v *Verdict) decode(sc *scanner) error {
	return decodeData(sc, &v.Data, reflect.TypeFor[Verdict](), v.members)
}

func (v *Verdict) members(sc *scanner) error {
	return sc.members(verdictNames, func(name string) bool {
		switch name {
		case "report_id":
			sc.id(name, &v.ReportID)
		case "verdict":
			sc.str(name, &v.Verdict)
		case "reasons":
			sc.values(name, &v.Reasons)
		case "direction":
			sc.str(name, &v.Direction)
		case "vehicle":
			ref(sc, name, &v.Vehicle, (*Vehicle).decode)
		case "template":
			ref(sc, name, &v.Template, (*Template).decode)
		case "flagged_at":
			sc.time(&v.FlaggedAt)
		case "url":
			sc.str(name, &v.URL)
		default:
			return false
		}
		return true
	})
}
