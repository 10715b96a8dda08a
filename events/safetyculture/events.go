package safetyculture

import (
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// registry is the routing table: one row per event below, each declared with events.Register and
// its payload type, which Decode makes for the event type it routes on. It lists every trigger
// event of SafetyCulture's trigger event list (86); others, such as ones SafetyCulture adds
// later, decode with a nil payload.
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
	// item's kind, such as "TRIGGER_EVENT_INSPECTION_ITEM_SITE": test it with Envelope.Is, or
	// handle the kinds' events (InspectionItemSite...) instead of this one.
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

	// InspectionOrganisation is TRIGGER_EVENT_INSPECTION_ORGANISATION: the organisation an
	// inspection belongs to changed.
	InspectionOrganisation = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ORGANISATION")
)

// Inspection categories, which are trigger events too: a webhook subscribed to one receives every
// event of the category, listed beside the specific event. Decode routes on a category only when
// the delivery names no more specific event of this package (see routedType), so a handler
// registered for InspectionCategory receives, with a typed payload, the inspection deliveries no
// other handler takes, including events SafetyCulture adds later.
var (
	// InspectionCategory is TRIGGER_EVENT_INSPECTION (CategoryInspection): any inspection event.
	InspectionCategory = events.Register[InspectionEvent](registry, CategoryInspection)

	// InspectionMetadata is TRIGGER_EVENT_INSPECTION_METADATA (CategoryInspectionMetadata): a
	// change to an inspection's metadata, such as its owner or its completion, rather than to its
	// items.
	InspectionMetadata = events.Register[InspectionEvent](registry, CategoryInspectionMetadata)
)

