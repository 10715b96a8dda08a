package safetyculture_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

func decode(t *testing.T, body string) (*events.Envelope, error) {
	t.Helper()
	return safetyculture.Provider().Decode([]byte(body))
}

func TestProvider(t *testing.T) {
	p := safetyculture.Provider()
	assert.Equal(t, "safetyculture", p.Name())
	names := p.EventTypes()
	assert.Len(t, names, 86)
	assert.True(t, slices.IsSorted(names))
	assert.Contains(t, names, "TRIGGER_EVENT_INSPECTION_STARTED")
	assert.Contains(t, names, "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED")
	assert.Contains(t, names, "TRIGGER_EVENT_MEDIA_UPLOADED")
	assert.Contains(t, names, safetyculture.CategoryInspection, "categories are trigger events too, routed on last")
	assert.Contains(t, names, safetyculture.CategoryInspectionMetadata)
	for _, n := range names {
		assert.NotContains(t, n, "audit_", "events use the trigger event names")
	}
}

// TestFormat checks how Decode tells the two formats apart.
func TestFormat(t *testing.T) {
	const ev = `"event": {"date_triggered": "2024-01-02T03:04:05Z", "event_types": ["TRIGGER_EVENT_INSPECTION_UPDATED"]}`
	const audit = `"data": {"audit": {"audit_id": "audit_1"}}`
	const resource = `"resource": {"id": "audit_1", "type": "INSPECTION"}`
	tests := []struct {
		name, body, version string
		err                 error
	}{
		{"version 1.0.0", `{"version": "1.0.0", ` + ev + `, ` + audit + `}`, safetyculture.VersionLegacy, nil},
		{"version 1.x", `{"version": "1.2.0", ` + ev + `, ` + audit + `}`, safetyculture.VersionLegacy, nil},
		{"version 3.0.0", `{"version": "3.0.0", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"version 3.x", `{"version": "3.1.0", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"no version, workflow_id", `{"workflow_id": "workflow_1", ` + ev + `, ` + audit + `}`, safetyculture.VersionLegacy, nil},
		{"no version, webhook_id", `{"webhook_id": "w", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"no version, resource", `{` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"no version, data.audit", `{` + ev + `, ` + audit + `}`, safetyculture.VersionLegacy, nil},
		{"unknown version, workflow_id", `{"version": "2.0.0", "workflow_id": "w", ` + ev + `, ` + audit + `}`, safetyculture.VersionLegacy, nil},
		{"unknown version, resource", `{"version": "4.0.0", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"newer envelope around legacy data", `{"webhook_id": "w", ` + ev + `, ` + resource + `, ` + audit + `}`, safetyculture.VersionNewer, nil},
		{"no version, workflow_id and webhook_id", `{"workflow_id": "w", "webhook_id": "w", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"no version, workflow_id and resource", `{"workflow_id": "w", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"unknown version, workflow_id and webhook_id", `{"version": "2.0.0", "workflow_id": "w", "webhook_id": "w", ` + ev + `, ` + resource + `}`, safetyculture.VersionNewer, nil},
		{"version 1.0.0 beats newer markers", `{"version": "1.0.0", "webhook_id": "w", ` + ev + `, ` + resource + `, ` + audit + `}`, safetyculture.VersionLegacy, nil},
		{"bare event, unknown type", `{"event": {"event_types": ["TRIGGER_EVENT_TRAINING_COURSE_CREATED"]}}`, safetyculture.VersionNewer, nil},
		{"nothing of ours", `{"foo": 1}`, "", events.ErrShape},
		{"empty object", `{}`, "", events.ErrShape},
		{"odd version alone", `{"version": "banana"}`, "", events.ErrShape},
		{"version only", `{"version": "1.0.0"}`, "", events.ErrNoType},
		{"event null", `{"webhook_id": "w", "event": null}`, "", events.ErrNoType},
		{"event a string", `{"event": "create", "transaction": {}}`, "", events.ErrShape},
		{"version a number", `{"version": 3, ` + ev + `}`, "", events.ErrShape},
		{"event_types a string", `{"webhook_id": "w", "event": {"event_types": "TRIGGER_EVENT_MEDIA_UPLOADED"}}`, "", events.ErrShape},
		{"event_types null", `{"webhook_id": "w", "event": {"event_types": null}}`, "", events.ErrNoType},
		{"resource id an object", `{"webhook_id": "w", ` + ev + `, "resource": {"id": {}}}`, "", events.ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decode(t, tt.body)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				assert.Nil(t, env)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.version, env.Version)
		})
	}
}

// TestNewerWithWorkflowID decodes a newer delivery, as the corpus's
// newer_inspection_completed_status.json, sent without a version and with a workflow_id beside
// its webhook_id and resource: the newer envelope's fields decide, so it is accepted as newer
// rather than rejected as a legacy body without data.audit.
func TestNewerWithWorkflowID(t *testing.T) {
	body := `{
	  "webhook_id": "5378baaa-a470-48cc-8f11-ae2893551234",
	  "workflow_id": "workflow_8abb7bff902a43a5b3bd498f4bebb42j",
	  "event": {
	    "date_triggered": "2023-07-12T01:37:09Z",
	    "event_types": ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_METADATA", "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"],
	    "triggered_by": {"user": "user_b0bc1fcbef1a4ecf9f9b3d2dbddb1234", "organization": "53465cd9-8933-4518-9b7e-c7a71b3b1234"}
	  },
	  "resource": {"id": "audit_047ef3d184014ce7a04bc65701b51234", "type": "INSPECTION"},
	  "data": {
	    "event": {"inspection_completed_status_set": {"completed": true, "complete_time": "2023-07-12T01:37:08.412Z"}},
	    "details": {
	      "inspection_id": "audit_047ef3d184014ce7a04bc65701b51234",
	      "template_id": "template_5ac67d8738af471f9ad861232d8e1234",
	      "org_id": "53465cd9-8933-4518-9b7e-c7a71b3b1234",
	      "modify_time": "2023-07-12T01:37:08.412Z",
	      "canonical_start_time": "2023-07-11T23:04:21Z",
	      "score": {}
	    }
	  }
	}`
	env, err := decode(t, body)
	require.NoError(t, err, "a newer delivery is not a legacy one missing data.audit")
	assert.Equal(t, safetyculture.VersionNewer, env.Version)
	assert.Equal(t, safetyculture.InspectionCompletedStatus.Name(), env.Type)
	ev, ok := safetyculture.InspectionCompletedStatus.Payload(env)
	require.True(t, ok)
	assert.Equal(t, events.ID("audit_047ef3d184014ce7a04bc65701b51234"), ev.InspectionID())
	assert.Equal(t, events.ID("workflow_8abb7bff902a43a5b3bd498f4bebb42j"), ev.WorkflowID, "kept as sent")
	assert.Empty(t, ev.Version)
	assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", "audit_047ef3d184014ce7a04bc65701b51234", "",
		"TRIGGER_EVENT_INSPECTION,TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS,TRIGGER_EVENT_INSPECTION_METADATA",
		"2023-07-12T01:37:09Z", "2023-07-12T01:37:08.412Z"), env.IdempotencyKey, "the key of the same event without workflow_id")
}

