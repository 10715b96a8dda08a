package vehreports_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	vehreportslegacy "github.com/inspecthook/inspecthook/events/internal/legacy/vehreports"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// The differential tests compare Decode with the decoder it replaced (encoding/json, the body
// scanned once per check and once per part), kept in events/internal/legacy/vehreports: for
// every body, both must return the same envelope and payload, or fail with the same sentinel
// error; and, stricter than legacy.Diff, the same *events.FieldError (path, JSON type and what
// was wanted) and the same *events.ValidationError fields.

// differential describes how Decode and the legacy decoder differ on body; "" when they agree.
func differential(body []byte) string {
	original := bytes.Clone(body)
	env, err := vehreports.Provider().Decode(body)
	if !bytes.Equal(body, original) {
		return "Decode modified its input"
	}
	oldEnv, oldErr := vehreportslegacy.Decode(body)
	if d := legacy.Diff(env, err, oldEnv, oldErr); d != "" {
		return d
	}
	var fe, oldFE *events.FieldError
	if errors.As(err, &fe) != errors.As(oldErr, &oldFE) || fe != nil && *fe != *oldFE {
		return fmt.Sprintf("field error: got %v, legacy %v", err, oldErr)
	}
	var ve, oldVE *events.ValidationError
	if errors.As(err, &ve) != errors.As(oldErr, &oldVE) || ve != nil && !slices.Equal(ve.Fields, oldVE.Fields) {
		return fmt.Sprintf("validation error: got %v, legacy %v", err, oldErr)
	}
	return ""
}

