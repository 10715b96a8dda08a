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

// keys is every exported Key, for the corpus and fuzz checks.
var keys = eventstest.KeysOf(eventstest.Key(inspectorio.ReportCreated), eventstest.Key(inspectorio.ReportFileReady))

// fixture returns the body of testdata/inspectorio/<file>.
func fixture(t testing.TB, file string) []byte {
	t.Helper()
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(inspectorio.Name, file))
	require.NoError(t, err)
	return body
}

func loadFixtures(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, inspectorio.Name) }

// TestFixtures checks that every Key has exactly one event fixture and that every fixture
// decodes as its index entry says.
func TestFixtures(t *testing.T) {
	require.Len(t, inspectorio.Provider().EventTypes(), 2)
	eventstest.Corpus(t, inspectorio.Provider(), keys, loadFixtures(t))
}
