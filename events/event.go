package events

// Key names one event type of one provider and carries the type of its payload, so that a
// handler registered for a key receives a *T and never type-switches. Provider packages declare
// one exported Key per documented event; the zero Key matches nothing.
type Event[T any] struct {
	provider string
	name     string
}

// NewEvent returns the key of the event type name of provider, with payload type T. Provider
// packages call it; applications use the keys those packages export.
func NewEvent[T any](provider, name string) Event[T] {
	return Event[T]{provider: provider, name: name}
}

// Provider returns the provider's name.
func (k Event[T]) Provider() string { return k.provider }

// Name returns the event type, in the provider's spelling.
func (k Event[T]) Name() string { return k.name }

// String returns "provider/name".
func (k Event[T]) String() string { return k.provider + "/" + k.name }

// Matches reports whether the envelope comes from the key's provider and carries its event type.
func (k Event[T]) Matches(e *Envelope) bool {
	return e != nil && k.name != "" && e.Provider == k.provider && e.Is(k.name)
}

// Payload returns the envelope's payload as a *T when the envelope carries the key's event and
// its payload has the key's type.
func (k Event[T]) Payload(e *Envelope) (*T, bool) {
	if !k.Matches(e) {
		return nil, false
	}
	p, ok := e.Payload.(*T)
	return p, ok && p != nil
}
