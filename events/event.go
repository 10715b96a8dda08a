package events

// Event names one event type of one provider and carries the type of its payload, so that a
// handler registered for an event receives a *T and never type-switches. Provider packages
// declare one exported Event per documented event type, with Register; the zero Event matches
// nothing. An Event is a small comparable value, safe to share.
type Event[T any] struct {
	provider string
	name     string
}

// NewEvent returns the event type name of provider, with payload type T, outside any Registry:
// for tests, and for a provider package with a routing table of its own. Provider packages built
// on this one call Register instead, which also routes the event.
func NewEvent[T any](provider, name string) Event[T] {
	return Event[T]{provider: provider, name: name}
}

// Provider returns the provider's name.
func (e Event[T]) Provider() string { return e.provider }

// Name returns the event type, in the provider's spelling.
func (e Event[T]) Name() string { return e.name }

// String returns "provider/name".
func (e Event[T]) String() string { return e.provider + "/" + e.name }

// Matches reports whether the envelope comes from the event's provider and carries its event
// type.
func (e Event[T]) Matches(env *Envelope) bool {
	return env != nil && e.name != "" && env.Provider == e.provider && env.Is(e.name)
}

// Payload returns the envelope's payload as a *T when the envelope carries the event and its
// payload has the event's type.
func (e Event[T]) Payload(env *Envelope) (*T, bool) {
	if !e.Matches(env) {
		return nil, false
	}
	p, ok := env.Payload.(*T)
	return p, ok && p != nil
}
