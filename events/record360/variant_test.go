package record360_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

func TestVariantNumericIDs(t *testing.T) {
	t.Run("v3", func(t *testing.T) {
		env, insp := inspection(t, "variant_v3_inspection_numeric_ids.json")
		assert.Equal(t, "98765432109876543210", env.ID, "20 digits, every one kept")
		assert.Equal(t, "record360:v3:98765432109876543210", env.IdempotencyKey)
		assert.Equal(t, events.ID("12345678901234567890"), insp.ID)
		assert.Equal(t, events.ID("43"), insp.Unit.ID)
		assert.Equal(t, events.ID("120"), insp.User.ID)
		assert.Equal(t, events.ID("220"), insp.Location.ID)
		assert.Equal(t, events.ID("1"), insp.Region.ID)
		assert.Equal(t, events.ID("1"), insp.Department.ID)
		assert.True(t, insp.DamagePresent)
		require.Len(t, insp.Results, 1)
		fields := insp.Results[0].Checklist
		require.Len(t, fields, 2)
		assert.Equal(t, events.ID("7"), fields[0].ID)
		assert.Equal(t, []record360.ChecklistItem{{ID: "81", Label: "Rake Riddle", Value: events.BoolValue(true)}}, fields[1].Items)
		assert.Equal(t, events.ID("42"), insp.Photos[0].InstructionID)
	})
	t.Run("v1", func(t *testing.T) {
		env, tx := transaction(t, "variant_v1_transaction_numeric_ids.json")
		assert.Equal(t, events.ID("12345678901234567890"), tx.ID)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "transaction", "create", "12345678901234567890", "2024-01-16T10:00:13.716Z"), env.IdempotencyKey)
		assert.Equal(t, events.ID("6146"), tx.WorkflowID)
		assert.Equal(t, events.ID("17735"), tx.GroupID)
		assert.Equal(t, record360.Asset{ID: "63019", ExternalID: "AUTO_AD_IOS_0GzoAmiJwp"}, tx.Asset)
		assert.Equal(t, events.ID("5695"), tx.User.ID)
		assert.Equal(t, events.ID("1000001264"), tx.Location.ID)
		assert.Equal(t, events.ID("3"), tx.Photos[0].InstructionID)
		assert.True(t, tx.Damage)
		assert.Equal(t, []float64{-104.990251, 39.7392358}, tx.GeoCoord)
		assert.Equal(t, []string{"fleet@example.com", "ops@example.com"}, tx.EmailSentTo)
		require.Len(t, tx.Forms, 1)
		assert.Equal(t, events.ID("21460"), tx.Forms[0].ID)
		assert.Equal(t, events.ID("12345678901234567890"), tx.Forms[0].TransactionID)
		assert.Equal(t, record360.FormTemplate{ID: "706"}, tx.Forms[0].FormTemplate)
		assert.Equal(t, events.NumberValue("120000"), tx.Forms[0].Values["Mileage"])
	})
	t.Run("string ids", func(t *testing.T) {
		env, tk := task(t, "variant_v3_task_string_ids.json", record360.TaskCompleted)
		assert.Equal(t, "evt_01JA9Z6Q8X3M4N5P6R7S8T9V0W", env.ID)
		assert.Equal(t, events.ID("397691"), tk.ID)
		assert.Equal(t, events.ID("89"), tk.Assignee.ID)
		assert.Equal(t, events.ID("1234"), tk.Unit.ID)
		assert.Equal(t, events.StringValue("high"), tk.Priority)
		_, isBool := tk.Priority.Bool()
		assert.False(t, isBool)
		assert.Equal(t, "Every 90 days", tk.Description)
	})
}

