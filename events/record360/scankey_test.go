package record360_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

func scanner(t testing.TB) events.KeyScanner {
	t.Helper()
	s, ok := record360.Provider().(events.KeyScanner)
	if !ok {
		t.Fatal("record360.Provider() is not an events.KeyScanner")
	}
	return s
}

// checkScanKey checks the promise of ScanKey on body: when it finds a key and Decode returns an
// envelope, the keys are equal. It returns what ScanKey returned.
func checkScanKey(t testing.TB, body []byte) (string, bool) {
	t.Helper()
	key, ok := scanner(t).ScanKey(body)
	env, err := record360.Provider().Decode(body)
	if ok && env != nil && (err == nil || errors.Is(err, events.ErrInvalid)) && key != env.IdempotencyKey {
		t.Fatalf("ScanKey %q, Decode %q (error %v)\nbody %q", key, env.IdempotencyKey, err, body)
	}
	return key, ok
}

// TestScanKeyFixtures checks every fixture, and that ScanKey finds the key of every fixture that
// decodes with a key of its own (not the body's hash).
func TestScanKeyFixtures(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.File, func(t *testing.T) {
			b := body(t, f)
			key, ok := checkScanKey(t, b)
			env, err := record360.Provider().Decode(b)
			if err == nil && env.IdempotencyKey != events.BodyKey(record360.Name, b) {
				assert.True(t, ok, "ScanKey found no key; Decode's is %s", env.IdempotencyKey)
				assert.Equal(t, env.IdempotencyKey, key)
			}
		})
	}
}

func TestScanKey(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"v3", `{"id": "12", "object": "event", "type": "inspection.created", "data": {"object": "inspection"}}`, "record360:v3:12"},
		{"v3 number id", `{"type": "task.completed", "id": 98765432109876543210, "data": {}}`, "record360:v3:98765432109876543210"},
		{"v3 escaped id", `{"id": "a\u00e9\"", "type": "task.completed"}`, "record360:v3:a\u00e9\""},
		{"v3 repeated id, the last wins", `{"id": "1", "type": "task.completed", "ID": "2"}`, "record360:v3:2"},
		{"v3 names in another case", `{"Id": "3", "TYPE": "task.completed", "Data": {"object": "task"}}`, "record360:v3:3"},
		{"v3 long id", `{"id": "` + strings.Repeat("7", 300) + `", "type": "task.completed"}`,
			events.FieldKey(record360.Name, "v3:"+strings.Repeat("7", 300))},
		{"v1 transaction", `{"event": "create", "transaction": {"id": "40849", "created_at": "2024-01-16T10:00:13.716Z"}}`,
			events.DerivedKey(record360.Name, "v1", "transaction", "create", "40849", "2024-01-16T10:00:13.716Z")},
		{"v1 task stamp order", `{"task": {"id": 5, "created_at": "c", "completed_at": "d"}, "event": "complete"}`,
			events.DerivedKey(record360.Name, "v1", "task", "complete", "5", "d")},
		{"v1 transaction beats task", `{"event": "create", "task": {"id": 2}, "transaction": {"id": 1}}`,
			events.DerivedKey(record360.Name, "v1", "transaction", "create", "1", "")},
		{"v1 first object", `{"event": "create", "meta": "x", "unit": {"id": 1}, "account": {"id": 2}}`,
			events.DerivedKey(record360.Name, "v1", "unit", "create", "1", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := checkScanKey(t, []byte(tt.body))
			require.True(t, ok)
			assert.Equal(t, tt.want, key)
		})
	}
}

// TestScanKeyUnsure lists bodies ScanKey must leave to Decode: not a well-formed object, no key
// of their own (Decode keys them by their hash), or a member the key comes from that Decode
// rejects.
func TestScanKeyUnsure(t *testing.T) {
	for _, tt := range []struct{ name, body string }{
		{"empty", ``},
		{"not JSON", `{"id": "1", "type": "task.completed"`},
		{"trailing garbage", `{"id": "1", "type": "task.completed"} x`},
		{"invalid UTF-8", "{\"id\": \"1\", \"type\": \"task.completed\", \"x\": \"\xff\"}"},
		{"too deep", `{"id": "1", "type": "task.completed", "x": ` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`},
		{"array", `[{"id": "1", "type": "task.completed"}]`},
		{"neither shape", `{"id": "1", "created_at": "2024-10-09-19:00:00Z"}`},
		{"v3 without id", `{"type": "task.completed", "data": {"object": "task"}}`},
		{"v3 null id", `{"id": null, "type": "task.completed"}`},
		{"v3 empty id", `{"id": "", "type": "task.completed"}`},
		{"v3 id an object", `{"id": {"n": 1}, "type": "task.completed"}`},
		{"v3 id a boolean", `{"id": true, "type": "task.completed"}`},
		{"v3 without type", `{"id": "1", "object": "event", "data": {"object": "task"}}`},
		{"v3 empty type", `{"id": "1", "type": ""}`},
		{"v3 type an object", `{"id": "1", "type": {}}`},
		{"v3 object a number", `{"id": "1", "type": "task.completed", "object": 5}`},
		{"v1 without verb", `{"transaction": {"id": 1}}`},
		{"v1 null verb", `{"event": null, "transaction": {"id": 1}}`},
		{"v1 verb a number", `{"event": 1, "transaction": {"id": 1}}`},
		{"v1 without object", `{"event": "ping"}`},
		{"v1 null transaction", `{"event": "create", "transaction": null}`},
		{"v1 object without id", `{"event": "complete", "task": {"name": "x"}}`},
		{"v1 object id an object", `{"event": "create", "unit": {"id": {"n": 1}}}`},
		{"v1 object id repeated, the first an array", `{"event": "create", "unit": {"id": [1], "id": 2}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := checkScanKey(t, []byte(tt.body))
			assert.False(t, ok)
		})
	}
}

// FuzzScanKey checks ScanKey against Decode on arbitrary bodies. Run it with
//
//	go test ./events/record360 -run '^$' -fuzz '^FuzzScanKey$' -fuzztime 60s
func FuzzScanKey(f *testing.F) {
	for _, s := range differentialSeeds(f) {
		f.Add(s.body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkScanKey(t, body)
	})
}
