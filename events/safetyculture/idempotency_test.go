package safetyculture_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

func key(t *testing.T, body string) string {
	t.Helper()
	env, err := decode(t, body)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(env.IdempotencyKey, "safetyculture:"), env.IdempotencyKey)
	return env.IdempotencyKey
}

func TestIdempotencyKeySameEvent(t *testing.T) {
	// SafetyCulture's retries resend the event; a retry may be serialised differently (field
	// order, spacing, the order of the types) yet is the same event.
	tests := map[string][2]string{
		"legacy resent": {
			`{"version": "1.0.0", "workflow_id": "w", "event": {"date_triggered": "2017-06-29T05:15:19.136Z", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "audit_1", "modified_at": "2017-06-29T05:15:18.511Z"}}}`,
			`{"data": {"audit": {"modified_at": "2017-06-29T05:15:18.511Z", "audit_id": "audit_1"}}, "event": {"event_types": ["audit_started"], "date_triggered": "2017-06-29T05:15:19.136Z"}, "workflow_id": "w", "version": "1.0.0"}`,
		},
		"newer, types reordered": {
			`{"webhook_id": "w", "event": {"date_triggered": "2023-07-11T23:04:24Z", "event_types": ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_HAS_STARTED"]}, "resource": {"id": "audit_1"}}`,
			`{"webhook_id": "w", "event": {"date_triggered": "2023-07-11T23:04:24Z", "event_types": ["TRIGGER_EVENT_INSPECTION_HAS_STARTED", "TRIGGER_EVENT_INSPECTION"]}, "resource": {"id": "audit_1"}}`,
		},
		"newer, version sent or not": {
			`{"webhook_id": "w", "event": {"date_triggered": "2022-05-10T05:24:56Z", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "t"}, "data": {"media_id": "m"}}`,
			`{"version": "3.0.0", "webhook_id": "w", "event": {"date_triggered": "2022-05-10T05:24:56Z", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "t"}, "data": {"media_id": "m", "media_url": "https://x?sig=2"}}`,
		},
		"id as number or string": {
			`{"webhook_id": "w", "event": {"date_triggered": "2024-01-01T00:00:00Z", "event_types": ["TRIGGER_EVENT_ACTION_DELETED"]}, "resource": {"id": 42}}`,
			`{"webhook_id": "w", "event": {"date_triggered": "2024-01-01T00:00:00Z", "event_types": ["TRIGGER_EVENT_ACTION_DELETED"]}, "resource": {"id": "42"}}`,
		},
		"legacy name or trigger name": {
			`{"version": "1.0.0", "event": {"date_triggered": "2017-06-29T05:15:19.136Z", "event_types": ["audit_completed"]}, "data": {"audit": {"audit_id": "a"}}}`,
			`{"version": "1.0.0", "event": {"date_triggered": "2017-06-29T05:15:19.136Z", "event_types": ["TRIGGER_EVENT_INSPECTION_COMPLETED"]}, "data": {"audit": {"audit_id": "a"}}}`,
		},
	}
	for name, bodies := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, key(t, bodies[0]), key(t, bodies[1]))
		})
	}

	// Every fixture decodes to the same key twice.
	p := safetyculture.Provider()
	for _, f := range loadCorpus(t) {
		if f.Kind == inspecthook.KindBad {
			continue
		}
		b := body(t, f)
		first, err := p.Decode(b)
		require.NoError(t, err)
		again, err := p.Decode(append([]byte(nil), b...))
		require.NoError(t, err)
		assert.Equal(t, first.IdempotencyKey, again.IdempotencyKey, f.File)
	}
}