// Inspection item kinds: the kind of item an item update changed. SafetyCulture lists one beside
// InspectionItemUpdated (["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED",
// "TRIGGER_EVENT_INSPECTION_ITEM_SITE"]), and Decode routes on the kind only when the delivery
// does not list InspectionItemUpdated. The receiver runs the handler of the routed type, else that
// of the first listed type that has one: to handle item kinds apart, register handlers for the
// kinds and none for InspectionItemUpdated. Their data is the newer inspection data, with the
// change in a field named after it, such as "inspection_site_set" (read InspectionData.Raw).
var (
	// InspectionItemAddress is TRIGGER_EVENT_INSPECTION_ITEM_ADDRESS: an address item changed.
	InspectionItemAddress = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_ADDRESS")

	// InspectionItemAsset is TRIGGER_EVENT_INSPECTION_ITEM_ASSET: an asset item changed.
	InspectionItemAsset = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_ASSET")

	// InspectionItemCheckbox is TRIGGER_EVENT_INSPECTION_ITEM_CHECKBOX: a checkbox was ticked or
	// cleared.
	InspectionItemCheckbox = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_CHECKBOX")

	// InspectionItemDateTime is TRIGGER_EVENT_INSPECTION_ITEM_DATETIME: a date and time item
	// changed.
	InspectionItemDateTime = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_DATETIME")

	// InspectionItemDrawing is TRIGGER_EVENT_INSPECTION_ITEM_DRAWING: a drawing item changed.
	InspectionItemDrawing = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_DRAWING")

	// InspectionItemDynamicField is TRIGGER_EVENT_INSPECTION_ITEM_DYNAMIC_FIELD: a dynamic field
	// item changed.
	InspectionItemDynamicField = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_DYNAMIC_FIELD")

	// InspectionItemList is TRIGGER_EVENT_INSPECTION_ITEM_LIST: a list item's selection changed.
	InspectionItemList = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_LIST")

	// InspectionItemMedia is TRIGGER_EVENT_INSPECTION_ITEM_MEDIA: a media item's files changed.
	InspectionItemMedia = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_MEDIA")

	// InspectionItemNote is TRIGGER_EVENT_INSPECTION_ITEM_NOTE: a note on an item changed.
	InspectionItemNote = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_NOTE")

	// InspectionItemQuestion is TRIGGER_EVENT_INSPECTION_ITEM_QUESTION: a question was answered
	// or its answer changed.
	InspectionItemQuestion = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_QUESTION")

	// InspectionItemSignature is TRIGGER_EVENT_INSPECTION_ITEM_SIGNATURE: a signature item was
	// signed or cleared.
	InspectionItemSignature = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_SIGNATURE")

	// InspectionItemSite is TRIGGER_EVENT_INSPECTION_ITEM_SITE: the site item changed.
	InspectionItemSite = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_SITE")

	// InspectionItemSlider is TRIGGER_EVENT_INSPECTION_ITEM_SLIDER: a slider item's value
	// changed.
	InspectionItemSlider = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_SLIDER")

	// InspectionItemTemperature is TRIGGER_EVENT_INSPECTION_ITEM_TEMPERATURE: a temperature item
	// changed.
	InspectionItemTemperature = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_TEMPERATURE")

	// InspectionItemText is TRIGGER_EVENT_INSPECTION_ITEM_TEXT: a text item changed.
	InspectionItemText = events.Register[InspectionEvent](registry, "TRIGGER_EVENT_INSPECTION_ITEM_TEXT")
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

	// ActionAssetUpdated is TRIGGER_EVENT_ACTION_ASSET_UPDATED: the asset an action is about
	// changed.
	ActionAssetUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_ASSET_UPDATED")

	// ActionLabelsUpdated is TRIGGER_EVENT_ACTION_LABELS_UPDATED: an action's labels changed.
	ActionLabelsUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_LABELS_UPDATED")

	// ActionCategoryUpdated is TRIGGER_EVENT_ACTION_CATEGORY_UPDATED: an action's category
	// changed.
	ActionCategoryUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_CATEGORY_UPDATED")

	// ActionOrgUpdated is TRIGGER_EVENT_ACTION_ORG_UPDATED: the organisation an action belongs
	// to changed.
	ActionOrgUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_ORG_UPDATED")

	// ActionCollaboratorsAdded is TRIGGER_EVENT_ACTION_COLLABORATORS_ADDED: assignees or other
	// collaborators were added to an action.
	ActionCollaboratorsAdded = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_COLLABORATORS_ADDED")

	// ActionCollaboratorsRemoved is TRIGGER_EVENT_ACTION_COLLABORATORS_REMOVED: assignees or
	// other collaborators were removed from an action.
	ActionCollaboratorsRemoved = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_COLLABORATORS_REMOVED")

	// ActionUpdated is TRIGGER_EVENT_ACTION_UPDATED: an action changed, in any way. It groups the
	// action's other update events, which may be listed beside it: Decode routes on it only when
	// the delivery names no more specific action event of this package.
	ActionUpdated = events.Register[ActionEvent](registry, "TRIGGER_EVENT_ACTION_UPDATED")
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

	// IncidentOrgUpdated is TRIGGER_EVENT_INCIDENT_ORG_UPDATED: the organisation an issue belongs
	// to changed.
	IncidentOrgUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_ORG_UPDATED")

	// IncidentCollaboratorsAdded is TRIGGER_EVENT_INCIDENT_COLLABORATORS_ADDED: assignees or
	// other collaborators were added to an issue.
	IncidentCollaboratorsAdded = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_COLLABORATORS_ADDED")

	// IncidentCollaboratorsRemoved is TRIGGER_EVENT_INCIDENT_COLLABORATORS_REMOVED: assignees or
	// other collaborators were removed from an issue.
	IncidentCollaboratorsRemoved = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_COLLABORATORS_REMOVED")

	// IncidentUpdated is TRIGGER_EVENT_INCIDENT_UPDATED: an issue changed, in any way. It groups
	// the other update events, which may be listed beside it: Decode routes on it only
	// when the delivery names no more specific incident event of this package.
	IncidentUpdated = events.Register[IncidentEvent](registry, "TRIGGER_EVENT_INCIDENT_UPDATED")
)

