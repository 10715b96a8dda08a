// Package eventstest checks an events.Provider against a fixture corpus: the conformance suite
// every provider package of inspecthook runs, usable for a provider of your own.
//
// Corpus runs the completeness checks (every event type the provider lists in EventTypes has
// exactly one "event" fixture, every fixture decodes as its index entry says, every rejection is
// answered with a clean events.Message); Seed and Decode make a fuzz target:
//
//	func FuzzDecode(f *testing.F) {
//		eventstest.Seed(f, fixtures)
//		f.Fuzz(func(t *testing.T, body []byte) { eventstest.Decode(t, provider, body) })
//	}
//
// The lists come from the provider itself, so a test never repeats them. What the suite cannot
// see from an event type's name is its payload's Go type: it checks that every event type always
// decodes to one pointer type, and leaves the rest to events.Register, which declares an event
// and routes its payload type in one call.
package eventstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
)

// sentinels maps the error names used in index.json to the events sentinels.
var sentinels = map[string]error{
	"ErrNotJSON": events.ErrNotJSON,
	"ErrShape":   events.ErrShape,
	"ErrNoType":  events.ErrNoType,
	"ErrInvalid": events.ErrInvalid,
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

// Corpus checks p against its fixtures: p.EventTypes() is sorted and each of its event types
// has exactly one fixture of kind "event"; every "event" and "variant" fixture decodes with no
// error to its event type and version, with a payload, and every fixture of one event type to
// the same payload type; every "unknown" fixture decodes with no payload, to a type EventTypes
// does not list; every "bad" fixture fails with its named sentinel and no other (with
// ErrInvalid, the envelope comes back too), and neither its events.Message nor its error text
// quotes the body; Decode leaves its input as it was; and decoding every fixture from several
// goroutines at once gives the same results. When p is an events.PayloadTyper, its PayloadType
// names the type each known event decodes to, and nil for unknown ones. It returns the envelopes of the fixtures that
// decoded, by file, for further checks.
func Corpus(t *testing.T, p events.Provider, fixtures []inspecthook.Fixture) map[string]*events.Envelope {
	t.Helper()
	types := p.EventTypes()
	if !slices.IsSorted(types) {
		t.Errorf("EventTypes is not sorted: %q", types)
	}
	eventFixtures := map[string]int{}
	for _, f := range fixtures {
		if f.Kind == inspecthook.KindEvent {
			eventFixtures[f.Event]++
		}
	}
	for _, name := range types {
		if n := eventFixtures[name]; n != 1 {
			t.Errorf("%s has %d fixtures of kind event, want 1", name, n)
		}
	}
	for name := range eventFixtures {
		if !slices.Contains(types, name) {
			t.Errorf("event fixture for %s, which EventTypes does not list", name)
		}
	}

	decoded := map[string]*events.Envelope{}
	payloadTypes := map[string]reflect.Type{}
	for _, f := range fixtures {
		t.Run(f.File, func(t *testing.T) {
			body := Body(t, f)
			original := bytes.Clone(body)
			env, err := p.Decode(body)
			if !bytes.Equal(body, original) {
				t.Fatal("Decode modified its input")
			}
			if f.Kind == inspecthook.KindBad {
				checkBad(t, p, f, body, env, err)
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
				if !env.Known() || !slices.Contains(types, env.Type) {
					t.Errorf("%s decoded with payload %T; EventTypes lists it: %t", env.Type, env.Payload, slices.Contains(types, env.Type))
					return
				}
				pt := reflect.TypeOf(env.Payload)
				if prev, ok := payloadTypes[env.Type]; ok && prev != pt {
					t.Errorf("%s decoded to %v here and %v in another fixture", env.Type, pt, prev)
				}
				payloadTypes[env.Type] = pt
				if pt2, ok := p.(events.PayloadTyper); ok {
					if want := pt2.PayloadType(env.Type); want == nil || reflect.PointerTo(want) != pt {
						t.Errorf("PayloadType(%q) is %v; the payload decoded is %v", env.Type, want, pt)
					}
				}
			case inspecthook.KindUnknown:
				if env.Known() || slices.Contains(types, env.Type) {
					t.Errorf("unknown fixture decoded as known %s with %T", env.Type, env.Payload)
				}
				if pt2, ok := p.(events.PayloadTyper); ok && pt2.PayloadType(env.Type) != nil {
					t.Errorf("PayloadType(%q) is %v for an unknown event type", env.Type, pt2.PayloadType(env.Type))
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

func checkBad(t *testing.T, p events.Provider, f inspecthook.Fixture, body []byte, env *events.Envelope, err error) {
	t.Helper()
	want, ok := sentinels[f.Error]
	if !ok {
		t.Fatalf("index names unknown sentinel %q", f.Error)
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %s", err, f.Error)
	}
	for name, other := range sentinels {
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
	checkMessage(t, p, err)
	checkNoQuote(t, p, body, err)
}

// messageGrammar is every message events.Message gives for a decoding error.
var messageGrammar = regexp.MustCompile(`^(body is not valid JSON|body is not this provider's shape|no event type in the body|` +
	`field [A-Za-z0-9_.-]+ has the wrong JSON type|` +
	`required fields? missing(: [A-Za-z0-9_.-]+(, [A-Za-z0-9_.-]+)*(, and [0-9]+ more)?)?)$`)

// checkMessage checks the message a sender is answered with for err: one of Message's forms,
// with no Go type or decoder text, naming the field at fault when the error has one.
func checkMessage(t testing.TB, p events.Provider, err error) {
	t.Helper()
	msg := events.Message(err)
	if !messageGrammar.MatchString(msg) {
		t.Errorf("Message %q (for %v) is not one of the documented forms", msg, err)
	}
	for _, word := range []string{p.Name() + ".", "events.", "want ", "string", "struct", "json", "Go ", "unmarshal", "cannot", `"`} {
		if strings.Contains(msg, word) {
			t.Errorf("Message %q contains %q", msg, word)
		}
	}
	var (
		field *events.FieldError
		verr  *events.ValidationError
	)
	switch {
	case errors.As(err, &field) && field.Path != "":
		if !strings.Contains(msg, " "+field.Path+" ") {
			t.Errorf("Message %q does not name the field %s", msg, field.Path)
		}
	case errors.As(err, &verr):
		for _, f := range verr.Fields[:min(len(verr.Fields), 8)] {
			if !strings.Contains(msg, f) {
				t.Errorf("Message %q does not name the missing field %s", msg, f)
			}
		}
	}
}

// checkNoQuote checks that neither the message nor the error's text quotes a string of the body
// (six bytes or more). The event types the provider lists are left out of the text first:
// errors may name the routed type.
func checkNoQuote(t testing.TB, p events.Provider, body []byte, err error) {
	t.Helper()
	msg, text := events.Message(err), err.Error()
	types := slices.Clone(p.EventTypes())
	slices.SortFunc(types, func(a, b string) int { return len(b) - len(a) }) // longest first
	for _, name := range types {
		text = strings.ReplaceAll(text, name, "")
	}
	for _, s := range stringValues(body) {
		switch {
		case len(s) < 6:
		case strings.Contains(msg, s):
			t.Errorf("Message %q quotes the body's %q", msg, s)
		case strings.Contains(text, s):
			t.Errorf("error %q quotes the body's %q", err, s)
		}
	}
}

// stringValues returns the strings of a JSON body that are values, not member names; none for a
// body that is not valid JSON.
func stringValues(body []byte) []string {
	if !json.Valid(body) {
		return nil
	}
	var values []string
	var inObject []bool // per open container: an object, where names and values alternate
	var nameNext []bool
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil { // io.EOF at the end
			return values
		}
		top := len(inObject) - 1
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top >= 0 && inObject[top] {
					nameNext[top] = true // the container is the value of a member
				}
				inObject = append(inObject, v == '{')
				nameNext = append(nameNext, v == '{')
			default:
				inObject, nameNext = inObject[:top], nameNext[:top]
			}
			continue
		case string:
			if top < 0 || !inObject[top] || !nameNext[top] {
				values = append(values, v)
			}
		}
		if top >= 0 && inObject[top] {
			nameNext[top] = !nameNext[top]
		}
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
	case len(env.IdempotencyKey) > events.MaxKeyLen:
		t.Errorf("idempotency key of %d bytes, more than events.MaxKeyLen", len(env.IdempotencyKey))
	case env.Payload != nil && reflect.TypeOf(env.Payload).Kind() != reflect.Pointer:
		t.Errorf("payload %T is not a pointer", env.Payload)
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
// any other with none) and is answered with one of events.Message's forms; a success keeps the
// body, names the provider and a type, has an idempotency key of at most events.MaxKeyLen
// bytes, and has a payload exactly when EventTypes lists its type. It returns what Decode
// returned.
func Decode(t testing.TB, p events.Provider, body []byte) (*events.Envelope, error) {
	t.Helper()
	original := bytes.Clone(body)
	env, err := p.Decode(body)
	if !bytes.Equal(body, original) {
		t.Fatal("Decode modified its input")
	}
	if err != nil {
		wraps := false
		for _, s := range sentinels {
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
		checkMessage(t, p, err)
		return env, err
	}
	checkEnvelope(t, p, body, env)
	if known := slices.Contains(p.EventTypes(), env.Type); known != env.Known() {
		t.Fatalf("payload %T for type %q, which EventTypes lists: %t", env.Payload, env.Type, known)
	}
	return env, nil
}

// Reject decodes body, which p must reject with want, and checks what every rejection holds:
// the error wraps want and starts with the provider's name; events.Message answers it with one
// of its forms, naming the field at fault, quoting nothing of the body, and the error's text
// quotes nothing of it either; with ErrInvalid it is a *ValidationError and the envelope comes
// back with the body in Raw, a type and an idempotency key; with any other sentinel there is no
// envelope. It returns the envelope and the validation error (both nil unless want is
// ErrInvalid) for further checks.
func Reject(t testing.TB, p events.Provider, body []byte, want error) (*events.Envelope, *events.ValidationError) {
	t.Helper()
	env, err := p.Decode(body)
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	if prefix := p.Name() + ": "; !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("error %q does not start with %q", err, prefix)
	}
	checkMessage(t, p, err)
	checkNoQuote(t, p, body, err)
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

// BenchmarkDecodeVsAny pairs, in one process, p's Decode of body (which must decode without an
// error) with a generic encoding/json decode of the same bytes into an any, which does none of
// Decode's checks, routing, validation or keying. Every iteration runs both, in alternating
// order, and times each on its own, so both see the same clock speed, caches and garbage
// collector: a busy machine slows both alike. It reports the two (decode-ns/op, any-ns/op) and
// their ratio (decode/any), which is what Decode costs over reading the JSON at all. A provider
// package calls it from a benchmark of its largest fixture.
func BenchmarkDecodeVsAny(b *testing.B, p events.Provider, body []byte) {
	decode := func() time.Duration {
		start := time.Now()
		env, err := p.Decode(body)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if env.Payload == nil {
			b.Fatal("no payload: benchmark a body of a known event")
		}
		return took
	}
	generic := func() time.Duration {
		start := time.Now()
		var v any
		err := json.Unmarshal(body, &v)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		return took
	}
	var inDecode, inAny time.Duration
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			inDecode += decode()
			inAny += generic()
		} else {
			inAny += generic()
			inDecode += decode()
		}
	}
	b.ReportMetric(float64(inDecode.Nanoseconds())/float64(b.N), "decode-ns/op")
	b.ReportMetric(float64(inAny.Nanoseconds())/float64(b.N), "any-ns/op")
	b.ReportMetric(float64(inDecode)/float64(inAny), "decode/any")
}
