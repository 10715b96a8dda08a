package record360

import (
	"encoding/json"
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/eventstest"
)

// The benchmarks below compare Decode with what a caller could do by hand with encoding/json on
// the same body, without the checks (UTF-8, depth, shape), validation, routing and idempotency
// key that Decode adds. Run them with
//
//	go test ./events/record360 -run '^$' -bench . -benchmem

// benchFixture is the largest fixture of the package.
const benchFixture = "record360/v3_inspection_created.json"

func benchBody(b *testing.B) []byte {
	b.Helper()
	body, err := inspecthook.Fixture{File: benchFixture}.Body()
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecodeVsAny pairs Decode of the largest fixture with a generic encoding/json decode
// of the same bytes into an any: Decode is meant to cost at most 0.8 times as much.
func BenchmarkDecodeVsAny(b *testing.B) {
	eventstest.BenchmarkDecodeVsAny(b, Provider(), benchBody(b))
}

func BenchmarkUnmarshalV3Inspection(b *testing.B) {
	body := benchBody(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		// The outer Data shadows the envelope's, so data decodes straight into an Inspection.
		var w struct {
			v3Envelope
			Data Inspection `json:"data"`
		}
		if err := json.Unmarshal(body, &w); err != nil {
			b.Fatal(err)
		}
		if w.Data.ID == "" {
			b.Fatal("no payload")
		}
	}
}
