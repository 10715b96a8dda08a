package record360

import "github.com/inspecthook/inspecthook/events"

// Task is the payload of TaskCompleted (v3 "task.completed") and of the v1 task events
// V1TaskComplete and V1TaskCompleted.
//
// Record360's documentation shows only a v3 task; it names the v1 task object without showing
// it. This package assumes the v1 task carries the same fields as the v3 one, without "object",
// and decodes both into Task: fields the v1 object lacks stay zero, fields it adds are ignored.
type Task struct {
	// Object is "task" in v3 and empty in v1.
	Object string `json:"object,omitempty"`

	// ID is the task's id: a number in the sample (397691), a string elsewhere.
	ID events.ID `json:"id"`

	// Type is what the task asks for, such as "inspection".
	Type string `json:"type"`

	// Status is the task's state, "completed" in the sample.
	Status string `json:"status"`

	Name string `json:"name"`

	// Description is null in the sample (empty here).
	Description string `json:"description"`

	// Priority is the JSON boolean false in the sample, a surprising type for a priority: it is
	// kept as a Value so that a string or number level decodes too. Read it with Priority.Bool().
	Priority events.Value `json:"priority"`

	// DueBy is when the task is due.
	DueBy events.Time `json:"due_by"`

	// Assignee is the user the task is assigned to; their id is a number in the sample (89).
	Assignee User `json:"assignee"`

	// Unit is the unit to inspect; its id is a number in the sample (1234).
	Unit Unit `json:"unit"`

	Workflow   Workflow   `json:"workflow"`
	Department Department `json:"department"`

	// CompletedAt is in Record360's "2025-10-09-19:00:00Z" style in the sample, CreatedAt and
	// UpdatedAt in RFC 3339 with milliseconds.
	CompletedAt events.Time `json:"completed_at"`
	CreatedAt   events.Time `json:"created_at"`
	UpdatedAt   events.Time `json:"updated_at"`
}

// dataObject returns the "object" member, which a v3 envelope requires of its data.
func (t *Task) dataObject() string { return t.Object }
