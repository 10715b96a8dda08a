package vehreports

import "github.com/inspecthook/inspecthook/events"

// The documented vehReports events, one Key each, with the payload of their data object.
// The event names are vehReports'; the payload structs are assumptions (see the package
// documentation).
var (
	// ReportCompleted: an inspection report has been signed off and locked. Signing off spends
	// a credit.
	ReportCompleted = events.NewEvent[Report](Name, "report.completed")

	// InspectionVerdictFlagged: an inspection verdict was flagged (for example concerns), when a
	// template's verdict rules apply, such as new damage over a threshold or a refuel required
	// on an inbound report.
	InspectionVerdictFlagged = events.NewEvent[Verdict](Name, "inspection.verdict_flagged")

	// AgreementSigned: a rental agreement has been signed. Signing spends a credit.
	AgreementSigned = events.NewEvent[Agreement](Name, "agreement.signed")

	// AgreementReturnDue: a rental return is due soon.
	AgreementReturnDue = events.NewEvent[Agreement](Name, "agreement.return_due")

	// AgreementClosed: a rental agreement has been closed.
	AgreementClosed = events.NewEvent[Agreement](Name, "agreement.closed")

	// LicenceChecked: a driver licence check was run.
	LicenceChecked = events.NewEvent[LicenceCheck](Name, "licence.checked")

	// LicenceFailed: a driver licence check failed.
	LicenceFailed = events.NewEvent[LicenceCheck](Name, "licence.failed")

	// LicencePointsFlagged: points were flagged on a licence check.
	LicencePointsFlagged = events.NewEvent[LicenceCheck](Name, "licence.points_flagged")

	// VehicleCreated: a vehicle was added.
	VehicleCreated = events.NewEvent[Vehicle](Name, "vehicle.created")

	// VehicleUpdated: a vehicle was updated.
	VehicleUpdated = events.NewEvent[Vehicle](Name, "vehicle.updated")

	// CustomerCreated: a customer was added.
	CustomerCreated = events.NewEvent[Customer](Name, "customer.created")

	// CreditsPurchased: credits were purchased.
	CreditsPurchased = events.NewEvent[Credits](Name, "credits.purchased")

	// CreditsLow: the credit balance is running low. Running out blocks sign-off only.
	CreditsLow = events.NewEvent[Credits](Name, "credits.low")

	// CreditsExpiring: credits are expiring soon.
	CreditsExpiring = events.NewEvent[Credits](Name, "credits.expiring")

	// PaymentSucceeded: a payment succeeded.
	PaymentSucceeded = events.NewEvent[Payment](Name, "payment.succeeded")

	// PaymentFailed: a payment failed.
	PaymentFailed = events.NewEvent[Payment](Name, "payment.failed")

	// SubscriptionCancelled: a subscription was cancelled.
	SubscriptionCancelled = events.NewEvent[Subscription](Name, "subscription.cancelled")
)

// routes is the routing table: every Key above, by event type.
var routes = events.NewRoutes(
	events.Bind(ReportCompleted),
	events.Bind(InspectionVerdictFlagged),
	events.Bind(AgreementSigned),
	events.Bind(AgreementReturnDue),
	events.Bind(AgreementClosed),
	events.Bind(LicenceChecked),
	events.Bind(LicenceFailed),
	events.Bind(LicencePointsFlagged),
	events.Bind(VehicleCreated),
	events.Bind(VehicleUpdated),
	events.Bind(CustomerCreated),
	events.Bind(CreditsPurchased),
	events.Bind(CreditsLow),
	events.Bind(CreditsExpiring),
	events.Bind(PaymentSucceeded),
	events.Bind(PaymentFailed),
	events.Bind(SubscriptionCancelled),
)
