package record360_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

// decodeFile decodes the fixture record360/<name>, failing on any error.
func decodeFile(t *testing.T, name string) *events.Envelope {
	t.Helper()
	b, err := inspecthook.Fixture{File: "record360/" + name}.Body()
	require.NoError(t, err)
	env, err := record360.Provider().Decode(b)
	require.NoError(t, err)
	require.Equal(t, b, env.Raw)
	require.Equal(t, record360.Name, env.Provider)
	return env
}

func inspection(t *testing.T, name string) (*events.Envelope, *record360.Inspection) {
	t.Helper()
	env := decodeFile(t, name)
	insp, ok := record360.InspectionCreated.Payload(env)
	require.True(t, ok, "payload %T", env.Payload)
	return env, insp
}

func task(t *testing.T, name string, event events.Event[record360.Task]) (*events.Envelope, *record360.Task) {
	t.Helper()
	env := decodeFile(t, name)
	tk, ok := event.Payload(env)
	require.True(t, ok, "payload %T", env.Payload)
	return env, tk
}

func transaction(t *testing.T, name string) (*events.Envelope, *record360.Transaction) {
	t.Helper()
	env := decodeFile(t, name)
	tx, ok := record360.V1TransactionCreated.Payload(env)
	require.True(t, ok, "payload %T", env.Payload)
	return env, tx
}

// at is a UTC time with milliseconds.
func at(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ms*int(time.Millisecond), time.UTC)
}

// assertTime checks both the parsed time and the text kept in Raw.
func assertTime(t *testing.T, want time.Time, raw string, got events.Time) {
	t.Helper()
	assert.Equal(t, raw, got.Raw)
	assert.True(t, want.Equal(got.Time), "time %q: want %v, got %v", raw, want, got.Time)
}

