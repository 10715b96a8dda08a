package safetyculture

import (
	"encoding/json"

	"github.com/inspecthook/inspecthook/events"
)

// InspectionEvent is the payload of every inspection event, in both formats: the delivery's common
// fields and its data.
//
// The legacy 1.0.0 format fills Data.Audit and Data.Template, and leaves Resource nil. The newer
// format fills Resource (type "INSPECTION") and Data.Details, and puts what changed in
// Data.Change or in other fields of the data that vary by event (kept in Data.Raw). Use
// InspectionID to read the inspection's id in either format.
type InspectionEvent struct {
	Common

	// Data is the delivery's data object.
	Data InspectionData `json:"data"`
}

// InspectionID returns the id of the inspection the event is about: the resource id in the
// newer format, the audit id in the legacy one, else the id in the newer details block.
func (e *InspectionEvent) InspectionID() events.ID {
	switch {
	case e.Resource != nil && e.Resource.ID != "":
		return e.Resource.ID
	case e.Data.Audit != nil && e.Data.Audit.AuditID != "":
		return e.Data.Audit.AuditID
	case e.Data.Details != nil:
		return e.Data.Details.InspectionID
	}
	return ""
}

// InspectionData is the data object of an inspection event. Its shape depends on the format and,
// in the newer format, on the event; Raw always holds it as sent.
type InspectionData struct {
	// Audit is the legacy format's snapshot of the inspection (SafetyCulture's API calls
	// inspections audits); nil in the newer format.
	Audit *Audit `json:"audit"`

	// Template is the legacy format's reference to the inspection's template; nil in the newer
	// format.
	Template *Template `json:"template"`

	// Details is the newer format's summary of the inspection; nil in the legacy format.
	Details *InspectionDetails `json:"details"`

	// Change is the newer format's "event" object inside data, naming what happened, such as
	// {"inspection_has_started": {}}; its shape varies by event. Some events put what changed in
	// another field instead ("inspection_site_set" for a site item): read Raw for those.
	Change json.RawMessage `json:"event"`

	// Raw is the data object exactly as sent, in both formats; nil when the body has no data. Decode
	// fills it; decoding the payload type by itself (encoding/json, events.Unmarshal) leaves it
	// nil.
	Raw json.RawMessage `json:"-"`
}

// Audit is an inspection as the legacy format sends it: a subset of the inspection and its
// template.
//
// Its one rule is its id (validate:"required"); its other fields are tagged validate:"-", for
// validation to check the id without visiting the whole inspection.
type Audit struct {
	// AuditID is the inspection's id, such as "audit_7e9ee886325a4fb096989c3e2896e876". Ids are
	// opaque and kept as sent, case included: older audits have upper-case hex ids
	// ("audit_50BA..."), newer ones lower-case; compare them exactly.
	AuditID events.ID `json:"audit_id" validate:"required"`

	// TemplateID is the id of the template the inspection was started from.
	TemplateID events.ID `json:"template_id" validate:"-"`

	// Archived reports whether the inspection is archived.
	Archived bool `json:"archived" validate:"-"`

	// CreatedAt is when the inspection was first synced to or created on SafetyCulture,
	// ModifiedAt when it was last synced or modified.
	CreatedAt  events.Time `json:"created_at" validate:"-"`
	ModifiedAt events.Time `json:"modified_at" validate:"-"`

	// AuditData is general information about the inspection: scores, dates, authorship.
	AuditData AuditData `json:"audit_data" validate:"-"`

	// TemplateData is information about the template.
	TemplateData TemplateData `json:"template_data" validate:"-"`

	// HeaderItems are the items of the inspection's title page; a section lists its items' ids
	// in Children, and each item names its section in ParentID.
	HeaderItems []Item `json:"header_items" validate:"-"`

	// Items are the items after the title page. SafetyCulture's API sends them; the webhook
	// reference's sample does not, so they may be missing.
	Items []Item `json:"items" validate:"-"`
}

