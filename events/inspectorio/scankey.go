package inspectorio

import (
	"bytes"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// ScanKey returns the idempotency key Decode would give body, events.FieldKey(Name,
// messageId), from a scan of its top-level members (events.ScanObject) rather than a decode:
// it implements events.KeyScanner. ok is false when the scan cannot be sure of it: the body is
// not one well-formed JSON object, or its last messageId member (matched regardless of case,
// as Decode matches it) is missing, null, empty, not a string or a number, or a string with
// an escape; or the delivery has no eventCode, which Decode rejects. A body that fails Decode
// only for its payload (a known event's payload of the wrong type) still gets ok.
func (provider) ScanKey(body []byte) (key string, ok bool) {
	var (
		id      string // the last messageId, as events.ID reads it
		idKnown bool   // false while the last messageId is one ScanKey does not read
		code    bool   // the last eventCode that is not null is a non-empty string
	)
	scanned := events.ScanObject(body, func(name string, value jsontext.Value) bool {
		switch {
		case strings.EqualFold(name, "messageId"):
			switch value.Kind() {
			case 'n':
				id, idKnown = "", true
			case '0':
				id, idKnown = string(value), true // an ID keeps a number's text
			case '"':
				inner := value[1 : len(value)-1]
				id, idKnown = "", bytes.IndexByte(inner, '\\') < 0
				if idKnown {
					id = string(inner)
				}
			default:
				return false // Decode fails: a messageId of the wrong type
			}
		case strings.EqualFold(name, "eventCode"):
			switch value.Kind() {
			case 'n': // leaves the code as it was
			case '"':
				code = len(value) > len(`""`)
			default:
				return false // Decode fails: an eventCode of the wrong type
			}
		}
		return true
	})
	if !scanned || !idKnown || id == "" || !code {
		return "", false
	}
	return events.FieldKey(Name, id), true
}
