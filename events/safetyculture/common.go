package safetyculture

import "github.com/inspecthook/inspecthook/events"

// Common holds what every SafetyCulture delivery carries around its data, in both formats. It
// is embedded in each payload type (InspectionEvent, ActionEvent, IncidentEvent, MediaEvent,
// CommonEvent).
//
// Which format fills which field:
//
//	field       legacy 1.0.0     newer 3.0.0
//	Version     "1.0.0"          "3.0.0", or "" when the body has no version
//	WorkflowID  set              empty
//	WebhookID   empty            set
//	Event       set              set
//	Resource    nil              set
type Common struct {
	// Version is the version field as sent: "1.0.0" (legacy), "3.0.0" (newer) or empty when
	// absent, which the newer format allows. Envelope.Version is never empty: it names the
	// format the body was recognised as.
	Version string `json:"version"`

	// WorkflowID is the legacy format's workflow_id, such as "workflow_8abb...".
	WorkflowID events.ID `json:"workflow_id"`

	// WebhookID is the newer format's webhook_id: the id of the webhook subscription, the same
	// for every delivery it sends. It is not an event id.
	WebhookID events.ID `json:"webhook_id"`

	// Event says what happened, when and who did it.
	Event Event `json:"event"`

	// Resource is the newer format's subject of the event, such as an inspection or a task;
	// nil in the legacy format, whose subject is the audit in the data.
	Resource *Resource `json:"resource"`
}

// Event is the event object of a delivery.
type Event struct {
	// DateTriggered is when the event happened: RFC 3339 with milliseconds in the legacy sample
	// ("2017-06-29T05:15:19.136Z"), without fraction in the newer ones ("2022-05-10T05:24:56Z").
	DateTriggered events.Time `json:"date_triggered"`

	// EventTypes lists the event types exactly as sent: lowercase legacy names such as
	// "audit_started", or trigger events, often a category first. Envelope.Types holds them
	// normalised.
	EventTypes []string `json:"event_types"`

	// TriggeredBy is who or what caused the event.
	TriggeredBy TriggeredBy `json:"triggered_by"`
}

// TriggeredBy is who or what caused an event. The two formats fill different fields:
// the legacy one Type, User and Name; the newer one User, Organization and UserType.
type TriggeredBy struct {
	// Type is "user" in the legacy format.
	Type string `json:"type"`

	// User is the user's id, such as "user_bb5b..." (legacy) or a UUID (newer).
	User events.ID `json:"user"`

	// Name is the user's full name, in the legacy format.
	Name string `json:"name"`

	// Organization is the organisation's id, in the newer format.
	Organization events.ID `json:"organization"`

	// UserType is "user" in the newer format's media sample; other deliveries omit it.
	UserType string `json:"user_type"`
}

// Resource is the subject of a newer-format event.
type Resource struct {
	// ID is the resource's id, such as "audit_047e..." for an inspection or a UUID for a task.
	ID events.ID `json:"id"`

	// Type is the resource's kind, such as "INSPECTION" or "TASK".
	Type string `json:"type"`
}
