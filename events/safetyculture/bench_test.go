package safetyculture_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

func benchBody(b *testing.B) []byte {
	b.Helper()
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(safetyculture.Name, "legacy_inspection_started.json"))
	if err != nil {
		b.Fatal(err)
	}
	return body
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
