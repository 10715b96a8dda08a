package inspectorio

import "github.com/inspecthook/inspecthook/events"

// CodeReportFileReady is the eventCode this package assumes for "An Inspection report file is
// ready to view". Inspectorio does not publish the code; a delivery with any other code reaches
// the fallback as an unknown event.
const CodeReportFileReady = "report.file_ready"

// The Sight events, one Key each. Both carry a [Report].
var (
	// ReportCreated is "An Inspection report is uploaded" (eventCode "report.created").
	ReportCreated = events.NewEvent[Report](Name, "report.created")

	// ReportFileReady is "An Inspection report file is ready to view". Its eventCode is an
	// assumption, [CodeReportFileReady]: see the package documentation.
	ReportFileReady = events.NewEvent[Report](Name, CodeReportFileReady)
)

// routes is the routing table: every Key above, by eventCode.
var routes = events.NewRoutes(
	events.Bind(ReportCreated),
	events.Bind(ReportFileReady),
)