func TestMixedFormatInspection(t *testing.T) {
	env, err := decode(t, `{"webhook_id": "w", "version": "3.0.0",
		"event": {"date_triggered": "2023-09-13T16:42:34Z", "event_types": ["TRIGGER_EVENT_INSPECTION_COMPLETED"]},
		"resource": {"id": "audit_r", "type": "INSPECTION"},
		"data": {"audit": {"audit_id": "audit_d", "audit_data": {"score": 0, "total_score": 1}}, "template": {"name": "Test"}}}`)
	require.NoError(t, err)
	ev, ok := safetyculture.InspectionCompleted.Payload(env)
	require.True(t, ok)
	assert.Equal(t, events.ID("audit_r"), ev.InspectionID(), "the resource id wins")
	assert.Equal(t, events.ID("audit_d"), ev.Data.Audit.AuditID, "legacy data in a newer envelope still decodes")
	assert.Equal(t, "Test", ev.Data.Template.Name)
}

// TestRouting checks that Type is the first known type, whatever the order, and that events
// match on any listed type.
func TestRouting(t *testing.T) {
	tests := []struct {
		name  string
		types string
		typ   string
	}{
		{"category first", `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"]`, "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"},
		{"category last", `["TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS", "TRIGGER_EVENT_INSPECTION"]`, "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"},
		{"two known", `["TRIGGER_EVENT_INSPECTION_ARCHIVED_STATUS", "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"]`, "TRIGGER_EVENT_INSPECTION_ARCHIVED_STATUS"},
		{"unknown before known", `["TRIGGER_EVENT_INSPECTION_SCHEDULE_MISSED", "TRIGGER_EVENT_INSPECTION_OWNER"]`, "TRIGGER_EVENT_INSPECTION_OWNER"},
		{"event after categories", `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_METADATA", "TRIGGER_EVENT_INSPECTION_ORGANISATION"]`, "TRIGGER_EVENT_INSPECTION_ORGANISATION"},
		{"undocumented category", `["TRIGGER_EVENT_TRAINING", "TRIGGER_EVENT_TRAINING_COURSE_COMPLETED"]`, "TRIGGER_EVENT_TRAINING_COURSE_COMPLETED"},
		{"categories only", `["TRIGGER_EVENT_INSPECTION_METADATA", "TRIGGER_EVENT_INSPECTION"]`, "TRIGGER_EVENT_INSPECTION_METADATA"},
		{"categories only, reversed", `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_METADATA"]`, "TRIGGER_EVENT_INSPECTION_METADATA"},
		{"category only", `["TRIGGER_EVENT_INSPECTION"]`, "TRIGGER_EVENT_INSPECTION"},
		{"category beside an unknown event", `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_SCHEDULE_MISSED"]`, "TRIGGER_EVENT_INSPECTION"},
		{"item update before its kind", `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED", "TRIGGER_EVENT_INSPECTION_ITEM_SITE"]`, "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED"},
		{"item update after its kind", `["TRIGGER_EVENT_INSPECTION_ITEM_TEXT", "TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED"]`, "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED"},
		{"item kind alone", `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ITEM_QUESTION"]`, "TRIGGER_EVENT_INSPECTION_ITEM_QUESTION"},
		{"item kind before the metadata group", `["TRIGGER_EVENT_INSPECTION_METADATA", "TRIGGER_EVENT_INSPECTION_ITEM_NOTE"]`, "TRIGGER_EVENT_INSPECTION_ITEM_NOTE"},
		{"blank names skipped", `["", "  ", "TRIGGER_EVENT_INSPECTION_CLONED"]`, "TRIGGER_EVENT_INSPECTION_CLONED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decode(t, `{"webhook_id": "w", "event": {"date_triggered": "2024-01-02T03:04:05Z", "event_types": `+
				tt.types+`}, "resource": {"id": "audit_1", "type": "INSPECTION"}, "data": {}}`)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, env.Type)
			assert.True(t, env.Is(tt.typ))
		})
	}

	env, err := decode(t, `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ARCHIVED_STATUS", "TRIGGER_EVENT_INSPECTION_DELETED_STATUS"]}, "resource": {"id": "audit_1"}}`)
	require.NoError(t, err)
	for _, k := range []events.Event[safetyculture.InspectionEvent]{safetyculture.InspectionArchivedStatus, safetyculture.InspectionDeletedStatus} {
		assert.True(t, k.Matches(env), "%s", k)
		_, ok := k.Payload(env)
		assert.True(t, ok, "%s", k)
	}
	assert.False(t, safetyculture.InspectionCompletedStatus.Matches(env))

	// The groups of actions and incidents give way to their specific events, in any order.
	groups := []struct{ name, types, resource, typ string }{
		{"action group first", `["TRIGGER_EVENT_ACTION_UPDATED", "TRIGGER_EVENT_ACTION_TITLE_UPDATED"]`, "TASK", "TRIGGER_EVENT_ACTION_TITLE_UPDATED"},
		{"action group last", `["TRIGGER_EVENT_ACTION_LABELS_UPDATED", "TRIGGER_EVENT_ACTION_UPDATED"]`, "TASK", "TRIGGER_EVENT_ACTION_LABELS_UPDATED"},
		{"action group alone", `["TRIGGER_EVENT_ACTION_UPDATED"]`, "TASK", "TRIGGER_EVENT_ACTION_UPDATED"},
		{"action group beside an unknown event", `["TRIGGER_EVENT_ACTION_UPDATED", "TRIGGER_EVENT_ACTION_SCHEDULE_UPDATED"]`, "TASK", "TRIGGER_EVENT_ACTION_UPDATED"},
		{"incident group first", `["TRIGGER_EVENT_INCIDENT_UPDATED", "TRIGGER_EVENT_INCIDENT_COLLABORATORS_ADDED"]`, "INCIDENT", "TRIGGER_EVENT_INCIDENT_COLLABORATORS_ADDED"},
		{"incident group alone", `["TRIGGER_EVENT_INCIDENT_UPDATED"]`, "INCIDENT", "TRIGGER_EVENT_INCIDENT_UPDATED"},
	}
	for _, tt := range groups {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decode(t, `{"webhook_id": "w", "event": {"date_triggered": "2024-01-02T03:04:05Z", "event_types": `+
				tt.types+`}, "resource": {"id": "r1", "type": "`+tt.resource+`"}, "data": {}}`)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, env.Type)
			assert.NotNil(t, env.Payload)
		})
	}
}

