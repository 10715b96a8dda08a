package safetyculture_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// TestIDCaseKept checks that ids reach the payload and the idempotency key exactly as sent, case
// included: an older audit's upper-case hex id and its lower-case spelling are two ids.
func TestIDCaseKept(t *testing.T) {
	const (
		upperUser     = "user_0A1B2C3D4E5F46A7B8C9D0E1F2A3B4C5"
		upperWorkflow = "workflow_3F2A1B0C9D8E4F7A6B5C4D3E2F1A0B9C"
	)
	tests := []struct {
		name  string
		file  string // a fixture, or
		body  string // a body
		check func(t *testing.T, env *events.Envelope)
		key   string   // the key, derived from the ids as sent
		ids   []string // the ids of the subject, which the same delivery lower-cased changes
	}{
		{name: "legacy audit", file: "variant_legacy_upper_case_ids.json",
			check: func(t *testing.T, env *events.Envelope) {
				ev := inspection(t, env)
				assert.Equal(t, events.ID(upperWorkflow), ev.WorkflowID)
				assert.Equal(t, events.ID(upperUser), ev.Event.TriggeredBy.User)
				assert.Equal(t, events.ID(upperAudit), ev.InspectionID())
				a := ev.Data.Audit
				assert.Equal(t, events.ID(upperAudit), a.AuditID)
				assert.Equal(t, events.ID(upperTemplate), a.TemplateID)
				assert.Equal(t, events.ID(upperUser), a.AuditData.Authorship.OwnerID)
				assert.Equal(t, events.ID(upperUser), a.AuditData.Authorship.AuthorID)
				assert.Equal(t, events.ID(upperTemplate), ev.Data.Template.TemplateID)
				assert.Contains(t, string(ev.Data.Raw), `"audit_id": "`+upperAudit+`"`)
			},
			key: events.DerivedKey(safetyculture.Name, "1.0.0", upperAudit, "", trigger+"INSPECTION_COMPLETED", "2015-11-03T01:22:41.650Z", ""),
			ids: []string{upperAudit}},
		{name: "newer delivery about the old audit", file: "variant_newer_upper_case_resource_id.json",
			check: func(t *testing.T, env *events.Envelope) {
				ev := inspection(t, env)
				assert.Equal(t, events.ID(upperAudit), ev.Resource.ID)
				assert.Equal(t, events.ID(upperAudit), ev.InspectionID())
				assert.Equal(t, events.ID(upperAudit), ev.Data.Details.InspectionID)
				assert.Equal(t, events.ID(upperTemplate), ev.Data.Details.TemplateID)
			},
			key: events.DerivedKey(safetyculture.Name, "3.0.0", upperAudit, "",
				category+","+trigger+"INSPECTION_ARCHIVED_STATUS,"+metadata, "2024-02-19T22:41:07Z", "2024-02-19T22:41:06.318Z"),
			ids: []string{upperAudit}},
		{name: "legacy name in upper case beside an upper-case id",
			body: `{"version": "1.0.0", "workflow_id": "` + upperWorkflow + `", "event": {"date_triggered": "2015-11-03T01:22:41.650Z",
				"event_types": ["AUDIT_COMPLETED"]}, "data": {"audit": {"audit_id": "` + upperAudit + `"}}}`,
			check: func(t *testing.T, env *events.Envelope) {
				assert.Equal(t, []string{trigger + "INSPECTION_COMPLETED"}, env.Types, "the event name folds")
				assert.Equal(t, events.ID(upperAudit), inspection(t, env).Data.Audit.AuditID, "the id does not")
			},
			key: events.DerivedKey(safetyculture.Name, "1.0.0", upperAudit, "", trigger+"INSPECTION_COMPLETED", "2015-11-03T01:22:41.650Z", ""),
			ids: []string{upperAudit}},
		{name: "audit id that looks like a legacy event name",
			body: `{"version": "1.0.0", "event": {"date_triggered": "2015-11-03T01:22:41Z", "event_types": ["audit_started"]},
				"data": {"audit": {"audit_id": "AUDIT_STARTED"}}}`,
			check: func(t *testing.T, env *events.Envelope) {
				assert.Equal(t, events.ID("AUDIT_STARTED"), inspection(t, env).Data.Audit.AuditID)
			},
			key: events.DerivedKey(safetyculture.Name, "1.0.0", "AUDIT_STARTED", "", trigger+"INSPECTION_STARTED", "2015-11-03T01:22:41Z", ""),
			ids: []string{`"AUDIT_STARTED"`}},
		{name: "media of a task, mixed case",
			body: `{"webhook_id": "Hook-7F", "event": {"date_triggered": "2022-05-10T05:24:56Z", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]},
				"resource": {"id": "Task-94924CFA", "type": "TASK"}, "data": {"media_id": "37CEED41-9371-4851-995B-6869984A3E65"}}`,
			check: func(t *testing.T, env *events.Envelope) {
				ev, ok := safetyculture.MediaUploaded.Payload(env)
				require.True(t, ok)
				assert.Equal(t, events.ID("Hook-7F"), ev.WebhookID)
				assert.Equal(t, events.ID("Task-94924CFA"), ev.Resource.ID)
				assert.Equal(t, events.ID("37CEED41-9371-4851-995B-6869984A3E65"), ev.Data.MediaID)
			},
			key: events.DerivedKey(safetyculture.Name, "3.0.0", "Task-94924CFA", "37CEED41-9371-4851-995B-6869984A3E65",
				trigger+"MEDIA_UPLOADED", "2022-05-10T05:24:56Z", ""),
			ids: []string{"Task-94924CFA", "37CEED41-9371-4851-995B-6869984A3E65"}},
		{name: "training course, upper case",
			body: `{"webhook_id": "w", "event": {"date_triggered": "2024-09-02T06:30:12Z", "event_types": ["TRIGGER_EVENT_TRAINING_COURSE_COMPLETED"]},
				"resource": {"id": "COURSE_5F0E1D2C3B4A", "type": "TRAINING_COURSE"}, "data": {"course_id": "COURSE_5F0E1D2C3B4A"}}`,
			check: func(t *testing.T, env *events.Envelope) {
				ev, ok := safetyculture.TrainingCourseCompleted.Payload(env)
				require.True(t, ok)
				assert.Equal(t, events.ID("COURSE_5F0E1D2C3B4A"), ev.Resource.ID)
			},
			key: events.DerivedKey(safetyculture.Name, "3.0.0", "COURSE_5F0E1D2C3B4A", "",
				trigger+"TRAINING_COURSE_COMPLETED", "2024-09-02T06:30:12Z", ""),
			ids: []string{"COURSE_5F0E1D2C3B4A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				env *events.Envelope
				b   []byte
			)
			if tt.file != "" {
				env, b = decodeFile(t, tt.file)
			} else {
				b = []byte(tt.body)
				var err error
				env, err = safetyculture.Provider().Decode(b)
				require.NoError(t, err)
			}
			assert.Empty(t, env.ID, "SafetyCulture has no per-event id: the key is derived from the ids")
			assert.Equal(t, tt.key, env.IdempotencyKey)
			tt.check(t, env)

			// The same delivery with its ids in lower case is another event.
			lowered := string(b)
			for _, id := range tt.ids {
				lowered = strings.ReplaceAll(lowered, id, strings.ToLower(id))
			}
			require.NotEqual(t, string(b), lowered)
			lower, err := safetyculture.Provider().Decode([]byte(lowered))
			require.NoError(t, err)
			assert.NotEqual(t, env.IdempotencyKey, lower.IdempotencyKey)
		})
	}
}

