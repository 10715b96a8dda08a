package record360

import (
	"reflect"

	"github.com/inspecthook/inspecthook/events"
)

// Name is the provider's name, as in events.Envelope.Provider and in idempotency keys.
const Name = "record360"

// The formats, as in events.Envelope.Version.
const (
	V1 = "v1"
	V3 = "v3"
)

// registry is the routing table: every event below, by name.
var registry = events.NewRegistry(Name)

// The events, one per documented event type and format. v3 events are named by the envelope's
// "type". A v1 body names only a verb ("create", "complete"), which alone says nothing of the
// object and would collide with v3 names, so v1 events are named "v1/" + the object's member
// name + "." + the verb.
var (
	// InspectionCreated is v3 "inspection.created": an inspection was performed and uploaded.
	InspectionCreated = events.Register[Inspection](registry, "inspection.created")

	// TaskCompleted is v3 "task.completed": a task was completed, by hand or by completing the
	// inspection it asked for.
	TaskCompleted = events.Register[Task](registry, "task.completed")

	// V1TransactionCreated is v1 {"event": "create", "transaction": {...}}: an inspection was
	// performed, uploaded and created.
	V1TransactionCreated = events.Register[Transaction](registry, "v1/transaction.create")

	// V1TaskComplete is v1 {"event": "complete", "task": {...}}, as the current documentation
	// spells the verb.
	V1TaskComplete = events.Register[Task](registry, "v1/task.complete")

	// V1TaskCompleted is v1 {"event": "completed", "task": {...}}, as the older documentation
	// spells the verb. Handle both V1TaskComplete and V1TaskCompleted: which one arrives is not
	// documented.
	V1TaskCompleted = events.Register[Task](registry, "v1/task.completed")
)

// Provider returns the Record360 decoder. It holds no state: it is safe for concurrent use and
// may be shared.
func Provider() events.Provider { return provider{} }

type provider struct{}

func (provider) Name() string { return Name }

// EventTypes lists the names of the events above, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// PayloadType returns the type eventType's payload decodes to, or nil for a type this package
// does not know; it implements events.PayloadTyper.
func (provider) PayloadType(eventType string) reflect.Type { return registry.PayloadType(eventType) }

// Decode is described in the package documentation.
func (provider) Decode(body []byte) (*events.Envelope, error) { return decode(body) }
