package safetyculture_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// The events of the package by payload type: together, SafetyCulture's trigger event list.
var (
	inspectionEvents = []events.Event[safetyculture.InspectionEvent]{
		safetyculture.InspectionCategory, safetyculture.InspectionMetadata,
		safetyculture.InspectionStarted, safetyculture.InspectionUpdated, safetyculture.InspectionCompleted,
		safetyculture.InspectionArchived, safetyculture.InspectionUnarchived,
		safetyculture.InspectionHasStarted, safetyculture.InspectionCompletedStatus, safetyculture.InspectionArchivedStatus,
		safetyculture.InspectionDeletedStatus, safetyculture.InspectionOwner, safetyculture.InspectionAccess,
		safetyculture.InspectionLocation, safetyculture.InspectionDuration, safetyculture.InspectionCloned,
		safetyculture.InspectionOrganisation,
		safetyculture.InspectionItemUpdated,
		safetyculture.InspectionItemAddress, safetyculture.InspectionItemAsset, safetyculture.InspectionItemCheckbox,
		safetyculture.InspectionItemDateTime, safetyculture.InspectionItemDrawing, safetyculture.InspectionItemDynamicField,
		safetyculture.InspectionItemList, safetyculture.InspectionItemMedia, safetyculture.InspectionItemNote,
		safetyculture.InspectionItemQuestion, safetyculture.InspectionItemSignature, safetyculture.InspectionItemSite,
		safetyculture.InspectionItemSlider, safetyculture.InspectionItemTemperature, safetyculture.InspectionItemText,
	}
	actionEvents = []events.Event[safetyculture.ActionEvent]{
		safetyculture.ActionCreated, safetyculture.ActionTitleUpdated, safetyculture.ActionDescriptionUpdated,
		safetyculture.ActionDateDueUpdated, safetyculture.ActionStatusUpdated, safetyculture.ActionPriorityUpdated,
		safetyculture.ActionCollaboratorsUpdated, safetyculture.ActionSiteUpdated, safetyculture.ActionDeleted,
		safetyculture.ActionAssetUpdated, safetyculture.ActionLabelsUpdated, safetyculture.ActionCategoryUpdated,
		safetyculture.ActionOrgUpdated, safetyculture.ActionCollaboratorsAdded, safetyculture.ActionCollaboratorsRemoved,
		safetyculture.ActionUpdated,
	}
	incidentEvents = []events.Event[safetyculture.IncidentEvent]{
		safetyculture.IncidentCreated, safetyculture.IncidentTitleUpdated, safetyculture.IncidentDescriptionUpdated,
		safetyculture.IncidentDateDueUpdated, safetyculture.IncidentStatusUpdated, safetyculture.IncidentPriorityUpdated,
		safetyculture.IncidentCollaboratorsUpdated, safetyculture.IncidentCategoryUpdated, safetyculture.IncidentSiteUpdated,
		safetyculture.IncidentDeleted, safetyculture.IncidentOrgUpdated, safetyculture.IncidentCollaboratorsAdded,
		safetyculture.IncidentCollaboratorsRemoved, safetyculture.IncidentUpdated,
	}
	mediaEvents  = []events.Event[safetyculture.MediaEvent]{safetyculture.MediaUploaded}
	commonEvents = []events.Event[safetyculture.CommonEvent]{
		safetyculture.AttendanceSignedOn, safetyculture.AttendanceSignedOff,
		safetyculture.TrainingCourseCreated, safetyculture.TrainingCourseUpdated, safetyculture.TrainingCourseDeleted,
		safetyculture.TrainingCoursePublished, safetyculture.TrainingCourseRepublished, safetyculture.TrainingCourseUnpublished,
		safetyculture.TrainingCourseEnrolled, safetyculture.TrainingCourseOpened, safetyculture.TrainingCourseCompleted,
		safetyculture.TrainingCourseExpired, safetyculture.TrainingCourseReset,
		safetyculture.TrainingLessonCreated, safetyculture.TrainingLessonUpdated, safetyculture.TrainingLessonDeleted,
		safetyculture.TrainingLessonPublished, safetyculture.TrainingLessonUnpublished, safetyculture.TrainingLessonOpened,
		safetyculture.TrainingLessonCompleted,
		safetyculture.TrainingQuizSessionStarted, safetyculture.TrainingQuizSessionRetried,
	}
)

