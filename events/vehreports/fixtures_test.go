package vehreports_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// keys is every exported Key, for the corpus and fuzz checks.
var keys = eventstest.KeysOf(
	eventstest.Key(vehreports.ReportCompleted),
	eventstest.Key(vehreports.InspectionVerdictFlagged),
	eventstest.Key(vehreports.AgreementSigned),
	eventstest.Key(vehreports.AgreementReturnDue),
	eventstest.Key(vehreports.AgreementClosed),
	eventstest.Key(vehreports.LicenceChecked),
	eventstest.Key(vehreports.LicenceFailed),
	eventstest.Key(vehreports.LicencePointsFlagged),
	eventstest.Key(vehreports.VehicleCreated),
	eventstest.Key(vehreports.VehicleUpdated),
	eventstest.Key(vehreports.CustomerCreated),
	eventstest.Key(vehreports.CreditsPurchased),
	eventstest.Key(vehreports.CreditsLow),
	eventstest.Key(vehreports.CreditsExpiring),
	eventstest.Key(vehreports.PaymentSucceeded),
	eventstest.Key(vehreports.PaymentFailed),
	eventstest.Key(vehreports.SubscriptionCancelled),
)

// TestFixtures checks that every Key has exactly one event fixture and that every fixture
// decodes as its index entry says.
func TestFixtures(t *testing.T) {
	require.Len(t, vehreports.Provider().EventTypes(), 17, "vehReports' webhooks guide lists 17 events")
	eventstest.Corpus(t, vehreports.Provider(), keys, loadFixtures(t))
}
