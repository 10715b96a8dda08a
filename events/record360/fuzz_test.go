package record360_test

import (
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/record360"
)

// FuzzDecode feeds arbitrary bodies to Decode. Its seeds are every body of the fixture corpus
// and the files in testdata/fuzz/FuzzDecode/; run it with
//
//	go test ./events/record360 -run '^$' -fuzz '^FuzzDecode$' -fuzztime 60s -parallel 1
func FuzzDecode(f *testing.F) {
	eventstest.Seed(f, loadCorpus(f))
	p := record360.Provider()
	f.Fuzz(func(t *testing.T, in []byte) {
		env, err := eventstest.Decode(t, p, in)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "record360: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			return
		}
		if env.Version != record360.V1 && env.Version != record360.V3 {
			t.Fatalf("Version %q", env.Version)
		}
		if !strings.HasPrefix(env.IdempotencyKey, record360.Name+":") {
			t.Fatalf("IdempotencyKey %q", env.IdempotencyKey)
		}
	})
}
