package events

import (
	"reflect"
	"slices"
)

// Envelope is one decoded delivery: what every provider's format has in common, the raw bytes as
// received, and the typed payload.
type Envelope struct {
	// Provider names the provider, such as "record360".
	Provider string

	// Version names the provider's format the body was recognised as, such as "v1" or "v3" for
	// Record360 and "1.0.0" or "3.0.0" for SafetyCulture.
	Version string

	// ID is the event's own id when the format has one (Record360 v3 id, Inspectorio messageId,
	// vehReports id), else empty.
	ID string

	// Type is the event type the delivery is routed on, in the provider's spelling, such as
	// "inspection.created" or "TRIGGER_EVENT_INSPECTION_COMPLETED".
	Type string

	// Types lists every event type the delivery carries, Type among them. SafetyCulture sends
	// several at once (a category and the specific event); route with Is, never on Types[0].
	Types []string

	// Time is when the provider says the event happened; it may be zero (see Time.Raw).
	Time Time

	// IdempotencyKey identifies the event across the provider's retries: the same delivery sent
	// again has the same key. It is prefixed with the provider's name so keys of different
	// providers never collide in a shared store, and is at most MaxKeyLen bytes long.
	IdempotencyKey string

	// Raw is the body exactly as received.
	Raw []byte

	// Payload is the typed payload, the *T of the provider package's Event[T] for the event
	// type, or nil when the event type is not one the package knows. Read it with Event.Payload.
	Payload any
}

// Is reports whether the delivery carries the event type name.
func (e *Envelope) Is(name string) bool {
	return e.Type == name || slices.Contains(e.Types, name)
}

// Known reports whether the event type is one the provider package knows, so that Payload is set.
func (e *Envelope) Known() bool { return e.Payload != nil }

// Provider decodes one provider's deliveries. The provider packages (events/record360,
// events/safetyculture, events/inspectorio, events/vehreports) each return one from Provider().
type Provider interface {
	// Name is the provider's name, as in Envelope.Provider.
	Name() string

	// Decode turns a raw body into an envelope. An unknown event type is not an error: it
	// decodes to an envelope with a nil Payload. Errors wrap ErrNotJSON, ErrShape, ErrNoType or
	// ErrInvalid. On ErrInvalid the envelope is returned too, so the caller can log what arrived.
	Decode(body []byte) (*Envelope, error)

	// EventTypes lists every event type the package declares an Event for, sorted. The
	// conformance suite (events/eventstest) checks each has a fixture, and command-line tools
	// list them from it.
	EventTypes() []string
}

// PayloadTyper is implemented by a Provider that can say which Go type each of its event types
// decodes to, as every provider package of this module does: for documentation and tools, such
// as the inspecthook command's "events" listing.
type PayloadTyper interface {
	// PayloadType returns the type the payload of eventType decodes to (Envelope.Payload is a
	// pointer to it), or nil for an event type the provider does not know.
	PayloadType(eventType string) reflect.Type
}
