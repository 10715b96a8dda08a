package events

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
)

// Registry is a provider's routing table, from event type to how its payload is decoded: a
// table, not a switch, so that a test can check every documented event is routed and has a
// fixture. A provider package fills it while it declares its events, each once:
//
//	var registry = events.NewRegistry(Name)
//
//	var (
//		InspectionCreated = events.Register[Inspection](registry, "inspection.created")
//		TaskCompleted     = events.Register[Task](registry, "task.completed")
//	)
//
// and its decoder calls Decode with the event type it read. Make one with NewRegistry; the zero
// Registry is not usable. Register is meant for package-level declarations: once the package is
// initialised a Registry is only read, and is safe for concurrent use.
type Registry struct {
	provider string
	byName   map[string]payloadDecoder
	names    []string // sorted
}

// NewRegistry returns an empty table for provider's events. It panics on an empty provider
// name, a programming error found when the package loads.
func NewRegistry(provider string) *Registry {
	if provider == "" {
		panic("events: NewRegistry: empty provider name")
	}
	return &Registry{provider: provider, byName: map[string]payloadDecoder{}}
}

// Register declares the event type name of r's provider, with payload type T, and routes it:
// Decode reads its payload bytes into a new T with Unmarshal and checks it with Validate. It
// returns the Event handlers are registered with. It panics on an empty name or one registered
// twice, programming errors found when the package loads.
func Register[T any](r *Registry, name string) Event[T] {
	if name == "" {
		panic("events: Register: empty event type")
	}
	i, dup := slices.BinarySearch(r.names, name)
	if dup {
		panic(fmt.Sprintf("events: Register: event type %q registered twice", name))
	}
	r.names = slices.Insert(r.names, i, name)
	r.byName[name] = payloadDecoder{decode: decodePayload[T], typ: reflect.TypeFor[T]()}
	return Event[T]{provider: r.provider, name: name}
}

// decodePayload decodes data into a new T and validates it. Empty payload bytes decode as null,
// to a zero T.
func decodePayload[T any](data []byte) (any, error) {
	p := new(T)
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("null") // no payload at all: a zero T, then validation
	}
	if err := Unmarshal(data, p); err != nil {
		return nil, err
	}
	if err := Validate(p); err != nil {
		return p, err
	}
	return p, nil
}

// payloadDecoder decodes the payload of one event type.
type payloadDecoder struct {
	decode func(data []byte) (any, error)
	typ    reflect.Type
}

// Provider returns the provider's name.
func (r *Registry) Provider() string { return r.provider }

// Has reports whether the table routes the event type, spelt exactly.
func (r *Registry) Has(name string) bool {
	_, ok := r.byName[name]
	return ok
}

// Names returns the routed event types, sorted: what a provider's EventTypes returns.
func (r *Registry) Names() []string { return slices.Clone(r.names) }

// PayloadType returns the type event type name was registered with, such as
// record360.Inspection for "inspection.created" (a payload decodes to a pointer to it), or nil
// for a type the table does not route.
func (r *Registry) PayloadType(name string) reflect.Type {
	return r.byName[name].typ
}

// Decode decodes data as the payload of event type name, a pointer to the type the event was
// registered with. For a type the table does not route it returns (nil, nil). An error is what
// Unmarshal returns (a *FieldError names the path inside data; see InField), or, on a validation
// failure, the *ValidationError with the payload.
func (r *Registry) Decode(name string, data []byte) (any, error) {
	decode, ok := r.byName[name]
	if !ok {
		return nil, nil
	}
	return decode.decode(data)
}
