package vehreports

import (
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

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

// UnmarshalJSON reads the data object and keeps it in Data.
func (c *Credits) UnmarshalJSON(b []byte) error {
	type plain Credits
	data, err := decodeObject(b, (*plain)(c), reflect.TypeFor[Credits]())
	c.Data = data
	return err
}

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

// UnmarshalJSON reads the data object and keeps it in Data.
func (p *Payment) UnmarshalJSON(b []byte) error {
	type plain Payment
	data, err := decodeObject(b, (*plain)(p), reflect.TypeFor[Payment]())
	p.Data = data
	return err
}

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

// UnmarshalJSON reads the data object and keeps it in Data.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	type plain Subscription
	data, err := decodeObject(b, (*plain)(s), reflect.TypeFor[Subscription]())
	s.Data = data
	return err
}

// creditsNames are Credits' member names, for names sent in another case.
var creditsNames = []string{"balance", "purchased", "threshold", "expiring", "expiring_at", "payment_id"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (c *Credits) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, c.decode) }

func (c *Credits) decode(sc *scanner) error {
	return decodeData(sc, &c.Data, reflect.TypeFor[Credits](), c.members)
}

func (c *Credits) members(sc *scanner) error {
	return sc.members(creditsNames, func(name string) bool {
		switch name {
		case "balance":
			sc.value(&c.Balance)
		case "purchased":
			sc.value(&c.Purchased)
		case "threshold":
			sc.value(&c.Threshold)
		case "expiring":
			sc.value(&c.Expiring)
		case "expiring_at":
			sc.time(&c.ExpiringAt)
		case "payment_id":
			sc.id(name, &c.PaymentID)
		default:
			return false
		}
		return true
	})
}

// paymentNames are Payment's member names, for names sent in another case.
var paymentNames = []string{"id", "amount", "currency", "status", "description", "credits", "invoice_id",
	"failure_code", "failure_reason", "created_at", "paid_at", "failed_at"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (p *Payment) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, p.decode) }

func (p *Payment) decode(sc *scanner) error {
	return decodeData(sc, &p.Data, reflect.TypeFor[Payment](), p.members)
}

func (p *Payment) members(sc *scanner) error {
	return sc.members(paymentNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &p.ID)
		case "amount":
			sc.value(&p.Amount)
		case "currency":
			sc.str(name, &p.Currency)
		case "status":
			sc.str(name, &p.Status)
		case "description":
			sc.str(name, &p.Description)
		case "credits":
			sc.value(&p.Credits)
		case "invoice_id":
			sc.id(name, &p.InvoiceID)
		case "failure_code":
			sc.str(name, &p.FailureCode)
		case "failure_reason":
			sc.str(name, &p.FailureReason)
		case "created_at":
			sc.time(&p.CreatedAt)
		case "paid_at":
			sc.time(&p.PaidAt)
		case "failed_at":
			sc.time(&p.FailedAt)
		default:
			return false
		}
		return true
	})
}

// subscriptionNames are Subscription's member names, for names sent in another case.
var subscriptionNames = []string{"id", "plan", "status", "cancelled_at", "ends_at", "reason", "cancelled_by"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (s *Subscription) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, s.decode) }

func (s *Subscription) decode(sc *scanner) error {
	return decodeData(sc, &s.Data, reflect.TypeFor[Subscription](), s.members)
}

func (s *Subscription) members(sc *scanner) error {
	return sc.members(subscriptionNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &s.ID)
		case "plan":
			sc.str(name, &s.Plan)
		case "status":
			sc.str(name, &s.Status)
		case "cancelled_at":
			sc.time(&s.CancelledAt)
		case "ends_at":
			sc.time(&s.EndsAt)
		case "reason":
			sc.str(name, &s.Reason)
		case "cancelled_by":
			ref(sc, name, &s.CancelledBy, (*User).decode)
		default:
			return false
		}
		return true
	})
}
