package safetyculture_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/safetyculture"
)

// keys is every exported Key, for the corpus and fuzz checks.
var keys = func() eventstest.Keys {
	var checks []eventstest.KeyCheck
	for _, k := range []events.Event[safetyculture.InspectionEvent]{
		safetyculture.InspectionStarted, safetyculture.InspectionUpdated, safetyculture.InspectionCompleted,
		safetyculture.InspectionArchived, safetyculture.InspectionUnarchived,
		safetyculture.InspectionHasStarted, safetyculture.InspectionCompletedStatus,
		safetyculture.InspectionArchivedStatus, safetyculture.InspectionDeletedStatus,
		safetyculture.InspectionItemUpdated, safetyculture.InspectionOwner, safetyculture.InspectionAccess,
		safetyculture.InspectionLocation, safetyculture.InspectionDuration, safetyculture.InspectionCloned,
	} {
		checks = append(checks, eventstest.Key(k))
	}
	for _, k := range []events.Event[safetyculture.ActionEvent]{
		safetyculture.ActionCreated, safetyculture.ActionTitleUpdated, safetyculture.ActionDescriptionUpdated,
		safetyculture.ActionDateDueUpdated, safetyculture.ActionStatusUpdated, safetyculture.ActionPriorityUpdated,
		safetyculture.ActionCollaboratorsUpdated, safetyculture.ActionSiteUpdated, safetyculture.ActionDeleted,
	} {
		checks = append(checks, eventstest.Key(k))
	}
	for _, k := range []events.Event[safetyculture.IncidentEvent]{
		safetyculture.IncidentCreated, safetyculture.IncidentTitleUpdated, safetyculture.IncidentDescriptionUpdated,
		safetyculture.IncidentDateDueUpdated, safetyculture.IncidentStatusUpdated, safetyculture.IncidentPriorityUpdated,
		safetyculture.IncidentCollaboratorsUpdated, safetyculture.IncidentCategoryUpdated,
		safetyculture.IncidentSiteUpdated, safetyculture.IncidentDeleted,
	} {
		checks = append(checks, eventstest.Key(k))
	}
	return eventstest.KeysOf(append(checks, eventstest.Key(safetyculture.MediaUploaded))...)
}()

func loadCorpus(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, safetyculture.Name) }

func body(t testing.TB, f inspecthook.Fixture) []byte { return eventstest.Body(t, f) }

// TestCompleteness checks that every Key has exactly one event fixture and that every fixture
// decodes as its kind says.
func TestCompleteness(t *testing.T) {
	assert.Len(t, safetyculture.Provider().EventTypes(), 35)
	for file, env := range eventstest.Corpus(t, safetyculture.Provider(), keys, loadCorpus(t)) {
		assert.Empty(t, env.ID, "%s: SafetyCulture has no per-event id", file)
		assert.Contains(t, env.Types, env.Type, file)
	}
}
