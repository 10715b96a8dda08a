// Package inspectorio decodes webhook deliveries from Inspectorio Sight into typed payloads: one
// [events.Event] per event type, the [Report] payload both events share, and the idempotency key
// of each delivery. Most callers never call Decode themselves: the receiver does, and hands each
// handler the *Report its event names. [Provider] is what the receiver is given; it is safe for
// concurrent use.
//
// # The Sight format
//
// Sight posts one JSON object per event (Envelope.Version "sight"):
//
//	{
//	  "messageId": "wh-638ce960-1231-11e9-a15d-d1c47c8f7593",
//	  "eventCode": "report.created",
//	  "eventName": "An Inspection report is uploaded",
//	  "payload": {"resourceId": 12301, "path": "/reports/12301"}
//	}
//
// A delivery is routed on eventCode only. eventName is a human label whose wording varies
// between deliveries: it is kept in [Report.EventName] and never routed on. The payload names
// the resource and the path of the Sight API to call back for its details (GET report).
//
// An eventCode matches an event regardless of ASCII case: "REPORT.CREATED" and "Report.Created"
// are [ReportCreated]. Envelope.Type is then this package's spelling, "report.created", so that
// routing on it works, and Envelope.Types lists it followed by the code as sent
// (["report.created", "REPORT.CREATED"]); [Report.EventCode] keeps the code as sent too. An
// eventCode that matches no event is kept as sent, in Type and Types alike.
//
// messageId and eventCode are required: a body without eventCode (or with an empty one) fails
// with an error wrapping [events.ErrNoType]; one without messageId fails with a
// *[events.ValidationError] (wrapping [events.ErrInvalid]) and the envelope is returned too; a
// JSON object with none of messageId, eventCode and payload is not a Sight delivery
// ([events.ErrShape]). payload.resourceId is required for the two known events.
//
// The format carries no timestamp: Envelope.Time is always zero. Envelope.ID is the messageId.
//
// # Events
//
// Sight documents two events, both about a report:
//
//   - [ReportCreated], eventCode "report.created": "An Inspection report is uploaded".
//   - [ReportFileReady]: "An Inspection report file is ready to view". Its eventCode is NOT
//     public. This package ASSUMES "report.file_ready" ([CodeReportFileReady]). If Inspectorio
//     sends another code, the delivery decodes as an unknown event: the receiver's fallback
//     handler gets it, with a nil Payload, no error, and the body in Envelope.Raw, which
//     decodes into a [Report] with encoding/json. Check the code your account receives
//     before relying on ReportFileReady.
//
// Any other eventCode is an unknown event: an envelope with a nil Payload, never an error, so
// an event Inspectorio adds never breaks a receiver.
//
// # Idempotency
//
// Envelope.IdempotencyKey is events.FieldKey(Name, messageId), "inspectorio:wh-638c...": Sight
// resends the same messageId when it retries (3 more times, 60 s apart, after any status other
// than 200 or a response slower than 60 s). A key longer than events.MaxKeyLen (a messageId of
// more than 188 bytes) is "inspectorio:sha256:" and the hex SHA-256 of the key, so a store never
// holds a key as large as the body. A body without a messageId (which fails validation anyway)
// gets events.BodyKey(Name, body), the SHA-256 of the raw body.
//
// Inspectorio's newer platform is reported to sign with Standard Webhooks (the webhook-id,
// webhook-timestamp and webhook-signature headers; see verify.NewStandardWebhooks), whose
// specification recommends the webhook-id header as the idempotency key. Decode sees only the
// body, so a receiver for that platform may prefer webhook-id over Envelope.IdempotencyKey.
// The body format of that platform is not public either; this package reads the Sight body.
//
// # Authentication
//
// Sight authenticates with optional HTTP Basic credentials set on the webhook (verify.NewBasic).
// Inspectorio counts only HTTP 200 as success: answer 200 quickly and do slow work afterwards.
//
// # Decoding
//
// Decoding is declarative: this package declares its structs ([Report], [Resource]) with their
// JSON names, its events in a table ([events.Register]), and how the idempotency key is formed;
// the body is decoded by JSON v2 struct decoding (github.com/go-json-experiment/json, through
// [events.DecodeObject]), by the rules of encoding/json: names match regardless of case, the
// last of a repeated name wins, a repeated payload merges, null leaves a string as it was (and
// empties an id). The payload of both events is the body itself, a [Report], so a delivery is
// decoded into one Report first; when that leaves it with a messageId and no error, that one
// pass is the whole decode. Otherwise the body is decoded again, to tell a Sight delivery
// from any other JSON object and, after a type error, into the fields every delivery carries:
// the errors of messageId and eventCode count for every delivery, those of the rest of the
// Report only once eventCode has routed it to a known event. Where several fields have the
// wrong JSON type, an error of messageId or eventCode is reported before one of the rest of the
// Report, and among those of either kind, the first in the body.
//
//	env, err := inspectorio.Provider().Decode(body)
//	if err != nil { ... } // errors.Is(err, events.ErrNotJSON), ErrShape, ErrNoType, ErrInvalid
//	if r, ok := inspectorio.ReportCreated.Payload(env); ok {
//		fmt.Println(r.Payload.ResourceID, r.Payload.Path) // 12301 /reports/12301
//	}
package inspectorio
