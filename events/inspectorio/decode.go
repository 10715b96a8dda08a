package inspectorio

import (
	"fmt"
	"reflect"

	"github.com/inspecthook/inspecthook/events"
)

// Name is the provider's name, as in Envelope.Provider and the prefix of idempotency keys.
const Name = "inspectorio"

// VersionSight is Envelope.Version for the Sight format, the only one this package reads.
const VersionSight = "sight"

// Provider returns the Inspectorio decoder. It holds no state and is safe for concurrent use.
// It is an [events.KeyScanner] too: see the package documentation.
func Provider() events.Provider { return provider{} }

type provider struct{}

func (provider) Name() string { return Name }

// EventTypes returns the eventCodes this package declares an event for, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// PayloadType returns the type eventType's payload decodes to, or nil for a type this package
// does not know; it implements events.PayloadTyper.
func (provider) PayloadType(eventType string) reflect.Type { return registry.PayloadType(eventType) }

// sight is the part of a delivery every event carries, whatever its eventCode: what is
// validated when the eventCode is of no event of this package.
type sight struct {
	MessageID events.ID `json:"messageId" validate:"required"`
	EventCode string    `json:"eventCode" validate:"required"`
}

// decoded is what Decode allocates for a delivery, in one piece: the envelope, its list of
// types, and the delivery read from the body, whose Report is the payload.
type decoded struct {
	env   events.Envelope
	types [2]string
	d     delivery
}

// Decode reads one Sight delivery. See the package documentation for the format and errors.
//
// The body is read once (events.DecodeObject into a delivery, which reads itself member by
// member): every event of this package carries a Report, which is the whole body, so the
// payload is decoded as the members go by, before the eventCode that routes it may have been
// read, and its errors are kept until then. They count only for a routed event, as an unknown
// event's payload is never read.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	out := &decoded{d: delivery{body: body}}
	d := &out.d
	if err := events.DecodeObject(body, d); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	if d.present == 0 {
		return nil, fmt.Errorf("inspectorio: %w: no messageId, eventCode or payload", events.ErrShape)
	}
	if err := d.sightErr(); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	r := &d.report
	if r.EventCode == "" {
		return nil, fmt.Errorf("inspectorio: %w: eventCode is missing or empty", events.ErrNoType)
	}
	typ := routedCode(r.EventCode)
	known := registry.Has(typ)
	if known {
		if err := d.reportErr(); err != nil {
			return nil, fmt.Errorf("inspectorio: %s: %w", typ, err)
		}
	}

	out.types = [2]string{typ, r.EventCode}
	types := out.types[:1:1]
	if typ != r.EventCode {
		types = out.types[:2:2] // the code as sent, when its case differs
	}
	out.env = events.Envelope{
		Provider:       Name,
		Version:        VersionSight,
		ID:             r.MessageID.String(),
		Type:           typ,
		Types:          types,
		IdempotencyKey: events.IDKey(Name, r.MessageID, body),
		Raw:            body,
	}
	var invalid error
	if known {
		// The payload of both events is the Report, validated as the registry validates it:
		// it holds the required fields of sight too.
		out.env.Payload = r
		invalid = events.Validate(r)
	} else {
		invalid = events.Validate(&sight{MessageID: r.MessageID, EventCode: r.EventCode})
	}
	if invalid != nil {
		return &out.env, fmt.Errorf("inspectorio: %w", invalid)
	}
	return &out.env, nil
}