func TestGoldenV3InspectionCreated(t *testing.T) {
	env, insp := inspection(t, "v3_inspection_created.json")

	t.Run("envelope", func(t *testing.T) {
		assert.Equal(t, record360.V3, env.Version)
		assert.Equal(t, "12", env.ID)
		assert.Equal(t, "inspection.created", env.Type)
		assert.Equal(t, []string{"inspection.created"}, env.Types)
		assertTime(t, time.Date(2024, 10, 9, 19, 0, 0, 0, time.UTC), "2024-10-09-19:00:00Z", env.Time)
		assert.Equal(t, "record360:v3:12", env.IdempotencyKey)
		assert.True(t, record360.InspectionCreated.Matches(env))
		assert.False(t, record360.TaskCompleted.Matches(env))
	})

	t.Run("inspection", func(t *testing.T) {
		assert.Equal(t, "inspection", insp.Object)
		assert.Equal(t, events.ID("430"), insp.ID)
		assert.Equal(t, "open", insp.Type)
		assert.Equal(t, record360.Unit{ID: "43", ReferenceNumber: "WMWRF33519TW73378"}, insp.Unit)
		assert.False(t, insp.DamagePresent)
		assert.Equal(t, "https://dashboard.record360.com/dashboard/inspections/123", insp.DashboardURL)
		assert.Equal(t, record360.User{ID: "120", Username: "inspector@example.com"}, insp.User)
		assert.Equal(t, record360.Location{ID: "220", Name: "Denver Branch"}, insp.Location)
		assert.Equal(t, record360.Region{ID: "1", Name: "Mountain West"}, insp.Region)
		assert.Equal(t, record360.Department{ID: "1", Name: "Rental"}, insp.Department)
		assertTime(t, at(2014, 4, 1, 19, 0, 0, 0), "2014-04-01T19:00:00.000Z", insp.CreatedAt)
		assertTime(t, at(2024, 10, 8, 9, 41, 0, 0), "2024-10-08T09:41:00.000Z", insp.UpdatedAt)
	})

	t.Run("media", func(t *testing.T) {
		require.Len(t, insp.Photos, 5)
		const base = "https://r360-media-production.s3.amazonaws.com/transactions/46782411/"
		assert.Equal(t, record360.Media{URL: base + "snapshot_images/699164593-image-73B68881-48BF-47AD-B952-8291AF83B73F"}, insp.Photos[0])
		assert.Empty(t, insp.Photos[2].InstructionID, "null instruction_id")
		assert.Equal(t, events.ID("Take photo of front of unit"), insp.Photos[3].InstructionID)
		assert.Equal(t, events.ID("Take photo of driver's side of unit"), insp.Photos[4].InstructionID)
		assert.Equal(t, base+"snapshot_images/699164597-image-53722EFB-8563-4B89-9FF8-3E001F1CCD20", insp.Photos[4].URL)
		assert.Equal(t, []record360.Media{{URL: base + "video_records/25717425-video-6F07F8F7-4099-4795-8C22-10DA6AA7A5ED"}}, insp.Videos)
		assert.Equal(t, []record360.Media{{URL: base + "signatures/6401F402-0D65-49C7-A1B1-A7063F92D64D"}}, insp.Signatures)
	})

	require.Len(t, insp.Results, 3)

	t.Run("checklist", func(t *testing.T) {
		r := insp.Results[0]
		assert.Equal(t, "Basic Checklist", r.Name)
		assert.Equal(t, record360.ResultChecklist, r.Object)
		assert.Nil(t, r.PDFForm)
		assert.Nil(t, r.CollisionDamageWaiver)
		assert.True(t, json.Valid(r.Raw))
		assert.Contains(t, string(r.Raw), `"Basic Checklist"`)
		require.Len(t, r.Checklist, 6)

		assert.Equal(t, record360.ChecklistField{
			ID: "odom1", Type: "textbox", Label: "Mileage", Value: events.NumberValue("120000"),
		}, r.Checklist[0])
		assert.Equal(t, record360.ChecklistField{
			ID: "fuel1", Type: "single_dropdown_list", Label: "Fuel level", Value: events.StringValue("7/8"),
		}, r.Checklist[1])
		assert.Equal(t, record360.ChecklistField{
			Type: "textbox", Label: "Customer Name", Value: events.StringValue("John Doe"),
		}, r.Checklist[2], "a field without id")
		assert.Equal(t, record360.ChecklistField{
			Type: "date_selector", Label: "Inspection Date", Value: events.StringValue("2025-01-31"),
		}, r.Checklist[3])

		attachments := r.Checklist[4]
		assert.Equal(t, "checkbox", attachments.Type)
		assert.Equal(t, "Attachments", attachments.Label)
		assert.True(t, attachments.Value.IsNull())
		assert.Equal(t, []record360.ChecklistItem{
			{ID: "rake1", Label: "Rake Riddle", Value: events.StringValue("true")},
			{ID: "bucket1", Label: "Quick Attach Bucket", Value: events.StringValue("false")},
		}, attachments.Items)
		checked, ok := attachments.Items[0].Value.Bool()
		assert.True(t, ok)
		assert.True(t, checked, `"true" reads as true`)

		walk := r.Checklist[5]
		assert.Equal(t, events.ID("mpi1"), walk.ID)
		assert.Equal(t, "pass_fail", walk.Type)
		assert.Equal(t, []record360.ChecklistItem{
			{ID: "HLF1", Label: "Headlights", Value: events.StringValue("Pass")},
			{ID: "BLR2", Label: "Brake Lights", Value: events.StringValue("Fail")},
		}, walk.Items)
	})

	t.Run("pdf_form", func(t *testing.T) {
		r := insp.Results[1]
		assert.Equal(t, "Rental Contract", r.Name)
		assert.Equal(t, record360.ResultPDFForm, r.Object)
		assert.Nil(t, r.Checklist)
		require.NotNil(t, r.PDFForm)
		assert.Equal(t, "https://app.record360.com/v3/forms/1WwmZX857Zb6ASpv", r.PDFForm.Link)
		assert.JSONEq(t, `{"one": "two"}`, string(r.PDFForm.Data))
		assert.JSONEq(t, `{"name": "Rental Contract", "object": "pdf_form",
			"link": "https://app.record360.com/v3/forms/1WwmZX857Zb6ASpv", "data": {"one": "two"}}`, string(r.Raw))
	})

	t.Run("collision_damage_waiver", func(t *testing.T) {
		r := insp.Results[2]
		assert.Equal(t, "Collision Damage Waiver", r.Name)
		assert.Equal(t, record360.ResultCollisionDamageWaiver, r.Object)
		require.NotNil(t, r.CollisionDamageWaiver)
		assert.False(t, r.CollisionDamageWaiver.Accepted)
		assert.Nil(t, r.PDFForm)
		assert.JSONEq(t, `{"name": "Collision Damage Waiver", "object": "collision_damage_waiver", "accepted": false}`, string(r.Raw))
	})
}

