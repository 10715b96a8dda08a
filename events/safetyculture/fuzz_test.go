package safetyculture_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// FuzzDecode feeds Decode arbitrary bodies, seeded with every fixture of the corpus and the
// files in testdata/fuzz/FuzzDecode. Decode must not panic; an error must wrap one of the four
// events sentinels; a success must carry the body, the provider's name and a type.
func FuzzDecode(f *testing.F) {
	for _, fx := range loadCorpus(f) {
		f.Add(body(f, fx))
	}
	p := safetyculture.Provider()
	f.Fuzz(func(t *testing.T, b []byte) {
		in := bytes.Clone(b)
		env, err := p.Decode(b)
		if err != nil {
			if !errors.Is(err, events.ErrNotJSON) && !errors.Is(err, events.ErrShape) &&
				!errors.Is(err, events.ErrNoType) && !errors.Is(err, events.ErrInvalid) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if errors.Is(err, events.ErrInvalid) && env == nil {
				t.Fatalf("ErrInvalid without the envelope: %v", err)
			}
			return
		}
		if !bytes.Equal(env.Raw, in) {
			t.Fatalf("Raw is not the input")
		}
		if env.Provider != safetyculture.Name {
			t.Fatalf("Provider = %q", env.Provider)
		}
		if env.Type == "" {
			t.Fatalf("empty Type")
		}
		if env.IdempotencyKey == "" {
			t.Fatalf("empty IdempotencyKey")
		}
	})
}
