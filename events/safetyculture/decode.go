package safetyculture

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// delivery is a body of either format as Decode reads it (events.DecodeObject): the members
// both formats share, and those of each format, each in the type the payload holds it in. What
// can be judged only once the event type is known is kept raw: the data member, whose shape
// depends on the event, and workflow_id and webhook_id, which routing only asks were sent and
// only a routed event's payload needs to be ids.
type delivery struct {
	// Version is nil when absent or null.
	Version *string        `json:"version"`
	Event   *Event         `json:"event"`
	Data    jsontext.Value `json:"data"`

	legacyEnvelope
	newerEnvelope
}

// legacyEnvelope holds the members only the legacy 1.0.0 format has around event and data.
type legacyEnvelope struct {
	WorkflowID jsontext.Value `json:"workflow_id"`
}

// newerEnvelope holds the members only the newer 3.0.0 format has around event and data.
type newerEnvelope struct {
	WebhookID jsontext.Value `json:"webhook_id"`
	Resource  *Resource      `json:"resource"`
}

// routing is a delivery as routing reads it: of the event only its time and types, of the
// resource only its id. Decode reads a body so only when its event or resource holds a value the
// payload types cannot: an error for an event this package routes, and of no concern for
// another.
type routing struct {
	Version *string        `json:"version"`
	Event   *headEvent     `json:"event"`
	Data    jsontext.Value `json:"data"`

	legacyEnvelope
	WebhookID jsontext.Value `json:"webhook_id"`
	Resource  *struct {
		ID events.ID `json:"id"`
	} `json:"resource"`
}

// headEvent is the event object as routing reads it.
type headEvent struct {
	DateTriggered events.Time `json:"date_triggered"`
	EventTypes    []string    `json:"event_types"`
}

// delivery returns what routing read, as a delivery.
func (r *routing) delivery() delivery {
	d := delivery{Version: r.Version, Data: r.Data, legacyEnvelope: r.legacyEnvelope}
	d.WebhookID = r.WebhookID
	if r.Event != nil {
		d.Event = &Event{DateTriggered: r.Event.DateTriggered, EventTypes: r.Event.EventTypes}
	}
	if r.Resource != nil {
		d.Resource = &Resource{ID: r.Resource.ID}
	}
	return d
}

// dataKey is what routing and the idempotency key read of a data member of any shape: whether
// it has an audit (the legacy format's mark) and its id, the media id, and the inspection's
// modify time. A member of a JSON type it does not expect is read as empty, never as an error:
// the payload, for an event this package routes, judges the data.
type dataKey struct {
	hasData, hasAudit            bool
	auditID, mediaID, modifyTime string
}

// readDataKey reads the dataKey of data, the data member as sent (nil when absent).
func readDataKey(data jsontext.Value) dataKey {
	k := dataKey{hasData: events.Present(data)}
	if data.Kind() != '{' {
		return k
	}
	var d struct {
		Audit   jsontext.Value `json:"audit"`
		Details jsontext.Value `json:"details"`
		MediaID events.Value   `json:"media_id"`
	}
	_ = events.Unmarshal(data, &d) // every field takes any JSON value
	k.hasAudit, k.mediaID = events.Present(d.Audit), idText(d.MediaID)
	if d.Audit.Kind() == '{' {
		var audit struct {
			AuditID events.Value `json:"audit_id"`
		}
		_ = events.Unmarshal(d.Audit, &audit)
		k.auditID = idText(audit.AuditID)
	}
	if d.Details.Kind() == '{' {
		var details struct {
			ModifyTime events.Time `json:"modify_time"`
		}
		_ = events.Unmarshal(d.Details, &details)
		k.modifyTime = details.ModifyTime.Raw
	}
	return k
}

// idText is the text of an id read as an events.Value: a string's or a number's; empty for
// anything else, which no id is.
func idText(v events.Value) string {
	if v.Kind == events.String || v.Kind == events.Number {
		return v.Text
	}
	return ""
}

// payload is implemented by a pointer to each payload type (InspectionEvent, ActionEvent,
// IncidentEvent, MediaEvent, CommonEvent): Decode makes the one the registry routes the event
// type to, fills its Common and hands it the data member.
type payload interface {
	common() *Common

	// needsResource reports whether a newer delivery of the payload's events must carry
	// resource.id: those whose data this package models do; CommonEvent's do not.
	needsResource() bool

	// setData decodes data, the data member as sent (nil when absent), into the payload's Data,
	// and returns the dataKey of data.
	setData(data jsontext.Value) (dataKey, error)

	// validate checks the payload's `validate` rules. Only the types that declare rules are
	// handed to events.Validate, which visits every field of what it is handed that is not
	// tagged validate:"-".
	validate() error
}

