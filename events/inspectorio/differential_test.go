package inspectorio_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	legacyinspectorio "github.com/inspecthook/inspecthook/events/internal/legacy/inspectorio"
)

// trickyBodies are bodies where a one-pass decoder could part from the encoding/json one it
// replaced, each named for the case. Inputs the differential fuzz target found are added here.
var trickyBodies = []struct {
	name string
	body string
}{
	// Repeated names: the last one wins, whatever its case; objects merge.
	{"duplicate messageId", `{"messageId":"wh-1","messageId":"wh-2","eventCode":"report.created","payload":{"resourceId":1}}`},
	{"duplicate eventCode emptied", `{"messageId":"wh-1","eventCode":"report.created","eventCode":"","payload":{"resourceId":1}}`},
	{"duplicate eventCode known after unknown", `{"messageId":"wh-1","eventCode":"x","payload":{"resourceId":{}},"eventCode":"report.created"}`},
	{"duplicate eventCode unknown after known", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":{}},"eventCode":"x"}`},
	{"duplicate payload merges", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1},"payload":{"path":"/r/1"}}`},
	{"duplicate resourceId", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1,"RESOURCEID":"2"}}`},
	{"duplicate eventName", `{"messageId":"wh-1","eventCode":"report.created","eventName":"a","eventName":"b","payload":{"resourceId":1}}`},
	{"case-variant names", `{"MESSAGEID":"wh-1","EventCode":"report.created","eventname":"n","PayLoad":{"ResourceId":7,"PATH":"/r/7"}}`},
	{"case-variant names mixed", `{"messageid":"wh-1","messageId":"wh-2","eventCode":"report.created","payload":{"resourceId":1}}`},
	{"long s folds with s", `{"meſſageId":"wh-1","eventCode":"report.created","payload":{"reſourceId":1}}`},
	{"Kelvin sign is not k", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1},"K":1}`},
	{"escaped names", `{"message\u0049d":"wh-1","event\u0043ode":"report.created","\u0070ayload":{"resource\u0049d":1}}`},
	{"underscore not folded", `{"message_id":"wh-1","eventCode":"report.created","payload":{"resource_id":1}}`},
	{"name with invalid surrogate", `{"messageId\ud800":"wh-1","eventCode":"report.created","payload":{"resourceId":1}}`},

	// null members.
	{"all null", `{"messageId":null,"eventCode":null,"payload":null}`},
	{"eventCode null after a code", `{"eventCode":"report.created","eventCode":null}`},
	{"eventCode null after a code with messageId", `{"messageId":"wh-1","eventCode":"report.created","eventCode":null,"payload":{"resourceId":1}}`},
	{"messageId null after an id", `{"messageId":"wh-1","messageId":null,"eventCode":"report.created","payload":{"resourceId":1}}`},
	{"payload null after a payload", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1},"payload":null}`},
	{"resourceId null after an id", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1,"resourceId":null}}`},
	{"path null after a path", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1,"path":"/p","path":null}}`},
	{"only eventName", `{"eventName":"An Inspection report is uploaded"}`},
	{"only payload null", `{"payload":null,"eventName":"x"}`},

	// Ids as numbers.
	{"numbers as ids", `{"messageId":7730041,"eventCode":"report.created","payload":{"resourceId":12301}}`},
	{"20-digit ids", `{"messageId":98765432109876543210,"eventCode":"report.created","payload":{"resourceId":98765432109876543210}}`},
	{"float and exponent ids", `{"messageId":-1.5e+300,"eventCode":"report.created","payload":{"resourceId":1E400}}`},
	{"zero ids", `{"messageId":0,"eventCode":"report.created","payload":{"resourceId":-0}}`},
	{"bool ids", `{"messageId":true,"eventCode":"report.created","payload":{"resourceId":false}}`},
	{"array resourceId", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":[1]}}`},

	// Type errors, routed and not, and invalid JSON after them.
	{"eventName number, known", `{"messageId":"wh-1","eventCode":"report.created","eventName":5,"payload":{"resourceId":1}}`},
	{"eventName number, unknown", `{"messageId":"wh-1","eventCode":"report.updated","eventName":5,"payload":{"resourceId":1}}`},
	{"payload string, unknown", `{"messageId":"wh-1","eventCode":"report.updated","payload":"x"}`},
	{"payload array then object", `{"messageId":"wh-1","eventCode":"report.created","payload":[],"payload":{"resourceId":1}}`},
	{"resourceId object, unknown", `{"messageId":"wh-1","eventCode":"REPORT.UPDATED","payload":{"resourceId":{}}}`},
	{"path and resourceId wrong", `{"messageId":"wh-1","eventCode":"report.created","payload":{"path":7,"resourceId":{}}}`},
	{"eventCode and messageId wrong", `{"eventCode":5,"messageId":{}}`},
	{"messageId wrong then null", `{"messageId":{},"messageId":null}`},
	{"eventCode wrong then null", `{"eventCode":5,"eventCode":null}`},
	{"eventCode wrong, no type", `{"messageId":"wh-1","eventCode":[]}`},
	{"invalid JSON after a type error", `{"messageId":{},"eventCode":"report.created",}`},
	{"invalid JSON after a payload type error", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":{}}} x`},
	{"invalid JSON after eventName type error", `{"messageId":"wh-1","eventCode":"report.created","eventName":1,"x":tru}`},
	{"invalid JSON in an unknown member", `{"messageId":"wh-1","eventCode":"report.created","x":[1,]}`},
	{"no type, invalid JSON", `{"messageId":"wh-1" "eventCode":"x"}`},

	// Nesting.
	{"nested 63 deep", `{"messageId":"wh-1","eventCode":"x","payload":` + strings.Repeat(`[`, 63) + strings.Repeat(`]`, 63) + `}`},
	{"nested 64 deep", `{"messageId":"wh-1","eventCode":"x","payload":` + strings.Repeat(`{"a":`, 63) + `1` + strings.Repeat(`}`, 63) + `}`},
	{"nested 65 deep", `{"messageId":"wh-1","eventCode":"x","payload":` + strings.Repeat(`[`, 64) + strings.Repeat(`]`, 64) + `}`},
	{"deep array", strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100)},
	{"brackets in strings", `{"messageId":"[[[[","eventCode":"report.created","payload":{"resourceId":"{{{{\"\\"}}`},

	// Text.
	{"invalid UTF-8 in a value", "{\"messageId\":\"wh-1\",\"eventCode\":\"report.created\",\"eventName\":\"\xff\xfe\"}"},
	{"invalid UTF-8 in a name", "{\"messageId\":\"wh-1\",\"\xc3\x28\":1,\"eventCode\":\"x\"}"},
	{"surrogate escapes", `{"messageId":"\ud800","eventCode":"report\udfff.created","eventName":"\ud800\u0041","payload":{"resourceId":"\udc00\ud800","path":"\ud83d\ude00"}}`},
	{"surrogate escape code known", `{"messageId":"wh-1","eventCode":"report.created\ud800","payload":{"resourceId":1}}`},
	{"escaped code", `{"messageId":"wh-1","eventCode":"REPORT\u002eCREATED","payload":{"resourceId":1}}`},
	{"non-ASCII code", `{"messageId":"wh-1","eventCode":"rеport.created","payload":{"resourceId":1}}`},
	{"control escapes", `{"messageId":"\u0000\n","eventCode":"\t","payload":{"resourceId":"\/"}}`},
	{"raw control character", "{\"messageId\":\"a\tb\",\"eventCode\":\"x\"}"},

	// Not objects, or not one.
	{"empty body", ``},
	{"whitespace", " \r\n\t"},
	{"top-level array", `[{"messageId":"wh-1","eventCode":"report.created"}]`},
	{"top-level string", `"report.created"`},
	{"top-level number", `12301`},
	{"top-level null", `null`},
	{"top-level true", `true`},
	{"top-level invalid", `nul`},
	{"two objects", `{"messageId":"wh-1","eventCode":"x"}{}`},
	{"byte order mark", "\xef\xbb\xbf{\"messageId\":\"wh-1\",\"eventCode\":\"x\"}"},
	{"surrounding whitespace", " \n{\"messageId\":\"wh-1\",\"eventCode\":\"x\"}\n "},
	{"truncated", `{"messageId":"wh-1","eventCode":"report.created","payload":{"resourceId":1`},
	{"empty object", `{}`},
	{"no messageId", `{"eventCode":"report.created"}`},
	{"empty messageId, unknown", `{"messageId":"","eventCode":"x"}`},
}

