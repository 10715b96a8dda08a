package safetyculture_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

const (
	seedAudit    = "audit_7e9ee886325a4fb096989c3e2896e876"
	seedTemplate = "template_ca59d625954f4d51baf394400d6e3z87"
	seedUser     = "user_bb5b6ba050bf43c1b447b6f299de4b67"
	refAudit     = "audit_047ef3d184014ce7a04bc65701b51234"
	refOrg       = "53465cd9-8933-4518-9b7e-c7a71b3b1234"
	actionID     = "d6658a5a-6154-4802-b1f3-953a67e492c6"
	incidentID   = "3f1c9b0e-7a2d-4c8e-b5f6-0d9e8c7b6a54"
	scOrg        = "fac4e871-cc83-403e-b1d7-007b5809f8e7"
	category     = safetyculture.CategoryInspection
	metadata     = safetyculture.CategoryInspectionMetadata
	trigger      = "TRIGGER_EVENT_"

	// upperAudit and upperTemplate are the ids of an older audit, upper-case hex as older audits
	// carry them; lowerAudit is upperAudit in lower case, which is another id.
	upperAudit    = "audit_50BA6B1C3E2D4F5A8B9C0D1E2F3A4B5C"
	upperTemplate = "template_9D1E4C2B7A6F4E3D8C5B0A9F1E2D3C4B"
	lowerAudit    = "audit_50ba6b1c3e2d4f5a8b9c0d1e2f3a4b5c"
)

// decodeFile decodes one fixture of the corpus by its file name, which must decode with no error.
func decodeFile(t *testing.T, file string) (*events.Envelope, []byte) {
	t.Helper()
	b, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(safetyculture.Name, file))
	require.NoError(t, err)
	env, err := safetyculture.Provider().Decode(b)
	require.NoError(t, err)
	require.NotNil(t, env)
	return env, b
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func inspection(t *testing.T, env *events.Envelope) *safetyculture.InspectionEvent {
	t.Helper()
	ev, ok := env.Payload.(*safetyculture.InspectionEvent)
	require.True(t, ok, "payload is %T", env.Payload)
	return ev
}

func action(t *testing.T, env *events.Envelope) *safetyculture.ActionEvent {
	t.Helper()
	ev, ok := env.Payload.(*safetyculture.ActionEvent)
	require.True(t, ok, "payload is %T", env.Payload)
	return ev
}

func TestGoldenLegacyInspectionStarted(t *testing.T) {
	env, _ := decodeFile(t, "legacy_inspection_started.json")
	assert.Equal(t, safetyculture.Name, env.Provider)
	assert.Equal(t, safetyculture.VersionLegacy, env.Version)
	assert.Empty(t, env.ID)
	assert.Equal(t, trigger+"INSPECTION_STARTED", env.Type)
	assert.Equal(t, []string{trigger + "INSPECTION_STARTED"}, env.Types)
	assert.Equal(t, "2017-06-29T05:15:19.136Z", env.Time.Raw)
	assert.Equal(t, utc("2017-06-29T05:15:19.136Z"), env.Time.Time)
	assert.Equal(t, events.DerivedKey(safetyculture.Name, "1.0.0", seedAudit, "", trigger+"INSPECTION_STARTED",
		"2017-06-29T05:15:19.136Z", ""), env.IdempotencyKey)

	ev, ok := safetyculture.InspectionStarted.Payload(env)
	require.True(t, ok)
	assert.Equal(t, "1.0.0", ev.Version)
	assert.Equal(t, events.ID("workflow_8abb7bff902a43a5b3bd498f4bebb42j"), ev.WorkflowID)
	assert.Empty(t, ev.WebhookID)
	assert.Nil(t, ev.Resource)
	assert.Equal(t, []string{"audit_started"}, ev.Event.EventTypes, "the list as sent")
	assert.Equal(t, safetyculture.TriggeredBy{Type: "user", User: seedUser, Name: "John Smith"}, ev.Event.TriggeredBy)
	assert.Equal(t, events.ID(seedAudit), ev.InspectionID())

	a := ev.Data.Audit
	require.NotNil(t, a)
	assert.Equal(t, events.ID(seedAudit), a.AuditID)
	assert.Equal(t, events.ID(seedTemplate), a.TemplateID)
	assert.False(t, a.Archived)
	assert.Equal(t, "2017-06-29T05:15:18.511Z", a.CreatedAt.Raw)
	assert.Equal(t, utc("2017-06-29T05:15:18.511Z"), a.ModifiedAt.Time)

	d := a.AuditData
	assert.Equal(t, events.NumberValue("0"), d.Score)
	assert.Equal(t, events.NumberValue("0"), d.TotalScore)
	assert.True(t, d.ScorePercentage.IsNull(), "absent from the sample")
	assert.Equal(t, events.NumberValue("0"), d.Duration)
	assert.Empty(t, d.Name)
	assert.Equal(t, safetyculture.Authorship{DeviceID: seedUser, Owner: "John Smith", OwnerID: seedUser,
		Author: "John Smith", AuthorID: seedUser}, d.Authorship)
	assert.False(t, d.DateCompleted.Valid(), "null until completed")
	assert.Empty(t, d.DateCompleted.Raw)
	assert.Equal(t, "2017-06-29T05:15:18.509Z", d.DateModified.Raw)
	assert.Equal(t, utc("2017-06-29T05:15:18.509Z"), d.DateStarted.Time)
	assert.Nil(t, d.Site)

	assert.Equal(t, events.ID("8a582619-95e9-43e8-b671-6h765745b200"), a.TemplateData.Authorship.DeviceID)
	assert.Equal(t, "test", a.TemplateData.Metadata.Name)
	assert.Empty(t, a.TemplateData.Metadata.Description)

	require.Len(t, a.HeaderItems, 3)
	title := a.HeaderItems[0]
	assert.Equal(t, events.ID("f3245d39-ea77-11e1-aff1-0800200c9a78"), title.ItemID)
	assert.Empty(t, title.ParentID)
	assert.Equal(t, "Title Page", title.Label)
	assert.Equal(t, "section", title.Type)
	require.Len(t, title.Children, 7)
	assert.Equal(t, events.ID("f3245d46-ea77-11e1-aff1-0800200c9a66"), title.Children[0])
	assert.Equal(t, events.ID("f3245d45-ea77-11e1-aff1-0800200c9a66"), title.Children[6])
	doc := a.HeaderItems[1]
	assert.Equal(t, events.ID("f3245d39-ea77-11e1-aff1-0800200c9a66"), doc.ParentID)
	assert.Equal(t, "Document No.", doc.Label)
	assert.Equal(t, "textsingle", doc.Type)
	assert.Equal(t, map[string]events.Value{"text": events.StringValue("000027")}, doc.Responses)
	assert.Equal(t, "Personnel", a.HeaderItems[2].Label)
	assert.Nil(t, a.HeaderItems[2].Responses, "unanswered")
	assert.Empty(t, a.Items)

	require.NotNil(t, ev.Data.Template)
	assert.Equal(t, safetyculture.Template{TemplateID: seedTemplate, Name: "test"}, *ev.Data.Template)
	assert.Nil(t, ev.Data.Details)
	assert.Nil(t, ev.Data.Change)
	assert.True(t, json.Valid(ev.Data.Raw))
	assert.Contains(t, string(ev.Data.Raw), `"audit_id": "`+seedAudit+`"`)
}

