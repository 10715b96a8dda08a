package safetyculture

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

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
// It is also an events.KeyScanner.
func Provider() events.Provider { return provider{} }

type provider struct{}

// The provider finds idempotency keys without decoding (ScanKey).
var _ events.KeyScanner = provider{}

func (provider) Name() string { return Name }

// EventTypes returns the trigger events this package declares an event for, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// PayloadType returns the type eventType's payload decodes to, or nil for a type this package
// does not know; it implements events.PayloadTyper.
func (provider) PayloadType(eventType string) reflect.Type { return registry.PayloadType(eventType) }

// head is what Decode reads of a body to route it, in one pass or in two: enough to tell the
// format, the event types and the fields of the idempotency key. It is a view of the body apart
// from the payload's, as it was when Decode read the body twice: it reads only those members,
// takes a value the payload types cannot hold without an error (the payload's error counts only
// for an event this package routes), and takes null for absent where the payload keeps what it
// had.
type head struct {
	// Version is the version sent; nil when absent or null.
	Version *string

	// WorkflowID and WebhookID report whether those members were sent, of any JSON type but null.
	WorkflowID, WebhookID bool

	// Event is the event object; nil when absent or null.
	Event *headEvent

	// Resource is the resource object; nil when absent or null.
	Resource *Resource

	// Data is what the head reads of the data member; nil when absent or null.
	Data *headData

	// types are Event's types normalised, when the decoder already has them; else nil.
	types []string
}

type headEvent struct {
	DateTriggered events.Time `json:"date_triggered"`
	EventTypes    []string    `json:"event_types"`
}

// Decode turns a SafetyCulture body into an envelope; see the package documentation.
//
// It reads the body in one pass: each top-level member into its part of the head and of the
// payload, and the data member, when the event type is known by then, into the payload type's
// data. The few bodies one pass cannot read exactly as two passes would (an event or data member
// repeated, which the head and the payload merge differently; a field of a JSON type the payload
// types cannot hold, an error only for a routed event) it decodes in two passes, head then
// payload.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	env, err := decodeOnePass(body)
	if err == errFallback {
		return decodeTwoPass(body)
	}
	return env, err
}

// decodeOnePass decodes body in one pass, or returns errFallback when it cannot read body as
// two passes would, for decodeTwoPass to.
func decodeOnePass(body []byte) (*events.Envelope, error) {
	d := &decoding{body: body}
	d.wire.bind(d)
	if err := events.DecodeObject(body, &d.wire); err != nil {
		if d.fallback {
			return nil, errFallback
		}
		return nil, fmt.Errorf("safetyculture: %w", err)
	}
	h := d.head()
	version, types, err := h.route()
	if err != nil {
		return nil, err
	}
	env := h.envelope(body, version, types)
	known := registry.Has(env.Type)

	var invalid error
	if known {
		p := d.payload
		if p == nil || d.payloadType != env.Type {
			if p, err = d.readPayload(env.Type); err != nil {
				return nil, errFallback
			}
		}
		*p.common() = d.common
		if d.dataRaw != nil {
			p.setRaw(d.dataRaw)
		}
		env.Payload = p
		invalid = events.Validate(p)
	}
	return h.finish(env, version, known, invalid)
}

// decodeTwoPass decodes body in two passes, as Decode did before it read bodies in one: the head,
// then, for a type this package routes, the whole body again as the payload.
func decodeTwoPass(body []byte) (*events.Envelope, error) {
	var w headWire
	if err := events.DecodeObject(body, &w); err != nil {
		return nil, fmt.Errorf("safetyculture: %w", err)
	}
	h := w.head()
	version, types, err := h.route()
	if err != nil {
		return nil, err
	}
	env := h.envelope(body, version, types)
	known := registry.Has(env.Type)
	payload, err := registry.Decode(env.Type, body)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		return nil, fmt.Errorf("%s%w", errorPrefix(env, version, known), err)
	}
	env.Payload = payload
	return h.finish(env, version, known, err)
}

// headWire is the head as the two-pass decoder reads it, with the head's own types.
type headWire struct {
	Version    *string        `json:"version"`
	WorkflowID jsontext.Value `json:"workflow_id"`
	WebhookID  jsontext.Value `json:"webhook_id"`
	Event      *headEvent     `json:"event"`
	Resource   *struct {
		ID events.ID `json:"id"`
	} `json:"resource"`
	Data *headData `json:"data"`
}

func (w *headWire) head() *head {
	h := &head{
		Version:    w.Version,
		WorkflowID: events.Present(w.WorkflowID),
		WebhookID:  events.Present(w.WebhookID),
		Event:      w.Event,
		Data:       w.Data,
	}
	if w.Resource != nil {
		h.Resource = &Resource{ID: w.Resource.ID}
	}
	return h
}

// route checks that the body is one of SafetyCulture's and names an event type, and returns
// its format and its event types, normalised.
func (h *head) route() (version string, types []string, err error) {
	version, ok := h.format()
	if !ok {
		return "", nil, fmt.Errorf("safetyculture: %w: no version, workflow_id, webhook_id, resource or event", events.ErrShape)
	}
	if h.Event == nil {
		return "", nil, fmt.Errorf("safetyculture: %w: no event object", events.ErrNoType)
	}
	if types = h.types; types == nil {
		types = normalizeTypes(h.Event.EventTypes)
	}
	if len(types) == 0 {
		return "", nil, fmt.Errorf("safetyculture: %w: event.event_types names no type", events.ErrNoType)
	}
	return version, types, nil
}

// envelope returns the envelope of body, without its payload.
func (h *head) envelope(body []byte, version string, types []string) *events.Envelope {
	return &events.Envelope{
		Provider:       Name,
		Version:        version,
		Type:           routedType(types),
		Types:          types,
		Time:           h.Event.DateTriggered,
		Raw:            body,
		IdempotencyKey: h.idempotencyKey(version, types, body),
	}
}

// finish returns env, with the fields its format requires and the payload's validation error,
// if any, joined into one error.
func (h *head) finish(env *events.Envelope, version string, known bool, invalid error) (*events.Envelope, error) {
	var required error
	if v := h.validate(version, known); v != nil {
		required = v
	}
	if err := events.JoinInvalid(nil, required, invalid); err != nil {
		return env, fmt.Errorf("%s%w", errorPrefix(env, version, known), err)
	}
	return env, nil
}

// errorPrefix starts the errors about a decoded envelope. The type is named only when it is one
// of ours: the body's own text stays out of errors.
func errorPrefix(env *events.Envelope, version string, known bool) string {
	if known {
		return "safetyculture: " + env.Type + ": "
	}
	return "safetyculture: " + version + ": "
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
	case h.WebhookID, h.Resource != nil:
		return VersionNewer, true
	case h.WorkflowID:
		return VersionLegacy, true
	case h.Data != nil && h.Data.HasAudit:
		return VersionLegacy, true
	case h.Event != nil:
		return VersionNewer, true
	}
	return "", false
}

// validate checks the fields the format requires: the legacy format's audit id always, the
// newer format's resource id for the events this package knows. The fields are named as
// events.Validate names them.
func (h *head) validate(version string, known bool) *events.ValidationError {
	switch {
	case version == VersionLegacy:
		if h.Data == nil || h.Data.AuditID == "" {
			return &events.ValidationError{Fields: []string{"data.audit.audit_id"}}
		}
	case known:
		if h.Resource == nil || h.Resource.ID == "" {
			return &events.ValidationError{Fields: []string{"resource.id"}}
		}
	}
	return nil
}
