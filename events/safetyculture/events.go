package safetyculture

import (
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// registry is the routing table: one row per event below, each declared with events.Register and
// its payload type, which Decode makes for the event type it routes on. Trigger events it does
// not list (attendance, training, the ones added after this package) decode with a nil payload.
var registry = events.NewRegistry(Name)

// MaxEventTypes bounds how many event types of one delivery Decode considers: the first
// MaxEventTypes distinct names of event_types, in the order sent, after the legacy names are
// mapped and blanks dropped; further entries are ignored, by routing, Envelope.Types and the
// idempotency key alike. SafetyCulture lists two to four. The payload's Event.EventTypes still
// holds the whole list as sent.
const MaxEventTypes = 64

// Inspection events named in SafetyCulture's webhook reference. The legacy 1.0.0 format sends
// them under lowercase names, such as "audit_started", which Decode maps to these (the table is
// in the package documentation); the newer format sends these names themselves.
var (
	// InspectionStarted is TRIGGER_EVENT_INSPECTION_STARTED: an inspection was started.
	InspectionStarted = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_STARTED")

	// InspectionUpdated is TRIGGER_EVENT_INSPECTION_UPDATED: an inspection was updated.
	InspectionUpdated = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_UPDATED")

	// InspectionCompleted is TRIGGER_EVENT_INSPECTION_COMPLETED: an inspection was completed.
	InspectionCompleted = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_COMPLETED")

	// InspectionArchived is TRIGGER_EVENT_INSPECTION_ARCHIVED: an inspection was archived.
	InspectionArchived = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ARCHIVED")

	// InspectionUnarchived is TRIGGER_EVENT_INSPECTION_UNARCHIVED: an inspection was unarchived.
	InspectionUnarchived = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_UNARCHIVED")
)

// Inspection events of SafetyCulture's trigger event list that only the newer format sends. They
// arrive beside a category, such as ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_METADATA",
// "TRIGGER_EVENT_INSPECTION_HAS_STARTED"]; their data carries a details block (InspectionDetails)
// and an event-specific part kept raw in InspectionData.Raw.
var (
	// InspectionHasStarted is TRIGGER_EVENT_INSPECTION_HAS_STARTED: an inspection was started.
	// It is the newer format's twin of InspectionStarted.
	InspectionHasStarted = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_HAS_STARTED")

	// InspectionCompletedStatus is TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS: an inspection's
	// completion was set or unset.
	InspectionCompletedStatus = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS")

	// InspectionArchivedStatus is TRIGGER_EVENT_INSPECTION_ARCHIVED_STATUS: an inspection was
	// archived or unarchived.
	InspectionArchivedStatus = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ARCHIVED_STATUS")

	// InspectionDeletedStatus is TRIGGER_EVENT_INSPECTION_DELETED_STATUS: an inspection was
	// deleted or restored.
	InspectionDeletedStatus = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_DELETED_STATUS")

	// InspectionItemUpdated is TRIGGER_EVENT_INSPECTION_ITEM_UPDATED: an item (a question, a
	// site, a signature...) of an inspection was answered or changed. The delivery also lists the
	// item's kind, such as "TRIGGER_EVENT_INSPECTION_ITEM_SITE": test it with Envelope.Is.
	InspectionItemUpdated = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED")

	// InspectionOwner is TRIGGER_EVENT_INSPECTION_OWNER: an inspection's owner changed.
	InspectionOwner = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_OWNER")

	// InspectionAccess is TRIGGER_EVENT_INSPECTION_ACCESS: who may access an inspection changed.
	InspectionAccess = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ACCESS")

	// InspectionLocation is TRIGGER_EVENT_INSPECTION_LOCATION: an inspection's location changed.
	InspectionLocation = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_LOCATION")

	// InspectionDuration is TRIGGER_EVENT_INSPECTION_DURATION: an inspection's duration changed.
	InspectionDuration = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_DURATION")

	// InspectionCloned is TRIGGER_EVENT_INSPECTION_CLONED: an inspection was made as a copy of
	// another.
	InspectionCloned = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_CLONED")
)

// Action events. SafetyCulture's API calls actions tasks: their resource type is expected to be
// "TASK", as in the media sample, though the webhook reference shows no action delivery.
var (
	// ActionCreated is TRIGGER_EVENT_ACTION_CREATED: an action was created.
	ActionCreated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_CREATED")

	// ActionTitleUpdated is TRIGGER_EVENT_ACTION_TITLE_UPDATED: an action's title changed.
	ActionTitleUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_TITLE_UPDATED")

	// ActionDescriptionUpdated is TRIGGER_EVENT_ACTION_DESCRIPTION_UPDATED: an action's
	// description changed.
	ActionDescriptionUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_DESCRIPTION_UPDATED")

	// ActionDateDueUpdated is TRIGGER_EVENT_ACTION_DATE_DUE_UPDATED: an action's due date changed.
	ActionDateDueUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_DATE_DUE_UPDATED")

	// ActionStatusUpdated is TRIGGER_EVENT_ACTION_STATUS_UPDATED: an action's status changed.
	ActionStatusUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_STATUS_UPDATED")

	// ActionPriorityUpdated is TRIGGER_EVENT_ACTION_PRIORITY_UPDATED: an action's priority changed.
	ActionPriorityUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_PRIORITY_UPDATED")

	// ActionCollaboratorsUpdated is TRIGGER_EVENT_ACTION_COLLABORATORS_UPDATED: an action's
	// assignees or other collaborators changed.
	ActionCollaboratorsUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_COLLABORATORS_UPDATED")

	// ActionSiteUpdated is TRIGGER_EVENT_ACTION_SITE_UPDATED: an action's site changed.
	ActionSiteUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_SITE_UPDATED")

	// ActionDeleted is TRIGGER_EVENT_ACTION_DELETED: an action was deleted.
	ActionDeleted = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_DELETED")
)

// Incident events (SafetyCulture calls incidents "issues" in its app).
var (
	// IncidentCreated is TRIGGER_EVENT_INCIDENT_CREATED: an issue was created.
	IncidentCreated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_CREATED")

	// IncidentTitleUpdated is TRIGGER_EVENT_INCIDENT_TITLE_UPDATED: an issue's title changed.
	IncidentTitleUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_TITLE_UPDATED")

	// IncidentDescriptionUpdated is TRIGGER_EVENT_INCIDENT_DESCRIPTION_UPDATED: an issue's
	// description changed.
	IncidentDescriptionUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_DESCRIPTION_UPDATED")

	// IncidentDateDueUpdated is TRIGGER_EVENT_INCIDENT_DATE_DUE_UPDATED: an issue's due date
	// changed.
	IncidentDateDueUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_DATE_DUE_UPDATED")

	// IncidentStatusUpdated is TRIGGER_EVENT_INCIDENT_STATUS_UPDATED: an issue's status changed.
	IncidentStatusUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_STATUS_UPDATED")

	// IncidentPriorityUpdated is TRIGGER_EVENT_INCIDENT_PRIORITY_UPDATED: an issue's priority
	// changed.
	IncidentPriorityUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_PRIORITY_UPDATED")

	// IncidentCollaboratorsUpdated is TRIGGER_EVENT_INCIDENT_COLLABORATORS_UPDATED: an issue's
	// assignee changed.
	IncidentCollaboratorsUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_COLLABORATORS_UPDATED")

	// IncidentCategoryUpdated is TRIGGER_EVENT_INCIDENT_CATEGORY_UPDATED: an issue's category
	// changed.
	IncidentCategoryUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_CATEGORY_UPDATED")

	// IncidentSiteUpdated is TRIGGER_EVENT_INCIDENT_SITE_UPDATED: an issue's site changed.
	IncidentSiteUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_SITE_UPDATED")

	// IncidentDeleted is TRIGGER_EVENT_INCIDENT_DELETED: an issue was deleted.
	IncidentDeleted = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_DELETED")
)

// MediaUploaded is TRIGGER_EVENT_MEDIA_UPLOADED: a whole image file was uploaded. SafetyCulture
// sends it for images only, not for videos or PDF files.
var MediaUploaded = events.Register[MediaEvent](registry, "TRIGGER_EVENT_MEDIA_UPLOADED")

// Categories SafetyCulture lists beside the specific event, never routed on: a delivery of
// TRIGGER_EVENT_INSPECTION_HAS_STARTED lists CategoryInspection, CategoryInspectionMetadata and
// the event itself. Test them with Envelope.Is.
const (
	CategoryInspection         = "TRIGGER_EVENT_INSPECTION"
	CategoryInspectionMetadata = "TRIGGER_EVENT_INSPECTION_METADATA"
)

// legacyNames maps the lowercase event names of the legacy 1.0.0 format to the trigger events
// they mean. A lowercase name not listed here passes through unchanged and decodes as unknown.
var legacyNames = map[string]string{
	"audit_started":    InspectionStarted.Name(),
	"audit_updated":    InspectionUpdated.Name(),
	"audit_completed":  InspectionCompleted.Name(),
	"audit_archived":   InspectionArchived.Name(),
	"audit_unarchived": InspectionUnarchived.Name(),
}

// normalizeTypes returns the event types of a delivery in the order sent, legacy names mapped to
// their trigger events, surrounding spaces trimmed, empty names and repeats dropped, at most
// MaxEventTypes of them.
func normalizeTypes(sent []string) []string {
	types := make([]string, 0, min(len(sent), MaxEventTypes))
	var seen map[string]bool // once the list is long enough for a search of types to cost more
	for _, s := range sent {
		s = strings.TrimSpace(s)
		if len(s) > len("audit_") && strings.EqualFold(s[:len("audit_")], "audit_") {
			if name, ok := legacyNames[strings.ToLower(s)]; ok {
				s = name
			}
		}
		switch {
		case s == "":
			continue
		case seen != nil:
			if seen[s] {
				continue
			}
			seen[s] = true
		case slices.Contains(types, s):
			continue
		case len(types) == 8:
			seen = make(map[string]bool, MaxEventTypes)
			for _, t := range types {
				seen[t] = true
			}
			seen[s] = true
		}
		if types = append(types, s); len(types) == MaxEventTypes {
			break
		}
	}
	return types
}

// routedType picks the type a delivery is routed on: the first of types the routing table knows;
// else the first that is not a category; else the first. types is not empty.
func routedType(types []string) string {
	for _, t := range types {
		if registry.Has(t) {
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
	set := map[string]bool{CategoryInspection: true, CategoryInspectionMetadata: true}
	for _, t := range types {
		for i := range len(t) {
			if t[i] == '_' {
				set[t[:i]] = true
			}
		}
	}
	return set
}
