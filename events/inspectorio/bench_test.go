package inspectorio_test

import (
	"encoding/json"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

// The benchmarks below compare Decode with the least a caller could do by hand: one
// encoding/json.Unmarshal of the same body into the same Report, without the checks (UTF-8,
// depth, shape), routing, validation and idempotency key that Decode adds. Run them with
//
//	go test ./events/inspectorio -run '^$' -bench 'Decode|Unmarshal|ScanKey' -benchmem

const benchFixture = "sight_report_created.json"

// BenchmarkDecodeReportCreated measures Decode of the documented report.created delivery.
func BenchmarkDecodeReportCreated(b *testing.B) {
	body := fixture(b, benchFixture)
	p := inspectorio.Provider()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		env, err := p.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := inspectorio.ReportCreated.Payload(env); !ok {
			b.Fatal("no payload")
		}
	}
}

// BenchmarkUnmarshalReportCreated is the floor Decode is measured against: encoding/json alone,
// decoding the same bytes into the same Report.
func BenchmarkUnmarshalReportCreated(b *testing.B) {
	body := fixture(b, benchFixture)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var r inspectorio.Report
		if err := json.Unmarshal(body, &r); err != nil {
			b.Fatal(err)
		}
		if r.MessageID == "" {
			b.Fatal("no messageId")
		}
	}
}

// BenchmarkScanKey measures ScanKey on the same delivery: the cheap scan a receiver makes
// before Decode, to answer a duplicate without decoding it.
func BenchmarkScanKey(b *testing.B) {
	body := fixture(b, benchFixture)
	ks := inspectorio.Provider().(events.KeyScanner)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ok := ks.ScanKey(body); !ok {
			b.Fatal("no key")
		}
	}
}
