package vehreports

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

var _ events.KeyScanner = provider{}

// ScanKey returns the idempotency key Decode would give body, events.FieldKey(Name, id), from a
// scan of its top-level members that decodes only the "id" member (the last one, its name
// matched case-insensitively, as Decode reads it). It returns false when body is not one
// well-formed JSON object, and when the id is missing, null, empty or not a string or a number:
// Decode then keys the body by its hash, or rejects it. It implements events.KeyScanner.
func (provider) ScanKey(body []byte) (string, bool) {
	var id string
	var kind jsontext.Kind
	if !events.ScanObject(body, func(name string, value jsontext.Value) bool {
		if strings.EqualFold(name, "id") {
			kind, id = value.Kind(), ""
			switch kind {
			case '"':
				id = unquoteValue(value)
			case '0':
				id = string(value)
			}
		}
		return true
	}) {
		return "", false
	}
	if (kind != '"' && kind != '0') || id == "" {
		return "", false
	}
	return events.FieldKey(Name, id), true
}
