package record360_test

import (
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/record360"
)

func loadCorpus(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, record360.Name) }

func body(t testing.TB, f inspecthook.Fixture) []byte { return eventstest.Body(t, f) }

// TestCorpus decodes every fixture as its index entry says it must decode, and checks that each
// event type has exactly one reference fixture.
func TestCorpus(t *testing.T) {
	eventstest.Corpus(t, record360.Provider(), loadCorpus(t))
}