func TestGoldenLegacyInspections(t *testing.T) {
	tests := []struct {
		file, typ, sent, triggered string
		check                      func(t *testing.T, a *safetyculture.Audit)
	}{
		{"legacy_inspection_updated.json", "INSPECTION_UPDATED", "audit_updated", "2017-06-29T05:21:03.412Z",
			func(t *testing.T, a *safetyculture.Audit) {
				d := a.AuditData
				assert.Equal(t, events.NumberValue("3"), d.Score)
				assert.Equal(t, events.NumberValue("5"), d.TotalScore)
				assert.Equal(t, events.NumberValue("344"), d.Duration)
				assert.Equal(t, "000027 / 29 Jun 2017 / John Smith", d.Name)
				assert.False(t, d.DateCompleted.Valid())
				assert.Equal(t, "John Smith, Priya Raman", a.HeaderItems[2].Responses["text"].Text)
				assert.Equal(t, "2017-06-29T05:21:02.870Z", a.ModifiedAt.Raw)
			}},
		{"legacy_inspection_completed.json", "INSPECTION_COMPLETED", "audit_completed", "2017-06-29T05:32:41.007Z",
			func(t *testing.T, a *safetyculture.Audit) {
				d := a.AuditData
				assert.Equal(t, events.NumberValue("4"), d.Score)
				assert.Equal(t, events.NumberValue("80"), d.ScorePercentage)
				f, ok := d.Duration.Float()
				assert.True(t, ok)
				assert.InDelta(t, 1021.5, f, 1e-9)
				assert.Equal(t, utc("2017-06-29T05:32:40.101Z"), d.DateCompleted.Time)
				require.NotNil(t, d.Site)
				assert.Equal(t, "Sydney", d.Site.Name)
				assert.Equal(t, &safetyculture.Area{Name: "NSW"}, d.Site.Area)
				assert.Equal(t, &safetyculture.Region{Name: "AU"}, d.Site.Region)
				require.Len(t, a.Items, 1)
				q := a.Items[0]
				assert.Equal(t, "Fire extinguishers tagged and in date?", q.Label)
				assert.Equal(t, "question", q.Type)
				assert.Equal(t, events.Other, q.Responses["selected"].Kind)
				assert.JSONEq(t, `[{"id": "8bcfbf00-e11b-11e1-9b23-0800200c9a66", "label": "Yes"}]`, q.Responses["selected"].Text)
				assert.False(t, a.Archived)
			}},
		{"legacy_inspection_archived.json", "INSPECTION_ARCHIVED", "audit_archived", "2017-07-03T22:10:05.931Z",
			func(t *testing.T, a *safetyculture.Audit) {
				assert.True(t, a.Archived)
				assert.Equal(t, "2017-07-03T22:10:05.550Z", a.ModifiedAt.Raw)
				assert.True(t, a.AuditData.DateCompleted.Valid())
			}},
		{"legacy_inspection_unarchived.json", "INSPECTION_UNARCHIVED", "audit_unarchived", "2017-07-04T01:44:19.377Z",
			func(t *testing.T, a *safetyculture.Audit) {
				assert.False(t, a.Archived)
				assert.Equal(t, utc("2017-07-04T01:44:19.003Z"), a.ModifiedAt.Time)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, _ := decodeFile(t, tt.file)
			assert.Equal(t, safetyculture.VersionLegacy, env.Version)
			assert.Equal(t, trigger+tt.typ, env.Type)
			assert.Equal(t, []string{trigger + tt.typ}, env.Types)
			assert.Equal(t, tt.triggered, env.Time.Raw)
			assert.Equal(t, utc(tt.triggered), env.Time.Time)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "1.0.0", seedAudit, "", trigger+tt.typ, tt.triggered, ""),
				env.IdempotencyKey)
			ev := inspection(t, env)
			assert.Equal(t, []string{tt.sent}, ev.Event.EventTypes)
			assert.Equal(t, "John Smith", ev.Event.TriggeredBy.Name)
			require.NotNil(t, ev.Data.Audit)
			assert.Equal(t, events.ID(seedAudit), ev.Data.Audit.AuditID)
			assert.Equal(t, "test", ev.Data.Template.Name)
			tt.check(t, ev.Data.Audit)
		})
	}
}