func (e *InspectionEvent) common() *Common { return &e.Common }
func (e *ActionEvent) common() *Common     { return &e.Common }
func (e *IncidentEvent) common() *Common   { return &e.Common }
func (e *MediaEvent) common() *Common      { return &e.Common }
func (e *CommonEvent) common() *Common     { return &e.Common }

func (e *InspectionEvent) needsResource() bool { return true }
func (e *ActionEvent) needsResource() bool     { return true }
func (e *IncidentEvent) needsResource() bool   { return true }
func (e *MediaEvent) needsResource() bool      { return true }
func (e *CommonEvent) needsResource() bool     { return false }

func (e *InspectionEvent) setData(data jsontext.Value) (dataKey, error) {
	if !events.Present(data) {
		return dataKey{}, nil
	}
	// The inspection's data holds the audit and the details the key reads; media_id is read
	// beside it.
	d := struct {
		*InspectionData
		MediaID events.Value `json:"media_id"`
	}{InspectionData: &e.Data}
	if err := events.Unmarshal(data, &d); err != nil {
		return dataKey{}, err
	}
	e.Data.Raw = json.RawMessage(data)
	k := dataKey{hasData: true, mediaID: idText(d.MediaID)}
	if a := e.Data.Audit; a != nil {
		k.hasAudit, k.auditID = true, string(a.AuditID)
	}
	if det := e.Data.Details; det != nil {
		k.modifyTime = det.ModifyTime.Raw
	}
	return k, nil
}

func (e *ActionEvent) setData(data jsontext.Value) (dataKey, error) {
	if events.Present(data) {
		if err := events.Unmarshal(data, &e.Data); err != nil {
			return dataKey{}, err
		}
		e.Data.Raw = json.RawMessage(data)
	}
	return readDataKey(data), nil
}

func (e *MediaEvent) setData(data jsontext.Value) (dataKey, error) {
	if events.Present(data) {
		if err := events.Unmarshal(data, &e.Data); err != nil {
			return dataKey{}, err
		}
		e.Data.Raw = json.RawMessage(data)
	}
	return readDataKey(data), nil
}

// setData keeps data of any JSON type, null included, as a json.RawMessage does.
func (e *IncidentEvent) setData(data jsontext.Value) (dataKey, error) {
	e.Data = json.RawMessage(data)
	return readDataKey(data), nil
}

// setData keeps data of any JSON type, null included, as a json.RawMessage does.
func (e *CommonEvent) setData(data jsontext.Value) (dataKey, error) {
	e.Data = json.RawMessage(data)
	return readDataKey(data), nil
}

// The payload types' rules: an audit's id, an uploaded media's id.

func (e *InspectionEvent) validate() error {
	if e.Data.Audit == nil {
		return nil
	}
	return events.JoinInvalid([]string{"data.audit."}, events.Validate(e.Data.Audit))
}

func (e *MediaEvent) validate() error {
	return events.JoinInvalid([]string{"data."}, events.Validate(&e.Data))
}

func (e *ActionEvent) validate() error   { return nil }
func (e *IncidentEvent) validate() error { return nil }
func (e *CommonEvent) validate() error   { return nil }

