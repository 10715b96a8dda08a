package safetyculture

import (
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
)

// idempotencyKey derives the key of a delivery; the rule is documented in doc.go. SafetyCulture
// sends no per-event id (webhook_id names the subscription), and its retries resend the same
// event with the same date_triggered.
func idempotencyKey(h *head, version string, types []string, body []byte) string {
	var subject, mediaID, modifyTime string
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
	triggered := h.Event.DateTriggered.Raw
	if (subject == "" && mediaID == "") || triggered == "" {
		return events.BodyKey(Name, body)
	}
	sorted := slices.Clone(types)
	slices.Sort(sorted)
	return events.DerivedKey(Name, version, subject, mediaID, strings.Join(sorted, ","), triggered, modifyTime)
}