func TestLegacyNames(t *testing.T) {
	tests := map[string]string{
		"audit_started":    "TRIGGER_EVENT_INSPECTION_STARTED",
		"audit_updated":    "TRIGGER_EVENT_INSPECTION_UPDATED",
		"audit_completed":  "TRIGGER_EVENT_INSPECTION_COMPLETED",
		"audit_archived":   "TRIGGER_EVENT_INSPECTION_ARCHIVED",
		"audit_unarchived": "TRIGGER_EVENT_INSPECTION_UNARCHIVED",
		"Audit_Archived":   "TRIGGER_EVENT_INSPECTION_ARCHIVED",
		"audit_exported":   "audit_exported",
	}
	for sent, want := range tests {
		t.Run(sent, func(t *testing.T) {
			env, err := decode(t, `{"version": "1.0.0", "workflow_id": "w", "event": {"date_triggered": "2017-06-29T05:15:19.136Z",
				"event_types": ["`+sent+`"]}, "data": {"audit": {"audit_id": "audit_1"}}}`)
			require.NoError(t, err)
			assert.Equal(t, want, env.Type)
			assert.Equal(t, []string{want}, env.Types)
			assert.Equal(t, want != sent, env.Known())
		})
	}
}

// TestValidation checks that a missing required field is an *events.ValidationError naming it
// by its JSON path, returned with the envelope and, where it decodes, the payload.
func TestValidation(t *testing.T) {
	tests := []struct {
		name, body string
		fields     []string
		payload    bool
	}{
		{"legacy without audit id",
			`{"version": "1.0.0", "event": {"event_types": ["audit_started"]}, "data": {"audit": {"template_id": "t"}}}`,
			[]string{"data.audit.audit_id"}, true},
		{"legacy without data",
			`{"version": "1.0.0", "workflow_id": "w", "event": {"event_types": ["audit_started"]}}`,
			[]string{"data.audit.audit_id"}, true},
		{"legacy unknown type without audit id",
			`{"version": "1.0.0", "event": {"event_types": ["audit_deleted"]}, "data": {}}`,
			[]string{"data.audit.audit_id"}, false},
		{"newer without resource",
			`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_ACTION_CREATED"]}, "data": {"action_id": "a"}}`,
			[]string{"resource.id"}, true},
		{"newer with an empty resource id",
			`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INCIDENT_DELETED"]}, "resource": {"id": "", "type": "INCIDENT"}}`,
			[]string{"resource.id"}, true},
		{"media without resource or media id",
			`{"event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "data": {"media_type": "IMAGE"}}`,
			[]string{"resource.id", "data.media_id"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decode(t, tt.body)
			require.ErrorIs(t, err, events.ErrInvalid)
			var verr *events.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.fields, verr.Fields)
			require.NotNil(t, env, "the envelope comes with the error")
			assert.Equal(t, []byte(tt.body), env.Raw)
			assert.NotEmpty(t, env.Type)
			assert.Equal(t, tt.payload, env.Payload != nil)
		})
	}

	// An unknown newer event needs no resource.
	env, err := decode(t, `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_ATTENDANCE_BREAK_STARTED"]}, "data": {"site_id": "s"}}`)
	require.NoError(t, err)
	assert.Nil(t, env.Payload)

	// Nor do the attendance and training events, whose shape is not documented: they decode,
	// with their payload.
	for _, typ := range []string{safetyculture.AttendanceSignedOn.Name(), safetyculture.TrainingCourseCreated.Name()} {
		t.Run(typ, func(t *testing.T) {
			env, err := decode(t, `{"webhook_id": "w", "event": {"event_types": ["`+typ+`"]}, "data": {"site_id": "s"}}`)
			require.NoError(t, err)
			ev, ok := env.Payload.(*safetyculture.CommonEvent)
			require.True(t, ok, "payload %T", env.Payload)
			assert.Nil(t, ev.Resource)
			assert.JSONEq(t, `{"site_id": "s"}`, string(ev.Data))
		})
	}
}

