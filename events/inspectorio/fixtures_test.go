package inspectorio_test

import (
	"errors"
	"io/fs"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

// sentinels maps the error names used in index.json to the events sentinels.
var sentinels = map[string]error{
	"ErrNotJSON": events.ErrNotJSON,
	"ErrShape":   events.ErrShape,
	"ErrNoType":  events.ErrNoType,
	"ErrInvalid": events.ErrInvalid,
}

// payloadOf reads the envelope's payload with the Key of its event type.
var payloadOf = map[string]func(*events.Envelope) (*inspectorio.Report, bool){
	inspectorio.ReportCreated.Name():   inspectorio.ReportCreated.Payload,
	inspectorio.ReportFileReady.Name(): inspectorio.ReportFileReady.Payload,
}

// fixture returns the body of testdata/inspectorio/<file>.
func fixture(t testing.TB, file string) []byte {
	t.Helper()
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(inspectorio.Name, file))
	require.NoError(t, err)
	return body
}

func loadFixtures(t testing.TB) []inspecthook.Fixture {
	t.Helper()
	fixtures, err := inspecthook.LoadFixtures(inspectorio.Name)
	require.NoError(t, err)
	require.NotEmpty(t, fixtures)
	return fixtures
}

func TestEveryEventHasOneFixture(t *testing.T) {
	count := make(map[string]int)
	for _, f := range loadFixtures(t) {
		if f.Kind == inspecthook.KindEvent {
			count[f.Event]++
		}
	}
	types := inspectorio.Provider().EventTypes()
	require.Len(t, types, len(payloadOf), "every Key has a payload reader in this test")
	for _, name := range types {
		assert.Equal(t, 1, count[name], "event fixtures for %q", name)
		assert.Contains(t, payloadOf, name)
	}
	for name := range count {
		assert.Contains(t, types, name, "event fixture for an event with no Key")
	}
}

func TestFixtures(t *testing.T) {
	p := inspectorio.Provider()
	kinds := make(map[string]int)
	for _, f := range loadFixtures(t) {
		kinds[f.Kind]++
		t.Run(f.File, func(t *testing.T) {
			body, err := f.Body()
			require.NoError(t, err)
			env, err := p.Decode(body)
			switch f.Kind {
			case inspecthook.KindEvent, inspecthook.KindVariant:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Equal(t, inspectorio.Name, env.Provider)
				assert.Equal(t, body, env.Raw)
				assert.NotEmpty(t, env.IdempotencyKey)
				read, ok := payloadOf[f.Event]
				require.True(t, ok, "no Key for %q", f.Event)
				report, ok := read(env)
				require.True(t, ok, "payload of %q", f.Event)
				assert.NotNil(t, report)
			case inspecthook.KindUnknown:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Nil(t, env.Payload)
				assert.False(t, env.Known())
				assert.Equal(t, body, env.Raw)
				assert.NotContains(t, p.EventTypes(), f.Event)
			case inspecthook.KindBad:
				want, ok := sentinels[f.Error]
				require.True(t, ok, "unknown sentinel %q", f.Error)
				require.Error(t, err)
				assert.ErrorIs(t, err, want)
				for name, other := range sentinels {
					if name != f.Error {
						assert.False(t, errors.Is(err, other), "also wraps %s: %v", name, err)
					}
				}
				if want == events.ErrInvalid {
					require.NotNil(t, env, "the envelope comes with ErrInvalid")
					assert.Equal(t, body, env.Raw)
				} else {
					assert.Nil(t, env)
				}
			default:
				t.Fatalf("unknown kind %q", f.Kind)
			}
		})
	}
	for _, kind := range []string{inspecthook.KindEvent, inspecthook.KindVariant, inspecthook.KindUnknown, inspecthook.KindBad} {
		assert.NotZero(t, kinds[kind], "no fixture of kind %q", kind)
	}
}