// seedBodies returns every body the differential tests start from: each fixture of the
// provider, each file of the package's fuzz corpus (testdata/fuzz), and trickyBodies.
func seedBodies(t testing.TB) map[string][]byte {
	t.Helper()
	bodies := map[string][]byte{}
	for _, f := range loadFixtures(t) {
		bodies["fixture/"+f.File] = eventstest.Body(t, f)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		bodies["corpus/"+filepath.ToSlash(file)] = corpusBody(t, file)
	}
	for _, tt := range trickyBodies {
		bodies["tricky/"+tt.name] = []byte(tt.body)
	}
	return bodies
}

// corpusBody reads a file of a fuzz corpus that holds one []byte, in the format of go test
// fuzz v1.
func corpusBody(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	header, value, _ := strings.Cut(string(data), "\n")
	value = strings.TrimSpace(value)
	lit, ok := strings.CutPrefix(value, "[]byte(")
	lit, ok2 := strings.CutSuffix(lit, ")")
	if header != "go test fuzz v1" || !ok || !ok2 {
		t.Fatalf("%s: not a []byte corpus entry", file)
	}
	s, err := strconv.Unquote(lit)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return []byte(s)
}

// differ decodes body with Decode and with the decoder it replaced, and describes how they
// differ: "" when they agree on the sentinel error, the envelope and its payload, and on the
// message a sender is answered with (which names a *FieldError's path and the fields a
// *ValidationError lists).
func differ(body []byte) string {
	original := bytes.Clone(body)
	env, err := inspectorio.Provider().Decode(body)
	oldEnv, oldErr := legacyinspectorio.Decode(original)
	if d := legacy.Diff(env, err, oldEnv, oldErr); d != "" {
		return d
	}
	if err != nil && events.Message(err) != events.Message(oldErr) {
		return "message: got " + strconv.Quote(events.Message(err)) + ", legacy " + strconv.Quote(events.Message(oldErr))
	}
	var fe, oldFE *events.FieldError
	if errors.As(err, &fe) != errors.As(oldErr, &oldFE) || (fe != nil && *fe != *oldFE) {
		return "field error: got " + strconv.Quote(errString(err)) + ", legacy " + strconv.Quote(errString(oldErr))
	}
	return ""
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDifferential checks that Decode agrees with the encoding/json decoder it replaced on every
// fixture, every file of the fuzz corpus, and trickyBodies.
func TestDifferential(t *testing.T) {
	for name, body := range seedBodies(t) {
		t.Run(name, func(t *testing.T) {
			if d := differ(body); d != "" {
				t.Errorf("%q:\n%s", body, d)
			}
		})
	}
}

// FuzzDifferential checks that Decode agrees with the encoding/json decoder it replaced on any
// input. Run it with
//
//	go test ./events/inspectorio -run '^$' -fuzz '^FuzzDifferential$' -fuzztime 3m
//
// and add each input it finds to trickyBodies.
func FuzzDifferential(f *testing.F) {
	for _, body := range seedBodies(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := differ(body); d != "" {
			t.Errorf("%q:\n%s", body, d)
		}
	})
}