func TestGoldenV3TaskCompleted(t *testing.T) {
	env, tk := task(t, "v3_task_completed.json", record360.TaskCompleted)

	assert.Equal(t, record360.V3, env.Version)
	assert.Equal(t, "13", env.ID)
	assert.Equal(t, "task.completed", env.Type)
	assertTime(t, time.Date(2025, 10, 9, 19, 0, 0, 0, time.UTC), "2025-10-09-19:00:00Z", env.Time)
	assert.Equal(t, "record360:v3:13", env.IdempotencyKey)

	assert.Equal(t, "task", tk.Object)
	assert.Equal(t, events.ID("397691"), tk.ID, "a numeric id reads as its digits")
	assert.Equal(t, "inspection", tk.Type)
	assert.Equal(t, "completed", tk.Status)
	assert.Equal(t, "90 day PM Inspection", tk.Name)
	assert.Empty(t, tk.Description, "null description")
	assert.Equal(t, events.BoolValue(false), tk.Priority)
	assertTime(t, at(2025, 8, 11, 17, 9, 17, 895), "2025-08-11T17:09:17.895Z", tk.DueBy)
	assert.Equal(t, record360.User{ID: "89", Username: "technician@example.com"}, tk.Assignee)
	assert.Equal(t, record360.Unit{ID: "1234", ReferenceNumber: "89N5J6"}, tk.Unit)
	assert.Equal(t, record360.Workflow{ID: "12345abc", Name: "PM Inspection"}, tk.Workflow)
	assert.Equal(t, record360.Department{ID: "abc1234", Name: "Service"}, tk.Department)
	assertTime(t, time.Date(2025, 10, 9, 19, 0, 0, 0, time.UTC), "2025-10-09-19:00:00Z", tk.CompletedAt)
	assertTime(t, at(2025, 5, 13, 17, 9, 17, 899), "2025-05-13T17:09:17.899Z", tk.CreatedAt)
	assertTime(t, at(2025, 5, 13, 17, 9, 17, 899), "2025-05-13T17:09:17.899Z", tk.UpdatedAt)
}

func TestGoldenV1TransactionCreate(t *testing.T) {
	env, tx := transaction(t, "v1_transaction_create.json")

	assert.Equal(t, record360.V1, env.Version)
	assert.Empty(t, env.ID, "v1 has no event id")
	assert.Equal(t, "v1/transaction.create", env.Type)
	assert.Equal(t, []string{"v1/transaction.create"}, env.Types)
	assertTime(t, at(2024, 1, 16, 10, 0, 13, 716), "2024-01-16T10:00:13.716Z", env.Time)
	assert.Equal(t, events.DerivedKey(record360.Name, "v1", "transaction", "create", "40849", "2024-01-16T10:00:13.716Z"), env.IdempotencyKey)

	assert.Equal(t, events.ID("40849"), tx.ID)
	assert.True(t, tx.CheckIn)
	assert.False(t, tx.Draft)
	assert.False(t, tx.Damage)
	assert.Equal(t, []float64{-122.406417, 37.785834}, tx.GeoCoord)
	assert.Equal(t, []string{}, tx.EmailSentTo)
	assertTime(t, at(2024, 1, 16, 10, 0, 13, 716), "2024-01-16T10:00:13.716Z", tx.CreatedAt)
	assert.Equal(t, []string{"LB1", "LB2", "F3", "PF1", "RC2", "M1", "N1", "E1", "C1"}, tx.WorkflowModules)
	assert.Equal(t, "active", tx.ArchiveStatus)
	assert.Equal(t, events.ID("6146"), tx.WorkflowID)
	assert.Equal(t, events.ID("17735"), tx.GroupID)
	assert.Equal(t, "https://dashboard-s.record360.com/dashboard/inspections/40849", tx.ViewURL)
	assert.Equal(t, map[string]map[string]events.Value{
		"Simple": {"Textbox Simple Their Location": events.StringValue("customer@example.com")},
	}, tx.Notations)
	assert.Equal(t, record360.Asset{ID: "63019", ExternalID: "AUTO_AD_IOS_0GzoAmiJwp"}, tx.Asset)
	assert.Equal(t, record360.User{ID: "5695", Username: "auto.st12-b@example.com", FirstName: "auto", LastName: "st12-b"}, tx.User)
	assert.Equal(t, record360.Location{ID: "1000001264", Name: "Mobile auto permission location"}, tx.Location)
	for name, list := range map[string][]record360.Media{"photos": tx.Photos, "videos": tx.Videos, "signatures": tx.Signatures} {
		assert.NotNil(t, list, name)
		assert.Empty(t, list, name)
	}
	assert.Empty(t, tx.IdentDocs)
	assert.Empty(t, tx.Files)

	require.Len(t, tx.Forms, 1)
	form := tx.Forms[0]
	assert.Equal(t, events.ID("21459"), form.ID)
	assert.Equal(t, events.ID("40849"), form.TransactionID)
	assert.Equal(t, record360.FormTemplate{ID: "706"}, form.FormTemplate)
	assertTime(t, at(2024, 1, 16, 10, 0, 13, 723), "2024-01-16T10:00:13.723Z", form.CreatedAt)
	assert.Equal(t, map[string]events.Value{
		"Dropdown-Multi":  {Kind: events.Other, Text: "[]"},
		"CheckBox-CheckA": events.BoolValue(false),
		"CheckBox-CheckB": events.BoolValue(false),
	}, form.Values)
}

