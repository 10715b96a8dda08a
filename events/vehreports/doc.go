// Package vehreports decodes webhook deliveries from vehReports (vehicle inspection reports,
// rental agreements, driver licence checks, credits and billing) into typed payloads: one
// [events.Event] per documented event type, a payload struct per family of events, and the
// idempotency key of each delivery. Most callers never call Decode themselves: the receiver does,
// and hands each handler the payload its event names. [Provider] is what the receiver is given;
// it is safe for concurrent use.
//
// # What is documented and what is assumed
//
// vehReports documents its event names (the events below), that each delivery is signed with an
// HMAC-SHA256 of the raw body (verify.VehReports), that deliveries are retried, and that
// receivers should answer fast and be idempotent. It does NOT publish the body: neither the
// envelope nor the data of any event. Everything below about field names is an ASSUMPTION,
// written so that a body in another common spelling still decodes and nothing is lost:
//
//   - Envelope.Raw always holds the body, and every payload struct keeps its data object, as
//     sent, in its Data field.
//   - Identifiers are events.ID (a string or a number), timestamps events.Time (any format,
//     never an error), and numbers whose JSON type may vary events.Value.
//   - No field of a payload is required: a wrongly guessed name leaves a field empty, it never
//     rejects a delivery. Only the envelope's id and event type are required.
//   - A reference to a vehicle, customer, user or template may be an object or the bare id
//     (a string or a number), which fills only its ID.
//
// # The envelope (assumed)
//
// Decode accepts the common shapes of webhook envelopes (Envelope.Version "v1" for all):
//
//	{"id": "evt_...", "type":  "report.completed", "created_at": "2025-03-14T09:42:17Z", "data": {...}}
//	{"id": "evt_...", "event": "report.completed", "timestamp":  "2025-03-14T09:42:17Z", "data": {...}}
//
// The event type is the first of "type" and "event" that is a non-empty string; none is an
// error wrapping [events.ErrNoType] (a non-string there with no string beside it is an
// [*events.FieldError], [events.ErrShape]). Envelope.Time is the first non-empty of "created_at", "timestamp" and
// "occurred_at", in any format events.Time reads; it is zero when none is sent. "data" holds the
// payload; when it is missing or null, a known event decodes to a zero payload struct with a nil
// Data. A JSON object with none of id, type, event and data is not a vehReports delivery
// ([events.ErrShape]). A delivery with no id fails with a *[events.ValidationError] (wrapping
// [events.ErrInvalid]), and the envelope is returned with it.
//
// # Events and payloads
//
// vehReports documents 17 events, each exported here; events of one family share a payload struct:
//
//   - report.completed: [Report]
//   - inspection.verdict_flagged: [Verdict]
//   - agreement.signed, agreement.return_due, agreement.closed: [Agreement]
//   - licence.checked, licence.failed, licence.points_flagged: [LicenceCheck]
//   - vehicle.created, vehicle.updated: [Vehicle]
//   - customer.created: [Customer]
//   - credits.purchased, credits.low, credits.expiring: [Credits]
//   - payment.succeeded, payment.failed: [Payment]
//   - subscription.cancelled: [Subscription]
//
// A known event whose data has a field of the wrong JSON type for its struct (an object where
// a string belongs) fails with an [*events.FieldError] wrapping [events.ErrShape], naming the
// field's path, such as "data.vehicle"; the field types are chosen loose enough that only a
// payload of another shape altogether does. Event types are matched as sent, case included.
//
// Any other event type decodes to an envelope with a nil Payload and no error, so an event
// vehReports adds never breaks a receiver.
//
// # Idempotency
//
// vehReports retries deliveries, so a receiver can see one event more than once. The envelope's
// id is taken to identify the event across retries: Envelope.IdempotencyKey is
// events.FieldKey(Name, id), "vehreports:evt_...", or, for an id of more than 189 bytes,
// "vehreports:sha256:" and the hex SHA-256 of that key (events.MaxKeyLen). A body without an id
// (which fails validation anyway) gets events.BodyKey(Name, body), the SHA-256 of the raw body,
// which matches a retry that resends the same bytes.
//
// # Decoding
//
// Decoding is declarative: this package declares its structs with their JSON names, its
// events in a table ([events.Register], by event type), and how the idempotency key is formed;
// the body is decoded by JSON v2 struct decoding (github.com/go-json-experiment/json, through
// [events.DecodeObject] and the table's [events.Registry.Decode]). The envelope is one struct,
// whose id, type, event and data members are kept as sent (jsontext.Value) until the event type
// is known; data is then decoded into that event's payload struct, which keeps those bytes as
// its Data. The rules are those of encoding/json, which the package used before: member names
// match their fields case-insensitively, a repeated name overrides (or merges into) the earlier
// one, null leaves a string as it was. Where a payload has several fields of the wrong JSON
// type, the error names the first in the body.
//
// The one shape struct decoding cannot express is a reference sent as an object or as a bare
// id: [Vehicle], [Customer], [User] and [Template] have a method for it that looks at the JSON
// kind and decodes an object into their fields by struct decoding (UnmarshalJSON, which serves
// encoding/json and JSON v2 alike; User and Template also have UnmarshalJSONFrom, which JSON v2
// prefers, to decode the object in place). The other payload structs have no method: decoded
// with encoding/json they read their fields as Decode does, but only Decode fills their Data.
//
//	env, err := vehreports.Provider().Decode(body)
//	if err != nil { ... } // errors.Is(err, events.ErrNotJSON), ErrShape, ErrNoType, ErrInvalid
//	if r, ok := vehreports.ReportCompleted.Payload(env); ok {
//		fmt.Println(r.ID, r.Registration, r.SignedOffAt.Time)
//	}
package vehreports
