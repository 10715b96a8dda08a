package record360_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/record360"
)

func TestProvider(t *testing.T) {
	p := record360.Provider()
	assert.Equal(t, "record360", p.Name())
	assert.Len(t, p.EventTypes(), 5, "two v3 events, three v1 events")
	for _, name := range p.EventTypes() {
		if strings.Contains(name, "/") {
			assert.True(t, strings.HasPrefix(name, "v1/"), "%s: only v1 names have a slash", name)
		}
	}
	assert.True(t, strings.HasPrefix(record360.V1TaskComplete.Name(), "v1/"))
	assert.Equal(t, record360.Name, record360.InspectionCreated.Provider())
}

// TestDecodeShapes covers how a body is recognised and named, beyond the corpus.
func TestDecodeShapes(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		version string
		typ     string
		known   bool
	}{
		{"v3 without object field", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": 5}}`, "v3", "task.completed", true},
		{"v3 unknown type", `{"id": "1", "object": "event", "type": "x.y", "data": {"object": "thing"}}`, "v3", "x.y", false},
		{"v3 object event wins over a stray event", `{"id": "1", "object": "event", "event": "create", "type": "task.completed", "data": {"object": "task"}}`, "v3", "task.completed", true},
		{"v1 null transaction", `{"event": "create", "transaction": null}`, "v1", "v1/transaction.create", true},
		{"v1 transaction member in another case", `{"event": "create", "Transaction": {"id": "1"}}`, "v1", "v1/transaction.create", true},
		{"v1 event member in another case", `{"Event": "complete", "task": {"id": "1"}}`, "v1", "v1/task.complete", true},
		{"v1 transaction beats task", `{"event": "create", "task": {"id": "2"}, "transaction": {"id": "1"}}`, "v1", "v1/transaction.create", true},
		{"v1 unknown object, first object field", `{"event": "create", "meta": "x", "unit": {"id": 1}, "account": {"id": 2}}`, "v1", "v1/unit.create", false},
		{"v1 unknown object with odd fields", `{"event": "create", "unit": {"id": {"nested": true}, "created_at": []}}`, "v1", "v1/unit.create", false},
		{"v1 no object", `{"event": "ping"}`, "v1", "v1/.ping", false},
		{"v1 dotted verb without object", `{"event": "transaction.create"}`, "v1", "v1/.transaction.create", false},
		{"v1 verb known for another object", `{"event": "complete", "transaction": {"id": "1"}}`, "v1", "v1/transaction.complete", false},
		{"leading whitespace", " \n\t{\"event\": \"create\", \"transaction\": {}}\n", "v1", "v1/transaction.create", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := record360.Provider().Decode([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.version, env.Version)
			assert.Equal(t, tt.typ, env.Type)
			assert.Equal(t, []string{tt.typ}, env.Types)
			assert.Equal(t, tt.known, env.Known())
			assert.Equal(t, []byte(tt.body), env.Raw, "Raw is the body as given")
			assert.NotEmpty(t, env.IdempotencyKey)
		})
	}
}

