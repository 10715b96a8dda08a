package safetyculture

import (
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// idempotencyKey returns the key of a delivery of format version, with the normalised event
// types and the dataKey of its data; the rule is documented in doc.go. SafetyCulture sends no
// per-event id (webhook_id names the subscription), and its retries resend the same event with
// the same date_triggered. d.Event is not nil.
func (d *delivery) idempotencyKey(version string, types []string, key dataKey, body []byte) string {
	// The subject is resource.id in the newer format, data.audit.audit_id in the legacy one or
	// when there is no resource id.
	var subject, mediaID, modifyTime string
	if d.Resource != nil {
		subject = string(d.Resource.ID)
	}
	if key.hasData {
		if version == VersionLegacy || subject == "" {
			subject = key.auditID
		}
		mediaID, modifyTime = key.mediaID, key.modifyTime
	}
	triggered := d.Event.DateTriggered.Raw
	if (subject == "" && mediaID == "") || triggered == "" {
		return events.BodyKey(Name, body) // nothing identifies the event but its bytes
	}
	joined := types[0]
	if len(types) > 1 {
		sorted := slices.Clone(types)
		slices.Sort(sorted)
		joined = strings.Join(sorted, ",")
	}
	return events.DerivedKey(Name, version, subject, mediaID, joined, triggered, modifyTime)
}
