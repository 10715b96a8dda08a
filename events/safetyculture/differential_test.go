package safetyculture_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	sclegacy "github.com/inspecthook/inspecthook/events/internal/legacy/safetyculture"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// differentialCases are bodies where a one-pass decoder is most likely to part from the
// two-pass one it replaced: repeated and case-variant names, nulls, ids as numbers, errors of
// several kinds at once, the limits of the checks. Every input the fuzzer found a difference
// on is added here too.
var differentialCases = []struct{ name, body string }{
	{"empty body", ``},
	{"whitespace", " \n\t"},
	{"top-level array", `[{"event": {"event_types": ["audit_started"]}}]`},
	{"top-level string", `"TRIGGER_EVENT_MEDIA_UPLOADED"`},
	{"top-level number", `17`},
	{"top-level null", `null`},
	{"empty object", `{}`},
	{"trailing garbage", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}} x`},
	{"two objects", `{"webhook_id": "w"} {}`},
	{"truncated", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]`},
	{"invalid UTF-8 in a value", "{\"webhook_id\": \"w\xff\", \"event\": {\"event_types\": [\"TRIGGER_EVENT_X\"]}}"},
	{"invalid UTF-8 in a name", "{\"w\xffebhook_id\": \"w\", \"event\": {\"event_types\": [\"TRIGGER_EVENT_X\"]}}"},
	{"lone surrogate escape in a type", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_\ud800"]}}`},
	{"lone surrogate escape in an id", `{"webhook_id": "w", "event": {"date_triggered": "2024-01-01T00:00:00Z", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "r\udc00"}, "data": {"media_id": "\ud800x"}}`},
	{"surrogate pair escape", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "\ud83d\udd25"}}}`},
	{"lone surrogate escape in the version", `{"version": "1.\ud800", "event": {"event_types": ["audit_started"], "triggered_by": {"name": "\udfff"}}, "data": {"audit": {"audit_id": "a"}}}`},
	{"escaped names", `{"\u0076ersion": "1.0.0", "ev\u0065nt": {"event_\u0074ypes": ["audit_\u0073tarted"], "date_triggered": "x"}, "d\u0061ta": {"audit": {"audit_id": "a"}}}`},
	{"escaped version", `{"version": "\u0031.0.0", "event": {"event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a"}}}`},
	{"nested 64 deep", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}, "data": ` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`},
	{"nested 65 deep", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}, "data": ` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`},
	{"deep nesting in a string", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}, "data": "` + strings.Repeat("[", 100) + `"}`},

	// Type errors, alone and before a syntax error.
	{"version a number", `{"version": 3, "event": {"event_types": ["audit_started"]}}`},
	{"version a number, then invalid JSON", `{"version": 3, "event": {"event_types": ["audit_started"]}, "x": tru}`},
	{"data.audit a string, then invalid JSON", `{"version": "1.0.0", "event": {"event_types": ["audit_started"]}, "data": {"audit": "x"}, "x": [1,]}`},
	{"data.audit a string, then a head error", `{"version": "1.0.0", "event": {"event_types": ["audit_started"]}, "data": {"audit": "x"}, "resource": {"id": {}}}`},
	{"data.audit a string, unknown type", `{"version": "1.0.0", "event": {"event_types": ["audit_deleted"]}, "data": {"audit": "x"}}`},
	{"data.audit an array", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": [1]}}`},
	{"data.audit a string, no event types", `{"version": "1.0.0", "event": {"event_types": []}, "data": {"audit": "x"}}`},
	{"triggered_by a string before event_types", `{"webhook_id": "w", "event": {"triggered_by": "u", "event_types": ["TRIGGER_EVENT_X"]}}`},
	{"triggered_by a string, known type", `{"webhook_id": "w", "event": {"triggered_by": "u", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"id": "r"}}`},
	{"triggered_by a string, then event_types a number", `{"webhook_id": "w", "event": {"triggered_by": "u", "event_types": 7}}`},
	{"triggered_by.user an object", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"], "triggered_by": {"user": {}}}, "resource": {"id": "r"}}`},
	{"resource.type a number", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"type": 1, "id": "r"}}`},
	{"resource.type a number, unknown type", `{"event": {"event_types": ["TRIGGER_EVENT_X"]}, "resource": {"type": 1, "id": "r"}}`},
	{"resource.type a number, then id an object", `{"event": {"event_types": ["TRIGGER_EVENT_X"]}, "resource": {"type": 1, "id": {}}}`},
	{"resource an array", `{"event": {"event_types": ["TRIGGER_EVENT_X"]}, "resource": []}`},
	{"webhook_id an object, known type", `{"webhook_id": {}, "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"id": "r"}}`},
	{"webhook_id an object, unknown type", `{"webhook_id": {}, "event": {"event_types": ["TRIGGER_EVENT_X"]}}`},
	{"workflow_id true, legacy", `{"workflow_id": true, "event": {"event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a"}}}`},
	{"workflow_id an array, unknown legacy type", `{"workflow_id": [], "event": {"event_types": ["audit_exported"]}, "data": {"audit": {"audit_id": "a"}}}`},
	{"event a string", `{"event": "create", "transaction": {}}`},
	{"event_types an object", `{"webhook_id": "w", "event": {"event_types": {}}}`},
	{"event_types with a number", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X", 1]}}`},
	{"data an array, known type", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "r"}, "data": []}`},
	{"data an array, incident", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INCIDENT_CREATED"]}, "resource": {"id": "r"}, "data": [1, 2]}`},
	{"data a number, unknown type", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_X"]}, "data": 1}`},
	{"data.collaborators an object", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_ACTION_CREATED"]}, "resource": {"id": "r"}, "data": {"collaborators": {}}}`},
	{"media_id an object", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "r"}, "data": {"media_id": {}}}`},
	{"media_id an object, inspection", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"id": "r"}, "data": {"media_id": {}}}`},
	{"media_id an object after a string, unknown type", `{"event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_X"]}, "data": {"media_id": "m", "media_id": {}}}`},
	{"audit_id an object, unknown legacy type", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_x"]}, "data": {"audit": {"audit_id": "a", "audit_id": {}}}}`},
	{"modify_time an object", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_X"]}, "resource": {"id": "r"}, "data": {"details": {"modify_time": {"a": 1}}}}`},
	{"modify_time a number, inspection", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INSPECTION_DURATION"]}, "resource": {"id": "r"}, "data": {"details": {"modify_time": 17e3}}}`},

	// Duplicate and case-variant names.
	{"event twice", `{"event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "event": {"event_types": []}, "webhook_id": "w"}`},
	{"event twice, merged", `{"webhook_id": "w", "event": {"date_triggered": "t1", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER", "TRIGGER_EVENT_X"]}, "resource": {"id": "r"}, "event": {"triggered_by": {"user": "u"}, "event_types": [null]}}`},
	{"event, null, event", `{"webhook_id": "w", "event": {"date_triggered": "t1", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "event": null, "resource": {"id": "r"}, "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_CLONED"]}}`},
	{"event then null", `{"webhook_id": "w", "event": {"date_triggered": "t1", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"id": "r"}, "event": null}`},
	{"event types shrink then grow", `{"webhook_id": "w", "event": {"event_types": ["A_1", "B_2", "TRIGGER_EVENT_INSPECTION_OWNER"]}, "Event": {"event_types": ["X"]}, "EVENT": {"event_types": [null, null, null]}, "resource": {"id": "r"}}`},
	{"event types repeated in the event", `{"webhook_id": "w", "event": {"event_types": ["A_1", "B_2", "TRIGGER_EVENT_INSPECTION_OWNER"], "Event_Types": ["X"], "EVENT_TYPES": [null, null, null], "date_triggered": "t"}, "resource": {"id": "r"}}`},
	{"many event types, repeated", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["T_1", "T_2", "T_3", "T_4", "T_5", "T_6", "T_7", "T_8", "T_9", "T_1", " T_10 ", "T_9", "AUDIT_Started", "T_11", "", "T_2", "audit_started", "TRIGGER_EVENT_INSPECTION_STARTED"]}, "resource": {"id": "r"}}`},
	{"data twice", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a"}}, "data": {"media_id": "m"}}`},
	{"data, null, data", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a"}}, "data": null, "data": {"media_id": "m"}}`},
	{"data then null", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "r"}, "data": {"media_id": "m"}, "data": null}`},
	{"incident data null", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INCIDENT_CREATED"]}, "resource": {"id": "r"}, "data": null}`},
	{"data twice, second wrong", `{"webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": "r"}, "data": {"media_id": "m"}, "data": {"media_id": []}}`},
	{"data before event", `{"data": {"audit": {"audit_id": "a", "archived": true}}, "version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_archived"]}}`},
	{"data before event, wrong type", `{"data": {"audit": {"audit_id": "a", "archived": 1}}, "version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_archived"]}}`},
	{"data before event, media", `{"data": {"media_id": 5}, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": 1}}`},
	{"keys sorted, legacy", `{"data": {"audit": {"audit_id": "a", "archived": true}, "template": {"name": "T"}}, "event": {"date_triggered": "t", "event_types": ["audit_archived"]}, "version": "1.0.0", "workflow_id": "w"}`},
	{"keys sorted, action", `{"data": {"action_id": "x", "title": "T", "collaborators": [{"user": {"id": 1}}]}, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_ACTION_CREATED"]}, "resource": {"id": "r", "type": "TASK"}, "webhook_id": "w"}`},
	{"keys sorted, incident", `{"data": {"x": [1, {"y": null}]}, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INCIDENT_CREATED"]}, "resource": {"id": "r"}, "webhook_id": "w"}`},
	{"keys sorted, incident data null", `{"data": null, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INCIDENT_CREATED"]}, "resource": {"id": "r"}}`},
	{"keys sorted, unknown type", `{"data": {"media_id": "m"}, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_X"]}}`},
	{"data before a null event", `{"data": {"audit": {"audit_id": "a"}}, "event": null, "version": "1.0.0"}`},
	{"event null before data", `{"event": null, "data": {"audit": {"audit_id": "a"}}}`},
	{"data with spaces around the colon", "{\"version\": \"1.0.0\", \"event\": {\"event_types\": [\"audit_started\"]}, \"data\"\n :\t\r {\"audit\": {\"audit_id\": \"a\"}} \n}"},
	{"case-variant names", `{"VERSION": "1.0.0", "Workflow_ID": "w", "EVENT": {"Date_Triggered": "t", "EVENT_TYPES": ["AUDIT_STARTED"]}, "DATA": {"AUDIT": {"AUDIT_ID": "a", "Archived": true}}}`},
	{"case-variant names with a delimiter", `{"version": "1.0.0", "workflowid": "w", "event": {"datetriggered": "t", "eventtypes": ["audit_started"]}, "data": {"audit": {"auditid": "a"}}}`},
	{"unicode case folding", "{\"ver\u017fion\": \"1.0.0\", \"event\": {\"event_types\": [\"audit_started\"]}, \"data\": {\"audit\": {\"audit_id\": \"a\"}}, \"\u212aey\": 1}"},
	{"version twice", `{"version": "1.0.0", "version": "3.0.0", "event": {"event_types": ["TRIGGER_EVENT_X"]}}`},
	{"version then null", `{"version": "1.0.0", "version": null, "webhook_id": "w", "event": {"event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}, "resource": {"id": "r"}}`},
	{"webhook_id then null", `{"webhook_id": "w", "webhook_id": null, "event": {"event_types": ["TRIGGER_EVENT_X"]}}`},
	{"resource twice, merged", `{"resource": {"id": "r", "type": "TASK"}, "resource": {"type": "INSPECTION"}, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}}`},
	{"resource then null", `{"resource": {"id": "r"}, "resource": null, "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER"]}}`},
	{"audit twice in data", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a", "archived": true}, "audit": {"template_id": "t"}}}`},
	{"responses merged", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a", "header_items": [{"responses": {"a": 1}}], "header_items": [{"responses": {"b": 2}}]}}}`},
	{"header items shrink then grow", `{"version": "1.0.0", "event": {"event_types": ["audit_started"]}, "data": {"audit": {"audit_id": "a", "header_items": [{"label": "1"}, {"label": "2"}], "header_items": [{}], "header_items": [{}, {}]}}}`},

	// Nulls.
	{"nulls everywhere", `{"version": null, "workflow_id": null, "webhook_id": null, "event": {"date_triggered": null, "event_types": ["TRIGGER_EVENT_INSPECTION_OWNER", null], "triggered_by": null}, "resource": {"id": null, "type": null}, "data": {"details": null, "event": null, "audit": null}}`},
	{"event null", `{"webhook_id": "w", "event": null}`},
	{"event_types null", `{"webhook_id": "w", "event": {"event_types": null}}`},
	{"data null, legacy", `{"version": "1.0.0", "event": {"event_types": ["audit_started"]}, "data": null}`},
	{"audit null", `{"workflow_id": "w", "event": {"event_types": ["audit_started"]}, "data": {"audit": null}}`},
	{"resource null", `{"resource": null, "event": {"event_types": ["TRIGGER_EVENT_ACTION_DELETED"]}}`},

	// Ids as numbers.
	{"numbers as ids", `{"webhook_id": 17, "event": {"date_triggered": 1717200000, "event_types": ["TRIGGER_EVENT_ACTION_DELETED"], "triggered_by": {"user": 42, "organization": -7.5e3}}, "resource": {"id": 12345, "type": "TASK"}, "data": {"action_id": 99, "status_id": 3, "creator": {"id": 5}}}`},
	{"20-digit ids", `{"webhook_id": "w", "event": {"date_triggered": "t", "event_types": ["TRIGGER_EVENT_MEDIA_UPLOADED"]}, "resource": {"id": 12345678901234567890}, "data": {"media_id": 98765432109876543210}}`},
	{"huge numbers", `{"webhook_id": 1e999, "event": {"event_types": ["TRIGGER_EVENT_ACTION_CREATED"]}, "resource": {"id": -0.000001e-99}, "data": {"action_id": 123456789012345678901234567890}}`},
	{"legacy audit id a number", `{"version": "1.0.0", "event": {"date_triggered": "t", "event_types": ["audit_started"]}, "data": {"audit": {"audit_id": 7, "audit_data": {"score": 1.5e2, "total_score": true}}}}`},
}

// fuzzSeeds returns the bodies of the package's fuzz corpus, testdata/fuzz/<target>/*, for every
// target, by file name.
func fuzzSeeds(t testing.TB) map[string][]byte {
	t.Helper()
	seeds := map[string][]byte{}
	dirs, err := os.ReadDir(filepath.Join("testdata", "fuzz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		files, err := fs.Glob(os.DirFS(filepath.Join("testdata", "fuzz", dir.Name())), "*")
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			path := filepath.Join("testdata", "fuzz", dir.Name(), file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			body, err := parseSeed(b)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			seeds[filepath.Join(dir.Name(), file)] = body
		}
	}
	return seeds
}

// parseSeed reads a corpus file of the fuzzer ("go test fuzz v1", then one []byte argument).
func parseSeed(b []byte) ([]byte, error) {
	_, rest, _ := bytes.Cut(b, []byte("\n"))
	rest = bytes.TrimSpace(rest)
	rest, ok := bytes.CutPrefix(rest, []byte("[]byte("))
	if !ok || !bytes.HasSuffix(rest, []byte(")")) {
		return nil, strconv.ErrSyntax
	}
	s, err := strconv.Unquote(string(rest[:len(rest)-1]))
	return []byte(s), err
}

// differential decodes body with the current decoder, its two-pass fallback and the legacy
// decoder, and describes the first difference; "" when they agree.
func differential(body []byte) string {
	oldEnv, oldErr := sclegacy.Decode(bytes.Clone(body))
	env, err := safetyculture.Provider().Decode(bytes.Clone(body))
	if d := legacy.Diff(env, err, oldEnv, oldErr); d != "" {
		return "Decode: " + d
	}
	if d := messageDiff(err, oldErr); d != "" {
		return "Decode: " + d
	}
	env, err = safetyculture.DecodeTwoPass(bytes.Clone(body))
	if d := legacy.Diff(env, err, oldEnv, oldErr); d != "" {
		return "two-pass decode: " + d
	}
	if d := messageDiff(err, oldErr); d != "" {
		return "two-pass decode: " + d
	}
	return ""
}

// messageDiff compares the answers a sender gets, which name the field at fault.
func messageDiff(err, oldErr error) string {
	if err == nil || oldErr == nil {
		return ""
	}
	if m, old := events.Message(err), events.Message(oldErr); m != old {
		return "message: got " + strconv.Quote(m) + " (" + err.Error() + "), legacy " + strconv.Quote(old) + " (" + oldErr.Error() + ")"
	}
	return ""
}

// TestDifferential checks that the decoder gives what the legacy decoder gave, on every fixture,
// every body of the fuzz corpus and the tricky bodies above: the same envelope and payload, or
// the same sentinel error.
func TestDifferential(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.File, func(t *testing.T) {
			if d := differential(body(t, f)); d != "" {
				t.Error(d)
			}
		})
	}
	for name, b := range fuzzSeeds(t) {
		t.Run(name, func(t *testing.T) {
			if d := differential(b); d != "" {
				t.Error(d)
			}
		})
	}
	for _, tt := range differentialCases {
		t.Run(tt.name, func(t *testing.T) {
			if d := differential([]byte(tt.body)); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestLegacyTable checks that the legacy decoder routes the event types the provider declares.
func TestLegacyTable(t *testing.T) {
	if got, want := sclegacy.EventTypes(), safetyculture.Provider().EventTypes(); !slices.Equal(got, want) {
		t.Errorf("legacy table routes %q, the provider %q", got, want)
	}
}

// TestOnePass checks that every delivery of the corpus is decoded in one pass, without the
// two-pass fallback, and gives what the two passes give.
func TestOnePass(t *testing.T) {
	for _, f := range loadCorpus(t) {
		if f.Kind == inspecthook.KindBad {
			continue
		}
		t.Run(f.File, func(t *testing.T) {
			b := body(t, f)
			env, err := safetyculture.DecodeOnePass(b)
			if errors.Is(err, safetyculture.ErrFallback) {
				t.Fatal("decoded in two passes")
			}
			twoEnv, twoErr := safetyculture.DecodeTwoPass(b)
			if d := legacy.Diff(env, err, twoEnv, twoErr); d != "" {
				t.Error(d)
			}
		})
	}
}

// FuzzDifferential checks on any input that the decoder gives what the legacy decoder gave.
// Run it with
//
//	go test ./events/safetyculture -run '^$' -fuzz '^FuzzDifferential$' -fuzztime 3m
func FuzzDifferential(f *testing.F) {
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
		if d := differential(b); d != "" {
			t.Error(d)
		}
	})
}
