package record360_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	r360legacy "github.com/inspecthook/inspecthook/events/internal/legacy/record360"
	"github.com/inspecthook/inspecthook/events/record360"
)

// The differential tests hold the one-pass decoder to the one it replaced, kept in
// events/internal/legacy/record360: for every body both give the same envelope and payload, or
// fail with the same sentinel error. Run the fuzz target with
//
//	go test ./events/record360 -run '^$' -fuzz '^FuzzDifferential$' -fuzztime 3m

// deep returns a v3 body whose data nests n arrays in one of its members: the body is n+2 deep.
func deep(n int) string {
	return `{"id": "1", "type": "x.y", "data": {"object": "o", "deep": ` +
		strings.Repeat("[", n) + strings.Repeat("]", n) + `}}`
}

// trickyBodies are bodies where decoders part easily: repeated and case-variant names, nulls,
// ids of every JSON type, errors of several kinds in one body, depth, encoding.
var trickyBodies = []struct{ name, body string }{
	// Repeated names: the last one wins, case-insensitively.
	{"repeated id", `{"id": "1", "id": "2", "type": "task.completed", "data": {"object": "task"}}`},
	{"repeated type after data", `{"type": "task.completed", "id": "1", "data": {"object": "task", "id": 5}, "type": "inspection.created"}`},
	{"repeated type before data", `{"type": "inspection.created", "type": "task.completed", "id": "1", "data": {"object": "task", "id": 5}}`},
	{"repeated type, the last unknown", `{"type": "task.completed", "id": "1", "data": {"object": "task"}, "TYPE": "x.y"}`},
	{"repeated type, the last not a string", `{"type": "task.completed", "id": "1", "data": {"object": "task"}, "type": 5}`},
	{"repeated data, the first with a bad id", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": {}}, "data": {"object": "task", "id": 2}}`},
	{"repeated data, the last with a bad id", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": 2}, "data": {"object": "task", "id": {}}}`},
	{"repeated data, the last null", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": 2}, "data": null}`},
	{"repeated data, the last an array", `{"id": "1", "type": "task.completed", "data": {"object": "task"}, "Data": [1]}`},
	{"repeated data, the last without object", `{"id": "1", "type": "task.completed", "data": {"object": "task"}, "data": {"id": 3}}`},
	{"repeated data in data", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": 1, "id": "2", "object": null}}`},
	{"repeated unit merges", `{"id": "1", "type": "task.completed", "data": {"object": "task", "unit": {"id": 1, "reference_number": "a"}, "unit": {"id": 2}}}`},
	{"repeated unit, the last null", `{"id": "1", "type": "task.completed", "data": {"object": "task", "unit": {"id": 1}, "unit": null}}`},
	{"repeated photos", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection",
		"photos": [{"url": "a", "instruction_id": "x"}, {"url": "c"}], "photos": [{"url": "b"}]}}`},
	{"repeated results", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection",
		"results": [{"object": "checklist", "data": [{"id": 1, "label": "L"}]}], "results": [{"object": "checklist", "data": [{"id": 2}]}]}}`},
	{"repeated result members", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [
		{"object": "checklist", "data": [{"id": 1}], "object": "pdf_form", "link": "l", "link": null, "name": "n", "name": null},
		{"data": {"a": 1}, "object": "checklist", "data": [{"id": 2, "items": [{"id": 3}], "items": null}]},
		{"object": "checklist", "data": [{"id": 1}], "data": null, "accepted": true, "object": "collision_damage_waiver"}]}}`},
	{"checklist data at fault, then another kind", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [
		{"object": "checklist", "data": [{"id": {}}], "data": null, "object": "pdf_form"},
		{"object": "checklist", "data": [{"items": 5}], "link": "l", "object": "pdf_form"},
		{"object": "checklist", "data": [[]], "accepted": true, "object": "collision_damage_waiver", "name": "n"}]}}`},
	{"repeated checklist field members", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [
		{"object": "checklist", "data": [{"id": 1, "value": 2, "value": null, "items": [{"id": 1, "value": "a"}], "items": [{"label": "b"}]}]}]}}`},
	{"repeated notations", `{"event": "create", "transaction": {"id": 1, "notations": {"a": {"x": 1, "y": 2}, "a": {"z": 3}, "b": null}}}`},
	{"repeated form values", `{"event": "create", "transaction": {"id": 1, "forms": [{"values": {"a": 1, "a": "b"}}, {"values": null}]}}`},
	{"ident_docs and files of every type", `{"event": "create", "transaction": {"id": 1, "ident_docs": [null, {"a": 1}, 1, "x", [2]], "files": null}}`},
	{"repeated geo_coord", `{"event": "create", "transaction": {"geo_coord": [1, 2, 3], "geo_coord": [4]}}`},
	{"repeated object, event first", `{"object": "event", "object": "other", "type": "task.completed", "id": "1", "event": "create", "data": {"object": "task"}}`},
	{"repeated object, event last", `{"object": "other", "event": "create", "type": "task.completed", "id": "1", "data": {"object": "task"}, "object": "event"}`},
	{"repeated event", `{"event": "create", "transaction": {"id": 1}, "event": "update"}`},
	{"repeated transaction", `{"event": "create", "transaction": {"id": 1, "check_in": true}, "Transaction": {"id": 2}}`},
	{"repeated task after transaction", `{"event": "complete", "transaction": {"id": 1}, "task": {"id": 2}, "task": {"id": 3}}`},
	{"repeated first object", `{"event": "create", "unit": {"id": 1}, "unit": {"id": 2}}`},
	{"v1 object named data", `{"event": "create", "data": {"id": 1, "created_at": "c"}}`},
	{"v1 object named type", `{"event": "create", "type": {"id": 1}, "data": {"id": 2}}`},
	{"v1 object after a type", `{"type": "task.completed", "event": "create", "data": {"object": "task", "id": 2}}`},
	{"v1 with data decoded as a v3 payload first", `{"type": "task.completed", "id": "1", "data": {"object": "task", "id": 2}, "event": "complete"}`},
	{"v1 with a bad v3 payload", `{"type": "task.completed", "id": "1", "data": {"object": "task", "id": {}}, "event": "complete"}`},
	{"v1 object event in another case", `{"EVENT": {"id": 1}, "event": "create", "unit": {"id": 2}}`},

	// Names in other cases, escaped, and folded beyond ASCII.
	{"upper-case names", `{"ID": "1", "TYPE": "task.completed", "Data": {"OBJECT": "task", "Unit": {"ID": 5}}}`},
	{"escaped names", `{"\u0069d": "1", "typ\u0065": "task.completed", "d\u0061ta": {"obj\u0065ct": "task"}}`},
	{"kelvin sign in task", `{"event": "complete", "tas\u212a": {"id": 1}}`},
	{"kelvin sign raw", "{\"event\": \"complete\", \"tas\u212a\": {\"id\": 1}}"},
	{"long s in transaction", "{\"event\": \"create\", \"tran\u017faction\": {\"id\": 1}}"},
	{"dotted capital I in id", "{\"\u0130d\": \"1\", \"type\": \"task.completed\", \"data\": {\"object\": \"task\"}}"},
	{"dotless i in id", "{\"\u0131d\": \"1\", \"type\": \"task.completed\", \"data\": {\"object\": \"task\"}}"},
	{"underscore not folded", `{"id": "1", "type": "task.completed", "createdat": "2024-01-01", "data": {"object": "task", "completedat": "x"}}`},
	{"dash not folded", `{"id": "1", "type": "task.completed", "created-at": "2024-01-01", "data": {"object": "task"}}`},

	// Null members.
	{"null id", `{"id": null, "type": "task.completed", "data": {"object": "task"}}`},
	{"null object", `{"id": "1", "object": null, "type": "task.completed", "data": {"object": "task"}}`},
	{"null type", `{"id": "1", "type": null, "data": {"object": "task"}}`},
	{"null data", `{"id": "1", "type": "task.completed", "data": null}`},
	{"null created_at", `{"id": "1", "type": "task.completed", "created_at": null, "data": {"object": "task"}}`},
	{"null data object", `{"id": "1", "type": "task.completed", "data": {"object": null}}`},
	{"null event", `{"event": null, "transaction": {}}`},
	{"null transaction", `{"event": "create", "transaction": null}`},
	{"null task", `{"event": "complete", "task": null}`},
	{"null everywhere in a task", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": null, "unit": null,
		"assignee": {"id": null}, "priority": null, "due_by": null, "name": null}}`},
	{"null result", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [null, {"object": null}]}}`},
	{"null results", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": null, "photos": [null]}}`},
	{"null checklist data", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [{"object": "checklist", "data": null}]}}`},
	{"null pdf data", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [{"object": "pdf_form", "data": null, "link": null}]}}`},
	{"empty arrays", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [{"object": "checklist", "data": []}], "photos": []}}`},

	// Ids of every JSON type.
	{"number id", `{"id": 12, "type": "task.completed", "data": {"object": "task", "id": 397691}}`},
	{"negative float id", `{"id": -1.5e3, "type": "task.completed", "data": {"object": "task", "id": 0.5}}`},
	{"20-digit ids", `{"id": 98765432109876543210, "type": "task.completed", "data": {"object": "task", "id": 12345678901234567890}}`},
	{"30-digit id as string", `{"id": "123456789012345678901234567890", "type": "task.completed", "data": {"object": "task"}}`},
	{"escaped id", `{"id": "a\"b\\c\u00e9", "type": "task.completed", "data": {"object": "task"}}`},
	{"empty id", `{"id": "", "type": "task.completed", "data": {"object": "task"}}`},
	{"boolean id", `{"id": true, "type": "task.completed", "data": {"object": "task"}}`},
	{"array id", `{"id": [1], "type": "task.completed", "data": {"object": "task"}}`},
	{"v1 number ids", `{"event": "create", "transaction": {"id": 12345678901234567890, "workflow_id": 1, "asset": {"id": 2}}}`},
	{"v1 head id an object", `{"event": "create", "unit": {"id": {"n": 1}, "created_at": "c"}}`},
	{"v1 head id repeated, the first an object", `{"event": "create", "unit": {"id": {}, "id": 5}}`},
	{"v1 head times of every type", `{"event": "create", "unit": {"id": 1, "completed_at": 1700000000, "updated_at": {}, "created_at": true}}`},
	{"v1 head a string", `{"event": "create", "task": "x"}`},

	// Several faults in one body: the first one the old decoder checked decides.
	{"bad type and bad id", `{"id": {}, "type": [], "data": {"object": "task"}}`},
	{"bad id and bad data", `{"type": "task.completed", "data": {"object": "task", "id": {}}, "id": {}}`},
	{"bad data object and bad payload", `{"id": "1", "type": "task.completed", "data": {"id": {}, "object": 5}}`},
	{"no type and bad data", `{"id": "1", "object": "event", "data": {"object": 5}}`},
	{"no type and bad payload", `{"id": "1", "object": "event", "type": "", "data": {"object": "task", "id": {}}}`},
	{"two bad payload fields", `{"id": "1", "type": "task.completed", "data": {"object": "task", "name": 5, "unit": {"id": {}}}}`},
	{"bad result name and data", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [
		{"object": "checklist", "data": {}, "name": 5}]}}`},
	{"bad checklist item id", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [
		{"object": "checklist", "data": [{"items": [{"id": {}}]}]}]}}`},
	{"bad link", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [{"object": "pdf_form", "link": 5}]}}`},
	{"result an array", `{"id": "1", "type": "inspection.created", "data": {"object": "inspection", "results": [[]]}}`},

	// Invalid JSON after a type error: the syntax error wins.
	{"type error then truncated", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": {}}, `},
	{"type error then bad token", `{"id": {}, "type": "task.completed", "data": {"object": "task"} ]`},
	{"payload type error then trailing garbage", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": {}}} x`},
	{"valid then trailing garbage", `{"id": "1", "type": "task.completed", "data": {"object": "task"}} x`},
	{"valid then a second object", `{"id": "1", "type": "task.completed", "data": {"object": "task"}} {}`},
	{"truncated in data", `{"id": "1", "type": "task.completed", "data": {"object": "task", "id": 1`},
	{"missing comma", `{"id": "1" "type": "task.completed"}`},
	{"trailing comma", `{"id": "1", "type": "task.completed", "data": {"object": "task"},}`},

	// Depth.
	{"64 deep", deep(62)},
	{"65 deep", deep(63)},
	{"65 deep in a string", `{"event": "x", "a": "` + strings.Repeat("[", 70) + `"}`},

	// Encoding.
	{"invalid UTF-8 in a value", "{\"id\": \"\xff\", \"type\": \"task.completed\", \"data\": {\"object\": \"task\"}}"},
	{"invalid UTF-8 in a name", "{\"\xfeid\": \"1\", \"type\": \"task.completed\", \"data\": {\"object\": \"task\"}}"},
	{"lone surrogate id", `{"id": "\ud800", "type": "task.completed", "data": {"object": "task"}}`},
	{"lone surrogate type", `{"id": "1", "type": "\udc00", "data": {"object": "task"}}`},
	{"lone surrogate in a name", `{"typ\ud800e": "task.completed", "id": "1", "data": {"object": "task"}}`},
	{"lone surrogate verb", `{"event": "\ud800", "transaction": {"id": "\ud800x"}}`},
	{"lone surrogate object name", `{"event": "create", "\ud800": {"id": 1}}`},
	{"surrogate then escape", `{"id": "\ud800\u0041", "type": "task.completed", "data": {"object": "task", "name": "\udbff\udfff\ud800"}}`},
	{"valid surrogate pair", `{"id": "\ud83d\ude00", "type": "task.completed", "data": {"object": "task"}}`},
	{"object event escaped", `{"object": "\u0065vent", "event": "create", "type": "task.completed", "id": "1", "data": {"object": "task"}}`},
	{"byte order mark", "\xef\xbb\xbf{\"event\": \"create\", \"transaction\": {}}"},
	{"NUL escape", `{"event": "create\u0000", "transaction": {}}`},

	// Top levels that are not objects, and no body at all.
	{"array", `[{"event": "create", "transaction": {}}]`},
	{"string", `"inspection.created"`},
	{"number", `12`},
	{"true", `true`},
	{"null", `null`},
	{"empty", ``},
	{"whitespace", " \t\r\n"},
	{"empty object", `{}`},
	{"lone brace", `{`},
}

// seed is one body the differential tests decode, named for a subtest.
type seed struct {
	name string
	body []byte
}

// differentialSeeds returns the fixtures, every file of the package's fuzz corpus
// (testdata/fuzz/*/*) and trickyBodies.
func differentialSeeds(tb testing.TB) []seed {
	tb.Helper()
	var seeds []seed
	for _, f := range loadCorpus(tb) {
		seeds = append(seeds, seed{"fixture/" + f.File, body(tb, f)})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, file := range files {
		b, err := readCorpusFile(file)
		if err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		seeds = append(seeds, seed{"corpus/" + filepath.ToSlash(file), b})
	}
	for _, tt := range trickyBodies {
		seeds = append(seeds, seed{"tricky/" + tt.name, []byte(tt.body)})
	}
	return seeds
}

// readCorpusFile reads a file of a Go fuzz corpus holding one []byte value.
func readCorpusFile(file string) ([]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	if !sc.Scan() || sc.Text() != "go test fuzz v1" {
		return nil, fmt.Errorf("not a fuzz corpus file")
	}
	if !sc.Scan() {
		return nil, fmt.Errorf("no value")
	}
	line := strings.TrimSpace(sc.Text())
	quoted, ok := strings.CutPrefix(line, "[]byte(")
	if !ok || !strings.HasSuffix(quoted, ")") {
		return nil, fmt.Errorf("not a []byte value: %.40s", line)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
	return []byte(s), err
}

// diff decodes body with both decoders and describes how they differ; "" when they agree.
func diff(body []byte) string {
	env, err := record360.Provider().Decode(body)
	oldEnv, oldErr := r360legacy.Decode(body)
	return legacy.Diff(env, err, oldEnv, oldErr)
}

// messageDiffers lists the seeds whose error names another field than the old decoder's, with
// the same sentinel. encoding/json goes on decoding a struct after a field of the wrong type,
// to report that first field unless a method (events.ID's) fails further on, which it reports
// instead; JSON v2 stops at the first field at fault.
var messageDiffers = map[string]bool{
	"tricky/two bad payload fields": true,
}

func TestDifferential(t *testing.T) {
	for _, s := range differentialSeeds(t) {
		t.Run(s.name, func(t *testing.T) {
			if d := diff(s.body); d != "" {
				t.Fatalf("%s\nbody %q", d, s.body)
			}
			// The answer a sender gets names the same field.
			_, err := record360.Provider().Decode(s.body)
			_, oldErr := r360legacy.Decode(s.body)
			if err != nil && !messageDiffers[s.name] {
				assert.Equal(t, events.Message(oldErr), events.Message(err))
			}
		})
	}
}

func TestLegacyRoutesEveryEvent(t *testing.T) {
	require.Equal(t, record360.Provider().EventTypes(), r360legacy.EventTypes())
}

func FuzzDifferential(f *testing.F) {
	for _, s := range differentialSeeds(f) {
		f.Add(s.body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := diff(body); d != "" {
			t.Fatalf("%s\nbody %q", d, body)
		}
	})
}