// triggerList is SafetyCulture's trigger event list, as its webhooks API enumerates it (86
// values).
var triggerList = strings.Fields(`
	TRIGGER_EVENT_ACTION_ASSET_UPDATED TRIGGER_EVENT_ACTION_CATEGORY_UPDATED TRIGGER_EVENT_ACTION_COLLABORATORS_ADDED
	TRIGGER_EVENT_ACTION_COLLABORATORS_REMOVED TRIGGER_EVENT_ACTION_COLLABORATORS_UPDATED TRIGGER_EVENT_ACTION_CREATED
	TRIGGER_EVENT_ACTION_DATE_DUE_UPDATED TRIGGER_EVENT_ACTION_DELETED TRIGGER_EVENT_ACTION_DESCRIPTION_UPDATED
	TRIGGER_EVENT_ACTION_LABELS_UPDATED TRIGGER_EVENT_ACTION_ORG_UPDATED TRIGGER_EVENT_ACTION_PRIORITY_UPDATED
	TRIGGER_EVENT_ACTION_SITE_UPDATED TRIGGER_EVENT_ACTION_STATUS_UPDATED TRIGGER_EVENT_ACTION_TITLE_UPDATED
	TRIGGER_EVENT_ACTION_UPDATED
	TRIGGER_EVENT_ATTENDANCE_SIGNED_OFF TRIGGER_EVENT_ATTENDANCE_SIGNED_ON
	TRIGGER_EVENT_INCIDENT_CATEGORY_UPDATED TRIGGER_EVENT_INCIDENT_COLLABORATORS_ADDED
	TRIGGER_EVENT_INCIDENT_COLLABORATORS_REMOVED TRIGGER_EVENT_INCIDENT_COLLABORATORS_UPDATED TRIGGER_EVENT_INCIDENT_CREATED
	TRIGGER_EVENT_INCIDENT_DATE_DUE_UPDATED TRIGGER_EVENT_INCIDENT_DELETED TRIGGER_EVENT_INCIDENT_DESCRIPTION_UPDATED
	TRIGGER_EVENT_INCIDENT_ORG_UPDATED TRIGGER_EVENT_INCIDENT_PRIORITY_UPDATED TRIGGER_EVENT_INCIDENT_SITE_UPDATED
	TRIGGER_EVENT_INCIDENT_STATUS_UPDATED TRIGGER_EVENT_INCIDENT_TITLE_UPDATED TRIGGER_EVENT_INCIDENT_UPDATED
	TRIGGER_EVENT_INSPECTION TRIGGER_EVENT_INSPECTION_ACCESS TRIGGER_EVENT_INSPECTION_ARCHIVED
	TRIGGER_EVENT_INSPECTION_ARCHIVED_STATUS TRIGGER_EVENT_INSPECTION_CLONED TRIGGER_EVENT_INSPECTION_COMPLETED
	TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS TRIGGER_EVENT_INSPECTION_DELETED_STATUS TRIGGER_EVENT_INSPECTION_DURATION
	TRIGGER_EVENT_INSPECTION_HAS_STARTED
	TRIGGER_EVENT_INSPECTION_ITEM_ADDRESS TRIGGER_EVENT_INSPECTION_ITEM_ASSET TRIGGER_EVENT_INSPECTION_ITEM_CHECKBOX
	TRIGGER_EVENT_INSPECTION_ITEM_DATETIME TRIGGER_EVENT_INSPECTION_ITEM_DRAWING TRIGGER_EVENT_INSPECTION_ITEM_DYNAMIC_FIELD
	TRIGGER_EVENT_INSPECTION_ITEM_LIST TRIGGER_EVENT_INSPECTION_ITEM_MEDIA TRIGGER_EVENT_INSPECTION_ITEM_NOTE
	TRIGGER_EVENT_INSPECTION_ITEM_QUESTION TRIGGER_EVENT_INSPECTION_ITEM_SIGNATURE TRIGGER_EVENT_INSPECTION_ITEM_SITE
	TRIGGER_EVENT_INSPECTION_ITEM_SLIDER TRIGGER_EVENT_INSPECTION_ITEM_TEMPERATURE TRIGGER_EVENT_INSPECTION_ITEM_TEXT
	TRIGGER_EVENT_INSPECTION_ITEM_UPDATED
	TRIGGER_EVENT_INSPECTION_LOCATION TRIGGER_EVENT_INSPECTION_METADATA TRIGGER_EVENT_INSPECTION_ORGANISATION
	TRIGGER_EVENT_INSPECTION_OWNER TRIGGER_EVENT_INSPECTION_STARTED TRIGGER_EVENT_INSPECTION_UNARCHIVED
	TRIGGER_EVENT_INSPECTION_UPDATED
	TRIGGER_EVENT_MEDIA_UPLOADED
	TRIGGER_EVENT_TRAINING_COURSE_COMPLETED TRIGGER_EVENT_TRAINING_COURSE_CREATED TRIGGER_EVENT_TRAINING_COURSE_DELETED
	TRIGGER_EVENT_TRAINING_COURSE_ENROLLED TRIGGER_EVENT_TRAINING_COURSE_EXPIRED TRIGGER_EVENT_TRAINING_COURSE_OPENED
	TRIGGER_EVENT_TRAINING_COURSE_PUBLISHED TRIGGER_EVENT_TRAINING_COURSE_REPUBLISHED TRIGGER_EVENT_TRAINING_COURSE_RESET
	TRIGGER_EVENT_TRAINING_COURSE_UNPUBLISHED TRIGGER_EVENT_TRAINING_COURSE_UPDATED
	TRIGGER_EVENT_TRAINING_LESSON_COMPLETED TRIGGER_EVENT_TRAINING_LESSON_CREATED TRIGGER_EVENT_TRAINING_LESSON_DELETED
	TRIGGER_EVENT_TRAINING_LESSON_OPENED TRIGGER_EVENT_TRAINING_LESSON_PUBLISHED TRIGGER_EVENT_TRAINING_LESSON_UNPUBLISHED
	TRIGGER_EVENT_TRAINING_LESSON_UPDATED
	TRIGGER_EVENT_TRAINING_QUIZ_SESSION_RETRIED TRIGGER_EVENT_TRAINING_QUIZ_SESSION_STARTED
`)

