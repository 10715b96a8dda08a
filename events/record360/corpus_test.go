package record360_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/record360"
)

// keys is every exported Key, for the corpus and fuzz checks.
var keys = eventstest.KeysOf(
	eventstest.Key(record360.InspectionCreated),
	eventstest.Key(record360.TaskCompleted),
	eventstest.Key(record360.V1TransactionCreated),
	eventstest.Key(record360.V1TaskComplete),
	eventstest.Key(record360.V1TaskCompleted),
)

func loadCorpus(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, record360.Name) }

func body(t testing.TB, f inspecthook.Fixture) []byte { return eventstest.Body(t, f) }

func TestEventTypes(t *testing.T) {
	require.ElementsMatch(t, record360.Provider().EventTypes(), []string{
		"inspection.created", "task.completed",
		"v1/transaction.create", "v1/task.complete", "v1/task.completed",
	})
}

// TestCorpus decodes every fixture as its index entry says it must decode, and checks that each
// event type has exactly one reference fixture.
func TestCorpus(t *testing.T) {
	eventstest.Corpus(t, record360.Provider(), keys, loadCorpus(t))
}