func TestVariantTimeStyles(t *testing.T) {
	t.Run("v3 task", func(t *testing.T) {
		env, tk := task(t, "variant_v3_task_time_styles.json", record360.TaskCompleted)
		assertTime(t, time.Date(2025, 10, 9, 19, 0, 0, 0, time.UTC), "2025-10-09T21:00:00+02:00", env.Time)
		assertTime(t, at(2025, 8, 11, 17, 9, 17, 895), "2025-08-11T17:09:17.895Z", tk.DueBy)
		assertTime(t, time.Date(2025, 10, 9, 19, 0, 0, 0, time.UTC), "2025-10-09-19:00:00Z", tk.CompletedAt)
		assertTime(t, time.Date(2025, 5, 13, 0, 0, 0, 0, time.UTC), "2025-05-13", tk.CreatedAt)
		assert.Equal(t, events.Time{}, tk.UpdatedAt, "null")
		assert.False(t, tk.UpdatedAt.Valid())
	})
	t.Run("v3 inspection", func(t *testing.T) {
		env, insp := inspection(t, "variant_v3_inspection_time_styles.json")
		assertTime(t, time.Unix(1728500400, 0), "1728500400", env.Time)
		assert.False(t, insp.CreatedAt.Valid(), "an unreadable time is zero, never an error")
		assert.Equal(t, "sometime last week", insp.CreatedAt.Raw)
		assertTime(t, time.Date(2024, 10, 8, 9, 41, 0, 0, time.UTC), "2024-10-08 09:41:00", insp.UpdatedAt)
		assert.Equal(t, record360.User{}, insp.User, "a missing object is its zero value")
		assert.Equal(t, []record360.Result{}, insp.Results)
	})
	t.Run("v1 task", func(t *testing.T) {
		env, tk := task(t, "variant_v1_task_completed_time_styles.json", record360.V1TaskCompleted)
		assertTime(t, time.Unix(1754932157, 0), "1754932157", tk.DueBy)
		assertTime(t, time.Date(2025, 10, 9, 19, 0, 0, 0, time.UTC), "2025-10-09-19:00:00Z", tk.CompletedAt)
		assertTime(t, time.Date(2025, 5, 13, 0, 0, 0, 0, time.UTC), "2025-05-13", tk.CreatedAt)
		assert.Empty(t, tk.UpdatedAt.Raw)
		assert.True(t, tk.Priority.IsNull())
		assert.Equal(t, tk.CompletedAt, env.Time, "v1 time is completed_at first")
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "task", "completed", "397694", "2025-10-09-19:00:00Z"), env.IdempotencyKey)
	})
}

func TestVariantNullsAndEmpties(t *testing.T) {
	t.Run("nulls", func(t *testing.T) {
		env, insp := inspection(t, "variant_v3_inspection_nulls.json")
		assert.Equal(t, events.Time{}, env.Time)
		assert.Equal(t, events.ID("432"), insp.ID)
		assert.Empty(t, insp.Type)
		assert.Equal(t, record360.Unit{}, insp.Unit)
		assert.Equal(t, record360.User{}, insp.User)
		assert.Equal(t, record360.Location{}, insp.Location)
		assert.Equal(t, record360.Region{}, insp.Region)
		assert.Equal(t, record360.Department{}, insp.Department)
		assert.False(t, insp.DamagePresent)
		assert.Empty(t, insp.DashboardURL)
		assert.Equal(t, []record360.Media{{}}, insp.Photos)
		assert.Nil(t, insp.Videos)
		assert.Nil(t, insp.Signatures)
		assert.Equal(t, events.Time{}, insp.CreatedAt)

		require.Len(t, insp.Results, 5)
		r := insp.Results
		assert.Equal(t, record360.ResultChecklist, r[0].Object)
		assert.Empty(t, r[0].Name)
		assert.Nil(t, r[0].Checklist, "null data leaves Checklist nil; Object still says checklist")
		assert.Equal(t, []record360.ChecklistField{{Type: "textbox"}}, r[1].Checklist)
		assert.True(t, r[1].Checklist[0].Value.IsNull())
		require.NotNil(t, r[2].PDFForm)
		assert.Empty(t, r[2].PDFForm.Link)
		assert.Equal(t, json.RawMessage("null"), r[2].PDFForm.Data)
		require.NotNil(t, r[3].CollisionDamageWaiver)
		assert.False(t, r[3].CollisionDamageWaiver.Accepted)
		assert.Equal(t, record360.Result{Raw: json.RawMessage("null")}, r[4], "a null result keeps only Raw")
	})
	t.Run("empties", func(t *testing.T) {
		_, insp := inspection(t, "variant_v3_inspection_empty.json")
		assert.Equal(t, events.ID("433"), insp.ID)
		for name, list := range map[string][]record360.Media{"photos": insp.Photos, "videos": insp.Videos, "signatures": insp.Signatures} {
			assert.NotNil(t, list, name)
			assert.Empty(t, list, name)
		}
		assert.NotNil(t, insp.Results)
		assert.Empty(t, insp.Results)
		assert.Equal(t, record360.Unit{}, insp.Unit)
		assert.Equal(t, record360.Location{}, insp.Location)
	})
	t.Run("v1 without object id", func(t *testing.T) {
		env, tk := task(t, "variant_v1_task_complete_no_id.json", record360.V1TaskComplete)
		assert.Empty(t, tk.ID)
		assert.Equal(t, "Task without an id", tk.Name)
		assert.Equal(t, events.BodyKey(record360.Name, env.Raw), env.IdempotencyKey)
		assertTime(t, at(2024, 2, 1, 12, 0, 0, 0), "2024-02-01T12:00:00.000Z", env.Time)
	})
}

