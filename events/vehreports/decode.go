package vehreports

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Name is the provider's name, as in Envelope.Provider and the prefix of idempotency keys.
const Name = "vehreports"

// Version is Envelope.Version for every envelope shape Decode accepts. vehReports does not
// version its (unpublished) body; the name leaves room for one that does.
const Version = "v1"

// Provider returns the vehReports decoder. It holds no state and is safe for concurrent use.
func Provider() events.Provider { return provider{} }

type provider struct{}

func (provider) Name() string { return Name }

// EventTypes returns the event types this package declares an event for, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// PayloadType returns the type eventType's payload decodes to, or nil for a type this package
// does not know; it implements events.PayloadTyper.
func (provider) PayloadType(eventType string) reflect.Type { return registry.PayloadType(eventType) }

// wire is a delivery's envelope, in every spelling Decode accepts. Where a name is repeated,
// the last one wins. The members whose Go type depends on another member are kept as sent: the
// id, read once the body is known to be a delivery; type and event, of which the first that is
// a non-empty string is the event type; and data, the payload of the type that names.
type wire struct {
	ID         jsontext.Value `json:"id"`
	Type       jsontext.Value `json:"type"`
	Event      jsontext.Value `json:"event"`
	CreatedAt  events.Time    `json:"created_at"`
	Timestamp  events.Time    `json:"timestamp"`
	OccurredAt events.Time    `json:"occurred_at"`
	Data       jsontext.Value `json:"data"`
}

// envelope is what every delivery must carry, whatever its event.
type envelope struct {
	ID   events.ID `json:"id" validate:"required"`
	Type string    `json:"type" validate:"required"`
}

// result is what Decode allocates for a delivery, in one piece: the envelope, its list of
// types, and the envelope as read from the body.
type result struct {
	env   events.Envelope
	types [1]string
	wire  wire
}

// keeper is a payload that keeps its data object as sent, in its Data field.
type keeper interface{ keep(data json.RawMessage) }

// Decode reads one delivery. See the package documentation for the shapes and errors.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	out := &result{}
	w := &out.wire
	if err := events.DecodeObject(body, w); err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	if !events.Present(w.ID) && !events.Present(w.Type) && !events.Present(w.Event) && !events.Present(w.Data) {
		return nil, fmt.Errorf("vehreports: %w: no id, type, event or data", events.ErrShape)
	}
	typ, err := eventType(w)
	if err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	var id events.ID
	if w.ID != nil {
		if err := events.Unmarshal(w.ID, &id); err != nil {
			return nil, fmt.Errorf("vehreports: %w", events.InField("id", err))
		}
	}

	data := w.Data
	if !events.Present(data) {
		data = nil // a known event's payload is then a zero struct, with a nil Data
	}
	payload, err := registry.Decode(typ, data)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		// Only a routed type fails here, so the type named is one of ours.
		return nil, fmt.Errorf("vehreports: %s: %w", typ, events.InField("data", err))
	}
	if k, ok := payload.(keeper); ok {
		k.keep(json.RawMessage(data))
	}
	out.types[0] = typ
	out.env = events.Envelope{
		Provider:       Name,
		Version:        Version,
		ID:             string(id),
		Type:           typ,
		Types:          out.types[:],
		Time:           firstTime(&w.CreatedAt, &w.Timestamp, &w.OccurredAt),
		IdempotencyKey: events.IDKey(Name, id, body),
		Raw:            body,
		Payload:        payload,
	}
	var invalid error
	if id == "" { // the one way the envelope fails validation: the event type is never empty
		invalid = events.Validate(&envelope{ID: id, Type: typ})
	}
	if err := events.JoinInvalid([]string{"", "data."}, invalid, err); err != nil {
		return &out.env, fmt.Errorf("vehreports: %w", err)
	}
	return &out.env, nil
}

// eventType returns the event type: the first of "type" and "event" that is a non-empty JSON
// string. When neither is and one was sent as another JSON type, the error is the
// *events.FieldError naming the first such.
func eventType(w *wire) (string, error) {
	var wrongType error
	for _, m := range [...]struct {
		name string
		raw  jsontext.Value
	}{{"type", w.Type}, {"event", w.Event}} {
		if !events.Present(m.raw) {
			continue
		}
		var s string
		if err := events.Unmarshal(m.raw, &s); err != nil {
			if wrongType == nil {
				wrongType = events.InField(m.name, err)
			}
			continue
		}
		if s != "" {
			return s, nil
		}
	}
	if wrongType != nil {
		return "", wrongType
	}
	return "", fmt.Errorf("%w: type and event are missing or empty", events.ErrNoType)
}

// firstTime returns the first time that was sent (not missing, null or empty).
func firstTime(times ...*events.Time) events.Time {
	for _, t := range times {
		if t.Raw != "" || !t.Time.IsZero() {
			return *t
		}
	}
	return events.Time{}
}
