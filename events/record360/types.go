package record360

import "github.com/inspecthook/inspecthook/events"

// The objects below appear inside inspections, tasks and transactions alike. Record360 sends
// their ids as JSON strings in some samples ("43") and as numbers in others (1234): events.ID
// reads both. An object that is absent or null decodes to its zero value.

// User is a Record360 user: the inspector of an inspection or transaction, the assignee or
// requester of a task, the author of a task's Activity. Record360 sends users in two shapes:
// {id, username} (with first_name and last_name in v1 transactions), and {id, email, name} in
// the API shape of a task. The fields of the shape that did not arrive stay empty.
type User struct {
	// ID is a string in the v3 inspection sample ("120") and a number in the v3 task sample (89).
	ID events.ID `json:"id"`

	// Username is the user's login, an e-mail address in every sample. The API shape of a task
	// sends Email instead.
	Username string `json:"username"`

	// FirstName and LastName appear in v1 transactions only.
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`

	// Email and Name (the full name, such as "Ahmad Mosciski") appear in the API shape of a
	// task only: its assignee, requester and activities' users.
	Email string `json:"email,omitempty"`
	Name  string `json:"name,omitempty"`
}

// Unit is the inspected equipment or vehicle.
type Unit struct {
	// ID is a string in the v3 inspection sample ("43") and a number in the v3 task sample (1234).
	ID events.ID `json:"id"`

	// ReferenceNumber is the customer's reference for the unit: a VIN ("WMWRF33519TW73378") or
	// a fleet number ("89N5J6").
	ReferenceNumber string `json:"reference_number"`
}

// Location is the branch or site an inspection was made at.
type Location struct {
	ID   events.ID `json:"id"`
	Name string    `json:"name"`
}

// Region groups locations, such as "Mountain West".
type Region struct {
	ID   events.ID `json:"id"`
	Name string    `json:"name"`
}

// Department is the part of the business an inspection or task belongs to, such as "Rental" or
// "Service". Its id is numeric-looking in one sample ("1") and not in another ("abc1234").
type Department struct {
	ID   events.ID `json:"id"`
	Name string    `json:"name"`
}

// Workflow is the inspection workflow a task asks for, such as "PM Inspection". Its id is not
// numeric in the sample ("12345abc").
type Workflow struct {
	ID   events.ID `json:"id"`
	Name string    `json:"name"`
}

// Asset is the v1 name of the inspected unit: in a Transaction, and in a Task of the API
// shape.
type Asset struct {
	ID events.ID `json:"id"`

	// ExternalID is the asset's id in the customer's own system.
	ExternalID string `json:"external_id"`
}

// Media is one photo, video or signature: a URL to the file.
type Media struct {
	URL string `json:"url"`

	// InstructionID names the photo instruction the picture answers. Despite its name it holds
	// the instruction's text in the samples ("Take photo of front of unit"), and it is null
	// (empty here) for a free-form photo. Videos and signatures do not carry it.
	InstructionID events.ID `json:"instruction_id,omitempty"`
}
