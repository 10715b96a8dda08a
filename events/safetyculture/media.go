package safetyculture

import (
	"encoding/json"

	"github.com/inspecthook/inspecthook/events"
)

// MediaEvent is the payload of MediaUploaded. It arrives in the newer format only, often without
// a version field; Resource is what the media belongs to (a "TASK" in SafetyCulture's sample).
type MediaEvent struct {
	Common

	// Data is the uploaded media.
	Data Media `json:"data"`
}

// Media is an uploaded media file.
type Media struct {
	// MediaID is the media's id, a UUID.
	MediaID events.ID `json:"media_id" validate:"required"`

	// MediaType is "IMAGE": SafetyCulture sends the event for images only.
	MediaType string `json:"media_type"`

	// MediaURL is a signed download URL for the original file; it expires.
	MediaURL string `json:"media_url"`

	// Raw is the data object exactly as sent; nil when the body has no data. Decode
	// fills it; decoding the payload type by itself (encoding/json, events.Unmarshal) leaves it
	// nil.
	Raw json.RawMessage `json:"-"`
}