// TestDecodeErrors checks the sentinel of each rejection and the message a sender is answered
// with, which names the JSON path at fault.
func TestDecodeErrors(t *testing.T) {
	const (
		notJSON = "body is not valid JSON"
		shape   = "body is not this provider's shape"
		noType  = "no event type in the body"
	)
	wrongType := func(path string) string { return "field " + path + " has the wrong JSON type" }
	tests := []struct {
		name    string
		body    string
		want    error
		message string
	}{
		{"empty object", `{}`, events.ErrShape, shape},
		{"neither shape", `{"id": "1", "created_at": "2024-10-09-19:00:00Z"}`, events.ErrShape, shape},
		{"string", `"inspection.created"`, events.ErrShape, shape},
		{"null", `null`, events.ErrShape, shape},
		{"two objects", `{"event": "create"} {"event": "create"}`, events.ErrNotJSON, notJSON},
		{"v3 data not an object", `{"id": "1", "object": "event", "type": "x.y", "data": [1]}`, events.ErrShape, wrongType("data")},
		{"v3 data a string", `{"id": "1", "type": "inspection.created", "data": "inspection"}`, events.ErrShape, wrongType("data")},
		{"v3 type an object", `{"id": "1", "type": {"name": "inspection.created"}, "data": {}}`, events.ErrShape, wrongType("type")},
		{"v3 null type", `{"id": "1", "object": "event", "type": null, "data": {"object": "task"}}`, events.ErrNoType, noType},
		{"v3 object event only", `{"object": "event"}`, events.ErrNoType, noType},
		{"v3 id a boolean", `{"id": true, "type": "task.completed", "data": {"object": "task"}}`, events.ErrShape, wrongType("id")},
		{"v3 checklist data an object", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection",
			"results": [{"object": "checklist", "data": {"id": "x"}}]}}`, events.ErrShape, wrongType("data.results.data")},
		{"v3 checklist items an object", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection",
			"results": [{"object": "checklist", "data": [{"items": {}}]}]}}`, events.ErrShape, wrongType("data.results.data.items")},
		{"v3 waiver accepted a string", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection",
			"results": [{"object": "collision_damage_waiver", "accepted": "yes"}]}}`, events.ErrShape, wrongType("data.results.accepted")},
		{"v3 result a number", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [5]}}`, events.ErrShape, wrongType("data.results")},
		{"v3 task id an array", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": [1]}}`, events.ErrShape, wrongType("data.id")},
		{"v3 unit id an object", `{"id": "1", "type": "task.completed", "data": {"object": "task", "unit": {"id": {"n": 1}}}}`, events.ErrShape, wrongType("data.unit.id")},
		{"v1 empty event", `{"event": "", "transaction": {}}`, events.ErrNoType, noType},
		{"v1 task only", `{"task": {"id": 1}}`, events.ErrNoType, noType},
		{"v1 event an object", `{"event": {"name": "create"}, "transaction": {}}`, events.ErrShape, wrongType("event")},
		{"v1 known object with a bad id", `{"event": "create", "transaction": {"id": {}}}`, events.ErrShape, wrongType("transaction.id")},
		{"v1 geo_coord strings", `{"event": "create", "transaction": {"geo_coord": ["a", "b"]}}`, events.ErrShape, wrongType("transaction.geo_coord")},
		{"v1 task a string", `{"event": "complete", "task": "task_1"}`, events.ErrShape, wrongType("task")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eventstest.Reject(t, record360.Provider(), []byte(tt.body), tt.want)
			_, err := record360.Provider().Decode([]byte(tt.body))
			assert.Equal(t, tt.message, events.Message(err))
		})
	}
}

func TestDecodeInvalid(t *testing.T) {
	t.Run("missing id keeps envelope and payload", func(t *testing.T) {
		body := []byte(`{"object": "event", "type": "task.completed", "created_at": "2025-10-09-19:00:00Z",
			"data": {"object": "task", "id": 397691}}`)
		env, err := record360.Provider().Decode(body)
		var verr *events.ValidationError
		require.ErrorAs(t, err, &verr)
		assert.ErrorIs(t, err, events.ErrInvalid)
		assert.Equal(t, []string{"id"}, verr.Fields)
		require.NotNil(t, env)
		assert.Equal(t, "task.completed", env.Type)
		assert.Equal(t, body, env.Raw)
		assert.Equal(t, events.BodyKey(record360.Name, body), env.IdempotencyKey)
		tk, ok := record360.TaskCompleted.Payload(env)
		require.True(t, ok)
		assert.Equal(t, events.ID("397691"), tk.ID)
	})
	t.Run("every missing field named", func(t *testing.T) {
		env, err := record360.Provider().Decode([]byte(`{"id": "", "type": "inspection.created", "data": null}`))
		var verr *events.ValidationError
		require.ErrorAs(t, err, &verr)
		assert.ElementsMatch(t, []string{"id", "data.object"}, verr.Fields)
		require.NotNil(t, env)
		assert.Nil(t, env.Payload, "no data, no payload")
	})
	t.Run("missing data", func(t *testing.T) {
		env, err := record360.Provider().Decode([]byte(`{"id": "7", "object": "event", "type": "inspection.created"}`))
		var verr *events.ValidationError
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, []string{"data.object"}, verr.Fields)
		require.NotNil(t, env)
		assert.Equal(t, "record360:v3:7", env.IdempotencyKey)
		assert.Nil(t, env.Payload)
	})
}