// TestTolerance checks what must never fail a delivery.
func TestTolerance(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(t *testing.T, env *events.Envelope)
	}{
		{"unknown fields everywhere",
			`{"webhook_id": "w", "x": [1, {"y": null}], "event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"], "z": true,
			"triggered_by": {"user": "u", "role": "admin"}}, "resource": {"id": "r", "type": "TASK", "w": 1},
			"data": {"media_id": "m", "media_type": "IMAGE", "media_url": "https://x", "width": 4032}}`,
			func(t *testing.T, env *events.Envelope) {
				ev, ok := safetyculture.MediaUploaded.Payload(env)
				require.True(t, ok)
				assert.Equal(t, events.ID("m"), ev.Data.MediaID)
				assert.Contains(t, string(ev.Data.Raw), `"width": 4032`)
			}},
		{"ids as numbers",
			`{"webhook_id": 17, "event": {"event_types": ["TRIGGER_EVENT_ACTION_DELETED"], "triggered_by": {"user": 42, "organization": 7}},
			"resource": {"id": 12345678901234567890, "type": "TASK"}, "data": {"action_id": 99, "status_id": 3, "creator": {"id": 5}}}`,
			func(t *testing.T, env *events.Envelope) {
				ev, ok := safetyculture.ActionDeleted.Payload(env)
				require.True(t, ok)
				assert.Equal(t, events.ID("17"), ev.WebhookID)
				assert.Equal(t, events.ID("42"), ev.Event.TriggeredBy.User)
				assert.Equal(t, events.ID("12345678901234567890"), ev.Resource.ID)
				assert.Equal(t, events.ID("99"), ev.Data.ActionID)
				assert.Equal(t, events.ID("5"), ev.Data.Creator.ID)
			}},
		{"nulls everywhere",
			`{"webhook_id": null, "version": null, "event": {"date_triggered": null, "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER", null],
			"triggered_by": null}, "resource": {"id": "audit_1", "type": null}, "data": {"details": null, "event": null}}`,
			func(t *testing.T, env *events.Envelope) {
				assert.Equal(t, safetyculture.VersionNewer, env.Version)
				assert.Equal(t, []string{"TRIGGER_EVENT_INSPECTION_OWNER"}, env.Types)
				assert.False(t, env.Time.Valid())
				ev, ok := safetyculture.InspectionOwner.Payload(env)
				require.True(t, ok)
				assert.Nil(t, ev.Data.Details)
				assert.Equal(t, "null", string(ev.Data.Change))
			}},
		{"data null",
			`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_ACTION_CREATED"]}, "resource": {"id": "a"}, "data": null}`,
			func(t *testing.T, env *events.Envelope) {
				ev, ok := safetyculture.ActionCreated.Payload(env)
				require.True(t, ok)
				assert.Nil(t, ev.Data.Raw)
				assert.Empty(t, ev.Data.ActionID)
			}},
		{"empty arrays",
			`{"version": "1.0.0", "event": {"event_types": ["audit_updated"]}, "data": {"audit": {"audit_id": "a",
			"header_items": [], "items": [{"item_id": "i", "children": [], "responses": {}}]}}}`,
			func(t *testing.T, env *events.Envelope) {
				a := inspection(t, env).Data.Audit
				assert.Empty(t, a.HeaderItems)
				require.Len(t, a.Items, 1)
				assert.Empty(t, a.Items[0].Children)
				assert.Empty(t, a.Items[0].Responses)
			}},
		{"any time style",
			`{"webhook_id": "w", "event": {"date_triggered": "yesterday", "event_types": ["TRIGGER_EVENT_INSPECTION_DURATION"]},
			"resource": {"id": "audit_1"}, "data": {"details": {"modify_time": 1717200000, "canonical_start_time": "2024-06-01"}}}`,
			func(t *testing.T, env *events.Envelope) {
				assert.False(t, env.Time.Valid())
				assert.Equal(t, "yesterday", env.Time.Raw)
				det := inspection(t, env).Data.Details
				assert.True(t, det.ModifyTime.Valid())
				assert.True(t, det.CanonicalStartTime.Valid())
			}},
		{"scores of any JSON type",
			`{"version": "1.0.0", "event": {"event_types": ["audit_completed"]}, "data": {"audit": {"audit_id": "a",
			"audit_data": {"score": {"value": 3}, "total_score": "5", "duration": 12.75}}}}`,
			func(t *testing.T, env *events.Envelope) {
				d := inspection(t, env).Data.Audit.AuditData
				assert.Equal(t, events.Other, d.Score.Kind)
				assert.Equal(t, events.StringValue("5"), d.TotalScore)
				assert.Equal(t, events.NumberValue("12.75"), d.Duration)
			}},
		{"non-ASCII event type passes through",
			`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_ÜBERPRÜFUNG"]}}`,
			func(t *testing.T, env *events.Envelope) {
				assert.Equal(t, "TRIGGER_EVENT_ÜBERPRÜFUNG", env.Type)
				assert.Nil(t, env.Payload)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := decode(t, tt.body)
			require.NoError(t, err)
			assert.Equal(t, []byte(tt.body), env.Raw)
			tt.check(t, env)
		})
	}
}

