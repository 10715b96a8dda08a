package inspectorio

import (
	"encoding/json"
	"errors"
	"fmt"

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

// probe records which of the Sight fields a body carries, to tell a Sight delivery from any
// other JSON object.
type probe struct {
	MessageID json.RawMessage `json:"messageId"`
	EventCode json.RawMessage `json:"eventCode"`
	Payload   json.RawMessage `json:"payload"`
}

// sight is the part of a delivery every event carries, whatever its eventCode.
type sight struct {
	MessageID events.ID `json:"messageId" validate:"required"`
	EventCode string    `json:"eventCode" validate:"required"`
}

// Decode reads one Sight delivery. See the package documentation for the format and errors.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	var p probe
	if err := events.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	if !events.Present(p.MessageID) && !events.Present(p.EventCode) && !events.Present(p.Payload) {
		return nil, fmt.Errorf("inspectorio: %w: no messageId, eventCode or payload", events.ErrShape)
	}
	var s sight
	if err := events.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	if s.EventCode == "" {
		return nil, fmt.Errorf("inspectorio: %w: eventCode is missing or empty", events.ErrNoType)
	}
	typ := routedCode(s.EventCode)
	types := []string{typ}
	if typ != s.EventCode {
		types = append(types, s.EventCode) // the code as sent, when its case differs
	}
	env := &events.Envelope{
		Provider:       Name,
		Version:        VersionSight,
		ID:             s.MessageID.String(),
		Type:           typ,
		Types:          types,
		IdempotencyKey: events.IDKey(Name, s.MessageID, body),
		Raw:            body,
	}
	invalid := events.Validate(&s)
	payload, err := registry.Decode(typ, body)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		return nil, fmt.Errorf("inspectorio: %s: %w", typ, err)
	}
	env.Payload = payload
	if err := events.JoinInvalid(nil, invalid, err); err != nil {
		return env, fmt.Errorf("inspectorio: %w", err)
	}
	return env, nil
}
