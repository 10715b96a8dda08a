package record360_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/record360"
)

// TestTaskShapes decodes a v1 task of each shape into Task: every field the shape carries is
// read, and every field of the other shape stays zero.
func TestTaskShapes(t *testing.T) {
	t.Run("webhook shape", func(t *testing.T) {
		_, tk := task(t, "v1_task_complete.json", record360.V1TaskComplete)

		// What this shape carries is checked field by field in TestGoldenV1Tasks; here, the
		// priority read through IsHighPriority and the API shape's fields, all zero.
		assert.True(t, tk.IsHighPriority(), `"priority": true`)
		assert.False(t, tk.HighPriority)
		assert.Equal(t, record360.User{}, tk.Requester)
		assert.Equal(t, record360.Asset{}, tk.Asset)
		assert.Equal(t, record360.Location{}, tk.Location)
		assert.Nil(t, tk.Activities)
		assert.Empty(t, tk.Assignee.Email)
		assert.Empty(t, tk.Assignee.Name)
		assertTime(t, at(2024, 1, 16, 10, 0, 13, 716), "2024-01-16T10:00:13.716Z", tk.CompletedAt)
	})

	t.Run("API shape", func(t *testing.T) {
		env, tk := task(t, "variant_v1_task_complete_api_shape.json", record360.V1TaskComplete)

		t.Run("envelope", func(t *testing.T) {
			assert.Equal(t, record360.V1, env.Version)
			assert.Equal(t, "v1/task.complete", env.Type)
			assert.Empty(t, env.ID)
			assertTime(t, at(2020, 12, 16, 21, 25, 11, 795), "2020-12-16T21:25:11.795Z", env.Time)
			assert.Equal(t, events.DerivedKey(record360.Name, "v1", "task", "complete", "42", "2020-12-16T21:25:11.795Z"),
				env.IdempotencyKey, "no completed_at: the key's stamp is updated_at")
		})

		t.Run("fields of both shapes", func(t *testing.T) {
			assert.Empty(t, tk.Object)
			assert.Equal(t, events.ID("42"), tk.ID)
			assert.Equal(t, "Inspect Bulldozer", tk.Name)
			assert.Equal(t, "idle", tk.Status, "a status other than completed decodes")
			assertTime(t, at(2020, 12, 21, 21, 25, 4, 0), "2020-12-21T21:25:04.000Z", tk.DueBy)
			assertTime(t, at(2020, 12, 16, 21, 25, 11, 795), "2020-12-16T21:25:11.795Z", tk.CreatedAt)
			assertTime(t, at(2020, 12, 16, 21, 25, 11, 795), "2020-12-16T21:25:11.795Z", tk.UpdatedAt)
		})

		ahmad := record360.User{ID: "8", Email: "ahmad.mosciski@example.com", Name: "Ahmad Mosciski"}
		t.Run("fields of the API shape", func(t *testing.T) {
			assert.False(t, tk.HighPriority)
			assert.False(t, tk.IsHighPriority())
			assert.Equal(t, record360.Asset{ID: "1", ExternalID: "5764868635464"}, tk.Asset)
			assert.Equal(t, record360.Location{ID: "1", Name: "Demo Location"}, tk.Location)
			assert.Equal(t, ahmad, tk.Assignee, "{id, email, name}, no username")
			assert.Equal(t, ahmad, tk.Requester)
			require.Len(t, tk.Activities, 1)
			a := tk.Activities[0]
			assert.Equal(t, "Created Task", a.Event)
			assert.Equal(t, ahmad, a.User)
			assertTime(t, at(2020, 12, 16, 21, 25, 11, 807), "2020-12-16T21:25:11.807Z", a.CreatedAt)
		})

		t.Run("fields of the webhook shape stay zero", func(t *testing.T) {
			assert.Empty(t, tk.Type)
			assert.Empty(t, tk.Description)
			assert.True(t, tk.Priority.IsNull())
			assert.Equal(t, record360.Unit{}, tk.Unit)
			assert.Equal(t, record360.Workflow{}, tk.Workflow)
			assert.Equal(t, record360.Department{}, tk.Department)
			assert.Equal(t, events.Time{}, tk.CompletedAt, "the API shape has no completed_at")
			assert.Empty(t, tk.Assignee.Username)
		})
	})
}

