package safetyculture_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// TestDataUnmarshalJSONFrom checks that the data types read the same with JSON v2
// (events.Unmarshal, through their UnmarshalJSONFrom methods) as with encoding/json (their
// UnmarshalJSON methods), Raw included, and that a field of the wrong type is named by its path
// from the top of the body.
func TestDataUnmarshalJSONFrom(t *testing.T) {
	tests := []struct {
		name string
		body string
		into func() any
		path string // of the *events.FieldError; "" for none
	}{
		{"inspection", `{"data": {"audit": {"audit_id": "a", "archived": true, "header_items": [{"responses": {"text": 1}}]}, "event": {"x": 1}}}`,
			func() any { return new(safetyculture.InspectionEvent) }, ""},
		{"inspection, data null", `{"data": null}`, func() any { return new(safetyculture.InspectionEvent) }, ""},
		{"inspection, data repeated", `{"data": {"audit": {"audit_id": "a"}}, "DATA": {"template": {"name": "T"}}, "data": null}`,
			func() any { return new(safetyculture.InspectionEvent) }, ""},
		{"inspection, archived a string", `{"data": {"audit": {"audit_id": "a", "archived": "yes"}}}`,
			func() any { return new(safetyculture.InspectionEvent) }, "data.audit.archived"},
		{"inspection, data an array", `{"data": [1]}`, func() any { return new(safetyculture.InspectionEvent) }, "data"},
		{"action", `{"data": {"action_id": 7, "collaborators": [{"user": {"id": "u"}}], "site": null}}`,
			func() any { return new(safetyculture.ActionEvent) }, ""},
		{"action, collaborators an object", `{"Data": {"collaborators": {}}}`, func() any { return new(safetyculture.ActionEvent) }, "data.collaborators"},
		{"media", `{"data": {"media_id": "m", "media_type": "IMAGE", "width": 1}}`, func() any { return new(safetyculture.MediaEvent) }, ""},
		{"media, id an array", `{"data": {"media_id": ["m"]}}`, func() any { return new(safetyculture.MediaEvent) }, "data.media_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.into(), tt.into()
			err := events.Unmarshal([]byte(tt.body), got)
			wantErr := json.Unmarshal([]byte(tt.body), want)
			if tt.path == "" {
				require.NoError(t, wantErr)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				return
			}
			require.Error(t, wantErr)
			var fe *events.FieldError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tt.path, fe.Path)
			assert.ErrorIs(t, err, events.ErrShape)
		})
	}
}
