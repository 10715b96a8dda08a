package safetyculture_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

func scanner(t testing.TB) events.KeyScanner {
	t.Helper()
	s, ok := safetyculture.Provider().(events.KeyScanner)
	if !ok {
		t.Fatal("the provider is not an events.KeyScanner")
	}
	return s
}

// checkScanKey checks the promise of ScanKey on body: when it finds a key and Decode returns an
// envelope, the keys are the same.
func checkScanKey(t *testing.T, body []byte) (key string, ok bool) {
	t.Helper()
	key, ok = scanner(t).ScanKey(body)
	env, err := safetyculture.Provider().Decode(body)
	if ok && env != nil && key != env.IdempotencyKey {
		t.Errorf("ScanKey %q, Decode %q (error %v)", key, env.IdempotencyKey, err)
	}
	return key, ok
}

// TestScanKeyCorpus checks ScanKey on every fixture: the key of Decode whenever it finds one,
// and found for every delivery whose key is not the body's hash.
func TestScanKeyCorpus(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.File, func(t *testing.T) {
			b := body(t, f)
			_, ok := checkScanKey(t, b)
			env, err := safetyculture.Provider().Decode(b)
			if f.Kind == inspecthook.KindBad || err != nil {
				return
			}
			hashed := env.IdempotencyKey == events.BodyKey(safetyculture.Name, b)
			assert.Equal(t, !hashed, ok, "ScanKey finds the key of every delivery whose key is not the body's hash")
		})
	}
}

// TestScanKeyFinds checks bodies ScanKey reads as Decode does: names in any case, ids as
// numbers, nulls, members in any order.
func TestScanKeyFinds(t *testing.T) {
	tests := map[string]string{
		"legacy":                  `{"version": "1.0.0", "workflow_id": "w", "event": {"date_triggered": "2017-06-29T05:15:19.136Z", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "audit_1"}}}`,
		"newer, media":            `{"webhook_id": "w", "event": {"date_triggered": "2022-05-10T05:24:56Z", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "t"}, "data": {"media_id": "m"}}`,
		"newer, modify time":      `{"webhook_id": "w", "event": {"date_triggered": "2024-05-22T04:11:15Z", "event_types": ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED"]}, "resource": {"id": "audit_1"}, "data": {"details": {"modify_time": "2024-05-22T04:11:15.101Z"}}}`,
		"names in any case":       `{"VERSION": "1.0.0", "Event": {"Date_Triggered": "t", "EVENT_TYPES": ["AUDIT_STARTED"]}, "DATA": {"Audit": {"AUDIT_ID": "a"}}}`,
		"ids and time as numbers": `{"webhook_id": 17, "event": {"date_triggered": 1717200000, "event_types": ["TRIGGER_EVENT_ACTION_DELETED"]}, "resource": {"id": 12345678901234567890}}`,
		"nulls":                   `{"version": null, "workflow_id": null, "webhook_id": "w", "event": {"event_types": [null, "TRIGGER_EVENT_INSPECTION_OWNER"], "date_triggered": "t"}, "resource": {"id": "r", "type": null}, "data": {"audit": null, "details": null, "media_id": null}}`,
		"data before event":       `{"data": {"audit": {"audit_id": "a"}}, "event": {"event_types": ["audit_archived"], "date_triggered": "t"}, "version": "1.0.0"}`,
		"unknown type":            `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_TRAINING_COURSE_COMPLETED"]}, "resource": {"id": "c"}}`,
		"missing required field":  `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"media_id": "m"}}`,
		"data not an object":      `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_X"]}, "resource": {"id": "r"}, "data": [1]}`,
		"escaped names":           `{"webhook_id": "w", "event": {"date_triggered": "t", "\u0065vent_types": ["TRIGGER_EVENT_X"]}, "resource": {"\u0069d": "r"}}`,
		"escapes elsewhere":       `{"webhook_id": "w\n", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_X"], "triggered_by": {"name": "\u00e9"}}, "resource": {"id": "r"}, "data": {"note": "\"q\""}, "x\u0041": 1}`,
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			key, ok := checkScanKey(t, []byte(b))
			require.True(t, ok)
			env, err := safetyculture.Provider().Decode([]byte(b))
			require.True(t, err == nil || errors.Is(err, events.ErrInvalid), "%v", err)
			assert.Equal(t, env.IdempotencyKey, key)
		})
	}
}

