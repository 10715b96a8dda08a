package inspectorio_test

import (
	"io/fs"
	"path"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/inspectorio"
)

// fixture returns the body of testdata/inspectorio/<file>.
func fixture(t testing.TB, file string) []byte {
	t.Helper()
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(inspectorio.Name, file))
	require.NoError(t, err)
	return body
}

func loadFixtures(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, inspectorio.Name) }

// TestFixtures checks that every event has exactly one event fixture and that every fixture
// decodes as its index entry says.
func TestFixtures(t *testing.T) {
	require.Len(t, inspectorio.Provider().EventTypes(), 2, "Sight documents two events")
	eventstest.Corpus(t, inspectorio.Provider(), loadFixtures(t))
}
