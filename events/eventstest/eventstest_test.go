package eventstest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
)

// recorder is a testing.TB that records failures instead of ending the test.
type recorder struct {
	testing.TB
	failures []string
}

type stop struct{}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(stop{})
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *recorder) run(f func()) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stop); !ok {
				panic(v)
			}
		}
	}()
	f()
}

type thing struct{ Name string }

// fake is a provider whose Decode returns what the test sets.
type fake struct {
	env *events.Envelope
	err error
}

func (f fake) Name() string                            { return "acme" }
func (f fake) EventTypes() []string                    { return []string{"thing.created"} }
func (f fake) Decode([]byte) (*events.Envelope, error) { return f.env, f.err }

func TestDecodeCatchesBrokenProviders(t *testing.T) {
	body := []byte(`{"type":"thing.created"}`)
	good := func() *events.Envelope {
		return &events.Envelope{Provider: "acme", Type: "thing.created", IdempotencyKey: "acme:1", Raw: body, Payload: &thing{}}
	}
	tests := []struct {
		name   string
		p      fake
		broken bool
	}{
		{"conforming", fake{env: good()}, false},
		{"sentinel error", fake{err: fmt.Errorf("acme: %w", events.ErrShape)}, false},
		{"error without a sentinel", fake{err: errors.New("boom")}, true},
		{"ErrInvalid without the envelope", fake{err: events.ErrInvalid}, true},
		{"envelope with ErrShape", fake{env: good(), err: events.ErrShape}, true},
		{"wrong provider", fake{env: func() *events.Envelope { e := good(); e.Provider = "other"; return e }()}, true},
		{"Raw not the body", fake{env: func() *events.Envelope { e := good(); e.Raw = []byte("{}"); return e }()}, true},
		{"no type", fake{env: func() *events.Envelope { e := good(); e.Type = ""; return e }()}, true},
		{"no idempotency key", fake{env: func() *events.Envelope { e := good(); e.IdempotencyKey = ""; return e }()}, true},
		{"known type, no payload", fake{env: func() *events.Envelope { e := good(); e.Payload = nil; return e }()}, true},
		{"payload not a pointer", fake{env: func() *events.Envelope { e := good(); e.Payload = thing{}; return e }()}, true},
		{"key longer than MaxKeyLen", fake{env: func() *events.Envelope {
			e := good()
			e.IdempotencyKey = "acme:" + strings.Repeat("x", events.MaxKeyLen)
			return e
		}()}, true},
		{"unknown type with a payload", fake{env: func() *events.Envelope { e := good(); e.Type = "thing.deleted"; return e }()}, true},
		{"nil envelope, nil error", fake{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			r.run(func() { eventstest.Decode(r, tt.p, body) })
			assert.Equal(t, tt.broken, len(r.failures) > 0, "failures: %q", r.failures)
		})
	}
}

func TestRejectCatchesBrokenProviders(t *testing.T) {
	body := []byte(`{"type":"thing.created","note":"secret-token"}`)
	invalid := &events.ValidationError{Fields: []string{"id"}}
	withBody := &events.Envelope{Provider: "acme", Type: "thing.created", IdempotencyKey: "acme:x", Raw: body}
	tests := []struct {
		name   string
		p      fake
		want   error
		broken bool
	}{
		{"shape, no envelope", fake{err: fmt.Errorf("acme: %w", events.ErrShape)}, events.ErrShape, false},
		{"invalid with its envelope", fake{env: withBody, err: fmt.Errorf("acme: %w", invalid)}, events.ErrInvalid, false},
		{"another sentinel", fake{err: fmt.Errorf("acme: %w", events.ErrNoType)}, events.ErrShape, true},
		{"no provider prefix", fake{err: events.ErrShape}, events.ErrShape, true},
		{"envelope with ErrShape", fake{env: withBody, err: fmt.Errorf("acme: %w", events.ErrShape)}, events.ErrShape, true},
		{"invalid without the envelope", fake{err: fmt.Errorf("acme: %w", invalid)}, events.ErrInvalid, true},
		{"invalid, not a ValidationError", fake{env: withBody, err: fmt.Errorf("acme: %w", events.ErrInvalid)}, events.ErrInvalid, true},
		{"accepted", fake{env: withBody}, events.ErrShape, true},
		{"field error with its path", fake{err: fmt.Errorf("acme: %w", &events.FieldError{Path: "data.note", JSONType: "object"})}, events.ErrShape, false},
		{"error names a routed type", fake{err: fmt.Errorf("acme: thing.created: %w", events.ErrShape)}, events.ErrShape, false},
		{"error quotes the body", fake{err: fmt.Errorf("acme: %w: note is secret-token", events.ErrShape)}, events.ErrShape, true},
		{"field error with a path Message cannot show", fake{err: fmt.Errorf("acme: %w", &events.FieldError{Path: "data.no te"})}, events.ErrShape, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			r.run(func() { eventstest.Reject(r, tt.p, body, tt.want) })
			assert.Equal(t, tt.broken, len(r.failures) > 0, "failures: %q", r.failures)
		})
	}
}
