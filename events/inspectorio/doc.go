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
// The provider is an [events.KeyScanner]: its ScanKey finds that key by a cheap scan of the
// body's top-level members ([events.ScanObject]), so a receiver can answer a retry it has
// already handled without decoding it. It reads the last messageId member (matched regardless
// of case, as Decode matches it) and checks that an eventCode is there, and gives the key
// Decode would give. It gives none, leaving the body to Decode, when it cannot be sure: a body
// that is not one well-formed JSON object, a messageId that is missing, null, empty, of another
// JSON type than a string or a number, or a string with an escape (Decode reads escapes; the
// scan does not), or no eventCode. A body whose only fault is its payload (a known event's
// payload of the wrong type, which Decode rejects) still gets its key.
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
// Decode reads a body in one pass (JSON v2, through [events.DecodeObject]), member by member,
// by the rules of encoding/json: names match regardless of case, the last of a repeated name
// wins, a repeated payload merges, null leaves a string as it was. The payload of both events is
// the body itself, a [Report], so it is read as the members go by and its errors count only
// once eventCode has routed the delivery to a known event.
//
//	env, err := inspectorio.Provider().Decode(body)
//	if err != nil { ... } // errors.Is(err, events.ErrNotJSON), ErrShape, ErrNoType, ErrInvalid
//	if r, ok := inspectorio.ReportCreated.Payload(env); ok {
//		fmt.Println(r.Payload.ResourceID, r.Payload.Path) // 12301 /reports/12301
//	}
package inspectorio