// trickyBodies are bodies where a one-pass decoder could part from encoding/json: repeated and
// case-variant names, nulls, ids as numbers, errors in several places, syntax errors after a
// type error, depth, UTF-8, surrogate escapes, and what is not an object. Inputs the fuzzer
// found are at the end.
var trickyBodies = []struct{ name, body string }{
	{"empty", ``},
	{"whitespace", " \t\r\n"},
	{"null", `null`},
	{"array", `[{"id":"e1","type":"credits.low"}]`},
	{"string", `"credits.low"`},
	{"number", `12`},
	{"true", ` true `},
	{"empty object", `{}`},
	{"object then garbage", `{"id":"e1","type":"credits.low"} x`},
	{"two objects", `{"id":"e1","type":"credits.low"}{}`},
	{"object and whitespace", " {\"id\":\"e1\",\"type\":\"credits.low\"}\n"},
	{"unterminated", `{"id":"e1","type":"credits.low"`},
	{"trailing comma", `{"id":"e1","type":"credits.low",}`},
	{"number name", `{1:2}`},

	// Repeated names: the last wins, merging into what the earlier one decoded.
	{"id twice", `{"id":"a","id":"b","type":"credits.low"}`},
	{"id object then string", `{"id":{},"id":"b","type":"credits.low"}`},
	{"id string then object", `{"id":"b","id":[],"type":"credits.low"}`},
	{"id then null", `{"id":"b","id":null,"type":"credits.low"}`},
	{"type twice", `{"id":"e","type":"credits.low","type":"payment.failed","data":{"amount":1}}`},
	{"type changes after data", `{"id":"e","type":"credits.low","data":{"balance":9,"id":"p"},"type":"payment.failed"}`},
	{"type becomes unknown after data", `{"id":"e","type":"credits.low","data":{"balance":9},"type":"x.y"}`},
	{"type becomes empty after data", `{"id":"e","type":"credits.low","data":{"balance":9},"type":"","event":"payment.failed"}`},
	{"type number after data", `{"id":"e","type":"credits.low","data":{"balance":9},"type":1}`},
	{"type after data", `{"data":{"balance":"9"},"id":"e","type":"credits.low"}`},
	{"event after data", `{"data":{"id":"p","amount":5},"id":"e","event":"payment.failed"}`},
	{"data twice", `{"id":"e","type":"credits.low","data":{"balance":1},"data":{"threshold":2}}`},
	{"data then null", `{"id":"e","type":"credits.low","data":{"balance":1},"data":null}`},
	{"data error then data", `{"id":"e","type":"credits.low","data":7,"data":{"balance":1}}`},
	{"data then data error", `{"id":"e","type":"credits.low","data":{"balance":1},"data":[1]}`},
	{"data error, type changes", `{"id":"e","type":"credits.low","data":"x","type":"vehicle.created"}`},
	{"vehicle twice merges", `{"id":"e","type":"report.completed","data":{"vehicle":{"id":"v","make":"Ford"},"vehicle":{"model":"Transit"}}}`},
	{"vehicle object then id", `{"id":"e","type":"report.completed","data":{"vehicle":{"id":"v","make":"Ford"},"vehicle":17}}`},
	{"vehicle then null", `{"id":"e","type":"report.completed","data":{"vehicle":{"id":"v"},"vehicle":null}}`},
	{"endorsements twice merge", `{"id":"e","type":"licence.checked","data":{"endorsements":[{"code":"A","points":1},{"code":"B"}],"endorsements":[{"points":3}]}}`},
	{"endorsements grow and shrink", `{"id":"e","type":"licence.checked","data":{"endorsements":[{"code":"A"},{"code":"B"},{"code":"C"}],"endorsements":[{}],"endorsements":[null,null,{}]}}`},
	{"endorsements then empty", `{"id":"e","type":"licence.checked","data":{"endorsements":[{"code":"A"}],"endorsements":[]}}`},
	{"categories with null", `{"id":"e","type":"licence.checked","data":{"categories":["A","B"],"categories":[null,null,null]}}`},
	{"reasons twice", `{"id":"e","type":"inspection.verdict_flagged","data":{"reasons":["a",1,{"x":1}],"reasons":[null]}}`},
	{"string then null", `{"id":"e","type":"payment.failed","data":{"currency":"GBP","currency":null}}`},
	{"times twice", `{"id":"e","type":"credits.low","created_at":"2025-01-01","created_at":null,"timestamp":"2025-01-02"}`},

	// Names in another case, or with escapes; ſ (U+017F) folds to s and K (U+212A) to k.
	{"upper-case envelope", `{"ID":"e","TYPE":"credits.low","Created_At":"2025-01-01","DATA":{"Balance":3}}`},
	{"escaped names", `{"\u0069d":"e","typ\u0065":"report.completed","data":{"st\u0061tus":"done"}}`},
	{"long s", `{"id":"e","type":"report.completed","timeſtamp":"2025-01-02","data":{"ſtatus":"x","regiſtration":"AB"}}`},
	{"kelvin", `{"id":"e","type":"vehicle.created","data":{"ma\u212ae":"Ford","ma` + "\u212a" + `e":"Kia"}}`},
	{"exact and folded", `{"id":"e","type":"credits.low","data":{"BALANCE":1,"balance":2,"Balance":3}}`},
	{"folded field names", `{"id":"e","type":"agreement.signed","data":{"Vehicle":{"REGISTRATION":"AB"},"Customer":"c1","Starts_At":"2025-01-01"}}`},

	// Nulls.
	{"all null", `{"id":null,"type":null,"event":null,"data":null}`},
	{"null id", `{"id":null,"type":"credits.low"}`},
	{"null data known", `{"id":"e","type":"payment.failed","data":null}`},
	{"nulls in data", `{"id":"e","type":"agreement.closed","data":{"id":null,"reference":null,"vehicle":null,"customer":null,"status":null,"signed_at":null,"url":null}}`},
	{"null changes", `{"id":"e","type":"vehicle.updated","data":{"changes":null}}`},
	{"null elements", `{"id":"e","type":"licence.checked","data":{"endorsements":[null],"categories":[null],"points":null}}`},

	// Ids as numbers.
	{"number id", `{"id":5512,"type":"credits.low"}`},
	{"20-digit id", `{"id":98765432109876543210,"type":"credits.low"}`},
	{"negative exponent id", `{"id":-1.5e-7,"type":"credits.low"}`},
	{"zero id", `{"id":0,"type":"credits.low"}`},
	{"empty id", `{"id":"","type":"credits.low"}`},
	{"numeric refs", `{"id":"e","type":"report.completed","data":{"id":1,"vehicle":2,"template":-3,"signed_off_by":4.5,"agreement_id":1e3}}`},
	{"bare vehicle payload", `{"id":"e","type":"vehicle.created","data":"veh_1"}`},
	{"number vehicle payload", `{"id":"e","type":"vehicle.created","data":12}`},
	{"bare customer payload", `{"id":"e","type":"customer.created","data":"c"}`},

	// Errors, one or several, and which one is named.
	{"id bool", `{"id":true,"type":"credits.low"}`},
	{"type bool", `{"id":"e","type":false}`},
	{"type array, event object", `{"id":"e","type":[],"event":{}}`},
	{"type error and id error", `{"id":{},"type":1}`},
	{"id error and data error", `{"id":[],"type":"credits.low","data":5}`},
	{"data bool", `{"id":"e","type":"credits.low","data":true}`},
	{"vehicle payload bool", `{"id":"e","type":"vehicle.created","data":false}`},
	{"vehicle payload array", `{"id":"e","type":"vehicle.updated","data":[]}`},
	{"plain error then method error", `{"id":"e","type":"payment.failed","data":{"currency":{"code":"GBP"},"id":{}}}`},
	{"method error then plain error", `{"id":"e","type":"payment.failed","data":{"id":{},"currency":1}}`},
	{"two plain errors", `{"id":"e","type":"payment.failed","data":{"currency":1,"status":true}}`},
	{"plain error in vehicle, then plain error", `{"id":"e","type":"report.completed","data":{"status":[],"vehicle":{"make":1}}}`},
	{"vehicle string field error", `{"id":"e","type":"report.completed","data":{"vehicle":{"make":{"a":1},"id":{}}}}`},
	{"template bool", `{"id":"e","type":"report.completed","data":{"template":true}}`},
	{"user array", `{"id":"e","type":"subscription.cancelled","data":{"cancelled_by":["u"]}}`},
	{"user id object", `{"id":"e","type":"subscription.cancelled","data":{"cancelled_by":{"id":{}}}}`},
	{"customer in agreement bool", `{"id":"e","type":"agreement.signed","data":{"customer":true}}`},
	{"reasons object", `{"id":"e","type":"inspection.verdict_flagged","data":{"reasons":{"a":1}}}`},
	{"reasons number", `{"id":"e","type":"inspection.verdict_flagged","data":{"reasons":3}}`},
	{"endorsements object", `{"id":"e","type":"licence.points_flagged","data":{"endorsements":{"code":"SP30"}}}`},
	{"endorsements string", `{"id":"e","type":"licence.points_flagged","data":{"endorsements":"SP30"}}`},
	{"endorsement string", `{"id":"e","type":"licence.points_flagged","data":{"endorsements":["SP30"]}}`},
	{"endorsement array", `{"id":"e","type":"licence.points_flagged","data":{"endorsements":[[]]}}`},
	{"endorsement code number", `{"id":"e","type":"licence.points_flagged","data":{"endorsements":[{"code":30}],"checked_by":{"id":[]}}}`},
	{"categories number", `{"id":"e","type":"licence.checked","data":{"categories":["B",5,true]}}`},
	{"categories string", `{"id":"e","type":"licence.checked","data":{"categories":"B"}}`},
	{"error in unknown event", `{"id":"e","type":"report.deleted","data":{"vehicle":true}}`},
	{"no id, error in data", `{"type":"credits.low","data":{"payment_id":{}}}`},
	{"no id, unknown type", `{"type":"fleet.archived","data":[]}`},
	{"error in data before type", `{"data":{"vehicle":{"id":true}},"id":"e","type":"report.completed"}`},
	{"error in data before event", `{"data":{"currency":5},"event":"payment.failed","id":"e"}`},

	// A syntax error after a type error: the body is not JSON.
	{"syntax after id error", `{"id":{},"type":"credits.low",}`},
	{"syntax after type error", `{"id":"e","type":1,"data":{]}`},
	{"syntax after data error", `{"id":"e","type":"report.completed","data":{"vehicle":true},"x":tru}`},
	{"syntax inside data after error", `{"id":"e","type":"report.completed","data":{"vehicle":true,"x":}}`},
	{"syntax after shape error", `{"x":1,}`},

	// Values of every kind where anything goes.
	{"time kinds", `{"id":"e","type":"credits.expiring","created_at":1741945337,"data":{"expiring_at":{"a":[1]}}}`},
	{"time bool", `{"id":"e","type":"credits.low","created_at":true}`},
	{"time huge number", `{"id":"e","type":"credits.low","timestamp":1e400,"created_at":99999999999999999999}`},
	{"value kinds", `{"id":"e","type":"payment.succeeded","data":{"amount":[1, 2],"credits":{"n" : 1},"created_at":-5}}`},
	{"changes kinds", `{"id":"e","type":"vehicle.updated","data":{"changes":[ 1 ,"x" ],"changes":"c"}}`},
	{"whitespace everywhere", " {\n\t\"id\" :\r\n \"e\" , \"type\"\t:\"report.completed\" , \"data\" : {\n \"vehicle\" : { \"id\" : 5 } , \"reasons\" : [ ] } \n} \n"},

	// Depth: 64 levels are allowed, 65 are not.
	{"depth 64", `{"id":"e","type":"vehicle.updated","data":{"changes":` + strings.Repeat(`[`, 62) + strings.Repeat(`]`, 62) + `}}`},
	{"depth 65", `{"id":"e","type":"vehicle.updated","data":{"changes":` + strings.Repeat(`[`, 63) + strings.Repeat(`]`, 63) + `}}`},
	{"depth in a string", `{"id":"e","type":"credits.low","x":"` + strings.Repeat(`[`, 100) + `"}`},
	{"deep unknown member", `{"x":` + strings.Repeat(`{"a":`, 80) + `1` + strings.Repeat(`}`, 80) + `}`},

	// UTF-8 and escapes.
	{"invalid UTF-8 in id", "{\"id\":\"\xff\",\"type\":\"credits.low\"}"},
	{"invalid UTF-8 in name", "{\"\xc3\":1,\"id\":\"e\",\"type\":\"credits.low\"}"},
	{"invalid UTF-8 in data", "{\"id\":\"e\",\"type\":\"credits.low\",\"data\":{\"x\":\"\xed\xa0\x80\"}}"},
	{"lone surrogate in id", `{"id":"\ud800","type":"credits.low"}`},
	{"lone surrogates in type", `{"id":"e","type":"x\udc00\ud800y"}`},
	{"surrogate pair", `{"id":"\ud83d\ude90","type":"customer.created","data":{"name":"\ud83d\ude90 \ud83d","email":"\udc00\ud83d\ude90"}}`},
	{"surrogate in name", `{"i\ud800d":"x","id":"e","type":"credits.low"}`},
	{"escapes in payload", `{"id":"e","type":"customer.created","data":{"name":"a\"b\\c\/d\b\f\n\r\t\u00e9\u0000","id":"\u0031"}}`},
	{"escaped type", `{"id":"e","type":"credits\u002elow"}`},
	{"non-ASCII strings", `{"id":"é","type":"customer.created","data":{"name":"Zoë Łukasiewicz","company_name":"🚐"}}`},
	{"escaped number-like id", `{"id":"\u0035","type":"credits.low"}`},
}

