package record360_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

func keyOf(t *testing.T, body string) string {
	t.Helper()
	env, err := record360.Provider().Decode([]byte(body))
	require.NoError(t, err)
	return env.IdempotencyKey
}

func TestIdempotencyKeySameEvent(t *testing.T) {
	for _, name := range []string{
		"v3_inspection_created.json", "v3_task_completed.json",
		"v1_transaction_create.json", "v1_task_complete.json", "v1_task_completed.json",
	} {
		t.Run(name, func(t *testing.T) {
			b, err := inspecthook.Fixture{File: "record360/" + name}.Body()
			require.NoError(t, err)
			first := keyOf(t, string(b))
			assert.Equal(t, first, keyOf(t, string(b)), "the same bytes resent")

			// A resend need not be byte-identical: re-indented, the v3 id and the v1 derived
			// fields are unchanged, and so is the key.
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, b))
			assert.Equal(t, first, keyOf(t, compact.String()), "the same event, compacted")
			assert.True(t, strings.HasPrefix(first, "record360:"))
		})
	}
}

func TestIdempotencyKeyRules(t *testing.T) {
	t.Run("v3 is the event id", func(t *testing.T) {
		key := keyOf(t, `{"id": "12", "type": "inspection.created", "data": {"object": "inspection"}}`)
		assert.Equal(t, "record360:v3:12", key)
		assert.Equal(t, events.FieldKey(record360.Name, "v3:12"), key)
		assert.Equal(t, key, keyOf(t, `{"id": 12, "type": "inspection.created", "data": {"object": "inspection", "id": "other"}}`),
			"the key follows the event id, string or number, not the payload")
	})
	t.Run("a long v3 id makes a bounded key", func(t *testing.T) {
		long := strings.Repeat("1", 1<<20)
		key := keyOf(t, `{"id": "`+long+`", "type": "task.completed", "data": {"object": "task"}}`)
		assert.LessOrEqual(t, len(key), events.MaxKeyLen)
		assert.Equal(t, events.FieldKey(record360.Name, "v3:"+long), key)
		assert.True(t, strings.HasPrefix(key, "record360:sha256:"))
		assert.Equal(t, key, keyOf(t, `{"id": `+long+`, "type": "task.completed", "data": {"object": "task"}}`), "string or number")
	})
	t.Run("v1 is derived from stable fields", func(t *testing.T) {
		key := keyOf(t, `{"event": "complete", "task": {"id": 5, "completed_at": "2024-01-01T00:00:00Z", "name": "a"}}`)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "task", "complete", "5", "2024-01-01T00:00:00Z"), key)
		assert.Equal(t, key, keyOf(t, `{"task": {"name": "b", "completed_at": "2024-01-01T00:00:00Z", "id": "5"}, "event": "complete"}`),
			"field order, id style and other fields do not matter")
	})
	t.Run("v1 stamp order", func(t *testing.T) {
		both := keyOf(t, `{"event": "create", "unit": {"id": 1, "created_at": "c", "updated_at": "u"}}`)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "unit", "create", "1", "u"), both, "updated_at before created_at")
		all := keyOf(t, `{"event": "create", "unit": {"id": 1, "created_at": "c", "updated_at": "u", "completed_at": "d"}}`)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "unit", "create", "1", "d"), all, "completed_at first")
		none := keyOf(t, `{"event": "create", "unit": {"id": 1}}`)
		assert.Equal(t, events.DerivedKey(record360.Name, "v1", "unit", "create", "1", ""), none)
	})
}

func TestIdempotencyKeyDifferentEvents(t *testing.T) {
	t.Run("whole corpus", func(t *testing.T) {
		seen := map[string]string{}
		for _, f := range loadCorpus(t) {
			if f.Kind == inspecthook.KindBad {
				continue
			}
			env, err := record360.Provider().Decode(body(t, f))
			require.NoError(t, err)
			if other, dup := seen[env.IdempotencyKey]; dup {
				t.Errorf("%s and %s share the key %s", f.File, other, env.IdempotencyKey)
			}
			seen[env.IdempotencyKey] = f.File
		}
	})
	pairs := []struct{ name, a, b string }{
		{"v3 ids", `{"id": "1", "type": "task.completed", "data": {"object": "task"}}`,
			`{"id": "2", "type": "task.completed", "data": {"object": "task"}}`},
		{"v1 complete and completed",
			`{"event": "complete", "task": {"id": 5, "completed_at": "2024-01-01T00:00:00Z"}}`,
			`{"event": "completed", "task": {"id": 5, "completed_at": "2024-01-01T00:00:00Z"}}`},
		{"v1 task completed again",
			`{"event": "complete", "task": {"id": 5, "completed_at": "2024-01-01T00:00:00Z"}}`,
			`{"event": "complete", "task": {"id": 5, "completed_at": "2024-02-01T00:00:00Z"}}`},
		{"v1 objects with one id",
			`{"event": "create", "transaction": {"id": 5, "created_at": "2024-01-01T00:00:00Z"}}`,
			`{"event": "create", "unit": {"id": 5, "created_at": "2024-01-01T00:00:00Z"}}`},
		{"v1 verbs", `{"event": "create", "transaction": {"id": 5}}`, `{"event": "update", "transaction": {"id": 5}}`},
		{"v3 id and v1 id", `{"id": "5", "type": "task.completed", "data": {"object": "task"}}`,
			`{"event": "completed", "task": {"id": 5}}`},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			assert.NotEqual(t, keyOf(t, p.a), keyOf(t, p.b))
		})
	}
}

func TestIdempotencyKeyFallback(t *testing.T) {
	tests := []struct{ name, body string }{
		{"v1 task without id", `{"event": "complete", "task": {"name": "x", "completed_at": "2024-01-01T00:00:00Z"}}`},
		{"v1 null object", `{"event": "create", "transaction": null}`},
		{"v1 without object", `{"event": "ping"}`},
		{"v1 unknown object with an unreadable id", `{"event": "create", "unit": {"id": {"n": 1}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := keyOf(t, tt.body)
			assert.Equal(t, events.BodyKey(record360.Name, []byte(tt.body)), key)
			assert.True(t, strings.HasPrefix(key, "record360:sha256:"))
			assert.Equal(t, key, keyOf(t, tt.body), "a retry resends the same bytes")
			assert.NotEqual(t, key, keyOf(t, tt.body+" "), "any other byte is another key")
		})
	}
	t.Run("v3 without id", func(t *testing.T) {
		body := []byte(`{"type": "task.completed", "data": {"object": "task", "id": 1}}`)
		env, err := record360.Provider().Decode(body)
		require.ErrorIs(t, err, events.ErrInvalid)
		assert.Equal(t, events.BodyKey(record360.Name, body), env.IdempotencyKey)
	})
}
