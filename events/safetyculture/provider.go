package safetyculture

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// Name is SafetyCulture's name in envelopes, events and idempotency keys.
const Name = "safetyculture"

// The formats Decode recognises, as in Envelope.Version.
const (
	// VersionLegacy is the legacy format: version "1.0.0", workflow_id, lowercase event names
	// and the inspection in data.audit.
	VersionLegacy = "1.0.0"

	// VersionNewer is the newer format: version "3.0.0" or no version at all, webhook_id,
	// resource, trigger event names.
	VersionNewer = "3.0.0"
)

// Provider returns SafetyCulture's decoder. It holds no state and is safe for concurrent use.
func Provider() events.Provider { return provider{} }

type provider struct{}

func (provider) Name() string { return Name }

// EventTypes returns the trigger events this package declares an event for, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// head is the part of a body Decode reads before routing: enough to tell the format, the event
// types and the fields of the idempotency key.
type head struct {
	Version    *string         `json:"version"`
	WorkflowID json.RawMessage `json:"workflow_id"`
	WebhookID  json.RawMessage `json:"webhook_id"`
	Event      *headEvent      `json:"event"`
	Resource   *struct {
		ID events.ID `json:"id"`
	} `json:"resource"`
	Data *headData `json:"data"`
}

type headEvent struct {
	DateTriggered events.Time `json:"date_triggered"`
	EventTypes    []string    `json:"event_types"`
}

// headData reads the ids the idempotency key needs. It never fails: data of another shape (an
// array, an audit id that is an object) leaves what it could not read empty, and the payload
// decoder judges the data.
type headData struct {
	AuditID    events.ID
	MediaID    events.ID
	ModifyTime string
	HasAudit   bool
}

func (d *headData) UnmarshalJSON(b []byte) error {
	var fields struct {
		Audit *struct {
			AuditID events.ID `json:"audit_id"`
		} `json:"audit"`
		Details *struct {
			ModifyTime events.Time `json:"modify_time"`
		} `json:"details"`
		MediaID events.ID `json:"media_id"`
	}
	_ = json.Unmarshal(b, &fields) // what was read before an error is kept; the same bytes read the same
	if fields.Audit != nil {
		d.HasAudit, d.AuditID = true, fields.Audit.AuditID
	}
	if fields.Details != nil {
		d.ModifyTime = fields.Details.ModifyTime.Raw
	}
	d.MediaID = fields.MediaID
	return nil
}

// Decode turns a SafetyCulture body into an envelope; see the package documentation.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("safetyculture: %w", err)
	}
	var h head
	if err := events.Unmarshal(body, &h); err != nil {
		return nil, fmt.Errorf("safetyculture: %w", err)
	}
	version, ok := h.format()
	if !ok {
		return nil, fmt.Errorf("safetyculture: %w: no version, workflow_id, webhook_id, resource or event", events.ErrShape)
	}
	if h.Event == nil {
		return nil, fmt.Errorf("safetyculture: %w: no event object", events.ErrNoType)
	}
	types := normalizeTypes(h.Event.EventTypes)
	if len(types) == 0 {
		return nil, fmt.Errorf("safetyculture: %w: event.event_types names no type", events.ErrNoType)
	}

	env := &events.Envelope{
		Provider: Name,
		Version:  version,
		Type:     routedType(types),
		Types:    types,
		Time:     h.Event.DateTriggered,
		Raw:      body,
	}
	env.IdempotencyKey = idempotencyKey(&h, version, types, body)

	// The type is named in errors only when it is one of ours: the body's own text stays out.
	known := registry.Has(env.Type)
	prefix := "safetyculture: " + version + ": "
	if known {
		prefix = "safetyculture: " + env.Type + ": "
	}
	var invalid error
	if v := h.validate(version, known); v != nil {
		invalid = v
	}
	payload, err := registry.Decode(env.Type, body)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		return nil, fmt.Errorf("%s%w", prefix, err)
	}
	env.Payload = payload
	if err := events.JoinInvalid(nil, invalid, err); err != nil {
		return env, fmt.Errorf("%s%w", prefix, err)
	}
	return env, nil
}

// format tells the format from the body's shape: an explicit version first, then the fields
// only one format has, the newer envelope's first (webhook_id, resource): a newer body that
// also carries a workflow_id is still newer. ok is false when the body has none of them.
func (h *head) format() (version string, ok bool) {
	if h.Version != nil {
		switch v := strings.TrimSpace(*h.Version); {
		case v == VersionLegacy || strings.HasPrefix(v, "1."):
			return VersionLegacy, true
		case v == VersionNewer || strings.HasPrefix(v, "3."):
			return VersionNewer, true
		}
	}
	switch {
	case events.Present(h.WebhookID), h.Resource != nil:
		return VersionNewer, true
	case events.Present(h.WorkflowID):
		return VersionLegacy, true
	case h.Data != nil && h.Data.HasAudit:
		return VersionLegacy, true
	case h.Event != nil:
		return VersionNewer, true
	}
	return "", false
}

// validate checks the fields the format requires: the legacy format's audit id always, the newer
// format's resource id for the events this package knows.
func (h *head) validate(version string, known bool) *events.ValidationError {
	var err error
	switch {
	case version == VersionLegacy:
		var required legacyRequired
		if h.Data != nil {
			required.Data.Audit.AuditID = h.Data.AuditID
		}
		err = events.Validate(&required)
	case known:
		var required newerRequired
		if h.Resource != nil {
			required.Resource.ID = h.Resource.ID
		}
		err = events.Validate(&required)
	}
	var invalid *events.ValidationError
	if errors.As(err, &invalid) {
		return invalid
	}
	return nil
}

// legacyRequired and newerRequired name what each format requires, by JSON path. They are
// named types: events.Validate drops the first element of a path as the type's name.
type legacyRequired struct {
	Data struct {
		Audit struct {
			AuditID events.ID `json:"audit_id" validate:"required"`
		} `json:"audit"`
	} `json:"data"`
}

type newerRequired struct {
	Resource struct {
		ID events.ID `json:"id" validate:"required"`
	} `json:"resource"`
}