func TestGoldenInspectionHasStarted(t *testing.T) {
	env, _ := decodeFile(t, "newer_inspection_has_started.json")
	assert.Equal(t, safetyculture.VersionNewer, env.Version)
	assert.Equal(t, trigger+"INSPECTION_HAS_STARTED", env.Type)
	assert.Equal(t, []string{category, metadata, trigger + "INSPECTION_HAS_STARTED"}, env.Types)
	assert.True(t, env.Is(category))
	assert.Equal(t, utc("2023-07-11T23:04:24Z"), env.Time.Time)
	assert.Empty(t, env.ID, "webhook_id is not an event id")
	assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", refAudit, "",
		category+","+trigger+"INSPECTION_HAS_STARTED,"+metadata, // sorted
		"2023-07-11T23:04:24Z", "2022-05-10T05:24:56Z"),
		env.IdempotencyKey)

	ev, ok := safetyculture.InspectionHasStarted.Payload(env)
	require.True(t, ok)
	_, ok = safetyculture.InspectionStarted.Payload(env)
	assert.False(t, ok, "HAS_STARTED is not STARTED")
	assert.Equal(t, "3.0.0", ev.Version)
	assert.Equal(t, events.ID("5378baaa-a470-48cc-8f11-ae2893551234"), ev.WebhookID)
	assert.Empty(t, ev.WorkflowID)
	assert.Equal(t, &safetyculture.Resource{ID: refAudit, Type: "INSPECTION"}, ev.Resource)
	assert.Equal(t, safetyculture.TriggeredBy{User: "user_b0bc1fcbef1a4ecf9f9b3d2dbddb1234", Organization: refOrg},
		ev.Event.TriggeredBy)
	assert.Equal(t, events.ID(refAudit), ev.InspectionID())
	assert.Nil(t, ev.Data.Audit)
	assert.Nil(t, ev.Data.Template)
	require.NotNil(t, ev.Data.Details)
	det := ev.Data.Details
	assert.Equal(t, events.ID(refAudit), det.InspectionID)
	assert.Equal(t, events.ID("template_5ac67d8738af471f9ad861232d8e1234"), det.TemplateID)
	assert.Equal(t, events.ID(refOrg), det.OrgID)
	assert.Equal(t, "2022-05-10T05:24:56Z", det.ModifyTime.Raw)
	assert.Equal(t, utc("2022-05-10T05:24:56Z"), det.CanonicalStartTime.Time)
	assert.JSONEq(t, `{}`, string(det.Score), "an object here, a number in the legacy format")
	assert.JSONEq(t, `{"inspection_has_started": {}}`, string(ev.Data.Change))
	assert.True(t, json.Valid(ev.Data.Raw))
}

func TestGoldenInspectionItemUpdated(t *testing.T) {
	env, _ := decodeFile(t, "newer_inspection_item_updated.json")
	assert.Equal(t, trigger+"INSPECTION_ITEM_UPDATED", env.Type)
	assert.Equal(t, []string{category, trigger + "INSPECTION_ITEM_UPDATED", trigger + "INSPECTION_ITEM_SITE"}, env.Types)
	assert.True(t, env.Is(trigger+"INSPECTION_ITEM_SITE"))
	assert.False(t, env.Is(trigger+"INSPECTION_ITEM_QUESTION"))
	assert.Equal(t, "2024-05-22T04:11:15Z", env.Time.Raw)

	ev, ok := safetyculture.InspectionItemUpdated.Payload(env)
	require.True(t, ok)
	assert.Equal(t, events.ID("audit_b432cc30787c4606a08645552a24193a"), ev.InspectionID())
	assert.Equal(t, events.ID("1deba7cb-6354-4377-9c35-7ccb56180d4e"), ev.Event.TriggeredBy.Organization)
	require.NotNil(t, ev.Data.Details)
	assert.Equal(t, utc("2024-05-22T04:11:15.618Z"), ev.Data.Details.ModifyTime.Time)
	assert.Equal(t, "2024-05-22T04:11:08.838Z", ev.Data.Details.CanonicalStartTime.Raw)
	assert.Nil(t, ev.Data.Change, "this event names its change in another field")
	var data struct {
		SiteSet struct {
			Site struct {
				FolderID string `json:"folder_id"`
			} `json:"site"`
		} `json:"inspection_site_set"`
	}
	require.NoError(t, json.Unmarshal(ev.Data.Raw, &data))
	assert.Equal(t, "c1293ede-04ca-4be5-bd90-bc6ea01360b6", data.SiteSet.Site.FolderID)
}

