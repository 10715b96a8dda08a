package inspectorio_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

func scanner(t testing.TB) events.KeyScanner {
	t.Helper()
	ks, ok := inspectorio.Provider().(events.KeyScanner)
	require.True(t, ok, "the provider implements events.KeyScanner")
	return ks
}

// checkScanKey checks that when ScanKey gives a key for body and Decode returns an envelope,
// the keys are equal. It returns ScanKey's answer.
func checkScanKey(t testing.TB, body []byte) (string, bool) {
	t.Helper()
	key, ok := scanner(t).ScanKey(body)
	env, err := inspectorio.Provider().Decode(body)
	if ok && env != nil && key != env.IdempotencyKey {
		t.Fatalf("ScanKey %q, Decode %q (error %v) for %q", key, env.IdempotencyKey, err, body)
	}
	return key, ok
}

// TestScanKeyFixtures checks ScanKey on every fixture: a fixture that decodes with no error
// carries a messageId, and ScanKey finds the key Decode gives; on any other fixture it gives
// no key, or Decode's.
func TestScanKeyFixtures(t *testing.T) {
	for _, f := range loadFixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			body := eventstest.Body(t, f)
			key, ok := checkScanKey(t, body)
			if f.Kind != inspecthook.KindBad {
				require.True(t, ok, "a delivery with a messageId")
				env, err := inspectorio.Provider().Decode(body)
				require.NoError(t, err)
				assert.Equal(t, env.IdempotencyKey, key)
			}
		})
	}
}

func TestScanKey(t *testing.T) {
	long := "wh-" + strings.Repeat("9", 1000)
	tests := []struct {
		name string
		body string
		key  string
	}{
		{"documented", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1}}`, "inspectorio:wh-1"},
		{"number", `{"messageId":7730041,"eventCode":"report.created"}`, "inspectorio:7730041"},
		{"20 digits", `{"messageId":98765432109876543210,"eventCode":"x"}`, "inspectorio:98765432109876543210"},
		{"exponent", `{"messageId":1.5e3,"eventCode":"x"}`, "inspectorio:1.5e3"},
		{"case of the names", `{"MESSAGEID":"wh-1","EventCode":"x"}`, "inspectorio:wh-1"},
		{"last messageId wins", `{"messageId":"wh-1","messageid":"wh-2","eventCode":"x"}`, "inspectorio:wh-2"},
		{"last messageId wins over an escaped one", `{"messageId":"wh\u002d1","messageId":"wh-2","eventCode":"x"}`, "inspectorio:wh-2"},
		{"escaped name", `{"message\u0049d":"wh-1","eventCode":"x"}`, "inspectorio:wh-1"},
		{"null eventCode after a code", `{"messageId":"wh-1","eventCode":"x","eventCode":null}`, "inspectorio:wh-1"},
		{"escaped eventCode", `{"messageId":"wh-1","eventCode":"\u0078"}`, "inspectorio:wh-1"},
		{"unknown event", `{"messageId":"wh-1","eventCode":"po.created","payload":[1]}`, "inspectorio:wh-1"},
		{"missing resourceId", `{"messageId":"wh-1","eventCode":"report.created","payload":{}}`, "inspectorio:wh-1"},
		{"long messageId", `{"messageId":"` + long + `","eventCode":"x"}`, events.FieldKey(inspectorio.Name, long)},
		{"non-ASCII", `{"messageId":"wh-é检","eventCode":"x"}`, "inspectorio:wh-é检"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := checkScanKey(t, []byte(tt.body))
			require.True(t, ok)
			assert.Equal(t, tt.key, key)
			env, err := inspectorio.Provider().Decode([]byte(tt.body))
			if err != nil {
				require.ErrorIs(t, err, events.ErrInvalid)
			}
			assert.Equal(t, env.IdempotencyKey, key)
		})
	}
}

// TestScanKeyUnsure lists bodies ScanKey must leave to Decode.
func TestScanKeyUnsure(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"empty", ``},
		{"not JSON", `{"messageId":"wh-1",`},
		{"trailing garbage", `{"messageId":"wh-1","eventCode":"x"} {}`},
		{"syntax error after the key", `{"messageId":"wh-1","eventCode":"x","a":[1,]}`},
		{"invalid UTF-8", "{\"messageId\":\"wh-1\",\"eventCode\":\"x\",\"eventName\":\"\xff\"}"},
		{"too deep", `{"messageId":"wh-1","eventCode":"x","payload":` + strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70) + `}`},
		{"byte order mark", "\xef\xbb\xbf{\"messageId\":\"wh-1\",\"eventCode\":\"x\"}"},
		{"array", `[{"messageId":"wh-1","eventCode":"x"}]`},
		{"no messageId: the body hash", `{"eventCode":"report.created","payload":{"resourceId":1}}`},
		{"null messageId", `{"messageId":null,"eventCode":"x"}`},
		{"empty messageId", `{"messageId":"","eventCode":"x"}`},
		{"messageId emptied by null", `{"messageId":"wh-1","messageId":null,"eventCode":"x"}`},
		{"escaped messageId", `{"messageId":"wh\u002d1","eventCode":"x"}`},
		{"messageId object", `{"messageId":{"id":"wh-1"},"eventCode":"x"}`},
		{"messageId object before a string", `{"messageId":{},"messageId":"wh-1","eventCode":"x"}`},
		{"messageId boolean", `{"messageId":true,"eventCode":"x"}`},
		{"messageId array", `{"messageId":["wh-1"],"eventCode":"x"}`},
		{"no eventCode", `{"messageId":"wh-1","payload":{"resourceId":1}}`},
		{"empty eventCode", `{"messageId":"wh-1","eventCode":""}`},
		{"eventCode emptied", `{"messageId":"wh-1","eventCode":"x","eventCode":""}`},
		{"null eventCode", `{"messageId":"wh-1","eventCode":null}`},
		{"eventCode number", `{"messageId":"wh-1","eventCode":5}`},
		{"eventCode object", `{"messageId":"wh-1","eventCode":{"code":"x"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := checkScanKey(t, []byte(tt.body))
			assert.False(t, ok, "key %q", key)
			assert.Empty(t, key)
		})
	}
}

// FuzzScanKey checks that whenever ScanKey gives a key and Decode returns an envelope (with
// no error or ErrInvalid), the keys are equal; and that ScanKey gives no key for a body
// Decode rejects as not JSON, not Sight's shape, or without an event type. Run it with
//
//	go test ./events/inspectorio -run '^$' -fuzz '^FuzzScanKey$' -fuzztime 60s
func FuzzScanKey(f *testing.F) {
	for _, body := range seedBodies(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		key, ok := checkScanKey(t, body)
		if !ok {
			return
		}
		env, err := inspectorio.Provider().Decode(body)
		switch {
		case env == nil && !errors.Is(err, events.ErrShape):
			t.Fatalf("ScanKey %q for a body Decode rejects with %v", key, err)
		case env == nil:
			var fe *events.FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(fe.Path, "payload") && fe.Path != "eventName" {
				t.Fatalf("ScanKey %q for a body Decode rejects with %v", key, err)
			}
		}
	})
}
