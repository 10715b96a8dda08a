// Package sclegacy keeps SafetyCulture's decoder as it was before it decoded in one pass with
// JSON v2: the body checked by events.CheckObject, then read twice with encoding/json, once into
// a head (format, event types, the fields of the idempotency key) and once, for a routed event
// type, into the payload. It works on the payload types of events/safetyculture, whose
// UnmarshalJSON methods it relies on. It is the reference the differential tests of
// events/safetyculture compare the current decoder with; only tests import it.
package sclegacy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// Name is SafetyCulture's name, as safetyculture.Name.
const Name = safetyculture.Name

// table routes every event type of events/safetyculture to its payload decoder, as the
// package's registry did.
var table = func() legacy.Table {
	t := legacy.Table{}
	for _, ev := range []interface{ Name() string }{
		safetyculture.InspectionStarted, safetyculture.InspectionUpdated, safetyculture.InspectionCompleted,
		safetyculture.InspectionArchived, safetyculture.InspectionUnarchived,
		safetyculture.InspectionHasStarted, safetyculture.InspectionCompletedStatus,
		safetyculture.InspectionArchivedStatus, safetyculture.InspectionDeletedStatus,
		safetyculture.InspectionItemUpdated, safetyculture.InspectionOwner, safetyculture.InspectionAccess,
		safetyculture.InspectionLocation, safetyculture.InspectionDuration, safetyculture.InspectionCloned,
	} {
		t[ev.Name()] = legacy.Payload[safetyculture.InspectionEvent]
	}
	for _, ev := range []interface{ Name() string }{
		safetyculture.ActionCreated, safetyculture.ActionTitleUpdated, safetyculture.ActionDescriptionUpdated,
		safetyculture.ActionDateDueUpdated, safetyculture.ActionStatusUpdated, safetyculture.ActionPriorityUpdated,
		safetyculture.ActionCollaboratorsUpdated, safetyculture.ActionSiteUpdated, safetyculture.ActionDeleted,
	} {
		t[ev.Name()] = legacy.Payload[safetyculture.ActionEvent]
	}
	for _, ev := range []interface{ Name() string }{
		safetyculture.IncidentCreated, safetyculture.IncidentTitleUpdated, safetyculture.IncidentDescriptionUpdated,
		safetyculture.IncidentDateDueUpdated, safetyculture.IncidentStatusUpdated, safetyculture.IncidentPriorityUpdated,
		safetyculture.IncidentCollaboratorsUpdated, safetyculture.IncidentCategoryUpdated,
		safetyculture.IncidentSiteUpdated, safetyculture.IncidentDeleted,
	} {
		t[ev.Name()] = legacy.Payload[safetyculture.IncidentEvent]
	}
	t[safetyculture.MediaUploaded.Name()] = legacy.Payload[safetyculture.MediaEvent]
	return t
}()

// EventTypes returns the event types the table routes, sorted: the same list as the provider's.
func EventTypes() []string {
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// has reports whether the table routes the event type, as registry.Has did.
func has(name string) bool {
	_, ok := table[name]
	return ok
}

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

// UnmarshalJSON reads the data object with encoding/json, keeping what it read before an error.
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

// Decode turns a SafetyCulture body into an envelope as safetyculture.Provider().Decode did
// before it decoded in one pass.
func Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("safetyculture: %w", err)
	}
	var h head
	if err := legacy.Unmarshal(body, &h); err != nil {
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
	known := has(env.Type)
	prefix := "safetyculture: " + version + ": "
	if known {
		prefix = "safetyculture: " + env.Type + ": "
	}
	var invalid error
	if v := h.validate(version, known); v != nil {
		invalid = v
	}
	payload, err := table.Decode(env.Type, body)
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
		case v == safetyculture.VersionLegacy || strings.HasPrefix(v, "1."):
			return safetyculture.VersionLegacy, true
		case v == safetyculture.VersionNewer || strings.HasPrefix(v, "3."):
			return safetyculture.VersionNewer, true
		}
	}
	switch {
	case events.Present(h.WebhookID), h.Resource != nil:
		return safetyculture.VersionNewer, true
	case events.Present(h.WorkflowID):
		return safetyculture.VersionLegacy, true
	case h.Data != nil && h.Data.HasAudit:
		return safetyculture.VersionLegacy, true
	case h.Event != nil:
		return safetyculture.VersionNewer, true
	}
	return "", false
}