func TestGoldenNewerInspections(t *testing.T) {
	tests := []struct {
		file, typ, triggered, change, modify string
		categories                           []string
	}{
		{"newer_inspection_completed_status.json", "INSPECTION_COMPLETED_STATUS", "2023-07-12T01:37:09Z",
			"inspection_completed_status_set", "2023-07-12T01:37:08.412Z", []string{category, metadata}},
		{"newer_inspection_archived_status.json", "INSPECTION_ARCHIVED_STATUS", "2023-07-20T08:00:51Z",
			"inspection_archived_status_set", "2023-07-20T08:00:50.930Z", []string{category, metadata}},
		{"newer_inspection_deleted_status.json", "INSPECTION_DELETED_STATUS", "2023-08-02T10:15:00Z",
			"inspection_deleted_status_set", "2023-08-02T10:14:59.775Z", []string{category, metadata}},
		{"newer_inspection_owner.json", "INSPECTION_OWNER", "2023-07-12T03:02:44Z",
			"inspection_owner_set", "2023-07-12T03:02:44.120Z", []string{category, metadata}},
		{"newer_inspection_access.json", "INSPECTION_ACCESS", "2023-07-12T03:05:10Z",
			"inspection_access_set", "2023-07-12T03:05:10.002Z", []string{category, metadata}},
		{"newer_inspection_location.json", "INSPECTION_LOCATION", "2023-07-11T23:04:30Z",
			"inspection_location_set", "2023-07-11T23:04:29.501Z", []string{category, metadata}},
		{"newer_inspection_duration.json", "INSPECTION_DURATION", "2023-07-11T23:20:02Z",
			"inspection_duration_set", "2023-07-11T23:20:01.877Z", []string{category, metadata}},
		{"newer_inspection_cloned.json", "INSPECTION_CLONED", "2023-09-01T06:45:13Z",
			"inspection_cloned", "2023-09-01T06:45:12.660Z", []string{category}},
		{"newer_inspection_started.json", "INSPECTION_STARTED", "2023-07-11T23:04:24Z",
			"inspection_started", "2023-07-11T23:04:24.000Z", []string{category}},
		{"newer_inspection_updated.json", "INSPECTION_UPDATED", "2023-07-11T23:10:02Z",
			"inspection_updated", "2023-07-11T23:10:02.000Z", []string{category}},
		{"newer_inspection_completed.json", "INSPECTION_COMPLETED", "2023-07-12T01:37:09Z",
			"inspection_completed", "2023-07-12T01:37:09.000Z", []string{category}},
		{"newer_inspection_archived.json", "INSPECTION_ARCHIVED", "2023-07-20T08:00:51Z",
			"inspection_archived", "2023-07-20T08:00:51.000Z", []string{category}},
		{"newer_inspection_unarchived.json", "INSPECTION_UNARCHIVED", "2023-07-21T09:30:00Z",
			"inspection_unarchived", "2023-07-21T09:30:00.000Z", []string{category}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, _ := decodeFile(t, tt.file)
			assert.Equal(t, safetyculture.VersionNewer, env.Version)
			assert.Equal(t, trigger+tt.typ, env.Type)
			assert.Equal(t, append(tt.categories, trigger+tt.typ), env.Types)
			assert.Equal(t, utc(tt.triggered), env.Time.Time)
			ev := inspection(t, env)
			assert.Equal(t, "3.0.0", ev.Version)
			assert.Equal(t, &safetyculture.Resource{ID: refAudit, Type: "INSPECTION"}, ev.Resource)
			assert.Equal(t, events.ID(refAudit), ev.InspectionID())
			assert.Nil(t, ev.Data.Audit, "the newer format has no audit snapshot")
			require.NotNil(t, ev.Data.Details)
			assert.Equal(t, tt.modify, ev.Data.Details.ModifyTime.Raw)
			assert.Equal(t, utc(tt.modify), ev.Data.Details.ModifyTime.Time)
			var change map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(ev.Data.Change, &change))
			assert.Contains(t, change, tt.change)
		})
	}
}

