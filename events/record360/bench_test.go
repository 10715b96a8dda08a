package record360

import (
	"encoding/json"
	"testing"

	"github.com/inspecthook/inspecthook"
)

// The two benchmarks below compare Decode with the least a caller could do by hand: one
// encoding/json.Unmarshal of the same body into the same envelope and Inspection structs,
// without the checks (UTF-8, depth, shape), validation, routing and idempotency key that
// Decode adds. Run them with
//
//	go test ./events/record360 -run '^$' -bench . -benchmem

func benchBody(b *testing.B) []byte {
	b.Helper()
	body, err := inspecthook.Fixture{File: "record360/v3_inspection_created.json"}.Body()
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func BenchmarkDecodeV3Inspection(b *testing.B) {
	body := benchBody(b)
	p := Provider()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		env, err := p.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := InspectionCreated.Payload(env); !ok {
			b.Fatal("no payload")
		}
	}
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

// keyFixtures are the fixtures that carry an id, so that ScanKey finds their key.
var keyFixtures = []string{
	"v3_inspection_created.json", "v3_task_completed.json",
	"v1_transaction_create.json", "v1_task_complete.json", "v1_task_completed.json",
}

// BenchmarkScanKey measures ScanKey on each fixture that carries an id ("scan"), beside Decode of
// the same body ("decode"): the scan is meant to cost a small part of the decode. Run it with
//
//	go test ./events/record360 -run '^$' -bench ScanKey -benchmem
func BenchmarkScanKey(b *testing.B) {
	p := provider{}
	for _, file := range keyFixtures {
		body, err := inspecthook.Fixture{File: "record360/" + file}.Body()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file+"/scan", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, ok := p.ScanKey(body); !ok {
					b.Fatal("no key")
				}
			}
		})
		b.Run(file+"/decode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := p.Decode(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
