package inspectorio

import "github.com/inspecthook/inspecthook/events"

// CodeReportFileReady is the eventCode this package assumes for "An Inspection report file is
// ready to view". Inspectorio does not publish the code; a delivery with any other code reaches
// the fallback as an unknown event.
const CodeReportFileReady = "report.file_ready"

// registry is the routing table: every event below, by its eventCode in lowercase.
var registry = events.NewRegistry(Name)

// The Sight events, one each. Both carry a [Report].
var (
	// ReportCreated is "An Inspection report is uploaded" (eventCode "report.created").
	ReportCreated = events.Register[Report](registry, "report.created")

	// ReportFileReady is "An Inspection report file is ready to view". Its eventCode is an
	// assumption, [CodeReportFileReady]: see the package documentation.
	ReportFileReady = events.Register[Report](registry, CodeReportFileReady)
)

// routedCode returns the event type a delivery with eventCode code is routed on: the name of
// the event whose code it is regardless of ASCII case ("REPORT.CREATED" is "report.created"),
// else code as sent.
func routedCode(code string) string {
	if registry.Has(code) {
		return code
	}
	if lower, ok := asciiLower(code); ok && registry.Has(lower) {
		return lower
	}
	return code
}

// asciiLower returns s with ASCII letters in lowercase; ok is false when s holds any other byte
// above 0x7f, which no event code has.
func asciiLower(s string) (string, bool) {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 0x80:
			return "", false
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b), true
}
