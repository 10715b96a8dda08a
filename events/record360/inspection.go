package record360

import "github.com/inspecthook/inspecthook/events"

// Inspection is the payload of InspectionCreated: the data object of a v3 "inspection.created"
// event, an inspection as Record360's Integration API v3 describes it.
type Inspection struct {
	// Object is "inspection".
	Object string `json:"object"`

	// ID is the inspection's id, a string in the sample ("430").
	ID events.ID `json:"id"`

	// Type is the inspection's type, "open" in the sample.
	Type string `json:"type"`

	Unit Unit `json:"unit"`

	// DamagePresent reports whether the inspector recorded damage.
	DamagePresent bool `json:"damage_present"`

	// DashboardURL links to the inspection in the Record360 dashboard.
	DashboardURL string `json:"dashboard_url"`

	User       User       `json:"user"`
	Location   Location   `json:"location"`
	Region     Region     `json:"region"`
	Department Department `json:"department"`

	// Results holds the inspection's checklists, forms and waivers, each a Result whose Object
	// says which of its fields is set.
	Results []Result `json:"results"`

	Photos     []Media `json:"photos"`
	Videos     []Media `json:"videos"`
	Signatures []Media `json:"signatures"`

	// CreatedAt and UpdatedAt are RFC 3339 with milliseconds in the sample; the event's own
	// created_at (Envelope.Time) uses Record360's "2024-10-09-19:00:00Z" style.
	CreatedAt events.Time `json:"created_at"`
	UpdatedAt events.Time `json:"updated_at"`
}

// dataObject returns the "object" member, which a v3 envelope requires of its data.
func (i *Inspection) dataObject() string { return i.Object }
