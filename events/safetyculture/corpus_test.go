package safetyculture_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

func loadCorpus(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, safetyculture.Name) }

func body(t testing.TB, f inspecthook.Fixture) []byte { return eventstest.Body(t, f) }

// TestCompleteness checks that every event has exactly one event fixture and that every fixture
// decodes as its kind says.
func TestCompleteness(t *testing.T) {
	assert.Len(t, safetyculture.Provider().EventTypes(), 86,
		"17 inspection, 16 inspection item, 16 action, 14 incident, 1 media, 2 attendance, 20 training")
	for file, env := range eventstest.Corpus(t, safetyculture.Provider(), loadCorpus(t)) {
		assert.Empty(t, env.ID, "%s: SafetyCulture has no per-event id", file)
		assert.Contains(t, env.Types, env.Type, file)
	}
}
