package vehreports_test

import (
	"testing"

	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// benchFile is the largest fixture, and the richest: a report with a nested vehicle, template
// and user, each of which keeps its JSON.
const benchFile = "report_completed.json"

// BenchmarkDecodeVsAny measures Decode of the largest fixture beside a generic encoding/json decode
// of the same body into an any, which does none of Decode's checks, routing, validation or
// keying. Decode's goal is at most 0.8 times the generic decode's time. Run it with
//
//	go test ./events/vehreports -run '^$' -bench . -benchmem -count 5
func BenchmarkDecodeVsAny(b *testing.B) {
	eventstest.BenchmarkDecodeVsAny(b, vehreports.Provider(), fixture(b, benchFile))
}