// names returns the names of evs.
func names[T any](evs []events.Event[T]) []string {
	out := make([]string, 0, len(evs))
	for _, ev := range evs {
		out = append(out, ev.Name())
	}
	return out
}

// TestTriggerList checks that the package declares every trigger event of SafetyCulture's list,
// no other, each once, with the payload type of its kind of resource.
func TestTriggerList(t *testing.T) {
	require.Len(t, triggerList, 86)
	p := safetyculture.Provider()
	want := slices.Sorted(slices.Values(triggerList))
	assert.Equal(t, want, p.EventTypes())

	tests := []struct {
		name    string
		events  []string
		payload reflect.Type
	}{
		{"inspection", names(inspectionEvents), reflect.TypeFor[safetyculture.InspectionEvent]()},
		{"action", names(actionEvents), reflect.TypeFor[safetyculture.ActionEvent]()},
		{"incident", names(incidentEvents), reflect.TypeFor[safetyculture.IncidentEvent]()},
		{"media", names(mediaEvents), reflect.TypeFor[safetyculture.MediaEvent]()},
		{"attendance and training", names(commonEvents), reflect.TypeFor[safetyculture.CommonEvent]()},
	}
	var all []string
	typer := p.(events.PayloadTyper)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range tt.events {
				assert.Equal(t, tt.payload, typer.PayloadType(name), name)
			}
		})
		all = append(all, tt.events...)
	}
	slices.Sort(all)
	assert.Equal(t, want, all, "every event is exported once")
}