func TestIdempotencyKeyDifferentEvents(t *testing.T) {
	newer := func(types, resource, triggered, data string) string {
		return `{"webhook_id": "w", "event": {"date_triggered": "` + triggered + `", "event_types": ` + types +
			`}, "resource": {"id": "` + resource + `"}, "data": ` + data + `}`
	}
	const started = `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_HAS_STARTED"]`
	const item = `["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_ITEM_UPDATED", "TRIGGER_EVENT_INSPECTION_ITEM_TEXT"]`
	const media = `["TRIGGER_EVENT_MEDIA_UPLOADED"]`
	base := newer(started, "audit_1", "2023-07-11T23:04:24Z", `{}`)
	keys := map[string]string{
		"base":           key(t, base),
		"other type":     key(t, newer(`["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_COMPLETED_STATUS"]`, "audit_1", "2023-07-11T23:04:24Z", `{}`)),
		"other resource": key(t, newer(started, "audit_2", "2023-07-11T23:04:24Z", `{}`)),
		"other time":     key(t, newer(started, "audit_1", "2023-07-11T23:04:25Z", `{}`)),
		"legacy twin": key(t, `{"version": "1.0.0", "event": {"date_triggered": "2023-07-11T23:04:24Z", "event_types": ["TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_HAS_STARTED"]},
			"data": {"audit": {"audit_id": "audit_1"}}}`),
		"item, first change":  key(t, newer(item, "audit_1", "2024-05-22T04:11:15Z", `{"details": {"modify_time": "2024-05-22T04:11:15.101Z"}}`)),
		"item, second change": key(t, newer(item, "audit_1", "2024-05-22T04:11:15Z", `{"details": {"modify_time": "2024-05-22T04:11:15.618Z"}}`)),
		"media, first image":  key(t, newer(media, "task_1", "2022-05-10T05:24:56Z", `{"media_id": "m1"}`)),
		"media, second image": key(t, newer(media, "task_1", "2022-05-10T05:24:56Z", `{"media_id": "m2"}`)),
	}
	seen := map[string]string{}
	for name, k := range keys {
		if other, dup := seen[k]; dup {
			t.Errorf("%q and %q share the key %s", name, other, k)
		}
		seen[k] = name
	}

	// Across the corpus, every event and variant fixture has a key of its own, except the ones
	// that are the same event sent differently.
	same := map[string]string{
		"variant_has_started_specific_first.json": "newer_inspection_has_started.json",
		"variant_legacy_no_version.json":          "legacy_inspection_started.json",
		"variant_legacy_nulls.json":               "legacy_inspection_started.json",
		"variant_legacy_non_ascii.json":           "legacy_inspection_started.json",
		"variant_action_nulls_empty_arrays.json":  "newer_action_created.json",
	}
	byKey := map[string]string{}
	for _, f := range loadCorpus(t) {
		if f.Kind != inspecthook.KindEvent && f.Kind != inspecthook.KindVariant {
			continue
		}
		env, err := safetyculture.Provider().Decode(body(t, f))
		require.NoError(t, err)
		file := strings.TrimPrefix(f.File, safetyculture.Name+"/")
		if other, dup := byKey[env.IdempotencyKey]; dup {
			assert.True(t, same[file] == other || same[other] == file, "%s and %s share a key", file, other)
			continue
		}
		byKey[env.IdempotencyKey] = file
	}
}

func TestIdempotencyKeyFallback(t *testing.T) {
	tests := map[string]string{
		"unknown event without resource": `{"webhook_id": "w", "event": {"date_triggered": "2024-01-01T00:00:00Z", "event_types": ["TRIGGER_EVENT_ATTENDANCE_SIGNED_ON"]}, "data": {"site": "s"}}`,
		"no date_triggered":              `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_CLONED"]}, "resource": {"id": "audit_1"}}`,
		"null date_triggered":            `{"webhook_id": "w", "event": {"date_triggered": null, "event_types": ["TRIGGER_EVENT_INSPECTION_CLONED"]}, "resource": {"id": "audit_1"}}`,
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			env, err := decode(t, b)
			require.NoError(t, err)
			assert.Equal(t, events.BodyKey(safetyculture.Name, []byte(b)), env.IdempotencyKey)
		})
	}

	// Missing ids fail validation, and the envelope still carries the body's key.
	b := `{"version": "1.0.0", "event": {"date_triggered": "2017-06-29T05:15:19.136Z", "event_types": ["audit_started"]}, "data": {"audit": {}}}`
	env, err := decode(t, b)
	require.ErrorIs(t, err, events.ErrInvalid)
	assert.Equal(t, events.BodyKey(safetyculture.Name, []byte(b)), env.IdempotencyKey)

	// Two deliveries that fall back differ when their bodies do.
	assert.NotEqual(t,
		key(t, `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_TRAINING_COURSE_CREATED"]}, "data": {"course_id": "c1"}}`),
		key(t, `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_TRAINING_COURSE_CREATED"]}, "data": {"course_id": "c2"}}`))
}
