package safetyculture

import (
	"encoding/json"

	"github.com/inspecthook/inspecthook/events"
)

// ActionEvent is the payload of every action event. Actions arrive in the newer format only:
// Resource is the action (type "TASK" expected) and Data the action's state.
type ActionEvent struct {
	Common

	// Data is the delivery's data object, read as an action.
	Data Action `json:"data"`
}

// Action is the data of an action event: the action after the change.
//
// SafetyCulture's webhook reference names the action events without showing their data. The
// fields here are those of the action object as SafetyCulture's public integrations receive it;
// every one may be missing, and Raw keeps the object exactly as sent.
type Action struct {
	// ActionID is the action's id, a UUID.
	ActionID events.ID `json:"action_id"`

	Title       string `json:"title"`
	Description string `json:"description"`

	// Creator is the user who created the action.
	Creator *User `json:"creator"`

	// CreatedAt, ModifiedAt, DueAt and CompletedAt are RFC 3339 with milliseconds; CompletedAt
	// is null (zero) until the action is completed, DueAt when it has no due date.
	CreatedAt   events.Time `json:"created_at"`
	ModifiedAt  events.Time `json:"modified_at"`
	DueAt       events.Time `json:"due_at"`
	CompletedAt events.Time `json:"completed_at"`

	// PriorityID and StatusID are the ids of the action's priority and status; Status also
	// carries the status's label, such as "To Do".
	PriorityID events.ID     `json:"priority_id"`
	StatusID   events.ID     `json:"status_id"`
	Status     *ActionStatus `json:"status"`

	// Collaborators are the action's assignees and other collaborators.
	Collaborators []Collaborator `json:"collaborators"`

	// Site is the action's site, null when it has none; its shape is not documented, so it is
	// kept raw.
	Site json.RawMessage `json:"site"`

	// Reference links the action to what it was raised from (an inspection, an item...), null
	// when nothing; kept raw.
	Reference json.RawMessage `json:"reference"`

	// Raw is the data object exactly as sent; nil when the body has no data. Decode
	// fills it; decoding the payload type by itself (encoding/json, events.Unmarshal) leaves it
	// nil.
	Raw json.RawMessage `json:"-"`
}

// ActionStatus is an action's status.
type ActionStatus struct {
	StatusID events.ID `json:"status_id"`

	// Label is the status's name, such as "To Do", "In Progress" or "Complete".
	Label string `json:"label"`
}

// Collaborator is one person (or group) working on an action.
type Collaborator struct {
	// AssignedRole is the collaborator's role, such as "COLLABORATOR_ROLE_ASSIGNEE".
	AssignedRole string `json:"assigned_role"`

	// CollaboratorType is "COLLABORATOR_TYPE_USER" for a user, who is then in User.
	CollaboratorType string `json:"collaborator_type"`

	User *User `json:"user"`
}

// User is a SafetyCulture user as actions name them.
type User struct {
	ID        events.ID `json:"id"`
	Firstname string    `json:"firstname"`
	Lastname  string    `json:"lastname"`
}