func TestVariantExtraFields(t *testing.T) {
	t.Run("v3", func(t *testing.T) {
		env, insp := inspection(t, "variant_v3_inspection_extra_fields.json")
		assert.Equal(t, "18", env.ID)
		assert.Equal(t, record360.Unit{ID: "43", ReferenceNumber: "WMWRF33519TW73378"}, insp.Unit)
		assert.Equal(t, record360.User{ID: "120", Username: "inspector@example.com"}, insp.User)
		assert.Equal(t, record360.Location{ID: "220", Name: "Denver Branch"}, insp.Location)
		assert.Equal(t, record360.Region{ID: "1", Name: "Mountain West"}, insp.Region)
		assert.Equal(t, record360.Department{ID: "1", Name: "Rental"}, insp.Department)
		require.Len(t, insp.Results, 3)
		fields := insp.Results[0].Checklist
		require.Len(t, fields, 2)
		assert.Equal(t, record360.ChecklistField{ID: "odom1", Type: "textbox", Label: "Mileage", Value: events.NumberValue("120000")}, fields[0])
		assert.Equal(t, []record360.ChecklistItem{{ID: "rake1", Label: "Rake Riddle", Value: events.StringValue("true")}}, fields[1].Items)
		assert.Contains(t, string(insp.Results[0].Raw), `"version": 3`, "Raw keeps the unknown fields")
		require.NotNil(t, insp.Results[1].PDFForm)
		assert.JSONEq(t, `{"one": "two", "nested": {"deeper": [1, 2, 3]}}`, string(insp.Results[1].PDFForm.Data))
		require.NotNil(t, insp.Results[2].CollisionDamageWaiver)
		assert.True(t, insp.Results[2].CollisionDamageWaiver.Accepted)
		assert.Equal(t, []record360.Media{{URL: "https://example.com/photo.jpg"}}, insp.Photos)
		assert.Equal(t, []record360.Media{{URL: "https://example.com/video.mp4"}}, insp.Videos)
		assert.Equal(t, []record360.Media{{URL: "https://example.com/sig.png"}}, insp.Signatures)
	})
	t.Run("v3 stray event field", func(t *testing.T) {
		env, tk := task(t, "variant_v3_task_completed_event_field.json", record360.TaskCompleted)
		assert.Equal(t, record360.V3, env.Version)
		assert.Equal(t, events.ID("397693"), tk.ID)
	})
	t.Run("v1", func(t *testing.T) {
		env, tx := transaction(t, "variant_v1_transaction_odd.json")
		assert.Equal(t, events.ID("40851"), tx.ID)
		assertTime(t, time.Date(2024, 1, 16, 10, 5, 0, 0, time.UTC), "2024-01-16 10:05:00", env.Time)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "transaction", "create", "40851", "2024-01-16 10:05:00"), env.IdempotencyKey)
		assertTime(t, time.Date(2024, 1, 16, 10, 0, 13, 0, time.UTC), "2024-01-16T10:00:13", tx.CreatedAt)
		assert.False(t, tx.CheckIn)
		assert.Nil(t, tx.GeoCoord)
		assert.Nil(t, tx.EmailSentTo)
		assert.Empty(t, tx.WorkflowID)
		assert.Equal(t, record360.Asset{}, tx.Asset)
		assert.Equal(t, record360.User{ID: "5696", Username: "zoë@example.com", FirstName: "Zoë", LastName: "Ångström"}, tx.User)
		assert.Equal(t, record360.Location{ID: "1000001265", Name: "Malmö hamn"}, tx.Location)
		assert.Equal(t, map[string]map[string]events.Value{
			"Schäden": {
				"Beschreibung": events.StringValue("Kratzer vorne links ✓"),
				"Anzahl":       events.NumberValue("2"),
				"Geprüft":      events.BoolValue(true),
			},
			"Vide": {},
		}, tx.Notations)
		require.Len(t, tx.IdentDocs, 1)
		assert.JSONEq(t, `{"kind": "drivers_license", "url": "https://example.com/dl.jpg"}`, string(tx.IdentDocs[0]))
		require.Len(t, tx.Files, 1)
		assert.JSONEq(t, `{"name": "contract.pdf", "url": "https://example.com/contract.pdf"}`, string(tx.Files[0]))
		require.Len(t, tx.Forms, 1)
		form := tx.Forms[0]
		assert.Equal(t, record360.FormTemplate{ID: "707"}, form.FormTemplate)
		assertTime(t, time.Date(2024, 1, 16, 0, 0, 0, 0, time.UTC), "2024-01-16", form.CreatedAt)
		assert.Equal(t, map[string]events.Value{
			"Dropdown-Multi": {Kind: events.Other, Text: `["A", "B"]`},
			"Notiz":          events.StringValue("Alles gut"),
			"Leer":           {},
			"Anzahl":         events.NumberValue("3"),
			"Unterschrift":   {Kind: events.Other, Text: `{"url": "https://example.com/s.png"}`},
		}, form.Values)
	})
}

