package record360

import "github.com/inspecthook/inspecthook/events"

// Task is the payload of TaskCompleted (v3 "task.completed") and of the v1 task events
// V1TaskComplete and V1TaskCompleted.
//
// A task arrives in one of two shapes, and Task reads either, or a mix of both, with no setting:
//
//   - the webhook shape, the task of Record360's v3 task.completed example: "type",
//     "description", "priority", "unit", "workflow", "department", "completed_at", and an
//     assignee {id, username}. The webhook pages show no v1 task; this package assumes a v1 task
//     may carry the v3 task's fields, without "object".
//   - the API shape, the task object of Record360's v1 API
//     (app.record360.com/api-docs/1.0/tasks.html), which a v1 webhook may follow as Record360
//     says webhooks follow its API: "high_priority", "asset", "location", an assignee and a
//     requester {id, email, name}, and "activities"; it has no "completed_at", and its status
//     is "idle" for a task only just created.
//
// Both shapes carry "id", "name", "status", "due_by", "assignee", "created_at" and
// "updated_at". Each field below says which shape carries it; the fields of the shape that did
// not arrive stay zero. Where the shapes spell one thing differently, both fields are kept as
// sent and a method reads either: IsHighPriority for "priority" and "high_priority". The unit is
// Unit in one shape and Asset in the other, and the assignee's address is User.Username in one
// and User.Email in the other.
//
// No field is required and Status is free text, so a task of either shape, in any state,
// decodes without an error.
type Task struct {
	// Object is "task" in v3 and empty in v1 (both shapes).
	Object string `json:"object,omitempty"`

	// ID is the task's id (both shapes): a number in the webhook sample (397691), a string in
	// the API's ("42").
	ID events.ID `json:"id"`

	// Type is what the task asks for, such as "inspection" (webhook shape).
	Type string `json:"type"`

	// Status is the task's state, as sent (both shapes): "completed" in the webhook sample,
	// "idle" in the API's, for a task only just created. Record360 documents no list of states.
	Status string `json:"status"`

	// Name is the task's title (both shapes), such as "90 day PM Inspection".
	Name string `json:"name"`

	// Description is null in the webhook sample (empty here); the API shape has none.
	Description string `json:"description"`

	// Priority is the webhook shape's priority: the JSON boolean false in the sample, a
	// surprising type for a priority, so it is kept as a Value and a string or number level
	// decodes too. Read it with Priority.Bool(), or with IsHighPriority for either shape.
	Priority events.Value `json:"priority"`

	// HighPriority is the API shape's "high_priority", a boolean (false in the sample). Use
	// IsHighPriority to read the priority of either shape.
	HighPriority bool `json:"high_priority"`

	// DueBy is when the task is due (both shapes).
	DueBy events.Time `json:"due_by"`

	// Assignee is the user the task is assigned to (both shapes). In the webhook shape it is
	// {id, username}, the id a number in the sample (89); in the API shape {id, email, name},
	// the id a string ("8").
	Assignee User `json:"assignee"`

	// Requester is the user who asked for the task, {id, email, name} (API shape).
	Requester User `json:"requester"`

	// Unit is the unit to inspect (webhook shape); its id is a number in the sample (1234).
	// The API shape names it Asset.
	Unit Unit `json:"unit"`

	// Asset is the unit to inspect as the API shape names it, {id, external_id}; its id is a
	// string in the sample ("1"). The webhook shape names it Unit.
	Asset Asset `json:"asset"`

	// Location is the branch the task belongs to (API shape).
	Location Location `json:"location"`

	// Workflow is the inspection workflow the task asks for (webhook shape).
	Workflow Workflow `json:"workflow"`

	// Department is the part of the business the task belongs to (webhook shape).
	Department Department `json:"department"`

	// Activities is the task's history, such as its creation (API shape); the sample has one
	// entry, so their order is not documented. Nil when the shape has none.
	Activities []Activity `json:"activities"`

	// CompletedAt is when the task was completed (webhook shape), in Record360's
	// "2025-10-09-19:00:00Z" style in the sample. The API shape has no completed_at: it is
	// zero there, and Envelope.Time falls back to UpdatedAt.
	CompletedAt events.Time `json:"completed_at"`

	// CreatedAt and UpdatedAt (both shapes) are RFC 3339 with milliseconds in the samples.
	CreatedAt events.Time `json:"created_at"`
	UpdatedAt events.Time `json:"updated_at"`
}

// IsHighPriority reports whether the task is high priority, in either shape: HighPriority (API
// shape) is true, or Priority (webhook shape) is true or "true" in any case. A priority sent as
// any other level, such as "high", is not read: look at Priority for it.
func (t *Task) IsHighPriority() bool {
	if t.HighPriority {
		return true
	}
	high, ok := t.Priority.Bool()
	return ok && high
}

// dataObject returns the "object" member, which a v3 envelope requires of its data.
func (t *Task) dataObject() string { return t.Object }

// Activity is one entry of a task's history (API shape).
type Activity struct {
	// Event says what happened, as text for people to read: "Created Task" in the sample.
	Event string `json:"event"`

	// User is who did it, {id, email, name}.
	User User `json:"user"`

	// CreatedAt is when it happened, RFC 3339 with milliseconds in the sample.
	CreatedAt events.Time `json:"created_at"`
}
