package inspectorio_test

import (
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

// FuzzDecode checks that Decode never panics, that every error wraps one of the events
// sentinels, and that a decoded envelope keeps the body, names its provider and type, and is
// keyed by its messageId. The seeds are every fixture body plus testdata/fuzz/FuzzDecode. Run it
// with
//
//	go test ./events/inspectorio -run '^$' -fuzz '^FuzzDecode$' -fuzztime 60s -parallel 1
func FuzzDecode(f *testing.F) {
	eventstest.Seed(f, loadFixtures(f))
	p := inspectorio.Provider()
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := eventstest.Decode(t, p, body)
		if err == nil && (env.ID == "" || env.IdempotencyKey != events.FieldKey(inspectorio.Name, env.ID)) {
			t.Fatalf("ID %q, IdempotencyKey %q", env.ID, env.IdempotencyKey)
		}
	})
}
