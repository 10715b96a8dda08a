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
// and Data.Change), ActionEvent (Data is an Action), IncidentEvent (Data kept raw) and MediaEvent
// (Data is a Media). Data of every shape is also kept raw. A field that is a number in one format
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
// Envelope.Type is the first of Types that has an event here; when none has, the first that is
// not a category (a documented one, or a name another listed type extends), else the first.
// Route with Event.Matches and Envelope.Is, which test whether the delivery carries a type
// anywhere in its list: never on the first element alone. Trigger events without an event here
// (attendance, training, inspection organisation changes, newer action and incident events)
// decode to an envelope with a nil Payload and no error, for a fallback handler.
//
// The events are the trigger events named in SafetyCulture's webhook reference (inspections,
// actions, incidents, media) and the inspection events of SafetyCulture's trigger event list that
// the newer format sends (InspectionHasStarted, InspectionCompletedStatus, InspectionItemUpdated,
// ...). Item kinds such as "TRIGGER_EVENT_INSPECTION_ITEM_SITE" ride along with
// InspectionItemUpdated; test them with Envelope.Is.
//
// # Validation
//
// A body must carry an event object whose event_types names at least one type (else ErrNoType).
// A legacy body must carry data.audit.audit_id; a newer body of a known event must carry
// resource.id; a media event must carry data.media_id. A missing one is a *events.ValidationError
// (ErrInvalid), returned with the envelope. Envelope.ID is always empty: neither format has a
// per-event id.
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
// The provider is an events.KeyScanner: its ScanKey finds the key of a body without decoding
// it, so that a receiver can answer a retry it has already handled before paying for Decode. It
// scans the top-level members (events.ScanObject, which checks the body is well-formed JSON) and
// reads only version, workflow_id, webhook_id, event, resource and data, and in them the members
// the key and the format come from, matching names case-insensitively as Decode does. It
// returns false, and the caller decodes, whenever it cannot tell for certain: one of those
// members or the members it reads in them is repeated, a string it needs has an escape, a value
// has a JSON type the head does not take, the body names no event type, or the key would be the
// body's hash. A key it returns is always the one Decode gives, when Decode returns an
// envelope; ScanKey does not check the rest of the body, so Decode may still reject it.
//
// # Decoding in one pass
//
// Decode reads a body once (JSON v2, github.com/go-json-experiment/json, with the options
// events.DecodeObject documents): each top-level member into its part of the envelope and of
// the payload, and the data member, when the event object came before it, straight into the
// payload type's data, keeping its bytes for Data.Raw. It gives what encoding/json gave when
// Decode read the body twice, once for the format, the types and the key and once for the
// payload, and on the few bodies one pass cannot read exactly so (a repeated event or data
// member, which the two merged differently; a value of a JSON type its field cannot hold,
// whose error depends on which of the two read it) it reads them in those two passes. The
// payload types' UnmarshalJSON methods are unchanged for encoding/json; their UnmarshalJSONFrom
// methods read them with JSON v2.
package safetyculture
