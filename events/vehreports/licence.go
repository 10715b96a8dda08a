package vehreports

import (
	"encoding/json"

	"github.com/inspecthook/inspecthook/events"
)

// LicenceCheck is the data of licence.checked, licence.failed and licence.points_flagged: a
// driver licence check and its outcome. The fields are assumed; Data keeps the object as sent.
type LicenceCheck struct {
	// ID is vehReports' id of the check.
	ID events.ID `json:"id"`

	// CustomerID is the driver's customer record; AgreementID the agreement the check is for.
	CustomerID  events.ID `json:"customer_id"`
	AgreementID events.ID `json:"agreement_id"`

	// DriverName is the driver's name as checked.
	DriverName string `json:"driver_name"`

	// LicenceNumber is the licence number as sent, assumed masked by vehReports (such as
	// "MORGA*******9AB"). Treat it as personal data either way.
	LicenceNumber string `json:"licence_number"`

	// Result is the outcome, such as "clear", "points" or "failed".
	Result string `json:"result"`

	// Points is the total of penalty points: a number or a string.
	Points events.Value `json:"points"`

	// Endorsements lists the offences behind the points; empty when there are none.
	Endorsements []Endorsement `json:"endorsements"`

	// Categories are the vehicle categories the licence covers, such as "B" and "BE".
	Categories []string `json:"categories"`

	// FailureReason says why licence.failed failed.
	FailureReason string `json:"failure_reason"`

	// CheckedAt is when the check ran; CheckedBy who ran it.
	CheckedAt events.Time `json:"checked_at"`
	CheckedBy *User       `json:"checked_by"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// keep sets Data, the data object as sent: Decode calls it.
func (l *LicenceCheck) keep(data json.RawMessage) { l.Data = data }

// Endorsement is one offence on a licence.
type Endorsement struct {
	// Code is the offence code, such as "SP30" (speeding on a public road).
	Code string `json:"code"`

	// Points are the penalty points: a number or a string.
	Points events.Value `json:"points"`

	// OffenceDate is when the offence happened; ExpiresAt when the endorsement stops counting.
	OffenceDate events.Time `json:"offence_date"`
	ExpiresAt   events.Time `json:"expires_at"`
}
