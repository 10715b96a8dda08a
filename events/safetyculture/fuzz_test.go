package safetyculture_test

import (
	"testing"

	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// FuzzDecode feeds Decode arbitrary bodies, seeded with every fixture of the corpus and the
// files in testdata/fuzz/FuzzDecode. Decode must not panic; an error must wrap one of the four
// events sentinels; a success must carry the body, the provider's name, a type among its types
// and an idempotency key. Run it with
//
//	go test ./events/safetyculture -run '^$' -fuzz '^FuzzDecode$' -fuzztime 60s -parallel 1
func FuzzDecode(f *testing.F) {
	eventstest.Seed(f, loadCorpus(f))
	p := safetyculture.Provider()
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := eventstest.Decode(t, p, b)
		if err == nil && env.Version != safetyculture.VersionLegacy && env.Version != safetyculture.VersionNewer {
			t.Fatalf("Version %q", env.Version)
		}
	})
}
