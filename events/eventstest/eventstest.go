// Package eventstest checks an events.Provider against a fixture corpus: the conformance suite
// every provider package of inspecthook runs, usable for a provider of your own.
//
// Corpus runs the completeness checks (every key has exactly one "event" fixture, every fixture
// decodes as its index entry says); Seed and Decode make a fuzz target:
//
//	func FuzzDecode(f *testing.F) {
//		eventstest.Seed(f, fixtures)
//		f.Fuzz(func(t *testing.T, body []byte) { eventstest.Decode(t, provider, keys, body) })
//	}
package eventstest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
)

// Sentinels maps the error names used in index.json to the events sentinels.
var Sentinels = map[string]error{
	"ErrNotJSON": events.ErrNotJSON,
	"ErrShape":   events.ErrShape,
	"ErrNoType":  events.ErrNoType,
	"ErrInvalid": events.ErrInvalid,
}

// KeyCheck is one key of a provider, erased of its payload type so keys of different payloads
// fit in one list. Build it with Key.
type KeyCheck struct {
	name    string
	payload func(*events.Envelope) bool
}

// Key returns the check for k: an envelope passes when k.Payload reads its payload.
func Key[T any](k events.Event[T]) KeyCheck {
	return KeyCheck{name: k.Name(), payload: func(e *events.Envelope) bool {
		_, ok := k.Payload(e)
		return ok
	}}
}

// Keys is every key of a provider, by event type.
type Keys map[string]KeyCheck

// KeysOf builds Keys.
func KeysOf(checks ...KeyCheck) Keys {
	keys := make(Keys, len(checks))
	for _, c := range checks {
		keys[c.name] = c
	}
	return keys
}

// Load reads the index of a provider's fixtures, failing the test when it cannot.
func Load(tb testing.TB, provider string) []inspecthook.Fixture {
	tb.Helper()
	fixtures, err := inspecthook.LoadFixtures(provider)
	if err != nil {
		tb.Fatal(err)
	}
	if len(fixtures) == 0 {
		tb.Fatalf("no fixtures for %s", provider)
	}
	return fixtures
}

