package inspectorio_test

import (
	"testing"

	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

// benchFixture is the largest fixture that decodes: a report.created delivery with members
// Sight may add, a nested object and arrays among them.
const benchFixture = "variant_extra_fields.json"

// BenchmarkDecodeVsAny measures Decode of the largest fixture beside a generic encoding/json decode
// of the same body into an any, which does none of Decode's checks, routing, validation or
// keying. Decode's goal is at most 0.8 times the generic decode's time. Run it with
//
//	go test ./events/inspectorio -run '^$' -bench . -benchmem -count 5
func BenchmarkDecodeVsAny(b *testing.B) {
	eventstest.BenchmarkDecodeVsAny(b, inspectorio.Provider(), fixture(b, benchFixture))
}
