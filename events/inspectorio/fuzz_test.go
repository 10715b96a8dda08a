package inspectorio_test

import (
	"errors"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

// FuzzDecode checks that Decode never panics, that every error wraps one of the events
// sentinels, and that a decoded envelope keeps the body and names its provider and type. The
// seeds are every fixture body plus testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	fixtures := loadFixtures(f)
	for _, fx := range fixtures {
		body, err := fx.Body()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	p := inspectorio.Provider()
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := p.Decode(body)
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
		if env == nil {
			t.Fatal("nil envelope and nil error")
		}
		if string(env.Raw) != string(body) {
			t.Fatalf("Raw = %q, want the body %q", env.Raw, body)
		}
		if env.Provider != inspectorio.Name {
			t.Fatalf("Provider = %q", env.Provider)
		}
		if env.Type == "" {
			t.Fatal("empty Type")
		}
		if env.IdempotencyKey == "" {
			t.Fatal("empty IdempotencyKey")
		}
		_, created := inspectorio.ReportCreated.Payload(env)
		_, fileReady := inspectorio.ReportFileReady.Payload(env)
		if env.Known() != (created || fileReady) {
			t.Fatalf("payload %T for type %q", env.Payload, env.Type)
		}
	})
}
