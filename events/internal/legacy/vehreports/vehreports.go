// Package vehreportslegacy keeps the vehReports decoder as it was before it decoded with JSON v2
// in one pass: events.CheckObject, then encoding/json into a wire struct of raw members, then
// each member decoded again, the payload through the UnmarshalJSON methods of the payload
// structs, which decode their object once more. It is the reference the differential tests of
// events/vehreports compare the current decoder with. Only tests import it.
package vehreportslegacy

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// table routes every vehReports event type to its payload, as the registry of
// events/vehreports did.
var table = legacy.Table{
	"report.completed":           legacy.Payload[vehreports.Report],
	"inspection.verdict_flagged": legacy.Payload[vehreports.Verdict],
	"agreement.signed":           legacy.Payload[vehreports.Agreement],
	"agreement.return_due":       legacy.Payload[vehreports.Agreement],
	"agreement.closed":           legacy.Payload[vehreports.Agreement],
	"licence.checked":            legacy.Payload[vehreports.LicenceCheck],
	"licence.failed":             legacy.Payload[vehreports.LicenceCheck],
	"licence.points_flagged":     legacy.Payload[vehreports.LicenceCheck],
	"vehicle.created":            legacy.Payload[vehreports.Vehicle],
	"vehicle.updated":            legacy.Payload[vehreports.Vehicle],
	"customer.created":           legacy.Payload[vehreports.Customer],
	"credits.purchased":          legacy.Payload[vehreports.Credits],
	"credits.low":                legacy.Payload[vehreports.Credits],
	"credits.expiring":           legacy.Payload[vehreports.Credits],
	"payment.succeeded":          legacy.Payload[vehreports.Payment],
	"payment.failed":             legacy.Payload[vehreports.Payment],
	"subscription.cancelled":     legacy.Payload[vehreports.Subscription],
}

// EventTypes returns the event types the table routes, for a test to check them against
// vehreports.Provider().EventTypes().
func EventTypes() []string {
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, name)
	}
	return names
}

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

// Decode reads one delivery as vehreports.Provider().Decode did before it decoded in one pass.
func Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	var w wire
	if err := legacy.Unmarshal(body, &w); err != nil {
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
		if err := legacy.Unmarshal(w.ID, &id); err != nil {
			return nil, fmt.Errorf("vehreports: %w", events.InField("id", err))
		}
	}

	env := &events.Envelope{
		Provider:       vehreports.Name,
		Version:        vehreports.Version,
		ID:             id.String(),
		Type:           typ,
		Types:          []string{typ},
		Time:           firstTime(w.CreatedAt, w.Timestamp, w.OccurredAt),
		IdempotencyKey: events.IDKey(vehreports.Name, id, body),
		Raw:            body,
	}
	invalid := events.Validate(&envelope{ID: id, Type: typ})
	data := w.Data
	if !events.Present(data) {
		data = json.RawMessage("null")
	}
	payload, err := table.Decode(typ, data)
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
		if err := legacy.Unmarshal(field.raw, &s); err != nil {
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
