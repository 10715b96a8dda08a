package inspectorio

import "github.com/inspecthook/inspecthook/events"

// Report is a Sight delivery about an inspection report: the whole body, as both known events
// ([ReportCreated] and [ReportFileReady]) send it. It names the report only; call the Sight API
// at Payload.Path for its contents.
type Report struct {
	// MessageID identifies the delivery, such as "wh-638ce960-1231-11e9-a15d-d1c47c8f7593", and
	// stays the same when Sight retries it.
	MessageID events.ID `json:"messageId" validate:"required"`

	// EventCode is the event type, such as "report.created"; deliveries are routed on it.
	EventCode string `json:"eventCode" validate:"required"`

	// EventName is a human label, such as "An Inspection report is uploaded". Its wording
	// varies between deliveries of one event: show it, never compare it.
	EventName string `json:"eventName"`

	// Payload names the report.
	Payload Resource `json:"payload"`
}

// Resource names a Sight resource and where to fetch it.
type Resource struct {
	// ResourceID is Inspectorio's id of the resource (the report). The documented example sends
	// it as a JSON number, 12301; a string is accepted too.
	ResourceID events.ID `json:"resourceId" validate:"required"`

	// Path is the Sight API path to call back for the resource, such as "/reports/12301".
	Path string `json:"path"`
}