// Body returns a fixture's bytes, failing the test when it cannot.
func Body(tb testing.TB, f inspecthook.Fixture) []byte {
	tb.Helper()
	b, err := f.Body()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Corpus checks p against its fixtures: the keys are exactly p.EventTypes(); each has exactly one
// fixture of kind "event"; every "event" and "variant" fixture decodes with no error to its
// event type and version, with the key's payload type; every "unknown" fixture decodes with no
// payload; every "bad" fixture fails with its named sentinel and no other (with ErrInvalid, the
// envelope comes back too); Decode leaves its input as it was; and decoding every fixture from
// several goroutines at once gives the same results. It returns the envelopes of the fixtures that decoded, by file, for
// further checks.
func Corpus(t *testing.T, p events.Provider, keys Keys, fixtures []inspecthook.Fixture) map[string]*events.Envelope {
	t.Helper()
	types := p.EventTypes()
	eventFixtures := map[string]int{}
	for _, f := range fixtures {
		if f.Kind == inspecthook.KindEvent {
			eventFixtures[f.Event]++
		}
	}
	for _, name := range types {
		if _, ok := keys[name]; !ok {
			t.Errorf("EventTypes lists %s, which has no KeyCheck", name)
		}
		if n := eventFixtures[name]; n != 1 {
			t.Errorf("%s has %d fixtures of kind event, want 1", name, n)
		}
	}
	for name := range keys {
		if !slices.Contains(types, name) {
			t.Errorf("KeyCheck for %s, which EventTypes does not list", name)
		}
	}
	for name := range eventFixtures {
		if !slices.Contains(types, name) {
			t.Errorf("event fixture for %s, which has no key", name)
		}
	}

	decoded := map[string]*events.Envelope{}
	for _, f := range fixtures {
		t.Run(f.File, func(t *testing.T) {
			body := Body(t, f)
			original := bytes.Clone(body)
			env, err := p.Decode(body)
			if !bytes.Equal(body, original) {
				t.Fatal("Decode modified its input")
			}
			if f.Kind == inspecthook.KindBad {
				checkBad(t, f, env, err)
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			decoded[f.File] = env
			checkEnvelope(t, p, body, env)
			if env.Type != f.Event || env.Version != f.Version {
				t.Errorf("Type %q, Version %q; index says %q, %q", env.Type, env.Version, f.Event, f.Version)
			}
			switch f.Kind {
			case inspecthook.KindEvent, inspecthook.KindVariant:
				if k, ok := keys[f.Event]; !ok || !k.payload(env) {
					t.Errorf("payload %T is not the %s key's", env.Payload, f.Event)
				}
			case inspecthook.KindUnknown:
				if env.Known() || slices.Contains(types, env.Type) {
					t.Errorf("unknown fixture decoded as known %s with %T", env.Type, env.Payload)
				}
			default:
				t.Errorf("unknown kind %q", f.Kind)
			}
		})
	}
	concurrent(t, p, fixtures, decoded)
	return decoded
}

// concurrent decodes every fixture from several goroutines at once (run under -race) and checks
// each result against the one decoded alone.
func concurrent(t *testing.T, p events.Provider, fixtures []inspecthook.Fixture, decoded map[string]*events.Envelope) {
	t.Helper()
	const workers = 4
	errs := make(chan string, workers*len(fixtures))
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range fixtures {
				f := fixtures[(i+w)%len(fixtures)]
				body, err := f.Body()
				if err != nil {
					errs <- err.Error()
					continue
				}
				env, err := p.Decode(body)
				want := decoded[f.File]
				switch {
				case (err == nil) != (f.Kind != inspecthook.KindBad):
					errs <- f.File + ": " + fmt.Sprint(err)
				case want != nil && (env.Type != want.Type || env.IdempotencyKey != want.IdempotencyKey):
					errs <- f.File + ": differs when decoded concurrently"
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func checkBad(t *testing.T, f inspecthook.Fixture, env *events.Envelope, err error) {
	t.Helper()
	want, ok := Sentinels[f.Error]
	if !ok {
		t.Fatalf("index names unknown sentinel %q", f.Error)
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %s", err, f.Error)
	}
	for name, other := range Sentinels {
		if other != want && errors.Is(err, other) {
			t.Errorf("error %v also wraps %s", err, name)
		}
	}
	var verr *events.ValidationError
	switch {
	case want != events.ErrInvalid && env != nil:
		t.Errorf("envelope returned with %v", err)
	case want == events.ErrInvalid && env == nil:
		t.Errorf("no envelope with %v", err)
	case want == events.ErrInvalid && !errors.As(err, &verr):
		t.Errorf("%v is not a *events.ValidationError", err)
	}
}

// checkEnvelope checks what every decoded envelope holds.
func checkEnvelope(t testing.TB, p events.Provider, body []byte, env *events.Envelope) {
	t.Helper()
	switch {
	case env == nil:
		t.Fatal("nil envelope with a nil error")
	case env.Provider != p.Name():
		t.Errorf("Provider %q, want %q", env.Provider, p.Name())
	case !bytes.Equal(env.Raw, body):
		t.Errorf("Raw is not the body")
	case env.Type == "" || !env.Is(env.Type) || (len(env.Types) > 0 && !slices.Contains(env.Types, env.Type)):
		t.Errorf("Type %q, Types %q", env.Type, env.Types)
	case env.IdempotencyKey == "":
		t.Errorf("no idempotency key")
	}
}

// Seed adds every fixture body to a fuzz target's corpus.
func Seed(f *testing.F, fixtures []inspecthook.Fixture) {
	f.Helper()
	for _, fx := range fixtures {
		f.Add(Body(f, fx))
	}
}

// Decode decodes one fuzzed body and checks the invariants that hold for any input: no panic; no
// change to the input; an error wraps one of the four sentinels (ErrInvalid with its envelope,
// any other with none); a success
// keeps the body, names the provider and a type, has an idempotency key, and has a payload of
// the key's type exactly when the type has a key. It returns what Decode returned.
func Decode(t testing.TB, p events.Provider, keys Keys, body []byte) (*events.Envelope, error) {
	t.Helper()
	original := bytes.Clone(body)
	env, err := p.Decode(body)
	if !bytes.Equal(body, original) {
		t.Fatal("Decode modified its input")
	}
	if err != nil {
		wraps := false
		for _, s := range Sentinels {
			wraps = wraps || errors.Is(err, s)
		}
		if !wraps {
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		switch invalid := errors.Is(err, events.ErrInvalid); {
		case invalid && env == nil:
			t.Fatalf("ErrInvalid without the envelope: %v", err)
		case invalid && !bytes.Equal(env.Raw, body):
			t.Fatal("Raw of the envelope returned with ErrInvalid is not the body")
		case !invalid && env != nil:
			t.Fatalf("envelope returned with %v", err)
		}
		return env, err
	}
	checkEnvelope(t, p, body, env)
	k, known := keys[env.Type]
	if known != env.Known() || (known && !k.payload(env)) {
		t.Fatalf("payload %T for type %q", env.Payload, env.Type)
	}
	return env, nil
}

// Reject decodes body, which p must reject with want, and checks what every rejection holds:
// the error wraps want and starts with the provider's name; with ErrInvalid it is a
// *ValidationError and the envelope comes back with the body in Raw, a type and an idempotency
// key; with any other sentinel there is no envelope. It returns the envelope and the validation
// error (both nil unless want is ErrInvalid) for further checks.
func Reject(t testing.TB, p events.Provider, body []byte, want error) (*events.Envelope, *events.ValidationError) {
	t.Helper()
	env, err := p.Decode(body)
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	if prefix := p.Name() + ": "; !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("error %q does not start with %q", err, prefix)
	}
	if want != events.ErrInvalid {
		if env != nil {
			t.Errorf("envelope returned with %v", err)
		}
		return nil, nil
	}
	var verr *events.ValidationError
	switch {
	case !errors.As(err, &verr):
		t.Fatalf("%v is not a *events.ValidationError", err)
	case env == nil:
		t.Fatalf("no envelope with %v", err)
	case !bytes.Equal(env.Raw, body) || env.Type == "" || env.IdempotencyKey == "":
		t.Errorf("envelope returned with ErrInvalid lacks its body, type or key: %+v", env)
	}
	return env, verr
}