// TestTaskBodies decodes tasks beyond the two fixtures: mixes of the shapes, odd lists, other
// states, and the API shape inside a v3 envelope.
func TestTaskBodies(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		event events.Event[record360.Task]
		check func(t *testing.T, tk *record360.Task)
	}{
		{"requester apart from assignee", `{"event": "complete", "task": {"id": "43", "high_priority": true,
			"assignee": {"id": 8, "email": "tech@example.com", "name": "Tech One"},
			"requester": {"id": "9", "email": "boss@example.com", "name": "Boss Two"}}}`,
			record360.V1TaskComplete, func(t *testing.T, tk *record360.Task) {
				assert.Equal(t, record360.User{ID: "8", Email: "tech@example.com", Name: "Tech One"}, tk.Assignee)
				assert.Equal(t, record360.User{ID: "9", Email: "boss@example.com", Name: "Boss Two"}, tk.Requester)
				assert.True(t, tk.HighPriority)
				assert.True(t, tk.IsHighPriority())
			}},
		{"activities in order", `{"event": "completed", "task": {"id": 44, "status": "completed", "activities": [
			{"event": "Created Task", "user": {"id": 8}, "created_at": "2020-12-16T21:25:11.807Z"},
			{"event": "Completed Task", "user": {"id": "9", "name": "Boss Two"}, "created_at": "2020-12-17-09:00:00Z"}]}}`,
			record360.V1TaskCompleted, func(t *testing.T, tk *record360.Task) {
				require.Len(t, tk.Activities, 2)
				assert.Equal(t, "Created Task", tk.Activities[0].Event)
				assert.Equal(t, record360.User{ID: "8"}, tk.Activities[0].User)
				assert.Equal(t, "Completed Task", tk.Activities[1].Event)
				assert.Equal(t, record360.User{ID: "9", Name: "Boss Two"}, tk.Activities[1].User)
				assertTime(t, time.Date(2020, 12, 17, 9, 0, 0, 0, time.UTC), "2020-12-17-09:00:00Z", tk.Activities[1].CreatedAt)
			}},
		{"empty activities", `{"event": "complete", "task": {"id": "45", "activities": []}}`,
			record360.V1TaskComplete, func(t *testing.T, tk *record360.Task) {
				assert.NotNil(t, tk.Activities)
				assert.Empty(t, tk.Activities)
			}},
		{"null activities and objects", `{"event": "complete", "task": {"id": "46", "activities": null,
			"requester": null, "asset": null, "location": null, "high_priority": null}}`,
			record360.V1TaskComplete, func(t *testing.T, tk *record360.Task) {
				assert.Nil(t, tk.Activities)
				assert.Equal(t, record360.User{}, tk.Requester)
				assert.Equal(t, record360.Asset{}, tk.Asset)
				assert.Equal(t, record360.Location{}, tk.Location)
				assert.False(t, tk.HighPriority, "null leaves the boolean false")
			}},
		{"null activity", `{"event": "complete", "task": {"id": "47", "activities": [null, {"event": "Created Task"}]}}`,
			record360.V1TaskComplete, func(t *testing.T, tk *record360.Task) {
				assert.Equal(t, []record360.Activity{{}, {Event: "Created Task"}}, tk.Activities)
			}},
		{"both shapes at once", `{"event": "complete", "task": {"id": "48", "priority": false, "high_priority": true,
			"unit": {"id": 1234, "reference_number": "89N5J6"}, "asset": {"id": "1", "external_id": "5764868635464"},
			"assignee": {"id": 8, "username": "tech@example.com", "email": "tech@example.com", "name": "Tech One"},
			"completed_at": "2025-10-09-19:00:00Z", "activities": [{"event": "Completed Task"}]}}`,
			record360.V1TaskComplete, func(t *testing.T, tk *record360.Task) {
				assert.Equal(t, events.BoolValue(false), tk.Priority)
				assert.True(t, tk.HighPriority)
				assert.True(t, tk.IsHighPriority(), "either shape saying high is enough")
				assert.Equal(t, record360.Unit{ID: "1234", ReferenceNumber: "89N5J6"}, tk.Unit)
				assert.Equal(t, record360.Asset{ID: "1", ExternalID: "5764868635464"}, tk.Asset)
				assert.Equal(t, record360.User{ID: "8", Username: "tech@example.com", Email: "tech@example.com", Name: "Tech One"}, tk.Assignee)
				assert.Equal(t, "2025-10-09-19:00:00Z", tk.CompletedAt.Raw)
				assert.Len(t, tk.Activities, 1)
			}},
		{"API shape in a v3 envelope", `{"id": "14", "object": "event", "type": "task.completed", "data": {"object": "task",
			"id": "42", "status": "idle", "high_priority": true, "asset": {"id": "1", "external_id": "5764868635464"},
			"requester": {"id": "8", "email": "a@example.com", "name": "A"}, "activities": [{"event": "Created Task"}]}}`,
			record360.TaskCompleted, func(t *testing.T, tk *record360.Task) {
				assert.Equal(t, "task", tk.Object)
				assert.Equal(t, "idle", tk.Status)
				assert.True(t, tk.IsHighPriority())
				assert.Equal(t, record360.Asset{ID: "1", ExternalID: "5764868635464"}, tk.Asset)
				assert.Equal(t, record360.User{ID: "8", Email: "a@example.com", Name: "A"}, tk.Requester)
				assert.Equal(t, []record360.Activity{{Event: "Created Task"}}, tk.Activities)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := record360.Provider().Decode([]byte(tt.body))
			require.NoError(t, err)
			tk, ok := tt.event.Payload(env)
			require.True(t, ok, "%s: payload %T", env.Type, env.Payload)
			tt.check(t, tk)
		})
	}
}