// TestErrorsWrapOneSentinel checks that payload decoding errors keep the events sentinels, and
// the message a sender is answered with, which names the JSON path at fault.
func TestErrorsWrapOneSentinel(t *testing.T) {
	tests := map[string]struct {
		body    string
		err     error
		message string
	}{
		"audit a string": {`{"version": "1.0.0", "event": {"event_types": ["audit_started"]}, "data": {"audit": "x"}}`,
			events.ErrShape, "field data.audit has the wrong JSON type"},
		"data an array": {`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "r"}, "data": []}`,
			events.ErrShape, "field data has the wrong JSON type"},
		"collaborators{}": {`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_ACTION_CREATED"]}, "resource": {"id": "r"}, "data": {"collaborators": {}}}`,
			events.ErrShape, "field data.collaborators has the wrong JSON type"},
		"archived a string": {`{"version": "1.0.0", "event": {"event_types": ["audit_archived"]}, "data": {"audit": {"audit_id": "a", "archived": "yes"}}}`,
			events.ErrShape, "field data.audit.archived has the wrong JSON type"},
		"triggered_by a string": {`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"], "triggered_by": "u"}, "resource": {"id": "r"}}`,
			events.ErrShape, "field event.triggered_by has the wrong JSON type"},
		"event_types a number": {`{"webhook_id": "w", "event": {"event_types": [7]}}`,
			events.ErrShape, "field event.event_types has the wrong JSON type"},
		"resource id an array": {`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": ["r"]}}`,
			events.ErrShape, "field resource.id has the wrong JSON type"},
		"trailing garbage":   {`{"webhook_id": "w"} x`, events.ErrNotJSON, "body is not valid JSON"},
		"top-level string":   {`"TRIGGER_EVENT_MEDIA_UPLOADED"`, events.ErrShape, "body is not this provider's shape"},
		"whitespace only":    {" \n\t", events.ErrNotJSON, "body is not valid JSON"},
		"no event types":     {`{"webhook_id": "w", "event": {"event_types": []}}`, events.ErrNoType, "no event type in the body"},
		"unknown type shape": {`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}, "data": []}`, nil, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.err == nil {
				env, err := decode(t, tt.body)
				require.NoError(t, err)
				assert.Nil(t, env.Payload)
				return
			}
			eventstest.Reject(t, safetyculture.Provider(), []byte(tt.body), tt.err)
			_, err := decode(t, tt.body)
			n := 0
			for _, s := range []error{events.ErrNotJSON, events.ErrShape, events.ErrNoType, events.ErrInvalid} {
				if errors.Is(err, s) {
					n++
				}
			}
			assert.Equal(t, 1, n, "wraps exactly one sentinel: %v", err)
			assert.Equal(t, tt.message, events.Message(err))
		})
	}
}

