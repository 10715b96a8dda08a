package record360_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

func TestResultUnmarshal(t *testing.T) {
	tests := []struct {
		name string
		json string
		want record360.Result
	}{
		{"checklist", `{"name": "C", "object": "checklist", "data": [{"id": 1, "type": "textbox", "label": "L", "value": 2}]}`,
			record360.Result{Name: "C", Object: "checklist", Checklist: []record360.ChecklistField{
				{ID: "1", Type: "textbox", Label: "L", Value: events.NumberValue("2")},
			}}},
		{"checklist without data", `{"name": "C", "object": "checklist"}`,
			record360.Result{Name: "C", Object: "checklist"}},
		{"pdf form", `{"name": "P", "object": "pdf_form", "link": "https://example.com/f", "data": {"a": [1]}}`,
			record360.Result{Name: "P", Object: "pdf_form", PDFForm: &record360.PDFForm{Link: "https://example.com/f", Data: json.RawMessage(`{"a": [1]}`)}}},
		{"pdf form without data", `{"name": "P", "object": "pdf_form"}`,
			record360.Result{Name: "P", Object: "pdf_form", PDFForm: &record360.PDFForm{}}},
		{"waiver", `{"name": "W", "object": "collision_damage_waiver", "accepted": true}`,
			record360.Result{Name: "W", Object: "collision_damage_waiver", CollisionDamageWaiver: &record360.CollisionDamageWaiver{Accepted: true}}},
		{"unknown kind", `{"name": "U", "object": "tire_tread", "data": {"depth_mm": 4}}`,
			record360.Result{Name: "U", Object: "tire_tread"}},
		{"kind is case-sensitive", `{"object": "Checklist", "data": [{"id": 1}]}`,
			record360.Result{Object: "Checklist"}},
		{"empty object", `{}`, record360.Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got record360.Result
			require.NoError(t, json.Unmarshal([]byte(tt.json), &got))
			assert.Equal(t, json.RawMessage(tt.json), got.Raw, "Raw is always set")
			got.Raw = nil
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResultUnmarshalShapeErrors(t *testing.T) {
	for _, body := range []string{
		`[]`, `"checklist"`, `{"name": 1}`, `{"object": 1}`,
		`{"object": "checklist", "data": {}}`,
		`{"object": "checklist", "data": [{"items": {}}]}`,
		`{"object": "pdf_form", "link": 5}`,
		`{"object": "collision_damage_waiver", "accepted": "yes"}`,
	} {
		t.Run(body, func(t *testing.T) {
			var r record360.Result
			err := events.Unmarshal([]byte(body), &r)
			assert.ErrorIs(t, err, events.ErrShape)
		})
	}
}

func TestResultMarshal(t *testing.T) {
	t.Run("decoded results encode back as sent", func(t *testing.T) {
		_, insp := inspection(t, "v3_inspection_created.json")
		out, err := json.Marshal(insp.Results)
		require.NoError(t, err)
		var again []record360.Result
		require.NoError(t, json.Unmarshal(out, &again))
		for i := range again {
			assert.JSONEq(t, string(insp.Results[i].Raw), string(again[i].Raw))
		}
		assert.Equal(t, insp.Results[0].Checklist, again[0].Checklist)
	})
	t.Run("built results encode in Record360's shape", func(t *testing.T) {
		tests := []struct {
			r    record360.Result
			want string
		}{
			{record360.Result{Name: "C", Object: record360.ResultChecklist, Checklist: []record360.ChecklistField{
				{ID: "odom1", Type: "textbox", Label: "Mileage", Value: events.NumberValue("120000")},
			}}, `{"name": "C", "object": "checklist", "data": [{"id": "odom1", "type": "textbox", "label": "Mileage", "value": 120000}]}`},
			{record360.Result{Name: "P", Object: record360.ResultPDFForm, PDFForm: &record360.PDFForm{Link: "https://example.com/f", Data: json.RawMessage(`{"one":"two"}`)}},
				`{"name": "P", "object": "pdf_form", "link": "https://example.com/f", "data": {"one": "two"}}`},
			{record360.Result{Name: "W", Object: record360.ResultCollisionDamageWaiver, CollisionDamageWaiver: &record360.CollisionDamageWaiver{}},
				`{"name": "W", "object": "collision_damage_waiver", "accepted": false}`},
			{record360.Result{Name: "X", Object: "other"}, `{"name": "X", "object": "other"}`},
		}
		for _, tt := range tests {
			out, err := json.Marshal(tt.r)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(out))
			var back record360.Result
			require.NoError(t, json.Unmarshal(out, &back))
			back.Raw = nil
			assert.Equal(t, tt.r, back)
		}
	})
}
