package vehreports

import (
	"encoding/json"
	"errors"
	"fmt"

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

// wire is the assumed envelope, in every spelling Decode accepts.
type wire struct {
	ID         json.RawMessage `json:"id"`
	Type       json.RawMessage `json:"type"`
	Event      json.RawMessage `json:"event"`
	CreatedAt  events.Time     `json:"created_at"`
	Timestamp  events.Time     `json:"timestamp"`
	OccurredAt events.Time     `json:"occurred_at"`
	Data       json.RawMessage `json:"data"`
}

// envelope is what every delivery must carry, whatever its event.
type envelope struct {
	ID   events.ID `json:"id" validate:"required"`
	Type string    `json:"type" validate:"required"`
}

// Decode reads one delivery. See the package documentation for the shapes and errors.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	var w wire
	if err := events.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	if !events.Present(w.ID) && !events.Present(w.Type) && !events.Present(w.Event) && !events.Present(w.Data) {
		return nil, fmt.Errorf("vehreports: %w: no id, type, event or data", events.ErrShape)
	}
	typ, err := eventType(w.Type, w.Event)
	if err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	var id events.ID
	if events.Present(w.ID) {
		if err := events.Unmarshal(w.ID, &id); err != nil {
			return nil, fmt.Errorf("vehreports: %w", events.InField("id", err))
		}
	}

	env := &events.Envelope{
		Provider:       Name,
		Version:        Version,
		ID:             id.String(),
		Type:           typ,
		Types:          []string{typ},
		Time:           firstTime(w.CreatedAt, w.Timestamp, w.OccurredAt),
		IdempotencyKey: events.IDKey(Name, id, body),
		Raw:            body,
	}
	invalid := events.Validate(&envelope{ID: id, Type: typ})
	data := w.Data
	if !events.Present(data) {
		data = json.RawMessage("null")
	}
	payload, err := registry.Decode(typ, data)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		// Only a routed type fails here, so the type named is one of ours.
		return nil, fmt.Errorf("vehreports: %s: %w", typ, events.InField("data", err))
	}
	env.Payload = payload
	if err := events.JoinInvalid([]string{"", "data."}, invalid, err); err != nil {
		return env, fmt.Errorf("vehreports: %w", err)
	}
	return env, nil
}

// eventType returns the first of "type" and "event" that is a non-empty JSON string. When
// neither is and one is of another JSON type, the error is a *events.FieldError naming it.
func eventType(typ, event json.RawMessage) (string, error) {
	var wrongKind error
	for _, field := range []struct {
		name string
		raw  json.RawMessage
	}{{"type", typ}, {"event", event}} {
		if !events.Present(field.raw) {
			continue
		}
		var s string
		if err := events.Unmarshal(field.raw, &s); err != nil {
			if wrongKind == nil {
				wrongKind = events.InField(field.name, err)
			}
			continue
		}
		if s != "" {
			return s, nil
		}
	}
	if wrongKind != nil {
		return "", wrongKind
	}
	return "", fmt.Errorf("%w: type and event are missing or empty", events.ErrNoType)
}

// firstTime returns the first time that was sent (not missing, null or empty).
func firstTime(times ...events.Time) events.Time {
	for _, t := range times {
		if t.Raw != "" || !t.Time.IsZero() {
			return t
		}
	}
	return events.Time{}
}
