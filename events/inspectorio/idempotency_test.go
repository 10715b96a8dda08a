package inspectorio_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

func decodeKey(t *testing.T, body string) string {
	t.Helper()
	env, err := inspectorio.Provider().Decode([]byte(body))
	if err != nil {
		require.ErrorIs(t, err, events.ErrInvalid)
	}
	require.NotNil(t, env)
	return env.IdempotencyKey
}

func TestIdempotencyKey(t *testing.T) {
	first := `{"messageId":"wh-638ce960","eventCode":"report.created","eventName":"An Inspection report is uploaded","payload":{"resourceId":12301,"path":"/reports/12301"}}`

	t.Run("is the messageId", func(t *testing.T) {
		assert.Equal(t, events.FieldKey(inspectorio.Name, "wh-638ce960"), decodeKey(t, first))
		assert.Equal(t, "inspectorio:wh-638ce960", decodeKey(t, first))
	})
	t.Run("same event resent", func(t *testing.T) {
		// A retry may reword eventName, reorder fields and reformat the body: the key holds.
		retry := `{
		  "payload": {"path": "/reports/12301", "resourceId": "12301"},
		  "eventName": "Report - An Inspection report is uploaded",
		  "eventCode": "report.created",
		  "messageId": "wh-638ce960"
		}`
		assert.Equal(t, decodeKey(t, first), decodeKey(t, retry))
	})
	t.Run("different events", func(t *testing.T) {
		other := `{"messageId":"wh-638ce961","eventCode":"report.created","eventName":"An Inspection report is uploaded","payload":{"resourceId":12301,"path":"/reports/12301"}}`
		assert.NotEqual(t, decodeKey(t, first), decodeKey(t, other))
		fileReady := `{"messageId":"wh-9b0f4d22","eventCode":"report.file_ready","payload":{"resourceId":12301,"path":"/reports/12301"}}`
		assert.NotEqual(t, decodeKey(t, first), decodeKey(t, fileReady))
	})
	t.Run("number and string messageId agree", func(t *testing.T) {
		a := `{"messageId":7730041,"eventCode":"report.created","payload":{"resourceId":1}}`
		b := `{"messageId":"7730041","eventCode":"report.created","payload":{"resourceId":1}}`
		assert.Equal(t, decodeKey(t, a), decodeKey(t, b))
	})
	t.Run("fallback without messageId is the body hash", func(t *testing.T) {
		body := `{"eventCode":"report.created","payload":{"resourceId":12301}}`
		key := decodeKey(t, body)
		assert.Equal(t, events.BodyKey(inspectorio.Name, []byte(body)), key)
		assert.Equal(t, key, decodeKey(t, body), "the same bytes resent")
		assert.NotEqual(t, key, decodeKey(t, `{"eventCode":"report.created","payload":{"resourceId":12302}}`))
		assert.Contains(t, key, "inspectorio:sha256:")
	})
	t.Run("a long messageId makes a bounded key", func(t *testing.T) {
		long := "wh-" + strings.Repeat("9", 4<<20)
		body := `{"messageId":"` + long + `","eventCode":"report.created","payload":{"resourceId":1}}`
		key := decodeKey(t, body)
		assert.LessOrEqual(t, len(key), events.MaxKeyLen)
		assert.True(t, strings.HasPrefix(key, "inspectorio:sha256:"), key)
		assert.Equal(t, events.FieldKey(inspectorio.Name, long), key)
		assert.Equal(t, key, decodeKey(t, `{"eventCode":"report.created","messageId":"`+long+`","payload":{"resourceId":"1"}}`),
			"the same messageId resent, the same key")
		assert.NotEqual(t, key, decodeKey(t, `{"messageId":"`+long+`8","eventCode":"report.created","payload":{"resourceId":1}}`))
	})
	t.Run("unknown events keyed too", func(t *testing.T) {
		assert.Equal(t, "inspectorio:wh-x", decodeKey(t, `{"messageId":"wh-x","eventCode":"po.created"}`))
	})
}