// MediaUploaded is TRIGGER_EVENT_MEDIA_UPLOADED: a whole image file was uploaded. SafetyCulture
// sends it for images only, not for videos or PDF files.
var MediaUploaded = events.Register[MediaEvent](registry, "TRIGGER_EVENT_MEDIA_UPLOADED")

// Attendance events: a person signed on or off at a site. SafetyCulture does not document their
// data, so their payload is a CommonEvent, with the data kept raw.
var (
	// AttendanceSignedOn is TRIGGER_EVENT_ATTENDANCE_SIGNED_ON: a person signed on at a site.
	AttendanceSignedOn = events.Register[CommonEvent](registry, "TRIGGER_EVENT_ATTENDANCE_SIGNED_ON")

	// AttendanceSignedOff is TRIGGER_EVENT_ATTENDANCE_SIGNED_OFF: a person signed off from a
	// site.
	AttendanceSignedOff = events.Register[CommonEvent](registry, "TRIGGER_EVENT_ATTENDANCE_SIGNED_OFF")
)

// Training events: courses, their lessons and quizzes. SafetyCulture does not document their
// data, so their payload is a CommonEvent, with the data kept raw.
var (
	// TrainingCourseCreated is TRIGGER_EVENT_TRAINING_COURSE_CREATED: a course was created.
	TrainingCourseCreated = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_CREATED")

	// TrainingCourseUpdated is TRIGGER_EVENT_TRAINING_COURSE_UPDATED: a course was changed.
	TrainingCourseUpdated = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_UPDATED")

	// TrainingCourseDeleted is TRIGGER_EVENT_TRAINING_COURSE_DELETED: a course was deleted.
	TrainingCourseDeleted = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_DELETED")

	// TrainingCoursePublished is TRIGGER_EVENT_TRAINING_COURSE_PUBLISHED: a course was
	// published to learners.
	TrainingCoursePublished = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_PUBLISHED")

	// TrainingCourseRepublished is TRIGGER_EVENT_TRAINING_COURSE_REPUBLISHED: a published course
	// was published again after changes.
	TrainingCourseRepublished = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_REPUBLISHED")

	// TrainingCourseUnpublished is TRIGGER_EVENT_TRAINING_COURSE_UNPUBLISHED: a course was
	// withdrawn from learners.
	TrainingCourseUnpublished = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_UNPUBLISHED")

	// TrainingCourseEnrolled is TRIGGER_EVENT_TRAINING_COURSE_ENROLLED: a learner was enrolled in
	// a course.
	TrainingCourseEnrolled = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_ENROLLED")

	// TrainingCourseOpened is TRIGGER_EVENT_TRAINING_COURSE_OPENED: a learner opened a course.
	TrainingCourseOpened = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_OPENED")

	// TrainingCourseCompleted is TRIGGER_EVENT_TRAINING_COURSE_COMPLETED: a learner completed a
	// course.
	TrainingCourseCompleted = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_COMPLETED")

	// TrainingCourseExpired is TRIGGER_EVENT_TRAINING_COURSE_EXPIRED: a learner's completion of a
	// course expired.
	TrainingCourseExpired = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_EXPIRED")

	// TrainingCourseReset is TRIGGER_EVENT_TRAINING_COURSE_RESET: a learner's progress in a
	// course was reset.
	TrainingCourseReset = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_COURSE_RESET")

	// TrainingLessonCreated is TRIGGER_EVENT_TRAINING_LESSON_CREATED: a lesson was created.
	TrainingLessonCreated = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_CREATED")

	// TrainingLessonUpdated is TRIGGER_EVENT_TRAINING_LESSON_UPDATED: a lesson was changed.
	TrainingLessonUpdated = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_UPDATED")

	// TrainingLessonDeleted is TRIGGER_EVENT_TRAINING_LESSON_DELETED: a lesson was deleted.
	TrainingLessonDeleted = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_DELETED")

	// TrainingLessonPublished is TRIGGER_EVENT_TRAINING_LESSON_PUBLISHED: a lesson was published
	// to learners.
	TrainingLessonPublished = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_PUBLISHED")

	// TrainingLessonUnpublished is TRIGGER_EVENT_TRAINING_LESSON_UNPUBLISHED: a lesson was
	// withdrawn from learners.
	TrainingLessonUnpublished = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_UNPUBLISHED")

	// TrainingLessonOpened is TRIGGER_EVENT_TRAINING_LESSON_OPENED: a learner opened a lesson.
	TrainingLessonOpened = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_OPENED")

	// TrainingLessonCompleted is TRIGGER_EVENT_TRAINING_LESSON_COMPLETED: a learner completed a
	// lesson.
	TrainingLessonCompleted = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_LESSON_COMPLETED")

	// TrainingQuizSessionStarted is TRIGGER_EVENT_TRAINING_QUIZ_SESSION_STARTED: a learner
	// started a quiz.
	TrainingQuizSessionStarted = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_QUIZ_SESSION_STARTED")

	// TrainingQuizSessionRetried is TRIGGER_EVENT_TRAINING_QUIZ_SESSION_RETRIED: a learner
	// started a quiz again.
	TrainingQuizSessionRetried = events.Register[CommonEvent](registry, "TRIGGER_EVENT_TRAINING_QUIZ_SESSION_RETRIED")
)