// decode decodes body; see the package documentation.
func decode(body []byte) (*events.Envelope, error) {
	var d delivery
	err := events.DecodeObject(body, &d)
	if err != nil && !errors.Is(err, events.ErrNotJSON) {
		// The event or the resource holds what the payload types cannot: whether that is an
		// error depends on the event type, which routing tells.
		var r routing
		if rerr := events.DecodeObject(body, &r); rerr != nil {
			return nil, fmt.Errorf("safetyculture: %w", rerr)
		}
		d = r.delivery()
	} else if err != nil {
		return nil, fmt.Errorf("safetyculture: %w", err)
	}

	if d.Event == nil {
		if _, ok := d.format(readDataKey(d.Data)); !ok {
			return nil, fmt.Errorf("safetyculture: %w: no version, workflow_id, webhook_id, resource or event", events.ErrShape)
		}
		return nil, fmt.Errorf("safetyculture: %w: no event object", events.ErrNoType)
	}
	types := normalizeTypes(d.Event.EventTypes)
	if len(types) == 0 {
		return nil, fmt.Errorf("safetyculture: %w: event.event_types names no type", events.ErrNoType)
	}
	env := &events.Envelope{
		Provider: Name,
		Type:     routedType(types),
		Types:    types,
		Time:     d.Event.DateTriggered,
		Raw:      body,
	}

	var (
		p   payload
		key dataKey
	)
	if t := registry.PayloadType(env.Type); t == nil {
		key = readDataKey(d.Data)
	} else {
		if err == nil {
			p, key, err = d.payload(reflect.New(t).Interface().(payload))
		}
		if err != nil {
			return nil, fmt.Errorf("safetyculture: %s: %w", env.Type, payloadError(env.Type, body, err))
		}
		env.Payload = p
	}
	env.Version, _ = d.format(key)
	env.IdempotencyKey = d.idempotencyKey(env.Version, types, key, body)

	var invalid error
	if p != nil {
		invalid = p.validate()
	}
	if err := events.JoinInvalid(nil, d.required(env.Version, p != nil && p.needsResource(), key), invalid); err != nil {
		return env, fmt.Errorf("%s%w", errorPrefix(env, p != nil), err)
	}
	return env, nil
}

// payload fills p, a new payload, from the delivery: its Common and its data. It returns p and
// the dataKey of the data.
func (d *delivery) payload(p payload) (payload, dataKey, error) {
	c := p.common()
	if d.Version != nil {
		c.Version = *d.Version
	}
	if err := unmarshalID("workflow_id", d.WorkflowID, &c.WorkflowID); err != nil {
		return nil, dataKey{}, err
	}
	if err := unmarshalID("webhook_id", d.WebhookID, &c.WebhookID); err != nil {
		return nil, dataKey{}, err
	}
	c.Event, c.Resource = *d.Event, d.Resource
	key, err := p.setData(d.Data)
	if err != nil {
		return nil, dataKey{}, events.InField("data", err)
	}
	return p, key, nil
}

// payloadError names the field at fault in body, whose payload of event type name could not be
// decoded (err): the first, in the body's order, that the payload type cannot hold, as decoding
// the body as that type (Registry.Decode) finds it; err when that finds none.
func payloadError(name string, body []byte, err error) error {
	if _, perr := registry.Decode(name, body); perr != nil && !errors.Is(perr, events.ErrInvalid) {
		return perr
	}
	return err
}

// unmarshalID decodes raw, the member field as sent (nil when absent), into id.
func unmarshalID(field string, raw jsontext.Value, id *events.ID) error {
	if raw == nil {
		return nil
	}
	return events.InField(field, events.Unmarshal(raw, id))
}

// format tells the format from the body's shape: an explicit version first, then the members
// only one format has, the newer envelope's first (webhook_id, resource): a newer body that also
// carries a workflow_id is still newer. ok is false when the body has none of them.
func (d *delivery) format(key dataKey) (version string, ok bool) {
	if d.Version != nil {
		switch v := strings.TrimSpace(*d.Version); {
		case v == VersionLegacy || strings.HasPrefix(v, "1."):
			return VersionLegacy, true
		case v == VersionNewer || strings.HasPrefix(v, "3."):
			return VersionNewer, true
		}
	}
	switch {
	case events.Present(d.WebhookID), d.Resource != nil:
		return VersionNewer, true
	case events.Present(d.WorkflowID), key.hasAudit:
		return VersionLegacy, true
	case d.Event != nil:
		return VersionNewer, true
	}
	return "", false
}

// required checks the fields the format requires: the legacy format's audit id always, the
// newer format's resource id when needsResource (for the events this package routes to a payload
// whose data it models). The fields are named as events.Validate names them.
func (d *delivery) required(version string, needsResource bool, key dataKey) error {
	switch {
	case version == VersionLegacy:
		if key.auditID == "" {
			return &events.ValidationError{Fields: []string{"data.audit.audit_id"}}
		}
	case needsResource:
		if d.Resource == nil || d.Resource.ID == "" {
			return &events.ValidationError{Fields: []string{"resource.id"}}
		}
	}
	return nil
}

// errorPrefix starts the errors about a decoded envelope. The type is named only when it is one
// of ours: the body's own text stays out of errors.
func errorPrefix(env *events.Envelope, known bool) string {
	if known {
		return "safetyculture: " + env.Type + ": "
	}
	return "safetyculture: " + env.Version + ": "
}
