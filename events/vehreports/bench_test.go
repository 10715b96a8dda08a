package vehreports_test

import (
	"encoding/json"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	vehreportslegacy "github.com/inspecthook/inspecthook/events/internal/legacy/vehreports"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// The benchmarks below compare Decode with the least a caller could do by hand: one
// encoding/json.Unmarshal of the same body into an envelope struct and the same Report
// struct, without the checks (UTF-8, depth, shape), validation, routing and idempotency key
// that Decode adds; and ScanKey with Decode. Run them with
//
//	go test ./events/vehreports -run '^$' -bench 'Decode|Unmarshal|ScanKey' -benchmem

// benchFile is the richest fixture: a report with a nested vehicle, template and user, each
// of which keeps its JSON.
const benchFile = "report_completed.json"

func BenchmarkDecodeReport(b *testing.B) {
	body := fixture(b, benchFile)
	p := vehreports.Provider()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		env, err := p.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := vehreports.ReportCompleted.Payload(env); !ok {
			b.Fatal("no payload")
		}
	}
}

func BenchmarkUnmarshalReport(b *testing.B) {
	body := fixture(b, benchFile)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var w struct {
			ID        events.ID         `json:"id"`
			Type      string            `json:"type"`
			CreatedAt events.Time       `json:"created_at"`
			Data      vehreports.Report `json:"data"`
		}
		if err := json.Unmarshal(body, &w); err != nil {
			b.Fatal(err)
		}
		if w.Data.ID == "" {
			b.Fatal("no payload")
		}
	}
}

// BenchmarkScanKey measures ScanKey on the fixture Decode is measured on: it should take a
// fraction of Decode's time.
func BenchmarkScanKey(b *testing.B) {
	body := fixture(b, benchFile)
	ks := vehreports.Provider().(events.KeyScanner)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ok := ks.ScanKey(body); !ok {
			b.Fatal("no key")
		}
	}
}

// BenchmarkDecodeReportLegacy measures the decoder this package had before it decoded in one
// pass (encoding/json, kept for the differential tests), for comparison.
func BenchmarkDecodeReportLegacy(b *testing.B) {
	body := fixture(b, benchFile)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := vehreportslegacy.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
