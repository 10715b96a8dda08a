package vehreports

import "github.com/inspecthook/inspecthook/events"

// registry is the routing table: every event below, by event type.
var registry = events.NewRegistry(Name)

// The documented vehReports events, one each, with the payload of their data object. The event
// names are vehReports'; the payload structs are assumptions (see the package documentation).
var (
	// ReportCompleted: an inspection report has been signed off and locked. Signing off spends
	// a credit.
	ReportCompleted = events.Register[Report](registry, "report.completed")

	// InspectionVerdictFlagged: an inspection verdict was flagged (for example concerns), when a
	// template's verdict rules apply, such as new damage over a threshold or a refuel required
	// on an inbound report.
	InspectionVerdictFlagged = events.Register[Verdict](registry, "inspection.verdict_flagged")

	// AgreementSigned: a rental agreement has been signed. Signing spends a credit.
	AgreementSigned = events.Register[Agreement](registry, "agreement.signed")

	// AgreementReturnDue: a rental return is due soon.
	AgreementReturnDue = events.Register[Agreement](registry, "agreement.return_due")

	// AgreementClosed: a rental agreement has been closed.
	AgreementClosed = events.Register[Agreement](registry, "agreement.closed")

	// LicenceChecked: a driver licence check was run.
	LicenceChecked = events.Register[LicenceCheck](registry, "licence.checked")

	// LicenceFailed: a driver licence check failed.
	LicenceFailed = events.Register[LicenceCheck](registry, "licence.failed")

	// LicencePointsFlagged: points were flagged on a licence check.
	LicencePointsFlagged = events.Register[LicenceCheck](registry, "licence.points_flagged")

	// VehicleCreated: a vehicle was added.
	VehicleCreated = events.Register[Vehicle](registry, "vehicle.created")

	// VehicleUpdated: a vehicle was updated.
	VehicleUpdated = events.Register[Vehicle](registry, "vehicle.updated")

	// CustomerCreated: a customer was added.
	CustomerCreated = events.Register[Customer](registry, "customer.created")

	// CreditsPurchased: credits were purchased.
	CreditsPurchased = events.Register[Credits](registry, "credits.purchased")

	// CreditsLow: the credit balance is running low. Running out blocks sign-off only.
	CreditsLow = events.Register[Credits](registry, "credits.low")

	// CreditsExpiring: credits are expiring soon.
	CreditsExpiring = events.Register[Credits](registry, "credits.expiring")

	// PaymentSucceeded: a payment succeeded.
	PaymentSucceeded = events.Register[Payment](registry, "payment.succeeded")

	// PaymentFailed: a payment failed.
	PaymentFailed = events.Register[Payment](registry, "payment.failed")

	// SubscriptionCancelled: a subscription was cancelled.
	SubscriptionCancelled = events.Register[Subscription](registry, "subscription.cancelled")
)
