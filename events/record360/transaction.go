package record360

import (
	"encoding/json"

	"github.com/inspecthook/inspecthook/events"
)

// Transaction is the payload of V1TransactionCreated: a v1 "transaction", the v1 name of an
// inspection.
type Transaction struct {
	// ID is the transaction's id, a string in the sample ("40849").
	ID events.ID `json:"id"`

	// CheckIn reports whether the inspection checks the unit in (true) or out (false).
	CheckIn bool `json:"check_in"`

	// Draft reports whether the inspection was saved as a draft.
	Draft bool `json:"draft"`

	// Damage reports whether the inspector recorded damage.
	Damage bool `json:"damage"`

	// GeoCoord is where the inspection was made, as [longitude, latitude] (GeoJSON order:
	// [-122.406417, 37.785834] is San Francisco). Empty when not recorded.
	GeoCoord []float64 `json:"geo_coord"`

	// EmailSentTo lists the addresses the inspection report was e-mailed to.
	EmailSentTo []string `json:"email_sent_to"`

	CreatedAt events.Time `json:"created_at"`

	// WorkflowModules lists the codes of the workflow's modules, such as "LB1" or "PF1".
	WorkflowModules []string `json:"workflow_modules"`

	// ArchiveStatus is "active" in the sample.
	ArchiveStatus string `json:"archive_status"`

	// WorkflowID and GroupID are strings in the sample ("6146", "17735").
	WorkflowID events.ID `json:"workflow_id"`
	GroupID    events.ID `json:"group_id"`

	// ViewURL links to the inspection in the Record360 dashboard.
	ViewURL string `json:"view_url"`

	// Notations holds the inspection's notes: section name, then field label, then the answer.
	// The answers are strings in the sample; they are Values so that any scalar decodes.
	Notations map[string]map[string]events.Value `json:"notations"`

	Asset    Asset    `json:"asset"`
	User     User     `json:"user"`
	Location Location `json:"location"`

	Photos     []Media `json:"photos"`
	Videos     []Media `json:"videos"`
	Signatures []Media `json:"signatures"`

	// IdentDocs and Files are empty in the samples, so their elements' shape is not known: each
	// element is kept as raw JSON.
	IdentDocs []json.RawMessage `json:"ident_docs"`

	Forms []Form `json:"forms"`

	Files []json.RawMessage `json:"files"`
}

// Form is a form filled in during a v1 transaction.
type Form struct {
	ID            events.ID    `json:"id"`
	TransactionID events.ID    `json:"transaction_id"`
	FormTemplate  FormTemplate `json:"form_template"`
	CreatedAt     events.Time  `json:"created_at"`

	// Values maps each form field's name to its answer. Answers are booleans, strings or numbers
	// (a scalar Value) or arrays for multiple choice (a Value of Kind events.Other holding the
	// array's JSON text, such as "[]").
	Values map[string]events.Value `json:"values"`
}

// FormTemplate identifies the template a Form was filled from.
type FormTemplate struct {
	ID events.ID `json:"id"`
}
