package vehreports_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

func decodeKey(t *testing.T, body string) string {
	t.Helper()
	env, err := vehreports.Provider().Decode([]byte(body))
	if err != nil {
		require.ErrorIs(t, err, events.ErrInvalid)
	}
	require.NotNil(t, env)
	return env.IdempotencyKey
}

func TestIdempotencyKey(t *testing.T) {
	first := `{"id":"evt_01JP3Y6K2M8V4T7QX9R5B1N0CD","type":"report.completed","created_at":"2025-03-14T09:42:17Z","data":{"id":"rpt_7Hq2LmX9"}}`

	t.Run("is the event id", func(t *testing.T) {
		assert.Equal(t, events.FieldKey(vehreports.Name, "evt_01JP3Y6K2M8V4T7QX9R5B1N0CD"), decodeKey(t, first))
		assert.Equal(t, "vehreports:evt_01JP3Y6K2M8V4T7QX9R5B1N0CD", decodeKey(t, first))
	})
	t.Run("same event resent", func(t *testing.T) {
		// A retry stamped with another time, fields reordered: the key holds.
		retry := `{"data":{"id":"rpt_7Hq2LmX9"},"created_at":"2025-03-14T09:43:17Z","type":"report.completed","id":"evt_01JP3Y6K2M8V4T7QX9R5B1N0CD"}`
		assert.Equal(t, decodeKey(t, first), decodeKey(t, retry))
	})
	t.Run("different events", func(t *testing.T) {
		// Same data, another event: each delivery of each event has its own id.
		other := `{"id":"evt_01JP3Y6K2M8V4T7QX9R5B1N0CE","type":"report.completed","created_at":"2025-03-14T09:42:17Z","data":{"id":"rpt_7Hq2LmX9"}}`
		assert.NotEqual(t, decodeKey(t, first), decodeKey(t, other))
	})
	t.Run("number and string ids agree", func(t *testing.T) {
		assert.Equal(t, decodeKey(t, `{"id":5512,"type":"credits.low"}`), decodeKey(t, `{"id":"5512","event":"credits.low"}`))
	})
	t.Run("fallback without id is the body hash", func(t *testing.T) {
		body := `{"type":"credits.low","created_at":"2025-04-02T15:37:50Z","data":{"balance":9}}`
		key := decodeKey(t, body)
		assert.Equal(t, events.BodyKey(vehreports.Name, []byte(body)), key)
		assert.Contains(t, key, "vehreports:sha256:")
		assert.Equal(t, key, decodeKey(t, body), "the same bytes resent")
		assert.NotEqual(t, key, decodeKey(t, `{"type":"credits.low","created_at":"2025-04-02T15:37:50Z","data":{"balance":8}}`))
	})
	t.Run("a long id makes a bounded key", func(t *testing.T) {
		long := strings.Repeat("e", 1<<20)
		key := decodeKey(t, `{"id":"`+long+`","type":"credits.low"}`)
		assert.LessOrEqual(t, len(key), events.MaxKeyLen)
		assert.Equal(t, events.FieldKey(vehreports.Name, long), key)
		assert.True(t, strings.HasPrefix(key, "vehreports:sha256:"))
	})
	t.Run("fixtures have distinct keys", func(t *testing.T) {
		seen := make(map[string]string)
		for _, f := range loadFixtures(t) {
			if f.Kind == "bad" {
				continue
			}
			body, err := f.Body()
			require.NoError(t, err)
			key := decodeKey(t, string(body))
			assert.NotContains(t, seen, key, "%s and %s", f.File, seen[key])
			seen[key] = f.File
		}
	})
}
