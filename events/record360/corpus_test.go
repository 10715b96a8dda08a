package record360_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

// sentinels maps the error names used in index.json to the events sentinels.
var sentinels = map[string]error{
	"ErrNotJSON": events.ErrNotJSON,
	"ErrShape":   events.ErrShape,
	"ErrNoType":  events.ErrNoType,
	"ErrInvalid": events.ErrInvalid,
}

// payloadOf reads env's payload through the key named name, reporting whether the payload has
// the key's type.
var payloadOf = map[string]func(*events.Envelope) bool{
	record360.InspectionCreated.Name():    func(e *events.Envelope) bool { _, ok := record360.InspectionCreated.Payload(e); return ok },
	record360.TaskCompleted.Name():        func(e *events.Envelope) bool { _, ok := record360.TaskCompleted.Payload(e); return ok },
	record360.V1TransactionCreated.Name(): func(e *events.Envelope) bool { _, ok := record360.V1TransactionCreated.Payload(e); return ok },
	record360.V1TaskComplete.Name():       func(e *events.Envelope) bool { _, ok := record360.V1TaskComplete.Payload(e); return ok },
	record360.V1TaskCompleted.Name():      func(e *events.Envelope) bool { _, ok := record360.V1TaskCompleted.Payload(e); return ok },
}

func loadCorpus(t testing.TB) []inspecthook.Fixture {
	t.Helper()
	fixtures, err := inspecthook.LoadFixtures(record360.Name)
	require.NoError(t, err)
	require.NotEmpty(t, fixtures)
	return fixtures
}

func body(t testing.TB, f inspecthook.Fixture) []byte {
	t.Helper()
	b, err := f.Body()
	require.NoError(t, err)
	return b
}

// TestEveryEventHasOneFixture checks the routing table against the corpus: each key has exactly
// one "event" fixture, and each "event" fixture names a key.
func TestEveryEventHasOneFixture(t *testing.T) {
	types := record360.Provider().EventTypes()
	require.ElementsMatch(t, types, []string{
		"inspection.created", "task.completed",
		"v1/transaction.create", "v1/task.complete", "v1/task.completed",
	})
	count := map[string]int{}
	for _, f := range loadCorpus(t) {
		if f.Kind == inspecthook.KindEvent {
			count[f.Event]++
		}
	}
	for _, name := range types {
		assert.Equal(t, 1, count[name], "event fixtures for %s", name)
		assert.Contains(t, payloadOf, name, "payload check for %s", name)
	}
	for name := range count {
		assert.Contains(t, types, name, "event fixture for a type with no key")
	}
}

// TestCorpus decodes every fixture as its index entry says it must decode.
func TestCorpus(t *testing.T) {
	p := record360.Provider()
	for _, f := range loadCorpus(t) {
		t.Run(f.File, func(t *testing.T) {
			b := body(t, f)
			env, err := p.Decode(b)
			switch f.Kind {
			case inspecthook.KindEvent, inspecthook.KindVariant:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Equal(t, record360.Name, env.Provider)
				assert.Equal(t, b, env.Raw)
				assert.NotEmpty(t, env.IdempotencyKey)
				require.NotNil(t, env.Payload)
				check, ok := payloadOf[f.Event]
				require.True(t, ok, "no key for %s", f.Event)
				assert.True(t, check(env), "payload %T is not the key's type", env.Payload)
				assert.True(t, env.Known())
			case inspecthook.KindUnknown:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Equal(t, b, env.Raw)
				assert.NotEmpty(t, env.IdempotencyKey)
				assert.Nil(t, env.Payload)
				assert.False(t, env.Known())
				assert.NotContains(t, p.EventTypes(), env.Type)
			case inspecthook.KindBad:
				sentinel, ok := sentinels[f.Error]
				require.True(t, ok, "unknown sentinel %q", f.Error)
				require.Error(t, err)
				assert.True(t, errors.Is(err, sentinel), "error %q does not wrap %s", err, f.Error)
				if f.Error == "ErrInvalid" {
					require.NotNil(t, env, "the envelope is returned with ErrInvalid")
					assert.Equal(t, b, env.Raw)
					assert.Equal(t, f.Version, env.Version)
					var verr *events.ValidationError
					assert.True(t, errors.As(err, &verr))
				} else {
					assert.Nil(t, env)
				}
			default:
				t.Fatalf("unknown kind %q", f.Kind)
			}
		})
	}
}
