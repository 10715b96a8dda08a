// Package events holds what every provider's deliveries have in common: the decoded [Envelope],
// typed events ([Event]), the routing table a provider package declares its events in
// ([Registry]), the sentinel errors of decoding with the short messages a sender is answered with
// ([Message]), the decoding middleware ([Middleware]), and lenient types for what providers send
// loosely: [ID] (a string or a number, kept exactly), [Time] (many formats, never an error,
// original text kept) and [Value] (any scalar, kept exactly).
//
// Each provider has a package of its own: events/record360, events/safetyculture,
// events/inspectorio and events/vehreports. Each exports payload structs, one Event per
// documented event type, and Provider(), whose Decode turns a raw body into an Envelope. In this
// package, "event" names an event type with its payload type, and "key" only the idempotency key
// of a delivery (Envelope.IdempotencyKey).
//
// Most callers never decode by hand: the receiver mounts [Middleware], which decodes each request
// and answers what does not decode, and hands each handler the payload its Event names. Decoding
// by hand looks like this:
//
//	env, err := record360.Provider().Decode(body)
//	if err != nil { ... } // errors.Is(err, events.ErrNotJSON), ErrShape, ErrNoType, ErrInvalid
//	if insp, ok := record360.InspectionCreated.Payload(env); ok {
//		fmt.Println(insp.ID, insp.Unit.ReferenceNumber)
//	}
//
// Decoding is tolerant: unknown fields are ignored, an unknown event type decodes to an envelope
// with a nil Payload (never an error), ids may be strings or numbers, and a timestamp in an
// unexpected format leaves Time zero with its text in Time.Raw. Envelope.Raw always holds the
// body as received. Errors name what is wrong (a field's JSON path, an offset) and never hold the
// body's bytes, so they can be logged as they are.
//
// # Declarative providers
//
// A provider package declares its structs with their JSON names, its events in a [Registry]
// (event type to payload type), and the rule its idempotency key follows ([FieldKey],
// [DerivedKey], [IDKey], [BodyKey]); nothing is parsed by hand. Bodies are decoded with JSON v2
// (github.com/go-json-experiment/json, the implementation Go's encoding/json/v2 comes from)
// through [DecodeObject], which checks syntax, UTF-8 and depth as it decodes, and [Unmarshal]
// for a payload once its event type is known ([Registry.Decode]); the lenient types [ID],
// [Time] and [Value] read themselves from the decoder. The rules are those of encoding/json,
// which the provider packages document: member names match case-insensitively ("_" and "-" are
// not folded), a repeated name overrides the earlier one (objects merge), null leaves a number,
// string or boolean as it was, numbers keep every digit where the type is ID or Value. Every
// type keeps its encoding/json UnmarshalJSON method too, so decoding Envelope.Raw with
// encoding/json gives the same values.
//
// Every type here is a plain value, safe to share between goroutines once decoded; a Registry is
// read-only once its package is initialised.
package events
