package safetyculture

import (
	"bytes"
	"encoding/json"

	"github.com/go-json-experiment/json/jsontext"

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

	// Raw is the data object exactly as sent; nil when the body has no data.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the data object and keeps a copy of it in Raw.
func (m *Media) UnmarshalJSON(b []byte) error {
	if !events.Present(b) {
		return nil
	}
	type plain Media
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = Media(p)
	m.Raw = bytes.Clone(b)
	return nil
}

// UnmarshalJSONFrom is UnmarshalJSON for JSON v2 (github.com/go-json-experiment/json), as
// events.Unmarshal and Decode's two-pass fallback decode: it reads the data object from dec
// once, decodes it with dec's options and keeps a copy of it in Raw. null leaves the data as it
// was. A field of the wrong JSON type is reported with its path from the top of what dec reads.
func (m *Media) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil || raw.Kind() == 'n' {
		return err
	}
	var p plainMedia
	if err := unmarshalValue(dec, raw, &p); err != nil {
		return err
	}
	*m = Media(p)
	m.Raw = bytes.Clone(raw)
	return nil
}
