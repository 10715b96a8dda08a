// Package safetyculture decodes SafetyCulture's webhook deliveries into events.Envelope values
// with typed payloads, one exported events.Event per trigger event.
//
// Most callers never call Decode: the receiver does, and hands each handler the payload its
// event names. By hand:
//
//	env, err := safetyculture.Provider().Decode(body)
//	if err != nil { ... } // errors.Is(err, events.ErrNotJSON), ErrShape, ErrNoType, ErrInvalid
//	if ev, ok := safetyculture.InspectionCompleted.Payload(env); ok {
//		fmt.Println(ev.InspectionID(), ev.Event.DateTriggered)
//	}
//
// Provider() holds no state: Decode is safe for concurrent use, and a decoded envelope is a plain
// value.
//
// # Two formats
//
// SafetyCulture still sends two generations of payload, and one endpoint may receive both.
// Decode tells them apart by shape and sets Envelope.Version to VersionLegacy or VersionNewer:
//
//   - legacy, "version": "1.0.0": workflow_id; event{date_triggered, event_types,
//     triggered_by{type, user, name}}; data{audit{...}, template{...}}. Event types are
//     lowercase ("audit_started").
//   - newer, "version": "3.0.0" or no version at all (the media sample has none):
//     webhook_id; event{date_triggered, event_types, triggered_by{user, organization,
//     user_type}}; resource{id, type}; data, whose shape depends on the event.
//
// A version of 1.x or 3.x decides. Without one (or with another), webhook_id or resource means
// newer, even beside a workflow_id; else workflow_id or data.audit means legacy; else a bare
// event object means newer. A body with none of these is ErrShape. Envelope.Version is "3.0.0" for a newer body
// without a version; the version as sent stays in the payload's Common.Version.
//
// The payload types cover both formats: every one embeds Common (the common fields) and adds
// its data: InspectionEvent (legacy Data.Audit and Data.Template; newer Resource, Data.Details
// and Data.Change), ActionEvent (Data is an Action), IncidentEvent (Data kept raw), MediaEvent
// (Data is a Media) and CommonEvent (Data kept raw), for the attendance and training events,
// whose data SafetyCulture does not document. Data of every shape is also kept raw. A field that is a number in one format
// and an object in the other, such as an inspection's score, is an events.Value or kept raw. A
// field of a JSON type its struct cannot hold is an *events.FieldError (ErrShape) naming its path
// from the top of the body, such as "data.audit.archived".
//
// # Event types and routing
//
// event_types may list several values at once: a category such as "TRIGGER_EVENT_INSPECTION"
// (CategoryInspection) beside the specific event, in any order. Envelope.Types holds them all,
// normalised: the legacy names map to the trigger events they mean, by a table,
//
//	audit_started     TRIGGER_EVENT_INSPECTION_STARTED
//	audit_updated     TRIGGER_EVENT_INSPECTION_UPDATED
//	audit_completed   TRIGGER_EVENT_INSPECTION_COMPLETED
//	audit_archived    TRIGGER_EVENT_INSPECTION_ARCHIVED
//	audit_unarchived  TRIGGER_EVENT_INSPECTION_UNARCHIVED
//
// and any other name passes through as sent (an unknown legacy name decodes as unknown). Only the
// first MaxEventTypes (64) distinct types are kept; further entries are ignored, so a body
// listing thousands costs no more than one listing 64. The payload's Event.EventTypes keeps the
// list exactly as sent.
//
// Envelope.Type is the most specific of Types that has an event here, the first of them when
// several are equally specific: a specific event (InspectionCompletedStatus, ActionStatusUpdated,
// TrainingCourseCompleted...) before an item kind (InspectionItemSite...), an item kind before
// an event that groups others (InspectionMetadata, ActionUpdated, IncidentUpdated), and those
// before the inspection category (InspectionCategory), whatever the order they are listed in. So
// a delivery listing a category beside an event SafetyCulture added later routes on the category,
// with its typed payload. When no listed type has an event here, Type is the first that is not a
// category (a documented one, or a name another listed type extends), else the first. Route with
// Event.Matches and Envelope.Is, which test whether the delivery carries a type anywhere in its
// list: never on the first element alone. Event types without an event here decode to an
// envelope with a nil Payload and no error, for a fallback handler.
//
// The events are the 86 trigger events of SafetyCulture's trigger event list: inspections
// (including the categories TRIGGER_EVENT_INSPECTION and TRIGGER_EVENT_INSPECTION_METADATA, and
// the legacy format's five), inspection items (InspectionItemUpdated and the fifteen item kinds,
// such as "TRIGGER_EVENT_INSPECTION_ITEM_SITE", which ride along with it), actions, incidents,
// media, attendance and training. The events of one kind of resource share one payload type, so
// a handler registered for any of the types a delivery lists receives the payload it expects.
//
// # Validation
//
// A body must carry an event object whose event_types names at least one type (else ErrNoType).
// A legacy body must carry data.audit.audit_id; a newer body of a known event must carry
// resource.id, except for the attendance and training events (CommonEvent), whose shape is not
// documented; a media event must carry data.media_id. A missing one is a *events.ValidationError
// (ErrInvalid), returned with the envelope. Nothing else is required: a legacy audit without
// owner_id, author_id or score_percentage decodes with those fields empty. Envelope.ID is always
// empty: neither format has a per-event id.
//
// Ids are opaque and kept exactly as sent, case included, in the payload and in the idempotency
// key: older audits carry upper-case hex ids ("audit_50BA..."), newer ones lower-case, and the
// two are different ids. Only event type names are matched without regard to case, and only the
// legacy ones ("AUDIT_COMPLETED" is "audit_completed").
//
// # Idempotency keys
//
// SafetyCulture sends no per-event id (webhook_id is the subscription's, the same on every
// delivery), and its retries (4 attempts, 100 s apart) resend the same event with the same
// date_triggered. The key is therefore derived:
//
//	events.DerivedKey(Name, version, subject, media_id, sorted Types joined with ",",
//	                  event.date_triggered as sent, data.details.modify_time as sent)
//
// where subject is resource.id in the newer format and data.audit.audit_id in the legacy one,
// and media_id and modify_time are empty when absent. The sorted types make the key independent
// of the order the types are listed in; media_id tells apart two images uploaded to one task in
// the same second, and modify_time (milliseconds) two changes to one inspection in the same
// second. When the subject and media_id are both missing, or date_triggered is, the key is
// events.BodyKey(Name, body): a retry resends the same bytes.
//
// # Decoding
//
// The package declares its structs, its event table (an events.Registry, each event added by
// events.Register with its payload type) and how the key is formed; JSON v2
// (github.com/go-json-experiment/json, with the options events.DecodeObject documents) reads a
// body into the structs, and the lenient types (events.ID, events.Time, events.Value) read
// themselves. There is no decoder of the package's own.
//
// Decode reads a body once, with events.DecodeObject, into one struct that declares the members
// of both formats: version, event and resource in the payload's own types (Event, Resource), and
// three members kept raw, for what only the event type can tell: data, whose shape depends on
// it, and workflow_id and webhook_id, of which routing only asks whether they were sent and only
// a routed event's payload needs them to be ids. With the event type known, the payload type
// the registry names is filled: the common members, then the data member's bytes decoded into
// its data (a second read of those bytes, which Data.Raw keeps). For an event it does not
// route, only the members the format and the key come from are read from the data, leniently:
// data of any shape is not an error there.
//
// A body whose event or resource holds a value the payload types cannot (a triggered_by that is a
// string) is read again, into a struct of what routing reads (the event's time and types, the
// resource's id): for an event this package routes that value is an error, for another it is not.
// An error in a routed event's payload names the first field at fault in the body's order, as
// decoding the whole body as the payload type (Registry.Decode) finds it.
//
// Each member is read once, so a member the body repeats counts as JSON v2 reads it: the last
// occurrence wins, objects read into the payload's types (event, resource, and the members of
// data) merge as encoding/json merges them, and a member kept raw (data, workflow_id,
// webhook_id) is its last occurrence, null included. The routing, the key, the validation and
// the payload all see that one reading.
//
// Validation hands events.Validate only the types that declare rules, Audit and Media; Audit's
// other fields are tagged validate:"-", so that it does not visit them.
package safetyculture