func TestGoldenV1Tasks(t *testing.T) {
	t.Run("complete", func(t *testing.T) {
		env, tk := task(t, "v1_task_complete.json", record360.V1TaskComplete)
		assert.Equal(t, record360.V1, env.Version)
		assert.Equal(t, "v1/task.complete", env.Type)
		assertTime(t, at(2024, 1, 16, 10, 0, 13, 716), "2024-01-16T10:00:13.716Z", env.Time)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "task", "complete", "397702", "2024-01-16T10:00:13.716Z"), env.IdempotencyKey)
		assert.False(t, record360.V1TaskCompleted.Matches(env), "complete and completed are distinct events")

		assert.Empty(t, tk.Object, "v1 has no object field")
		assert.Equal(t, events.ID("397702"), tk.ID)
		assert.Equal(t, "completed", tk.Status)
		assert.Equal(t, "Pre-rental walkaround", tk.Name)
		assert.Equal(t, "Walk around the unit and photograph all four sides before it goes out.", tk.Description)
		assert.Equal(t, events.BoolValue(true), tk.Priority)
		assertTime(t, at(2024, 1, 16, 17, 0, 0, 0), "2024-01-16T17:00:00.000Z", tk.DueBy)
		assert.Equal(t, record360.User{ID: "5695", Username: "auto.st12-b@example.com"}, tk.Assignee)
		assert.Equal(t, record360.Unit{ID: "63019", ReferenceNumber: "AUTO_AD_IOS_0GzoAmiJwp"}, tk.Unit)
		assert.Equal(t, record360.Workflow{ID: "6146", Name: "Rental Check-In"}, tk.Workflow)
		assert.Equal(t, record360.Department{ID: "1", Name: "Rental"}, tk.Department)
		assertTime(t, at(2024, 1, 15, 8, 30, 0, 0), "2024-01-15T08:30:00.000Z", tk.CreatedAt)
		assertTime(t, at(2024, 1, 16, 10, 0, 13, 716), "2024-01-16T10:00:13.716Z", tk.UpdatedAt)
	})
	t.Run("completed", func(t *testing.T) {
		env, tk := task(t, "v1_task_completed.json", record360.V1TaskCompleted)
		assert.Equal(t, "v1/task.completed", env.Type)
		assertTime(t, at(2025, 10, 9, 19, 0, 0, 0), "2025-10-09T19:00:00.000Z", env.Time)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "task", "completed", "397691", "2025-10-09T19:00:00.000Z"), env.IdempotencyKey)
		assert.False(t, record360.V1TaskComplete.Matches(env))
		assert.False(t, record360.TaskCompleted.Matches(env), "v1 completed is not v3 task.completed")

		assert.Equal(t, events.ID("397691"), tk.ID)
		assert.Equal(t, record360.User{ID: "89", Username: "technician@example.com"}, tk.Assignee)
		assert.Equal(t, record360.Unit{ID: "1234", ReferenceNumber: "89N5J6"}, tk.Unit)
		assert.Equal(t, events.BoolValue(false), tk.Priority)
		assert.Empty(t, tk.Description)
	})
}
