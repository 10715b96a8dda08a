package record360_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

// FuzzDecode feeds arbitrary bodies to Decode. Its seeds are every body of the fixture corpus
// and the files in testdata/fuzz/FuzzDecode/; run it with
//
//	go test ./events/record360 -run '^$' -fuzz '^FuzzDecode$' -fuzztime 60s -parallel 1
func FuzzDecode(f *testing.F) {
	for _, fx := range loadCorpus(f) {
		f.Add(body(f, fx))
	}
	p := record360.Provider()
	known := p.EventTypes()
	f.Fuzz(func(t *testing.T, in []byte) {
		original := bytes.Clone(in)
		env, err := p.Decode(in)
		if !bytes.Equal(in, original) {
			t.Fatal("Decode modified its input")
		}
		if err != nil {
			var sentinel bool
			for _, s := range []error{events.ErrNotJSON, events.ErrShape, events.ErrNoType, events.ErrInvalid} {
				sentinel = sentinel || errors.Is(err, s)
			}
			if !sentinel {
				t.Fatalf("error %q wraps none of the events sentinels", err)
			}
			if !strings.HasPrefix(err.Error(), "record360: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			switch {
			case errors.Is(err, events.ErrInvalid):
				if env == nil || !bytes.Equal(env.Raw, in) {
					t.Fatal("ErrInvalid without the envelope")
				}
			case env != nil:
				t.Fatalf("envelope returned with %v", err)
			}
			return
		}
		if env == nil {
			t.Fatal("nil envelope and nil error")
		}
		if !bytes.Equal(env.Raw, in) {
			t.Fatal("Raw differs from the input")
		}
		if env.Provider != record360.Name {
			t.Fatalf("Provider %q", env.Provider)
		}
		if env.Type == "" {
			t.Fatal("empty Type")
		}
		if env.Version != record360.V1 && env.Version != record360.V3 {
			t.Fatalf("Version %q", env.Version)
		}
		if !strings.HasPrefix(env.IdempotencyKey, record360.Name+":") {
			t.Fatalf("IdempotencyKey %q", env.IdempotencyKey)
		}
		if env.Known() != slices.Contains(known, env.Type) {
			t.Fatalf("type %q: payload %T", env.Type, env.Payload)
		}
	})
}
