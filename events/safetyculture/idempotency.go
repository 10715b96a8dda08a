package safetyculture

import (
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// idempotencyKey derives the key of a delivery; the rule is documented in doc.go. SafetyCulture
// sends no per-event id (webhook_id names the subscription), and its retries resend the same
// event with the same date_triggered. h.Event is not nil.
func (h *head) idempotencyKey(version string, types []string, body []byte) string {
	subject, mediaID, modifyTime := h.keyFields(version)
	key, ok := derivedKey(version, subject, mediaID, types, h.Event.DateTriggered.Raw, modifyTime)
	if !ok {
		return events.BodyKey(Name, body)
	}
	return key
}

// keyFields returns the fields of the key the head gives: the subject (resource.id in the newer
// format, data.audit.audit_id in the legacy one or when there is no resource id), the media id
// and the modify time.
func (h *head) keyFields(version string) (subject, mediaID, modifyTime string) {
	if h.Resource != nil {
		subject = string(h.Resource.ID)
	}
	if h.Data != nil {
		if version == VersionLegacy || subject == "" {
			subject = string(h.Data.AuditID)
		}
		mediaID = string(h.Data.MediaID)
		modifyTime = h.Data.ModifyTime
	}
	return subject, mediaID, modifyTime
}

// derivedKey returns the key derived from the fields, or false when they cannot identify the
// event (no subject nor media id, or no time) and the body's hash must.
func derivedKey(version, subject, mediaID string, types []string, triggered, modifyTime string) (string, bool) {
	if (subject == "" && mediaID == "") || triggered == "" {
		return "", false
	}
	joined := types[0]
	if len(types) > 1 {
		sorted := slices.Clone(types)
		slices.Sort(sorted)
		joined = strings.Join(sorted, ",")
	}
	return events.DerivedKey(Name, version, subject, mediaID, joined, triggered, modifyTime), true
}