// Categories SafetyCulture lists beside the specific event: a delivery of
// TRIGGER_EVENT_INSPECTION_HAS_STARTED lists CategoryInspection, CategoryInspectionMetadata and
// the event itself. Each is also an event here (InspectionCategory, InspectionMetadata), routed
// on only when the delivery names no more specific event. Test them with Envelope.Is.
const (
	// CategoryInspection is TRIGGER_EVENT_INSPECTION, the category of every inspection event.
	CategoryInspection = "TRIGGER_EVENT_INSPECTION"

	// CategoryInspectionMetadata is TRIGGER_EVENT_INSPECTION_METADATA, the category of the
	// events about an inspection's metadata rather than its items.
	CategoryInspectionMetadata = "TRIGGER_EVENT_INSPECTION_METADATA"
)

// How strongly Decode prefers an event type to route on, best first: a specific event of this
// package; an item kind (a qualifier of InspectionItemUpdated); an event that groups others within
// one kind of resource (InspectionMetadata, ActionUpdated, IncidentUpdated); the inspection
// category; then a type this package does not know.
const (
	rankEvent = iota
	rankItemKind
	rankGroup
	rankCategory
	rankUnknown
)

// groupRanks holds the rank of the events that group others, and of the category.
var groupRanks = map[string]int{
	InspectionCategory.Name(): rankCategory,
	InspectionMetadata.Name(): rankGroup,
	ActionUpdated.Name():      rankGroup,
	IncidentUpdated.Name():    rankGroup,
}

// itemKindPrefix starts the name of every item kind, and of InspectionItemUpdated.
const itemKindPrefix = "TRIGGER_EVENT_INSPECTION_ITEM_"

// routeRank returns how strongly Decode prefers the event type t to route on.
func routeRank(t string) int {
	switch {
	case !registry.Has(t):
		return rankUnknown
	case strings.HasPrefix(t, itemKindPrefix) && t != InspectionItemUpdated.Name():
		return rankItemKind
	}
	if r, ok := groupRanks[t]; ok {
		return r
	}
	return rankEvent
}

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

// routedType picks the type a delivery is routed on: of the types the routing table knows, the
// first of the best rank (a specific event before an item kind, an item kind before a group, a
// group before the inspection category), whatever the order they are listed in; when it knows
// none, the first that is not a category; else the first. types is not empty.
func routedType(types []string) string {
	best, bestRank := "", rankUnknown
	for _, t := range types {
		switch r := routeRank(t); {
		case r == rankEvent:
			return t
		case r < bestRank:
			best, bestRank = t, r
		}
	}
	if best != "" {
		return best
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
