// Package inspecthook is the root of a Go SDK for the receiving side of webhooks from
// inspection and fleet platforms: Record360, SafetyCulture, Inspectorio and vehReports.
//
// The work is done by its packages; start with [github.com/inspecthook/inspecthook/verify],
// which decides whether a delivery is authentic. This package holds no code of its own; its
// tests check that the README's quick start compiles.
package inspecthook