// TestTaskStatusFreeText checks that no status is refused, in either format: Record360
// documents no list of task states.
func TestTaskStatusFreeText(t *testing.T) {
	for _, status := range []string{"idle", "completed", "complete", "in_progress", "Cancelled", ""} {
		t.Run("status "+status, func(t *testing.T) {
			for _, body := range []string{
				`{"event": "complete", "task": {"id": "1", "status": "` + status + `"}}`,
				`{"id": "1", "type": "task.completed", "data": {"object": "task", "id": "1", "status": "` + status + `"}}`,
			} {
				env, err := record360.Provider().Decode([]byte(body))
				require.NoError(t, err)
				tk, ok := env.Payload.(*record360.Task)
				require.True(t, ok, "payload %T", env.Payload)
				assert.Equal(t, status, tk.Status)
			}
		})
	}
	t.Run("no completed_at", func(t *testing.T) {
		env, err := record360.Provider().Decode([]byte(`{"event": "complete", "task": {"id": "1", "created_at": "2020-12-16T21:25:11.795Z"}}`))
		require.NoError(t, err)
		assert.Equal(t, "2020-12-16T21:25:11.795Z", env.Time.Raw, "created_at, the last fallback")
	})
}

func TestTaskIsHighPriority(t *testing.T) {
	tests := []struct {
		name string
		task record360.Task
		want bool
	}{
		{"zero", record360.Task{}, false},
		{"high_priority true", record360.Task{HighPriority: true}, true},
		{"high_priority false", record360.Task{HighPriority: false, Priority: events.BoolValue(false)}, false},
		{"priority true", record360.Task{Priority: events.BoolValue(true)}, true},
		{"priority false", record360.Task{Priority: events.BoolValue(false)}, false},
		{"priority string TRUE", record360.Task{Priority: events.StringValue("TRUE")}, true},
		{"priority string false", record360.Task{Priority: events.StringValue("false")}, false},
		{"priority level not read", record360.Task{Priority: events.StringValue("high")}, false},
		{"priority number not read", record360.Task{Priority: events.NumberValue("1")}, false},
		{"priority false, high_priority true", record360.Task{Priority: events.BoolValue(false), HighPriority: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.task.IsHighPriority())
		})
	}
}

// TestTaskErrors checks that a field of the API shape with the wrong JSON type is an ErrShape
// naming its path, as for every other field.
func TestTaskErrors(t *testing.T) {
	wrongType := func(path string) string { return "field " + path + " has the wrong JSON type" }
	tests := []struct {
		name    string
		body    string
		message string
	}{
		{"high_priority a string", `{"event": "complete", "task": {"id": "1", "high_priority": "yes"}}`, wrongType("task.high_priority")},
		{"activities an object", `{"event": "complete", "task": {"id": "1", "activities": {"event": "Created Task"}}}`, wrongType("task.activities")},
		{"activity user id an object", `{"event": "complete", "task": {"id": "1", "activities": [{"user": {"id": {}}}]}}`, wrongType("task.activities.user.id")},
		{"requester a string", `{"event": "complete", "task": {"id": "1", "requester": "boss@example.com"}}`, wrongType("task.requester")},
		{"asset id an array", `{"id": "1", "type": "task.completed", "data": {"object": "task", "asset": {"id": [1]}}}`, wrongType("data.asset.id")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eventstest.Reject(t, record360.Provider(), []byte(tt.body), events.ErrShape)
			_, err := record360.Provider().Decode([]byte(tt.body))
			assert.Equal(t, tt.message, events.Message(err))
		})
	}
}
