package vehreports

import (
	"encoding/json"
	"strconv"

	"github.com/inspecthook/inspecthook/events"
)

// Credits is the data of credits.purchased, credits.low and credits.expiring: the company's
// credit balance. A credit is spent on signing a report off or signing an agreement. The fields
// are assumed; Data keeps the object as sent. Counts are events.Value: a number or a string.
type Credits struct {
	// Balance is the credits left after the event.
	Balance events.Value `json:"balance"`

	// Purchased is how many credits credits.purchased added.
	Purchased events.Value `json:"purchased"`

	// Threshold is the balance under which credits.low fires.
	Threshold events.Value `json:"threshold"`

	// Expiring is how many credits credits.expiring warns about, and ExpiringAt when they expire.
	Expiring   events.Value `json:"expiring"`
	ExpiringAt events.Time  `json:"expiring_at"`

	// PaymentID is the payment that bought credits.purchased's credits.
	PaymentID events.ID `json:"payment_id"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// keep sets Data, the data object as sent: Decode calls it.
func (c *Credits) keep(data json.RawMessage) { c.Data = data }

// Payment is the data of payment.succeeded and payment.failed. The fields are assumed; Data
// keeps the object as sent.
type Payment struct {
	// ID is vehReports' id of the payment.
	ID events.ID `json:"id"`

	// Amount is assumed to be in the currency's minor units (pence: 29900 is £299.00), as
	// payment processors send it. It is kept exactly as sent, never as a float64; read it with
	// AmountMinor.
	Amount events.Value `json:"amount"`

	// Currency is the ISO 4217 code, such as "GBP".
	Currency string `json:"currency"`

	// Status is the payment's state, such as "succeeded" or "failed".
	Status string `json:"status"`

	// Description says what was paid for, such as "250 credits".
	Description string `json:"description"`

	// Credits is how many credits the payment bought, if it bought credits.
	Credits events.Value `json:"credits"`

	// InvoiceID is the invoice the payment settles.
	InvoiceID events.ID `json:"invoice_id"`

	// FailureCode and FailureReason say why payment.failed failed.
	FailureCode   string `json:"failure_code"`
	FailureReason string `json:"failure_reason"`

	// CreatedAt is when the payment was attempted; PaidAt when it succeeded; FailedAt when it
	// failed. Each is zero when it did not happen.
	CreatedAt events.Time `json:"created_at"`
	PaidAt    events.Time `json:"paid_at"`
	FailedAt  events.Time `json:"failed_at"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// keep sets Data, the data object as sent: Decode calls it.
func (p *Payment) keep(data json.RawMessage) { p.Data = data }

// AmountMinor returns Amount as a whole number of minor units. ok is false when Amount is
// missing, is not a whole number (a JSON number or a string holding one), such as "299.00", or
// does not fit an int64.
func (p *Payment) AmountMinor() (amount int64, ok bool) {
	if p.Amount.Kind != events.Number && p.Amount.Kind != events.String {
		return 0, false
	}
	n, err := strconv.ParseInt(p.Amount.Text, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// Subscription is the data of subscription.cancelled. The fields are assumed; Data keeps the
// object as sent.
type Subscription struct {
	// ID is vehReports' id of the subscription.
	ID events.ID `json:"id"`

	// Plan names the plan, such as "Fleet Pro (monthly)".
	Plan string `json:"plan"`

	// Status is the subscription's state, such as "cancelled".
	Status string `json:"status"`

	// CancelledAt is when it was cancelled; EndsAt when access ends (the end of the paid
	// period), which may be later.
	CancelledAt events.Time `json:"cancelled_at"`
	EndsAt      events.Time `json:"ends_at"`

	// Reason is the cancellation reason given, if any.
	Reason string `json:"reason"`

	// CancelledBy is who cancelled it.
	CancelledBy *User `json:"cancelled_by"`

	// Data is the data object exactly as sent; nil when the delivery had none.
	Data json.RawMessage `json:"-"`
}

// keep sets Data, the data object as sent: Decode calls it.
func (s *Subscription) keep(data json.RawMessage) { s.Data = data }