func TestGoldenActions(t *testing.T) {
	tests := []struct {
		file, typ, triggered string
		check                func(t *testing.T, a *safetyculture.Action)
	}{
		{"newer_action_created.json", "ACTION_CREATED", "2024-06-03T01:12:45Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Equal(t, "Replace expired fire extinguisher in loading bay", a.Title)
			assert.Equal(t, "Tag on the extinguisher by door 3 expired in May.", a.Description)
			assert.Equal(t, &safetyculture.User{ID: "c3aa4fae-bbad-4abf-8550-29c683012796", Firstname: "Priya", Lastname: "Raman"}, a.Creator)
			assert.Equal(t, utc("2024-06-03T01:12:44.187Z"), a.CreatedAt.Time)
			assert.Equal(t, "2024-06-03T01:12:44.187Z", a.ModifiedAt.Raw)
			assert.Equal(t, utc("2024-06-10T07:00:00Z"), a.DueAt.Time)
			assert.False(t, a.CompletedAt.Valid())
			assert.Equal(t, events.ID("16ba4717-adc9-4d48-bf7c-044cfe0d2727"), a.PriorityID)
			assert.Equal(t, events.ID("17e793a1-26a3-4ecd-99ca-f38ecc6eaa2e"), a.StatusID)
			assert.Equal(t, &safetyculture.ActionStatus{StatusID: "17e793a1-26a3-4ecd-99ca-f38ecc6eaa2e", Label: "To Do"}, a.Status)
			require.Len(t, a.Collaborators, 1)
			assert.Equal(t, safetyculture.Collaborator{AssignedRole: "COLLABORATOR_ROLE_ASSIGNEE", CollaboratorType: "COLLABORATOR_TYPE_USER",
				User: &safetyculture.User{ID: "a81f0c2e-3b1d-4c55-9e0f-6d2b7a9c4e11", Firstname: "Tom", Lastname: "Nguyen"}}, a.Collaborators[0])
			assert.Equal(t, "null", string(a.Site))
			assert.Equal(t, "null", string(a.Reference))
		}},
		{"newer_action_title_updated.json", "ACTION_TITLE_UPDATED", "2024-06-03T01:20:11Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Equal(t, "Replace expired fire extinguishers (loading bay and dock 2)", a.Title)
			assert.Equal(t, "2024-06-03T01:20:10.552Z", a.ModifiedAt.Raw)
		}},
		{"newer_action_description_updated.json", "ACTION_DESCRIPTION_UPDATED", "2024-06-03T01:21:40Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Contains(t, a.Description, "Order two 4.5 kg CO2 units.")
		}},
		{"newer_action_date_due_updated.json", "ACTION_DATE_DUE_UPDATED", "2024-06-04T22:03:05Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Equal(t, utc("2024-06-07T07:00:00Z"), a.DueAt.Time)
		}},
		{"newer_action_status_updated.json", "ACTION_STATUS_UPDATED", "2024-06-06T05:47:31Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Equal(t, "Complete", a.Status.Label)
			assert.Equal(t, events.ID("7223d809-553e-4714-a038-62dc98f3fbf3"), a.StatusID)
			assert.Equal(t, utc("2024-06-06T05:47:30.417Z"), a.CompletedAt.Time)
		}},
		{"newer_action_priority_updated.json", "ACTION_PRIORITY_UPDATED", "2024-06-03T02:00:00Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Equal(t, events.ID("58941717-817f-4c7c-a6f6-5cd05e2bbfde"), a.PriorityID)
		}},
		{"newer_action_collaborators_updated.json", "ACTION_COLLABORATORS_UPDATED", "2024-06-03T02:15:27Z", func(t *testing.T, a *safetyculture.Action) {
			require.Len(t, a.Collaborators, 2)
			assert.Equal(t, "Aisha", a.Collaborators[1].User.Firstname)
		}},
		{"newer_action_site_updated.json", "ACTION_SITE_UPDATED", "2024-06-03T02:30:00Z", func(t *testing.T, a *safetyculture.Action) {
			assert.JSONEq(t, `{"id": "cb4c0d0a-49b4-4a58-8b4d-3b28f2dc2fa5", "name": "Sydney HQ"}`, string(a.Site))
		}},
		{"newer_action_deleted.json", "ACTION_DELETED", "2024-06-20T00:00:03Z", func(t *testing.T, a *safetyculture.Action) {
			assert.Equal(t, "2024-06-20T00:00:02.981Z", a.ModifiedAt.Raw)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, _ := decodeFile(t, tt.file)
			assert.Equal(t, safetyculture.VersionNewer, env.Version)
			assert.Equal(t, trigger+tt.typ, env.Type)
			assert.Equal(t, []string{trigger + tt.typ}, env.Types)
			assert.Equal(t, tt.triggered, env.Time.Raw)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", actionID, "", trigger+tt.typ, tt.triggered, ""),
				env.IdempotencyKey)
			ev := action(t, env)
			assert.Equal(t, &safetyculture.Resource{ID: actionID, Type: "TASK"}, ev.Resource)
			assert.Equal(t, events.ID(scOrg), ev.Event.TriggeredBy.Organization)
			assert.Equal(t, events.ID(actionID), ev.Data.ActionID)
			assert.True(t, json.Valid(ev.Data.Raw))
			tt.check(t, &ev.Data)
		})
	}
}

func TestGoldenIncidents(t *testing.T) {
	tests := []struct{ file, typ, triggered, field, want string }{
		{"newer_incident_created.json", "INCIDENT_CREATED", "2024-07-15T03:52:18Z", "title", `"Forklift near-miss at dock 2"`},
		{"newer_incident_title_updated.json", "INCIDENT_TITLE_UPDATED", "2024-07-15T04:01:09Z", "title", `"Forklift near-miss, dock 2 pedestrian lane"`},
		{"newer_incident_description_updated.json", "INCIDENT_DESCRIPTION_UPDATED", "2024-07-15T04:03:44Z", "description", `"Pedestrian stepped into the forklift lane; lane markings worn."`},
		{"newer_incident_date_due_updated.json", "INCIDENT_DATE_DUE_UPDATED", "2024-07-15T04:10:00Z", "due_at", `"2024-07-22T07:00:00Z"`},
		{"newer_incident_status_updated.json", "INCIDENT_STATUS_UPDATED", "2024-07-18T23:15:52Z", "status", `"STATUS_RESOLVED"`},
		{"newer_incident_priority_updated.json", "INCIDENT_PRIORITY_UPDATED", "2024-07-15T04:12:30Z", "priority", `"PRIORITY_HIGH"`},
		{"newer_incident_collaborators_updated.json", "INCIDENT_COLLABORATORS_UPDATED", "2024-07-15T04:20:05Z", "assignees", `[{"id": "a81f0c2e-3b1d-4c55-9e0f-6d2b7a9c4e11", "name": "Tom Nguyen"}]`},
		{"newer_incident_category_updated.json", "INCIDENT_CATEGORY_UPDATED", "2024-07-15T04:25:41Z", "category", `{"id": "e4d3c2b1-a09f-4e8d-8c7b-6a5f4e3d2c1b", "label": "Traffic management"}`},
		{"newer_incident_site_updated.json", "INCIDENT_SITE_UPDATED", "2024-07-15T04:30:00Z", "site", `{"id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "name": "Sydney Distribution Centre"}`},
		{"newer_incident_deleted.json", "INCIDENT_DELETED", "2024-08-01T00:00:12Z", "id", `"` + incidentID + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, _ := decodeFile(t, tt.file)
			assert.Equal(t, safetyculture.VersionNewer, env.Version)
			assert.Equal(t, trigger+tt.typ, env.Type)
			assert.Equal(t, utc(tt.triggered), env.Time.Time)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", incidentID, "", trigger+tt.typ, tt.triggered, ""),
				env.IdempotencyKey)
			ev, ok := env.Payload.(*safetyculture.IncidentEvent)
			require.True(t, ok, "payload is %T", env.Payload)
			assert.Equal(t, &safetyculture.Resource{ID: incidentID, Type: "INCIDENT"}, ev.Resource)
			assert.Equal(t, events.ID("9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a"), ev.WebhookID)
			var data map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			assert.JSONEq(t, tt.want, string(data[tt.field]))
		})
	}
}

