// Package record360 decodes the webhook deliveries of Record360, the vehicle and equipment
// inspection platform, into [events.Envelope] values with typed payloads.
//
// Most callers hand [Provider] to the receiver and register a handler per event; decoding by
// hand is one call:
//
//	env, err := record360.Provider().Decode(body)
//	if err != nil {
//		// errors.Is(err, events.ErrNotJSON), ErrShape, ErrNoType or ErrInvalid
//	}
//	if insp, ok := record360.InspectionCreated.Payload(env); ok {
//		fmt.Println(insp.ID, insp.Unit.ReferenceNumber)
//	}
//
// Provider holds no state: its Decode is safe for concurrent use.
//
// # Formats
//
// Record360 sends two formats, possibly to one endpoint, and Decode tells them apart by shape.
// Envelope.Version says which it found:
//
//   - v3 ([V3], current, in beta since July 2025): an event object
//     {"id", "object": "event", "type", "created_at", "data": {"object": "inspection" | "task", ...}}.
//     A body is v3 when "object" is "event", or when it has "data" or "type" and no "event".
//   - v1 ([V1], legacy, still supported): {"event": "<verb>", "<object>": {...}}, such as
//     {"event": "create", "transaction": {...}}. A body is v1 when it has "event", "transaction" or
//     "task". The object is "transaction" or "task" when present, else the first other top-level
//     field, in body order, whose value is a JSON object.
//
// A body with neither shape is rejected with [events.ErrShape].
//
// # Events
//
// v3 events are named by "type". A v1 verb alone is ambiguous (it does not name its object) and
// would collide with v3 names, so a v1 event is named "v1/" + object + "." + verb:
//
//	event                 name                    payload
//	InspectionCreated     inspection.created      *Inspection
//	TaskCompleted         task.completed          *Task
//	V1TransactionCreated  v1/transaction.create   *Transaction
//	V1TaskComplete        v1/task.complete        *Task
//	V1TaskCompleted       v1/task.completed       *Task
//
// Record360's two documentation pages disagree on the v1 task verb ("complete" on the current
// page, "completed" on the older one), so both are events: handle both. Neither page shows a v1
// task, so [Task] reads both shapes it may have, and any mix of them:
//
//   - the webhook shape, the v3 task's fields: "type", "description", "priority", "unit",
//     "workflow", "department", "completed_at", an assignee {id, username};
//   - the API shape, the task of Record360's v1 API (app.record360.com/api-docs/1.0/tasks.html),
//     which a v1 webhook may follow, as Record360 says its webhooks follow its API:
//     "high_priority", "asset", "location", an assignee and a requester {id, email, name},
//     "activities", no "completed_at", and a status such as "idle".
//
// Both carry "id", "name", "status", "due_by", "assignee", "created_at" and "updated_at". Each
// field of Task says which shape carries it; the other shape's fields stay zero, and
// [Task.IsHighPriority] reads the priority of either.
//
// Anything else decodes to an envelope with a nil Payload and no error, so that Record360 adding
// an event never breaks a receiver: a v3 type such as "inspection.updated", a v1 verb such as
// {"event": "update", "transaction": ...} ("v1/transaction.update"), a v1 object such as
// {"event": "create", "unit": ...} ("v1/unit.create"), and a v1 body with a verb and no object
// at all ({"event": "ping"} is "v1/.ping", the object part empty).
//
// # Payloads
//
// Payloads are named structs sharing [User], [Unit], [Location], [Region], [Department],
// [Workflow], [Asset] and [Media]; a task's history is a list of [Activity]. Record360 ids are
// opaque strings that often arrive as JSON numbers, so every id is an [events.ID] and keeps
// every digit; timestamps are [events.Time], which reads Record360's "2024-10-09-19:00:00Z"
// style and never fails (an unreadable time is zero with its text in Raw); answers that are
// strings, numbers or booleans are [events.Value].
// An absent or null object decodes to its zero value. Unknown fields are ignored; a field of the
// wrong JSON type (an object where an id belongs) is an [*events.FieldError] naming its path from
// the top of the body, such as "data.unit.id", which wraps [events.ErrShape]. An
// inspection's results are checklists, PDF forms, waivers and kinds to come: see [Result], one
// struct whose Object says which of its fields is set, with the result's JSON always in Raw.
//
// Only the v3 envelope has required fields: "id", "type" and "data.object". Record360 documents
// no required payload fields and asks integrators to tolerate missing ones, so payload structs
// have none. A missing "type" (v3) or "event" (v1) is [events.ErrNoType]; a missing v3 id or data
// object is an [*events.ValidationError] wrapping [events.ErrInvalid], returned with the
// envelope (and its payload, when it decoded) so that the caller can log what arrived.
//
// # Envelope
//
//   - ID: the v3 event id; empty for v1, which has none.
//   - Type and Types: the event name above; Types holds only Type.
//   - Time: v3 "created_at", the event's time. v1 has no event time: Time is the object's
//     "completed_at", else "updated_at", else "created_at", the first present (a task of the
//     API shape has no "completed_at": its "updated_at").
//   - Raw: the body as passed to Decode, not copied.
//
// # Idempotency keys
//
// Envelope.IdempotencyKey is the same for every retry of one event and differs between events:
//
//   - v3: events.FieldKey(Name, "v3:" + id), such as "record360:v3:12". The "v3:" keeps v3
//     event ids apart from any other key of this provider. An id long enough to make the key
//     longer than events.MaxKeyLen makes "record360:sha256:" and the hex SHA-256 of that key.
//   - v1 has no per-delivery id. The key is events.DerivedKey(Name, "v1", object, verb,
//     object id, stamp), stamp being the raw text of the time Envelope.Time was read from
//     (completed_at, updated_at or created_at): the same object and verb at another moment, such
//     as a task completed again after being reopened, is another event.
//   - When that id is missing (a v3 event without id, which is also ErrInvalid, or a v1 object
//     without id), the key is events.BodyKey(Name, body): retries resend the same bytes.
//
// # Decoding
//
// Decoding is declarative, with JSON v2 (github.com/go-json-experiment/json) through the events
// package. The body is decoded (events.DecodeObject, which also checks that it is one
// well-formed object) into a struct of the top-level members that tell the formats apart, kept
// as raw JSON; once the format is known, the envelope's members are decoded into their types in
// a fixed order ("type", "id", "object", then "data" for v3; "event", then the object for v1),
// the first one at fault giving the error, and the payload is decoded from its raw bytes by the
// events table above (an [events.Registry]). So the payload's bytes are read twice: checked and
// copied with the body (into a buffer reused from one delivery to the next, to which nothing
// decoded refers), then decoded. Payloads are plain structs with JSON names; [events.ID],
// [events.Time] and [events.Value] read themselves, and a [Result] is one struct of the members
// of every kind, its "data" read as a checklist's fields where it stands when it is an array.
// Member names are read as encoding/json reads them: case-insensitively, the last of a repeated
// name winning, and null leaving a scalar as it was. Only a v1 body without "transaction" or
// "task" is read once more, for its first object member.
package record360
