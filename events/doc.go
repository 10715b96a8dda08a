// Package events holds what every provider's deliveries have in common: the decoded [Envelope],
// typed event keys ([Key]), the routing table a provider decodes with ([Routes]), the sentinel
// errors of decoding, and lenient types for what providers send loosely: [ID] (a string or a
// number, kept exactly), [Time] (many formats, never an error, original text kept) and [Value]
// (any scalar, kept exactly).
//
// Each provider has a package of its own: events/record360, events/safetyculture,
// events/inspectorio and events/vehreports. Each exports payload structs, one Key per documented
// event, and Provider(), whose Decode turns a raw body into an Envelope. Most callers never call
// Decode themselves: the receiver does, and hands each handler the payload its key names.
// Decoding by hand looks like this:
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
// body as received.
//
// Every type here is a plain value, safe to share between goroutines once decoded.
package events