// AuditData is the general information of a legacy inspection.
type AuditData struct {
	// Name is the inspection's title; empty while it has none.
	Name string `json:"name"`

	// Score and TotalScore are numbers here (0 in the sample). The newer format's score, in
	// InspectionDetails, is an object: they are Values so that any JSON decodes.
	Score      events.Value `json:"score"`
	TotalScore events.Value `json:"total_score"`

	// ScorePercentage is Score over TotalScore, 0 to 100, when SafetyCulture sends it. It is
	// optional: legacy audits (and the webhook reference's sample) may lack it, which leaves it
	// the null Value (IsNull reports true), and no rule requires it.
	ScorePercentage events.Value `json:"score_percentage"`

	// Duration is the time spent on the inspection, in seconds (a number, possibly fractional).
	Duration events.Value `json:"duration"`

	// Authorship says who created and who last changed the inspection.
	Authorship Authorship `json:"authorship"`

	// DateStarted, DateModified and DateCompleted are when the inspection was started, last
	// modified and completed. DateCompleted is null (zero) until the inspection is completed.
	DateStarted   events.Time `json:"date_started"`
	DateModified  events.Time `json:"date_modified"`
	DateCompleted events.Time `json:"date_completed"`

	// Site is the site chosen for the inspection; nil when none was chosen.
	Site *Site `json:"site"`

	// Location is the device's GPS position where the inspection was started and completed, as
	// SafetyCulture's API describes it ({"started": {...}, "completed": {...}}); kept raw.
	Location json.RawMessage `json:"location"`
}

// Authorship says who created and who last changed an inspection or a template. Every field is
// optional: legacy audits may lack owner_id and author_id, which leaves them empty, and no rule
// requires them.
type Authorship struct {
	// DeviceID is the id of the device the inspection was created on. It is a user id in the
	// webhook sample's audit ("user_bb5b...") and a UUID in its template: an opaque id.
	DeviceID events.ID `json:"device_id"`

	// Owner and OwnerID name the inspection's owner, its creator unless ownership was moved.
	// OwnerID is empty when the audit has no owner_id, as some legacy audits have not.
	Owner   string    `json:"owner"`
	OwnerID events.ID `json:"owner_id"`

	// Author and AuthorID name the last person to change it. AuthorID is empty when the audit
	// has no author_id, as some legacy audits have not.
	Author   string    `json:"author"`
	AuthorID events.ID `json:"author_id"`
}

// TemplateData is what the legacy format says of an inspection's template.
type TemplateData struct {
	Authorship Authorship       `json:"authorship"`
	Metadata   TemplateMetadata `json:"metadata"`
}

// TemplateMetadata is a template's name and description.
type TemplateMetadata struct {
	Name        string `json:"name"`
	Description string `json:"description"`

	// Image is the template's image: a media id string in SafetyCulture's API reference, an
	// object ({"media_id", "href"}) in other deliveries; kept raw.
	Image json.RawMessage `json:"image"`
}

// Item is one item of an inspection: a section, a question, a text field...
type Item struct {
	// ItemID is the item's id, a UUID.
	ItemID events.ID `json:"item_id"`

	// ParentID is the id of the section the item belongs to; empty for a top-level section.
	ParentID events.ID `json:"parent_id"`

	// Label is the item's label as the template's author wrote it, in any language.
	Label string `json:"label"`

	// Type is the item's kind, such as "section", "text", "textsingle", "question" or "list".
	Type string `json:"type"`

	// Children lists the ids of a section's items.
	Children []events.ID `json:"children"`

	// Responses is the answer, by field: "text" for text items ({"text": "000027"}),
	// "selected" for lists, "datetime" for dates... Each value is kept exactly, whatever its
	// JSON type; nil when the item is unanswered.
	Responses map[string]events.Value `json:"responses"`

	// Options holds the item's settings; kept raw.
	Options json.RawMessage `json:"options"`
}

// Site is the site an inspection was made at. Sites belong to an area, areas to a region.
type Site struct {
	Name   string  `json:"name"`
	Area   *Area   `json:"area"`
	Region *Region `json:"region"`
}

// Area is the area a site belongs to.
type Area struct {
	Name string `json:"name"`
}

// Region is the region a site and its area belong to.
type Region struct {
	Name string `json:"name"`
}

// Template is the legacy format's reference to an inspection's template.
type Template struct {
	TemplateID events.ID `json:"template_id"`
	Name       string    `json:"name"`
}

// InspectionDetails is the newer format's summary of an inspection, in data.details.
type InspectionDetails struct {
	InspectionID events.ID `json:"inspection_id"`
	TemplateID   events.ID `json:"template_id"`
	OrgID        events.ID `json:"org_id"`

	// ModifyTime is when the inspection was last modified, with or without fractional seconds.
	ModifyTime events.Time `json:"modify_time"`

	// CanonicalStartTime is when the inspection was started.
	CanonicalStartTime events.Time `json:"canonical_start_time"`

	// Score is an object here ({} in the samples), where the legacy format's AuditData.Score is
	// a number; kept raw.
	Score json.RawMessage `json:"score"`
}
