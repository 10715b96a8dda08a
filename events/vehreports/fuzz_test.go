package vehreports_test

import (
	"errors"
	"testing"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// FuzzDecode checks that Decode never panics, that every error wraps one of the events
// sentinels, and that a decoded envelope keeps the body and names its provider and type. The
// seeds are every fixture body plus testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		body, err := fx.Body()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	p := vehreports.Provider()
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
		if env.Provider != vehreports.Name {
			t.Fatalf("Provider = %q", env.Provider)
		}
		if env.Type == "" {
			t.Fatal("empty Type")
		}
		if env.ID == "" || env.IdempotencyKey != events.FieldKey(vehreports.Name, env.ID) {
			t.Fatalf("ID %q, IdempotencyKey %q", env.ID, env.IdempotencyKey)
		}
		if check, known := keys[env.Type]; known != env.Known() || (known && !check(env)) {
			t.Fatalf("payload %T for type %q", env.Payload, env.Type)
		}
	})
}