func TestGoldenMediaUploaded(t *testing.T) {
	env, _ := decodeFile(t, "newer_media_uploaded.json")
	assert.Equal(t, safetyculture.VersionNewer, env.Version, "no version field means the newer format")
	assert.Equal(t, trigger+"MEDIA_UPLOADED", env.Type)
	assert.Equal(t, []string{trigger + "MEDIA_UPLOADED"}, env.Types)
	assert.Equal(t, utc("2022-05-10T05:24:56Z"), env.Time.Time)
	assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", "94924cfa-23c4-4211-917f-e00b822ee1b2",
		"37ceed41-9371-4851-995b-6869984a3e65", trigger+"MEDIA_UPLOADED", "2022-05-10T05:24:56Z", ""), env.IdempotencyKey)

	ev, ok := safetyculture.MediaUploaded.Payload(env)
	require.True(t, ok)
	assert.Empty(t, ev.Version, "as sent: absent")
	assert.Equal(t, events.ID("8475debb-a531-4fc6-b25f-eaeee6e75b82"), ev.WebhookID)
	assert.Equal(t, safetyculture.TriggeredBy{UserType: "user", User: "fd2a2355-da0f-499e-b7a6-4df5c4c89722", Organization: scOrg},
		ev.Event.TriggeredBy)
	assert.Equal(t, &safetyculture.Resource{ID: "94924cfa-23c4-4211-917f-e00b822ee1b2", Type: "TASK"}, ev.Resource)
	assert.Equal(t, events.ID("37ceed41-9371-4851-995b-6869984a3e65"), ev.Data.MediaID)
	assert.Equal(t, "IMAGE", ev.Data.MediaType)
	assert.Equal(t, "https://api-media-download.safetyculture.com/originals/3/7/c/e/37ceed41-9371-4851-995b-6869984a3e65?<signature>",
		ev.Data.MediaURL)
	assert.JSONEq(t, `{"media_id": "37ceed41-9371-4851-995b-6869984a3e65", "media_type": "IMAGE",
		"media_url": "https://api-media-download.safetyculture.com/originals/3/7/c/e/37ceed41-9371-4851-995b-6869984a3e65?<signature>"}`,
		string(ev.Data.Raw))
}

