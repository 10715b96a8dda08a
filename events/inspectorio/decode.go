package inspectorio

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Name is the provider's name, as in Envelope.Provider and the prefix of idempotency keys.
const Name = "inspectorio"

// VersionSight is Envelope.Version for the Sight format, the only one this package reads.
const VersionSight = "sight"

// Provider returns the Inspectorio decoder. It holds no state and is safe for concurrent use.
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

// probe tells a Sight delivery from any other JSON object: each of the members that identify
// one as sent, the last of a repeated name.
type probe struct {
	MessageID jsontext.Value `json:"messageId"`
	EventCode jsontext.Value `json:"eventCode"`
	Payload   jsontext.Value `json:"payload"`
}

// sent reports whether the probe found any of its members with a value other than null.
func (p *probe) sent() bool {
	return events.Present(p.MessageID) || events.Present(p.EventCode) || events.Present(p.Payload)
}

// result is what Decode allocates for a delivery, in one piece: the envelope, its list of
// types, and the Report decoded from the body, which is the payload.
type result struct {
	env    events.Envelope
	types  [2]string
	report Report
}

// Decode reads one Sight delivery. See the package documentation for the format and errors.
//
// Every event of this package carries a Report, which is the whole body, so the body is
// decoded into one first (events.DecodeObject). A delivery that decodes with a messageId is
// a Sight delivery with no type error anywhere: that one pass is all it takes. Otherwise the
// body is decoded again, into a probe of the members that tell a Sight delivery and, after a
// type error, into the fields every delivery carries (sight), whose errors count whatever the
// eventCode, unlike the Report's, which count only for an eventCode of this package.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	out := &result{}
	r := &out.report
	reportErr := events.DecodeObject(body, r)
	if errors.Is(reportErr, events.ErrNotJSON) {
		return nil, fmt.Errorf("inspectorio: %w", reportErr)
	}
	if reportErr != nil || r.MessageID == "" {
		var p probe
		if err := events.DecodeObject(body, &p); err != nil {
			return nil, fmt.Errorf("inspectorio: %w", err)
		}
		if !p.sent() {
			return nil, fmt.Errorf("inspectorio: %w: no messageId, eventCode or payload", events.ErrShape)
		}
	}
	if reportErr != nil {
		var s sight
		if err := events.DecodeObject(body, &s); err != nil {
			return nil, fmt.Errorf("inspectorio: %w", err)
		}
		r.MessageID, r.EventCode = s.MessageID, s.EventCode
	}
	if r.EventCode == "" {
		return nil, fmt.Errorf("inspectorio: %w: eventCode is missing or empty", events.ErrNoType)
	}
	typ := routedCode(r.EventCode)
	known := registry.Has(typ)
	if known && reportErr != nil {
		return nil, fmt.Errorf("inspectorio: %s: %w", typ, reportErr)
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
