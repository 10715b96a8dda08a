package safetyculture

import (
	"reflect"

	"github.com/inspecthook/inspecthook/events"
)

// Name is SafetyCulture's name in envelopes, events and idempotency keys.
const Name = "safetyculture"

// The formats Decode recognises, as in Envelope.Version.
const (
	// VersionLegacy is the legacy format: version "1.0.0", workflow_id, lowercase event names
	// and the inspection in data.audit.
	VersionLegacy = "1.0.0"

	// VersionNewer is the newer format: version "3.0.0" or no version at all, webhook_id,
	// resource, trigger event names.
	VersionNewer = "3.0.0"
)

// Provider returns SafetyCulture's decoder. It holds no state and is safe for concurrent use.
func Provider() events.Provider { return provider{} }

type provider struct{}

func (provider) Name() string { return Name }

// EventTypes returns the trigger events this package declares an event for, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// PayloadType returns the type eventType's payload decodes to, or nil for a type this package
// does not know; it implements events.PayloadTyper.
func (provider) PayloadType(eventType string) reflect.Type { return registry.PayloadType(eventType) }

// Decode turns a SafetyCulture body into an envelope; see the package documentation.
func (provider) Decode(body []byte) (*events.Envelope, error) { return decode(body) }
