// Package inspecthook is the root of a Go SDK for the receiving side of webhooks from
// inspection and fleet platforms: Record360, SafetyCulture, Inspectorio and vehReports.
//
// The work is done by its packages: [github.com/inspecthook/inspecthook/verify] decides whether
// a delivery is authentic, and [github.com/inspecthook/inspecthook/events] with its provider
// packages decodes it into typed events. This package holds the fixture corpus, embedded so that
// any test can replay it: [Fixtures] is the corpus as an fs.FS and [LoadFixtures] reads one
// provider's index of what each body must decode to.
package inspecthook