func TestVariantResults(t *testing.T) {
	t.Run("unknown kind", func(t *testing.T) {
		_, insp := inspection(t, "variant_v3_inspection_unknown_result.json")
		require.Len(t, insp.Results, 3)
		damage := insp.Results[0]
		assert.Equal(t, "Damage Report", damage.Name)
		assert.Equal(t, "damage_report", damage.Object)
		assert.Nil(t, damage.Checklist)
		assert.Nil(t, damage.PDFForm)
		assert.Nil(t, damage.CollisionDamageWaiver, `"accepted" of an unknown kind is not read`)
		assert.JSONEq(t, `{"name": "Damage Report", "object": "damage_report",
			"data": {"panels": [{"side": "left", "severity": 2}]}, "accepted": "n/a"}`, string(damage.Raw))

		noKind := insp.Results[1]
		assert.Equal(t, "No kind at all", noKind.Name)
		assert.Empty(t, noKind.Object)
		assert.JSONEq(t, `{"name": "No kind at all", "data": [1, 2, 3]}`, string(noKind.Raw))

		assert.Equal(t, []record360.ChecklistField{
			{ID: "fuel1", Type: "single_dropdown_list", Label: "Fuel level", Value: events.StringValue("1/2")},
		}, insp.Results[2].Checklist)
	})
	t.Run("every value type", func(t *testing.T) {
		_, insp := inspection(t, "variant_v3_inspection_checklist_values.json")
		require.Len(t, insp.Results, 2)
		values := map[string]events.Value{}
		var items []record360.ChecklistItem
		for _, f := range insp.Results[0].Checklist {
			values[string(f.ID)] = f.Value
			if f.ID == "items" {
				items = f.Items
			}
			if f.ID == "noitems" {
				assert.NotNil(t, f.Items)
				assert.Empty(t, f.Items)
			}
		}
		assert.Equal(t, map[string]events.Value{
			"int":     events.NumberValue("120000"),
			"neg":     events.NumberValue("-3.25"),
			"exp":     events.NumberValue("1.5e3"),
			"big":     events.NumberValue("123456789012345678901234567890"),
			"str":     events.StringValue("7/8"),
			"empty":   events.StringValue(""),
			"t":       events.BoolValue(true),
			"f":       events.BoolValue(false),
			"null":    {},
			"missing": {},
			"multi":   {Kind: events.Other, Text: `["a", "b"]`},
			"items":   {},
			"noitems": {},
		}, values)
		assert.Equal(t, []record360.ChecklistItem{
			{ID: "i1", Label: "String true", Value: events.StringValue("true")},
			{ID: "i2", Label: "Bool false", Value: events.BoolValue(false)},
			{ID: "i3", Label: "Number", Value: events.NumberValue("2")},
			{ID: "i4", Label: "Null"},
		}, items)
		f, ok := values["exp"].Float()
		assert.True(t, ok)
		assert.InDelta(t, 1500.0, f, 0)

		empty := insp.Results[1]
		assert.Equal(t, record360.ResultChecklist, empty.Object)
		assert.NotNil(t, empty.Checklist, "[] is an empty, non-nil checklist")
		assert.Empty(t, empty.Checklist)
	})
	t.Run("non-ASCII", func(t *testing.T) {
		_, insp := inspection(t, "variant_v3_inspection_non_ascii.json")
		assert.Equal(t, "ÄÖÜ-123-ß", insp.Unit.ReferenceNumber)
		assert.Equal(t, "josé.núñez@example.com", insp.User.Username)
		assert.Equal(t, "Zürich Süd", insp.Location.Name)
		assert.Equal(t, "東京", insp.Region.Name)
		assert.Equal(t, "Location de véhicules", insp.Department.Name)
		require.Len(t, insp.Results, 1)
		r := insp.Results[0]
		assert.Equal(t, "Liste de contrôle ✓", r.Name)
		require.Len(t, r.Checklist, 4)
		assert.Equal(t, "Kilométrage", r.Checklist[0].Label)
		assert.Equal(t, "燃料レベル", r.Checklist[1].Label)
		assert.Equal(t, events.StringValue("⅞"), r.Checklist[1].Value)
		assert.Equal(t, "Bemerkung über Schäden", r.Checklist[2].Label, `\u escapes are decoded`)
		assert.Equal(t, events.StringValue("Kratzer 🚗💥 vorne links"), r.Checklist[2].Value)
		assert.Equal(t, []record360.ChecklistItem{{ID: "HLF1", Label: "Фары", Value: events.StringValue("Pass")}}, r.Checklist[3].Items)
		assert.Equal(t, "Проверка", r.Checklist[3].Label)
	})
}
