// Package hidden is internal.
package hidden

// Secret is not part of the API.
const Secret = 1
