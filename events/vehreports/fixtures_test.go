package vehreports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// TestFixtures checks that every event has exactly one event fixture and that every fixture
// decodes as its index entry says.
func TestFixtures(t *testing.T) {
	require.Len(t, vehreports.Provider().EventTypes(), 17, "vehReports' webhooks guide lists 17 events")
	eventstest.Corpus(t, vehreports.Provider(), loadFixtures(t))
}