// validate checks the fields the format requires: the legacy format's audit id always, the newer
// format's resource id for the events this package knows.
func (h *head) validate(version string, known bool) *events.ValidationError {
	var err error
	switch {
	case version == safetyculture.VersionLegacy:
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

// idempotencyKey derives the key of a delivery; the rule is documented in the package
// documentation of events/safetyculture.
func idempotencyKey(h *head, version string, types []string, body []byte) string {
	var subject, mediaID, modifyTime string
	if h.Resource != nil {
		subject = string(h.Resource.ID)
	}
	if h.Data != nil {
		if version == safetyculture.VersionLegacy || subject == "" {
			subject = string(h.Data.AuditID)
		}
		mediaID = string(h.Data.MediaID)
		modifyTime = h.Data.ModifyTime
	}
	triggered := h.Event.DateTriggered.Raw
	if (subject == "" && mediaID == "") || triggered == "" {
		return events.BodyKey(Name, body)
	}
	sorted := slices.Clone(types)
	slices.Sort(sorted)
	return events.DerivedKey(Name, version, subject, mediaID, strings.Join(sorted, ","), triggered, modifyTime)
}

// legacyNames maps the lowercase event names of the legacy 1.0.0 format to the trigger events
// they mean. A lowercase name not listed here passes through unchanged and decodes as unknown.
var legacyNames = map[string]string{
	"audit_started":    safetyculture.InspectionStarted.Name(),
	"audit_updated":    safetyculture.InspectionUpdated.Name(),
	"audit_completed":  safetyculture.InspectionCompleted.Name(),
	"audit_archived":   safetyculture.InspectionArchived.Name(),
	"audit_unarchived": safetyculture.InspectionUnarchived.Name(),
}

// normalizeTypes returns the event types of a delivery in the order sent, legacy names mapped to
// their trigger events, surrounding spaces trimmed, empty names and repeats dropped, at most
// MaxEventTypes of them.
func normalizeTypes(sent []string) []string {
	types := make([]string, 0, min(len(sent), safetyculture.MaxEventTypes))
	seen := make(map[string]bool, min(len(sent), safetyculture.MaxEventTypes))
	for _, s := range sent {
		s = strings.TrimSpace(s)
		if len(s) > len("audit_") && strings.EqualFold(s[:len("audit_")], "audit_") {
			if name, ok := legacyNames[strings.ToLower(s)]; ok {
				s = name
			}
		}
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		if types = append(types, s); len(types) == safetyculture.MaxEventTypes {
			break
		}
	}
	return types
}

// routedType picks the type a delivery is routed on: the first of types the routing table knows;
// else the first that is not a category; else the first. types is not empty.
func routedType(types []string) string {
	for _, t := range types {
		if has(t) {
			return t
		}
	}
	extended := categories(types)
	for _, t := range types {
		if !extended[t] {
			return t
		}
	}
	return types[0]
}

// categories returns the types that group other events rather than naming one: the documented
// categories, and every name another listed type extends ("TRIGGER_EVENT_TRAINING" beside
// "TRIGGER_EVENT_TRAINING_COURSE_COMPLETED"), found in one pass over each type's prefixes.
func categories(types []string) map[string]bool {
	set := map[string]bool{safetyculture.CategoryInspection: true, safetyculture.CategoryInspectionMetadata: true}
	for _, t := range types {
		for i := range len(t) {
			if t[i] == '_' {
				set[t[:i]] = true
			}
		}
	}
	return set
}
