package vehreports

import (
	"encoding/json"

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

// keep sets Data, the data object as sent: Decode calls it.
func (r *Report) keep(data json.RawMessage) { r.Data = data }

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

// keep sets Data, the data object as sent: Decode calls it.
func (v *Verdict) keep(data json.RawMessage) { v.Data = data }