// TestScanKeyGivesUp checks the bodies on which ScanKey must say it cannot tell.
func TestScanKeyGivesUp(t *testing.T) {
	const ev = `"event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}`
	tests := map[string]string{
		"empty":                       ``,
		"not JSON":                    `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}`,
		"trailing garbage":            `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}} x`,
		"invalid UTF-8":               "{\"webhook_id\": \"w\xff\", " + ev + `, "resource": {"id": "r"}}`,
		"too deep":                    `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}, "x": ` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`,
		"top-level array":             `[{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}}]`,
		"not SafetyCulture":           `{"foo": 1}`,
		"no event":                    `{"webhook_id": "w", "resource": {"id": "r"}}`,
		"event null":                  `{"webhook_id": "w", "event": null, "resource": {"id": "r"}}`,
		"no event types":              `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": []}, "resource": {"id": "r"}}`,
		"event types a string":        `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": "TRIGGER_EVENT_X"}, "resource": {"id": "r"}}`,
		"event type a number":         `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": [7]}, "resource": {"id": "r"}}`,
		"event repeated":              `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}, "EVENT": {"event_types": ["TRIGGER_EVENT_X"]}}`,
		"event types repeated":        `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["A"], "event_types": [null]}, "resource": {"id": "r"}}`,
		"data repeated":               `{"version": "1.0.0", ` + ev + `, "data": {"audit": {"audit_id": "a"}}, "data": {"media_id": "m"}}`,
		"audit repeated":              `{"version": "1.0.0", ` + ev + `, "data": {"audit": {"audit_id": "a"}, "audit": {}}}`,
		"resource repeated":           `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}, "resource": {"type": "T"}}`,
		"version repeated":            `{"version": "1.0.0", "version": null, ` + ev + `, "data": {"audit": {"audit_id": "a"}}}`,
		"version a number":            `{"version": 1, ` + ev + `, "data": {"audit": {"audit_id": "a"}}}`,
		"escaped resource id":         `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r\u0031"}}`,
		"escaped event type":          `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_\u0058"]}, "resource": {"id": "r"}}`,
		"escaped date":                `{"webhook_id": "w", "event": {"date_triggered": "2024\u002d01", "event_types": ["TRIGGER_EVENT_X"]}, "resource": {"id": "r"}}`,
		"resource id an object":       `{"webhook_id": "w", ` + ev + `, "resource": {"id": {}}}`,
		"resource an array":           `{"webhook_id": "w", ` + ev + `, "resource": ["r"]}`,
		"audit id an object":          `{"version": "1.0.0", ` + ev + `, "data": {"audit": {"audit_id": {"id": "a"}}}}`,
		"audit a string":              `{"version": "1.0.0", ` + ev + `, "data": {"audit": "a"}}`,
		"media id an array":           `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}, "data": {"media_id": ["m"]}}`,
		"modify time an object":       `{"webhook_id": "w", ` + ev + `, "resource": {"id": "r"}, "data": {"details": {"modify_time": {}}}}`,
		"date triggered a boolean":    `{"webhook_id": "w", "event": {"date_triggered": true, "event_types": ["TRIGGER_EVENT_X"]}, "resource": {"id": "r"}}`,
		"no date: the body's hash":    `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}, "resource": {"id": "r"}}`,
		"null date: the body's hash":  `{"webhook_id": "w", "event": {"date_triggered": null, "event_types": ["TRIGGER_EVENT_X"]}, "resource": {"id": "r"}}`,
		"no subject: the body's hash": `{"webhook_id": "w", ` + ev + `, "data": {"course_id": "c"}}`,
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			key, ok := checkScanKey(t, []byte(b))
			assert.False(t, ok, "ScanKey found %q", key)
		})
	}
}

// FuzzScanKey checks on any input that a key ScanKey finds is the key of Decode's envelope,
// when Decode returns one. Run it with
//
//	go test ./events/safetyculture -run '^$' -fuzz '^FuzzScanKey$' -fuzztime 60s
func FuzzScanKey(f *testing.F) {
	for _, fx := range loadCorpus(f) {
		f.Add(body(f, fx))
	}
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	for _, tt := range differentialCases {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkScanKey(t, b)
	})
}