// fuzzCorpus returns the inputs of the package's fuzz corpus under testdata/fuzz, by file.
func fuzzCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	require.NoError(t, err)
	corpus := make(map[string][]byte, len(files))
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		require.Equal(t, "go test fuzz v1", lines[0], file)
		require.Len(t, lines, 2, file)
		lit, ok := strings.CutPrefix(lines[1], "[]byte(")
		require.True(t, ok, file)
		body, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		require.NoError(t, err, file)
		corpus[file] = []byte(body)
	}
	return corpus
}

// differentialSeeds returns every fixture, every input of the fuzz corpus and every tricky
// body, by name.
func differentialSeeds(t testing.TB) map[string][]byte {
	t.Helper()
	seeds := fuzzCorpus(t)
	for _, f := range loadFixtures(t) {
		seeds[f.File] = eventstest.Body(t, f)
	}
	for _, tt := range trickyBodies {
		seeds[tt.name] = []byte(tt.body)
	}
	return seeds
}

func TestDifferential(t *testing.T) {
	seeds := differentialSeeds(t)
	require.Greater(t, len(seeds), len(trickyBodies)+40)
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, differential(seeds[name]))
		})
	}
}

// TestLegacyTable checks that the legacy decoder routes the event types Decode does.
func TestLegacyTable(t *testing.T) {
	assert.ElementsMatch(t, vehreports.Provider().EventTypes(), vehreportslegacy.EventTypes())
}

// FuzzDifferential checks that Decode and the legacy decoder agree on every input. Run it with
//
//	go test ./events/vehreports -run '^$' -fuzz '^FuzzDifferential$' -fuzztime 3m
func FuzzDifferential(f *testing.F) {
	for _, body := range differentialSeeds(f) {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if d := differential(body); d != "" {
			t.Fatal(d)
		}
	})
}
