package safetyculture_test

import (
	"errors"
	"io/fs"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// keys lists every Key with a check that the envelope's payload has the key's type.
var keys = map[string]func(*events.Envelope) bool{}

func init() {
	for _, k := range []events.Key[safetyculture.InspectionEvent]{
		safetyculture.InspectionStarted, safetyculture.InspectionUpdated, safetyculture.InspectionCompleted,
		safetyculture.InspectionArchived, safetyculture.InspectionUnarchived,
		safetyculture.InspectionHasStarted, safetyculture.InspectionCompletedStatus,
		safetyculture.InspectionArchivedStatus, safetyculture.InspectionDeletedStatus,
		safetyculture.InspectionItemUpdated, safetyculture.InspectionOwner, safetyculture.InspectionAccess,
		safetyculture.InspectionLocation, safetyculture.InspectionDuration, safetyculture.InspectionCloned,
	} {
		keys[k.Name()] = func(e *events.Envelope) bool { _, ok := k.Payload(e); return ok }
	}
	for _, k := range []events.Key[safetyculture.ActionEvent]{
		safetyculture.ActionCreated, safetyculture.ActionTitleUpdated, safetyculture.ActionDescriptionUpdated,
		safetyculture.ActionDateDueUpdated, safetyculture.ActionStatusUpdated, safetyculture.ActionPriorityUpdated,
		safetyculture.ActionCollaboratorsUpdated, safetyculture.ActionSiteUpdated, safetyculture.ActionDeleted,
	} {
		keys[k.Name()] = func(e *events.Envelope) bool { _, ok := k.Payload(e); return ok }
	}
	for _, k := range []events.Key[safetyculture.IncidentEvent]{
		safetyculture.IncidentCreated, safetyculture.IncidentTitleUpdated, safetyculture.IncidentDescriptionUpdated,
		safetyculture.IncidentDateDueUpdated, safetyculture.IncidentStatusUpdated, safetyculture.IncidentPriorityUpdated,
		safetyculture.IncidentCollaboratorsUpdated, safetyculture.IncidentCategoryUpdated,
		safetyculture.IncidentSiteUpdated, safetyculture.IncidentDeleted,
	} {
		keys[k.Name()] = func(e *events.Envelope) bool { _, ok := k.Payload(e); return ok }
	}
	keys[safetyculture.MediaUploaded.Name()] = func(e *events.Envelope) bool {
		_, ok := safetyculture.MediaUploaded.Payload(e)
		return ok
	}
}

var sentinels = map[string]error{
	"ErrNotJSON": events.ErrNotJSON,
	"ErrShape":   events.ErrShape,
	"ErrNoType":  events.ErrNoType,
	"ErrInvalid": events.ErrInvalid,
}

func loadCorpus(t testing.TB) []inspecthook.Fixture {
	t.Helper()
	fixtures, err := inspecthook.LoadFixtures(safetyculture.Name)
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

// TestCompleteness checks that every Key has exactly one event fixture and that every fixture
// decodes as its kind says.
func TestCompleteness(t *testing.T) {
	fixtures := loadCorpus(t)
	names := safetyculture.Provider().EventTypes()
	require.Len(t, keys, len(names), "keys listed in this test")

	eventFixtures := map[string]int{}
	for _, f := range fixtures {
		if f.Kind == inspecthook.KindEvent {
			eventFixtures[f.Event]++
		}
	}
	for _, name := range names {
		assert.Contains(t, keys, name, "EventTypes lists %s, which this test does not know", name)
		assert.Equal(t, 1, eventFixtures[name], "event fixtures of %s", name)
	}
	for name := range eventFixtures {
		assert.Contains(t, names, name, "event fixture for %s, which has no Key", name)
	}

	p := safetyculture.Provider()
	for _, f := range fixtures {
		t.Run(f.File, func(t *testing.T) {
			b := body(t, f)
			env, err := p.Decode(b)
			switch f.Kind {
			case inspecthook.KindEvent, inspecthook.KindVariant:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				require.NotNil(t, env.Payload)
				check, ok := keys[f.Event]
				require.True(t, ok, "no Key for %s", f.Event)
				assert.True(t, check(env), "payload %T is not the type of the %s key", env.Payload, f.Event)
			case inspecthook.KindUnknown:
				require.NoError(t, err)
				assert.Equal(t, f.Event, env.Type)
				assert.Equal(t, f.Version, env.Version)
				assert.Nil(t, env.Payload)
				assert.False(t, env.Known())
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
				if errors.Is(err, events.ErrInvalid) {
					require.NotNil(t, env, "the envelope comes with ErrInvalid")
					var verr *events.ValidationError
					assert.ErrorAs(t, err, &verr)
				} else {
					assert.Nil(t, env)
				}
			}
			if env != nil {
				assert.Equal(t, safetyculture.Name, env.Provider)
				assert.Equal(t, b, env.Raw)
				assert.Empty(t, env.ID, "SafetyCulture has no per-event id")
				assert.NotEmpty(t, env.IdempotencyKey)
				assert.Contains(t, env.Types, env.Type)
			}
		})
	}
}

// TestIndexListsEveryFile checks that index.json lists every file of the corpus directory once,
// each with a note.
func TestIndexListsEveryFile(t *testing.T) {
	listed := map[string]bool{}
	for _, f := range loadCorpus(t) {
		assert.False(t, listed[f.File], "%s listed twice", f.File)
		listed[f.File] = true
		assert.NotEmpty(t, f.Note, "%s has no note", f.File)
	}
	entries, err := fs.ReadDir(inspecthook.Fixtures(), safetyculture.Name)
	require.NoError(t, err)
	for _, e := range entries {
		name := path.Join(safetyculture.Name, e.Name())
		if e.Name() != "index.json" {
			assert.True(t, listed[name], "%s is not in index.json", name)
		}
	}
}