// TestGoldenNewerTriggers decodes the event fixture of each trigger event whose data is the
// newer inspection data, an action, an issue, or undocumented data kept raw, beyond those
// TestGoldenNewerInspections, TestGoldenActions and TestGoldenIncidents check.
func TestGoldenNewerTriggers(t *testing.T) {
	const (
		itemAudit = "audit_b432cc30787c4606a08645552a24193a"
		course    = "course_5f0e1d2c3b4a"
		lesson    = "lesson_8e7d6c5b4a39"
		quiz      = "quizsession_2c1b0a9f8e7d"
		worker    = "4b3a2f1e-0d9c-4b8a-9f7e-6d5c4b3a2f1e"
		item      = trigger + "INSPECTION_ITEM_"
	)
	tests := []struct {
		file, typ  string
		categories []string // listed before the event
		resource   safetyculture.Resource
	}{
		{"newer_inspection_category.json", category, nil, safetyculture.Resource{ID: refAudit, Type: "INSPECTION"}},
		{"newer_inspection_metadata.json", metadata, []string{category}, safetyculture.Resource{ID: refAudit, Type: "INSPECTION"}},
		{"newer_inspection_organisation.json", trigger + "INSPECTION_ORGANISATION", []string{category, metadata}, safetyculture.Resource{ID: refAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_address.json", item + "ADDRESS", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_asset.json", item + "ASSET", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_checkbox.json", item + "CHECKBOX", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_datetime.json", item + "DATETIME", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_drawing.json", item + "DRAWING", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_dynamic_field.json", item + "DYNAMIC_FIELD", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_list.json", item + "LIST", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_media.json", item + "MEDIA", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_note.json", item + "NOTE", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_question.json", item + "QUESTION", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_signature.json", item + "SIGNATURE", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_site.json", item + "SITE", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_slider.json", item + "SLIDER", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_temperature.json", item + "TEMPERATURE", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_inspection_item_text.json", item + "TEXT", []string{category}, safetyculture.Resource{ID: itemAudit, Type: "INSPECTION"}},
		{"newer_action_asset_updated.json", trigger + "ACTION_ASSET_UPDATED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_action_labels_updated.json", trigger + "ACTION_LABELS_UPDATED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_action_category_updated.json", trigger + "ACTION_CATEGORY_UPDATED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_action_org_updated.json", trigger + "ACTION_ORG_UPDATED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_action_collaborators_added.json", trigger + "ACTION_COLLABORATORS_ADDED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_action_collaborators_removed.json", trigger + "ACTION_COLLABORATORS_REMOVED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_action_updated.json", trigger + "ACTION_UPDATED", nil, safetyculture.Resource{ID: actionID, Type: "TASK"}},
		{"newer_incident_org_updated.json", trigger + "INCIDENT_ORG_UPDATED", nil, safetyculture.Resource{ID: incidentID, Type: "INCIDENT"}},
		{"newer_incident_collaborators_added.json", trigger + "INCIDENT_COLLABORATORS_ADDED", nil, safetyculture.Resource{ID: incidentID, Type: "INCIDENT"}},
		{"newer_incident_collaborators_removed.json", trigger + "INCIDENT_COLLABORATORS_REMOVED", nil, safetyculture.Resource{ID: incidentID, Type: "INCIDENT"}},
		{"newer_incident_updated.json", trigger + "INCIDENT_UPDATED", nil, safetyculture.Resource{ID: incidentID, Type: "INCIDENT"}},
		{"newer_attendance_signed_on.json", trigger + "ATTENDANCE_SIGNED_ON", nil, safetyculture.Resource{ID: worker, Type: "ATTENDANCE"}},
		{"newer_attendance_signed_off.json", trigger + "ATTENDANCE_SIGNED_OFF", nil, safetyculture.Resource{ID: worker, Type: "ATTENDANCE"}},
		{"newer_training_course_created.json", trigger + "TRAINING_COURSE_CREATED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_updated.json", trigger + "TRAINING_COURSE_UPDATED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_deleted.json", trigger + "TRAINING_COURSE_DELETED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_published.json", trigger + "TRAINING_COURSE_PUBLISHED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_republished.json", trigger + "TRAINING_COURSE_REPUBLISHED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_unpublished.json", trigger + "TRAINING_COURSE_UNPUBLISHED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_enrolled.json", trigger + "TRAINING_COURSE_ENROLLED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_opened.json", trigger + "TRAINING_COURSE_OPENED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_completed.json", trigger + "TRAINING_COURSE_COMPLETED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_expired.json", trigger + "TRAINING_COURSE_EXPIRED", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_course_reset.json", trigger + "TRAINING_COURSE_RESET", nil, safetyculture.Resource{ID: course, Type: "TRAINING_COURSE"}},
		{"newer_training_lesson_created.json", trigger + "TRAINING_LESSON_CREATED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_lesson_updated.json", trigger + "TRAINING_LESSON_UPDATED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_lesson_deleted.json", trigger + "TRAINING_LESSON_DELETED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_lesson_published.json", trigger + "TRAINING_LESSON_PUBLISHED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_lesson_unpublished.json", trigger + "TRAINING_LESSON_UNPUBLISHED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_lesson_opened.json", trigger + "TRAINING_LESSON_OPENED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_lesson_completed.json", trigger + "TRAINING_LESSON_COMPLETED", nil, safetyculture.Resource{ID: lesson, Type: "TRAINING_LESSON"}},
		{"newer_training_quiz_session_started.json", trigger + "TRAINING_QUIZ_SESSION_STARTED", nil, safetyculture.Resource{ID: quiz, Type: "TRAINING_QUIZ_SESSION"}},
		{"newer_training_quiz_session_retried.json", trigger + "TRAINING_QUIZ_SESSION_RETRIED", nil, safetyculture.Resource{ID: quiz, Type: "TRAINING_QUIZ_SESSION"}},
	}
	typer := safetyculture.Provider().(events.PayloadTyper)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			env, _ := decodeFile(t, tt.file)
			assert.Equal(t, safetyculture.VersionNewer, env.Version)
			assert.Equal(t, tt.typ, env.Type)
			assert.Equal(t, append(slices.Clone(tt.categories), tt.typ), env.Types)
			assert.Empty(t, env.ID)
			require.Equal(t, reflect.PointerTo(typer.PayloadType(tt.typ)), reflect.TypeOf(env.Payload))

			var c *safetyculture.Common
			var modifyTime string
			switch ev := env.Payload.(type) {
			case *safetyculture.InspectionEvent:
				c = &ev.Common
				require.NotNil(t, ev.Data.Details)
				assert.Equal(t, tt.resource.ID, ev.Data.Details.InspectionID, "the details name the resource")
				assert.Equal(t, tt.resource.ID, ev.InspectionID())
				modifyTime = ev.Data.Details.ModifyTime.Raw
			case *safetyculture.ActionEvent:
				c = &ev.Common
				assert.Equal(t, tt.resource.ID, ev.Data.ActionID)
				assert.NotEmpty(t, ev.Data.Title)
			case *safetyculture.IncidentEvent:
				c = &ev.Common
				assert.Contains(t, string(ev.Data), `"id": "`+string(tt.resource.ID)+`"`)
			case *safetyculture.CommonEvent:
				c = &ev.Common
				assert.True(t, strings.HasPrefix(string(ev.Data), "{"), "data kept raw: %s", ev.Data)
			default:
				t.Fatalf("payload %T", env.Payload)
			}
			assert.Equal(t, "3.0.0", c.Version)
			assert.Equal(t, &tt.resource, c.Resource)
			assert.NotEmpty(t, c.WebhookID)
			assert.NotEmpty(t, c.Event.TriggeredBy.Organization)
			sorted := append(slices.Clone(tt.categories), tt.typ)
			slices.Sort(sorted)
			assert.Equal(t, events.DerivedKey(safetyculture.Name, "3.0.0", string(tt.resource.ID), "",
				strings.Join(sorted, ","), env.Time.Raw, modifyTime), env.IdempotencyKey)
		})
	}
}

