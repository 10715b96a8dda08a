package vehreports

import (
	"encoding/json"

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

// keep sets Data, the data object as sent: Decode calls it.
func (a *Agreement) keep(data json.RawMessage) { a.Data = data }