// TestIDCaseThroughReceiver replays the upper-case legacy audit through a receiver: the handler
// reads the id as sent, and the delivery's key is the one the decoder derived from it.
func TestIDCaseThroughReceiver(t *testing.T) {
	hmac, err := verify.NewHMAC(verify.SafetyCulture("secret"))
	require.NoError(t, err)
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: hmac})
	require.NoError(t, err)
	calls := webhooktest.Record(rx, safetyculture.InspectionCompleted)

	env, b := decodeFile(t, "variant_legacy_upper_case_ids.json")
	lower := bytes.ReplaceAll(b, []byte(upperAudit), []byte(lowerAudit))
	for _, body := range [][]byte{b, lower} {
		w := webhooktest.Replay(t, rx, "/webhooks/safetyculture", body, hmac)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	require.Equal(t, 2, calls.Len(), "the lower-case id is another audit, not a duplicate")
	payloads, deliveries := calls.Payloads(), calls.Deliveries()
	assert.Equal(t, events.ID(upperAudit), payloads[0].Data.Audit.AuditID)
	assert.Equal(t, events.ID(lowerAudit), payloads[1].Data.Audit.AuditID)
	assert.Equal(t, env.IdempotencyKey, deliveries[0].IdempotencyKey)
	assert.Empty(t, deliveries[0].EventID)
	assert.NotEqual(t, deliveries[0].IdempotencyKey, deliveries[1].IdempotencyKey)
}
