package safetyculture_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// TestLegacyOptionalFields checks that a legacy audit without owner_id, author_id or
// score_percentage, as older audits are sent, decodes and validates, with those fields empty.
func TestLegacyOptionalFields(t *testing.T) {
	const head = `{"version": "1.0.0", "workflow_id": "w", "event": {"date_triggered": "2017-07-05T02:14:09.338Z",
		"event_types": ["audit_completed"]}, "data": {"audit": {"audit_id": "audit_1", `
	tests := []struct {
		name, audit string
		check       func(t *testing.T, d safetyculture.AuditData)
	}{
		{"no owner_id, author_id or score_percentage",
			`"audit_data": {"score": 4, "total_score": 5, "authorship": {"owner": "John Smith", "author": "John Smith"}}`,
			func(t *testing.T, d safetyculture.AuditData) {
				assert.Empty(t, d.Authorship.OwnerID)
				assert.Empty(t, d.Authorship.AuthorID)
				assert.Equal(t, "John Smith", d.Authorship.Owner)
				assert.True(t, d.ScorePercentage.IsNull())
				assert.Equal(t, events.NumberValue("4"), d.Score)
			}},
		{"nulls",
			`"audit_data": {"score_percentage": null, "authorship": {"owner_id": null, "author_id": null}}`,
			func(t *testing.T, d safetyculture.AuditData) {
				assert.Empty(t, d.Authorship.OwnerID)
				assert.Empty(t, d.Authorship.AuthorID)
				assert.True(t, d.ScorePercentage.IsNull())
			}},
		{"no authorship", `"audit_data": {"score": 0}`,
			func(t *testing.T, d safetyculture.AuditData) {
				assert.Zero(t, d.Authorship)
				assert.True(t, d.ScorePercentage.IsNull())
			}},
		{"no audit_data", `"archived": false`,
			func(t *testing.T, d safetyculture.AuditData) {
				assert.Zero(t, d)
			}},
		{"all three sent", `"audit_data": {"score_percentage": 80, "authorship": {"owner_id": "user_1", "author_id": "user_2"}}`,
			func(t *testing.T, d safetyculture.AuditData) {
				assert.Equal(t, events.ID("user_1"), d.Authorship.OwnerID)
				assert.Equal(t, events.ID("user_2"), d.Authorship.AuthorID)
				assert.Equal(t, events.NumberValue("80"), d.ScorePercentage)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decode(t, head+tt.audit+`}}}`)
			require.NoError(t, err, "no rule requires them")
			ev, ok := safetyculture.InspectionCompleted.Payload(env)
			require.True(t, ok)
			tt.check(t, ev.Data.Audit.AuditData)
			assert.NoError(t, events.Validate(ev.Data.Audit))
		})
	}

	// The corpus's audit without them, and the same audit with them, differ only there.
	without, _ := decodeFile(t, "variant_legacy_without_optional_fields.json")
	with, _ := decodeFile(t, "legacy_inspection_completed.json")
	a, b := inspection(t, without).Data.Audit.AuditData, inspection(t, with).Data.Audit.AuditData
	assert.Empty(t, a.Authorship.OwnerID)
	assert.Equal(t, events.ID(seedUser), b.Authorship.OwnerID)
	assert.True(t, a.ScorePercentage.IsNull())
	assert.Equal(t, events.NumberValue("80"), b.ScorePercentage)
	assert.Equal(t, b.Site, a.Site)
	assert.Equal(t, b.Score, a.Score)
}
