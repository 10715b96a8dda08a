package events

import (
	"bytes"
	"fmt"
	"slices"
)

// Route is one row of a provider's routing table: an event type and how its payload is decoded.
type Route struct {
	name   string
	decode func(data []byte) (any, error)
}

// Name returns the event type the route is for.
func (r Route) Name() string { return r.name }

// Bind returns the route for key k: the payload bytes are decoded into a new T with Unmarshal
// and checked with Validate. Empty payload bytes decode as null, to a zero T.
func Bind[T any](k Event[T]) Route {
	return Route{name: k.Name(), decode: func(data []byte) (any, error) {
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
	}}
}

// Routes is a provider's routing table, from event type to route: a table, not a switch, so a
// test can check every documented event is routed and has a fixture.
type Routes struct {
	byName map[string]Route
	names  []string
}

// NewRoutes builds a table. It panics on a duplicate or empty event type, a programming error in
// a provider package found when the package loads.
func NewRoutes(routes ...Route) Routes {
	t := Routes{byName: make(map[string]Route, len(routes))}
	for _, r := range routes {
		if r.name == "" || r.decode == nil {
			panic("events: route with no event type")
		}
		if _, dup := t.byName[r.name]; dup {
			panic(fmt.Sprintf("events: event type %q routed twice", r.name))
		}
		t.byName[r.name] = r
		t.names = append(t.names, r.name)
	}
	slices.Sort(t.names)
	return t
}

// Has reports whether the table routes the event type.
func (t Routes) Has(name string) bool {
	_, ok := t.byName[name]
	return ok
}

// Names returns the routed event types, sorted.
func (t Routes) Names() []string { return slices.Clone(t.names) }

// Decode decodes data as the payload of event type name. For a type the table does not route it
// returns (nil, nil). On a validation failure it returns the payload and the *ValidationError.
func (t Routes) Decode(name string, data []byte) (any, error) {
	r, ok := t.byName[name]
	if !ok {
		return nil, nil
	}
	return r.decode(data)
}
