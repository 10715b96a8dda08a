package safetyculture_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

func benchBody(b *testing.B) []byte { return fixture(b, "legacy_inspection_started.json") }

func fixture(b *testing.B, file string) []byte {
	b.Helper()
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(safetyculture.Name, file))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecodeVsAny pairs Decode with a generic encoding/json decode into any of the same
// bytes, on the largest fixture of the corpus (a legacy inspection, 3.5 KB): the ratio of the
// two is what Decode costs over reading the JSON at all. Run it with
//
//	go test ./events/safetyculture -run '^$' -bench DecodeVsAny -benchmem -count 5
func BenchmarkDecodeVsAny(b *testing.B) {
	eventstest.BenchmarkDecodeVsAny(b, safetyculture.Provider(), fixture(b, "legacy_inspection_unarchived.json"))
}

// BenchmarkDecodeLegacyInspection measures Decode of the published legacy inspection: the shape
// check, the head, the idempotency key, validation and the payload.
func BenchmarkDecodeLegacyInspection(b *testing.B) {
	body := benchBody(b)
	p := safetyculture.Provider()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := p.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalLegacyInspection is the floor Decode is measured against: encoding/json
// alone, decoding the same bytes into the same payload struct.
func BenchmarkUnmarshalLegacyInspection(b *testing.B) {
	body := benchBody(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var ev safetyculture.InspectionEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			b.Fatal(err)
		}
	}
}

// manyTypesBody is a newer delivery whose event_types lists a category, before the known event,
// then n distinct types of no known event, and, when after is set, another known event.
func manyTypesBody(n int, after string) []byte {
	var b strings.Builder
	b.WriteString(`{"webhook_id": "w", "event": {"date_triggered": "2024-01-02T03:04:05Z", "event_types": [`)
	b.WriteString(`"TRIGGER_EVENT_INSPECTION", "TRIGGER_EVENT_INSPECTION_OWNER"`)
	for i := range n {
		fmt.Fprintf(&b, `, "TRIGGER_EVENT_CUSTOM_%d"`, i)
	}
	if after != "" {
		fmt.Fprintf(&b, `, %q`, after)
	}
	b.WriteString(`]}, "resource": {"id": "audit_1", "type": "INSPECTION"}, "data": {}}`)
	return []byte(b.String())
}

// BenchmarkManyEventTypes decodes a body listing 80,000 distinct event types: the time grows with
// the body's bytes, not with the square of the number of types. Run it with
//
//	go test ./events/safetyculture -run '^$' -bench ManyEventTypes -benchmem
func BenchmarkManyEventTypes(b *testing.B) {
	body := manyTypesBody(80_000, "")
	p := safetyculture.Provider()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		env, err := p.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if len(env.Types) != safetyculture.MaxEventTypes {
			b.Fatalf("%d types", len(env.Types))
		}
	}
}
