package vehreports

import (
	"encoding/json"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"

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

// UnmarshalJSON reads the data object and keeps it in Data.
func (l *LicenceCheck) UnmarshalJSON(b []byte) error {
	type plain LicenceCheck
	data, err := decodeObject(b, (*plain)(l), reflect.TypeFor[LicenceCheck]())
	l.Data = data
	return err
}

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

// licenceCheckNames are LicenceCheck's member names, for names sent in another case.
var licenceCheckNames = []string{"id", "customer_id", "agreement_id", "driver_name", "licence_number", "result",
	"points", "endorsements", "categories", "failure_reason", "checked_at", "checked_by"}

// UnmarshalJSONFrom reads the data object from a JSON v2 decoder, as UnmarshalJSON reads it,
// and keeps it in Data.
func (l *LicenceCheck) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return readFrom(dec, l.decode) }

func (l *LicenceCheck) decode(sc *scanner) error {
	return decodeData(sc, &l.Data, reflect.TypeFor[LicenceCheck](), l.members)
}

func (l *LicenceCheck) members(sc *scanner) error {
	return sc.members(licenceCheckNames, func(name string) bool {
		switch name {
		case "id":
			sc.id(name, &l.ID)
		case "customer_id":
			sc.id(name, &l.CustomerID)
		case "agreement_id":
			sc.id(name, &l.AgreementID)
		case "driver_name":
			sc.str(name, &l.DriverName)
		case "licence_number":
			sc.str(name, &l.LicenceNumber)
		case "result":
			sc.str(name, &l.Result)
		case "points":
			sc.value(&l.Points)
		case "endorsements":
			sc.endorsements(name, &l.Endorsements)
		case "categories":
			sc.strs(name, &l.Categories)
		case "failure_reason":
			sc.str(name, &l.FailureReason)
		case "checked_at":
			sc.time(&l.CheckedAt)
		case "checked_by":
			ref(sc, name, &l.CheckedBy, (*User).decode)
		default:
			return false
		}
		return true
	})
}

// endorsementNames are Endorsement's member names, for names sent in another case.
var endorsementNames = []string{"code", "points", "offence_date", "expires_at"}

// endorsements reads a []Endorsement field. An Endorsement has no method of its own, so its
// errors are the plain fields' errors of the object it is in.
func (sc *scanner) endorsements(name string, dst *[]Endorsement) {
	switch c := sc.peek(); c {
	case '[':
		array(sc, dst, func(e *Endorsement) {
			switch c := sc.peek(); c {
			case '{':
				sc.save(name, e.members(sc))
			case 'n':
				sc.skip()
			default:
				sc.skip()
				sc.save(name, typeError(jsonKind(c), endorsementType))
			}
		})
	case 'n':
		sc.skip()
		*dst = nil
	default:
		sc.skip()
		sc.save(name, typeError(jsonKind(c), endorsementsType))
	}
}

func (e *Endorsement) members(sc *scanner) error {
	return sc.members(endorsementNames, func(name string) bool {
		switch name {
		case "code":
			sc.str(name, &e.Code)
		case "points":
			sc.value(&e.Points)
		case "offence_date":
			sc.time(&e.OffenceDate)
		case "expires_at":
			sc.time(&e.ExpiresAt)
		default:
			return false
		}
		return true
	})
}
