package safetyculture

import "encoding/json"

// IncidentEvent is the payload of every incident event (SafetyCulture calls incidents "issues").
// Incidents arrive in the newer format only: Resource is the issue (type "INCIDENT").
type IncidentEvent struct {
	Common

	// Data is the delivery's data object, exactly as sent. SafetyCulture's webhook reference names
	// the incident events without showing their data, so it is not modelled; fetch the issue by
	// Resource.ID for its full state.
	Data json.RawMessage `json:"data"`
}