// TestUnknownTypeStaysOutOfErrors checks that a type the package does not route, which is the
// body's own text, is not repeated in the error.
func TestUnknownTypeStaysOutOfErrors(t *testing.T) {
	body := `{"version": "1.0.0", "event": {"event_types": ["audit_secret_name"]}, "data": {}}`
	env, verr := eventstest.Reject(t, safetyculture.Provider(), []byte(body), events.ErrInvalid)
	assert.Equal(t, "audit_secret_name", env.Type)
	assert.Equal(t, []string{"data.audit.audit_id"}, verr.Fields)
	_, err := decode(t, body)
	assert.NotContains(t, err.Error(), "audit_secret_name")
	assert.Equal(t, "required field missing: data.audit.audit_id", events.Message(err))
}

// TestManyEventTypes checks that a delivery listing 80,000 distinct event types decodes with the
// bound applied: the first MaxEventTypes types are kept, in the order sent, and the rest ignored.
func TestManyEventTypes(t *testing.T) {
	const n = 80_000
	env, err := safetyculture.Provider().Decode(manyTypesBody(n, safetyculture.InspectionArchivedStatus.Name()))
	require.NoError(t, err)
	require.Len(t, env.Types, safetyculture.MaxEventTypes)
	assert.Equal(t, []string{"TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_OWNER", "TRIGGER_EVENT_CUSTOM_0"}, env.Types[:3])
	assert.Equal(t, fmt.Sprintf("TRIGGER_EVENT_CUSTOM_%d", safetyculture.MaxEventTypes-3), env.Types[safetyculture.MaxEventTypes-1])
	assert.Equal(t, safetyculture.InspectionOwner.Name(), env.Type)
	assert.True(t, env.Is(safetyculture.CategoryInspection))
	assert.False(t, safetyculture.InspectionArchivedStatus.Matches(env), "a type past the bound is ignored")
	ev, ok := safetyculture.InspectionOwner.Payload(env)
	require.True(t, ok)
	assert.Len(t, ev.Event.EventTypes, n+3, "the payload keeps the list as sent")
	assert.LessOrEqual(t, len(env.IdempotencyKey), events.MaxKeyLen)

	// Repeats and blanks do not count towards the bound.
	var b strings.Builder
	b.WriteString(`{"webhook_id": "w", "event": {"event_types": [`)
	for range n {
		b.WriteString(`"TRIGGER_EVENT_INSPECTION", "", `)
	}
	b.WriteString(`"TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"id": "audit_1"}}`)
	env, err = safetyculture.Provider().Decode([]byte(b.String()))
	require.NoError(t, err)
	assert.Equal(t, []string{"TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_OWNER"}, env.Types)
	assert.Equal(t, safetyculture.InspectionOwner.Name(), env.Type)

	// Without a known type, the first type no other listed type extends is routed on.
	body := []byte(`{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_LEARNING", "TRIGGER_EVENT_LEARNING_BADGE",
		"TRIGGER_EVENT_LEARNING_BADGE_AWARDED", "TRIGGER_EVENT_LEARNING_BADGE_AWARDED_LATE"]}}`)
	env, err = safetyculture.Provider().Decode(body)
	require.NoError(t, err)
	assert.Equal(t, "TRIGGER_EVENT_LEARNING_BADGE_AWARDED_LATE", env.Type)
}