func TestGoldenVariants(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, env *events.Envelope, body []byte)
	}{
		{"variant_has_started_specific_first.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, trigger+"INSPECTION_HAS_STARTED", env.Type)
			assert.Equal(t, []string{trigger + "INSPECTION_HAS_STARTED", metadata, category}, env.Types)
			ref, _ := decodeFile(t, "newer_inspection_has_started.json")
			assert.Equal(t, ref.IdempotencyKey, env.IdempotencyKey, "the order of the types does not change the key")
		}},
		{"variant_item_updated_question_extra_fields.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.True(t, env.Is(trigger+"INSPECTION_ITEM_QUESTION"))
			assert.False(t, env.Is(trigger+"INSPECTION_ITEM_SITE"))
			assert.Equal(t, utc("2024-05-22T04:12:03.250Z"), env.Time.Time)
			ev := inspection(t, env)
			assert.Equal(t, "2024-05-22T04:12:03.201Z", ev.Data.Details.ModifyTime.Raw)
			assert.JSONEq(t, `{"score": 4, "max_score": 5}`, string(ev.Data.Details.Score))
			assert.Contains(t, string(ev.Data.Raw), "inspection_item_answered")
		}},
		{"variant_legacy_several_types.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, []string{trigger + "INSPECTION_UPDATED", trigger + "INSPECTION_COMPLETED"}, env.Types)
			upd, ok := safetyculture.InspectionUpdated.Payload(env)
			require.True(t, ok)
			cmp, ok := safetyculture.InspectionCompleted.Payload(env)
			require.True(t, ok, "a handler of the second type matches too")
			assert.Same(t, upd, cmp)
			assert.Equal(t, []string{"audit_updated", "audit_completed"}, upd.Event.EventTypes)
		}},
		{"variant_legacy_mixed_names.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, []string{trigger + "INSPECTION_COMPLETED"}, env.Types)
			assert.Equal(t, utc("2017-06-29T05:32:41Z"), env.Time.Time)
			assert.Equal(t, []string{"AUDIT_COMPLETED", "TRIGGER_EVENT_INSPECTION_COMPLETED", " audit_completed "},
				inspection(t, env).Event.EventTypes)
		}},
		{"variant_legacy_no_version.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, safetyculture.VersionLegacy, env.Version)
			ev := inspection(t, env)
			assert.Empty(t, ev.Version)
			assert.Equal(t, events.ID(seedAudit), ev.InspectionID())
		}},
		{"variant_legacy_nulls.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			ev := inspection(t, env)
			assert.Zero(t, ev.Event.TriggeredBy)
			assert.Nil(t, ev.Data.Template)
			a := ev.Data.Audit
			assert.False(t, a.Archived)
			assert.False(t, a.CreatedAt.Valid())
			assert.Zero(t, a.AuditData.Authorship)
			assert.True(t, a.AuditData.Score.IsNull())
			assert.False(t, a.AuditData.DateStarted.Valid())
			assert.Nil(t, a.AuditData.Site)
			assert.Zero(t, a.TemplateData)
			require.Len(t, a.HeaderItems, 1)
			assert.Empty(t, a.HeaderItems[0].Children)
			assert.Nil(t, a.HeaderItems[0].Responses)
			assert.Empty(t, a.HeaderItems[0].ParentID)
			assert.NotNil(t, a.Items)
			assert.Empty(t, a.Items)
		}},
		{"variant_legacy_numeric_ids_time_styles.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, "2017-06-29-05:15:19Z", env.Time.Raw)
			assert.Equal(t, utc("2017-06-29T05:15:19Z"), env.Time.Time)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "1.0.0", "90071992547409931", "",
				trigger+"INSPECTION_STARTED", "2017-06-29-05:15:19Z", ""), env.IdempotencyKey)
			ev := inspection(t, env)
			assert.Equal(t, events.ID("88213"), ev.WorkflowID)
			assert.Equal(t, events.ID("4402117"), ev.Event.TriggeredBy.User)
			a := ev.Data.Audit
			assert.Equal(t, events.ID("90071992547409931"), a.AuditID, "every digit kept")
			assert.Equal(t, events.ID("7781"), a.TemplateID)
			assert.Equal(t, events.ID("4402117"), a.AuditData.Authorship.OwnerID)
			assert.Equal(t, utc("2017-06-29T00:00:00Z"), a.CreatedAt.Time, "date only")
			assert.Equal(t, time.Unix(1498713318, 0).UTC(), a.ModifiedAt.Time, "Unix seconds")
			assert.Equal(t, "1498713318", a.ModifiedAt.Raw)
			assert.Equal(t, utc("2017-06-29T05:15:18Z"), a.AuditData.DateStarted.Time, "no zone")
			assert.True(t, utc("2017-06-29T05:15:18.509Z").Equal(a.AuditData.DateModified.Time), "space-separated")
			assert.False(t, a.AuditData.DateCompleted.Valid())
			assert.Equal(t, "not yet", a.AuditData.DateCompleted.Raw)
			assert.Equal(t, events.NumberValue("27"), a.HeaderItems[1].Responses["text"])
		}},
		{"variant_legacy_non_ascii.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			ev := inspection(t, env)
			assert.Equal(t, "José Núñez", ev.Event.TriggeredBy.Name)
			a := ev.Data.Audit
			assert.Equal(t, "Küchenhygiene – Filiale München", a.AuditData.Name)
			assert.Equal(t, "Küchenhygiene 厨房检查", a.TemplateData.Metadata.Name)
			assert.Equal(t, "Prüfliste für die tägliche Küchenkontrolle ✓", a.TemplateData.Metadata.Description)
			assert.Equal(t, "Dokument-Nr. №", a.HeaderItems[1].Label)
			assert.Equal(t, "Ä-000027 🔥", a.HeaderItems[1].Responses["text"].Text)
			assert.Equal(t, "担当者 (Personal)", a.HeaderItems[2].Label)
			assert.Equal(t, "Küchenhygiene 厨房检查", ev.Data.Template.Name)
		}},
		{"variant_media_numeric_ids_extra_fields.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			ev, ok := safetyculture.MediaUploaded.Payload(env)
			require.True(t, ok)
			assert.Equal(t, "3.0.0", ev.Version)
			assert.Equal(t, events.ID("7340012"), ev.Resource.ID)
			assert.Equal(t, events.ID("55012"), ev.Data.MediaID)
			assert.Contains(t, string(ev.Data.Raw), `"exif"`)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", "7340012", "55012",
				trigger+"MEDIA_UPLOADED", "2022-05-10T05:24:56Z", ""), env.IdempotencyKey)
		}},
		{"variant_action_several_types.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, []string{trigger + "ACTION_UPDATED", trigger + "ACTION_STATUS_UPDATED", trigger + "ACTION_PRIORITY_UPDATED"}, env.Types)
			assert.Equal(t, utc("2024-06-05T10:00:00.5Z"), env.Time.Time)
			st, ok := safetyculture.ActionStatusUpdated.Payload(env)
			require.True(t, ok)
			_, ok = safetyculture.ActionPriorityUpdated.Payload(env)
			assert.True(t, ok, "listed too")
			_, ok = safetyculture.ActionCreated.Payload(env)
			assert.False(t, ok)
			assert.Equal(t, "In Progress", st.Data.Status.Label)
		}},
		{"variant_action_nulls_empty_arrays.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			a := action(t, env).Data
			assert.Nil(t, a.Creator)
			assert.NotNil(t, a.Collaborators)
			assert.Empty(t, a.Collaborators)
			assert.False(t, a.DueAt.Valid())
			assert.Nil(t, a.Status)
			assert.Empty(t, a.Description)
			assert.Empty(t, a.PriorityID)
			assert.Empty(t, a.StatusID)
			assert.Equal(t, events.ID(actionID), a.ActionID)
		}},
		{"variant_incident_null_date_triggered.json", func(t *testing.T, env *events.Envelope, body []byte) {
			assert.False(t, env.Time.Valid())
			assert.Empty(t, env.Time.Raw)
			assert.Equal(t, events.BodyKey(safetyculture.Name, body), env.IdempotencyKey, "no date_triggered: the body's hash")
		}},
		{"variant_incident_date_only_no_version.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, utc("2024-07-18T00:00:00Z"), env.Time.Time)
			ev, ok := safetyculture.IncidentStatusUpdated.Payload(env)
			require.True(t, ok)
			assert.Empty(t, ev.Version)
		}},
		{"variant_incident_numeric_resource_id.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, utc("2024-10-09T19:00:00Z"), env.Time.Time)
			ev, ok := safetyculture.IncidentCreated.Payload(env)
			require.True(t, ok)
			assert.Equal(t, events.ID("120034"), ev.Resource.ID)
			assert.Contains(t, string(ev.Data), "Chemikalien-Leck – Lager 4 (化学品泄漏)")
		}},
		{"variant_inspection_category_future_event.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			assert.Equal(t, []string{category, trigger + "INSPECTION_SCHEDULE_MISSED"}, env.Types)
			assert.Equal(t, category, env.Type, "the category, with its payload, rather than an event without one")
			ev, ok := safetyculture.InspectionCategory.Payload(env)
			require.True(t, ok)
			assert.True(t, env.Is(trigger+"INSPECTION_SCHEDULE_MISSED"))
			assert.Equal(t, events.ID(refAudit), ev.InspectionID())
			assert.JSONEq(t, `{"inspection_schedule_missed": {"due": "2025-02-02T23:59:59Z"}}`, string(ev.Data.Change))
		}},
		{"variant_legacy_upper_case_ids.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			ev, ok := safetyculture.InspectionCompleted.Payload(env)
			require.True(t, ok)
			assert.Equal(t, events.ID(upperAudit), ev.Data.Audit.AuditID, "case kept")
			assert.Equal(t, events.ID(upperTemplate), ev.Data.Audit.TemplateID)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "1.0.0", upperAudit, "", trigger+"INSPECTION_COMPLETED",
				"2015-11-03T01:22:41.650Z", ""), env.IdempotencyKey)
		}},
		{"variant_newer_upper_case_resource_id.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			ev, ok := safetyculture.InspectionArchivedStatus.Payload(env)
			require.True(t, ok)
			assert.Equal(t, events.ID(upperAudit), ev.Resource.ID, "case kept")
			assert.Equal(t, events.ID(upperAudit), ev.Data.Details.InspectionID)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", upperAudit, "",
				category+","+trigger+"INSPECTION_ARCHIVED_STATUS,"+metadata, "2024-02-19T22:41:07Z", "2024-02-19T22:41:06.318Z"),
				env.IdempotencyKey)
		}},
		{"variant_legacy_without_optional_fields.json", func(t *testing.T, env *events.Envelope, _ []byte) {
			ev, ok := safetyculture.InspectionCompleted.Payload(env)
			require.True(t, ok)
			d := ev.Data.Audit.AuditData
			assert.Empty(t, d.Authorship.OwnerID)
			assert.Empty(t, d.Authorship.AuthorID)
			assert.Equal(t, "John Smith", d.Authorship.Owner)
			assert.True(t, d.ScorePercentage.IsNull(), "absent")
			assert.Equal(t, events.NumberValue("4"), d.Score)
			assert.Empty(t, ev.Data.Audit.TemplateData.Authorship.OwnerID)
		}},
	}
	variants := map[string]bool{}
	for _, f := range loadCorpus(t) {
		if f.Kind == inspecthook.KindVariant && !isNewerTwin(f.File) {
			variants[path.Base(f.File)] = true
		}
	}
	for _, tt := range tests {
		delete(variants, tt.file)
		t.Run(tt.file, func(t *testing.T) {
			env, b := decodeFile(t, tt.file)
			tt.check(t, env, b)
		})
	}
	assert.Empty(t, variants, "variants without a golden test")
}

// isNewerTwin reports whether a variant is the newer-format twin of a legacy event, checked in
// TestGoldenNewerInspections.
func isNewerTwin(file string) bool {
	switch path.Base(file) {
	case "newer_inspection_started.json", "newer_inspection_updated.json", "newer_inspection_completed.json",
		"newer_inspection_archived.json", "newer_inspection_unarchived.json":
		return true
	}
	return false
}

func TestGoldenUnknown(t *testing.T) {
	tests := []struct {
		file  string
		types []string
	}{
		{"unknown_legacy_audit_deleted.json", []string{"audit_deleted"}},
		{"unknown_future_training_event.json", []string{trigger + "TRAINING", trigger + "TRAINING_CERTIFICATE_ISSUED"}},
		{"unknown_future_action_event.json", []string{trigger + "ACTION_SCHEDULE_UPDATED"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, b := decodeFile(t, tt.file)
			assert.Equal(t, tt.types, env.Types)
			assert.Nil(t, env.Payload)
			assert.Equal(t, b, env.Raw, "the raw body is there for a fallback handler")
			assert.True(t, env.Time.Valid())
		})
	}
}