// handleAll registers, on rx, a handler for each of evs that counts its calls by event type in
// got, and checks it receives a payload.
func handleAll[T any](t *testing.T, rx *receiver.Receiver, evs []events.Event[T], got map[string]int) {
	for _, ev := range evs {
		receiver.Handle(rx, ev, func(ctx context.Context, p *T) error {
			if p == nil {
				t.Errorf("%s: nil payload", ev)
			}
			if d := receiver.FromContext(ctx); d.Type != ev.Name() {
				t.Errorf("%s: handler ran for %s", ev, d.Type)
			}
			got[ev.Name()]++
			return nil
		})
	}
}

// TestTypedHandlers registers a typed handler for every event on a receiver and replays every
// event fixture to it, signed as SafetyCulture signs: each runs the handler of its own event,
// once, with its typed payload.
func TestTypedHandlers(t *testing.T) {
	hmac, err := verify.NewHMAC(verify.SafetyCulture("secret"))
	require.NoError(t, err)
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: hmac})
	require.NoError(t, err)
	got := map[string]int{}
	handleAll(t, rx, inspectionEvents, got)
	handleAll(t, rx, actionEvents, got)
	handleAll(t, rx, incidentEvents, got)
	handleAll(t, rx, mediaEvents, got)
	handleAll(t, rx, commonEvents, got)

	want := map[string]int{}
	for _, f := range loadCorpus(t) {
		if f.Kind != inspecthook.KindEvent {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			w := webhooktest.Replay(t, rx, "/webhooks/safetyculture", body(t, f), hmac)
			assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
		})
		want[f.Event]++
	}
	assert.Len(t, want, 86)
	assert.Equal(t, want, got)
}
