package inspecthook

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
)

// The fixture corpus lives in testdata/<provider>/, with an index.json per provider, and is
// embedded so that other packages and applications' own tests can read it.
//
//go:embed testdata
var corpus embed.FS

// Fixtures returns the fixture corpus: one directory per provider ("record360",
// "safetyculture", "inspectorio", "vehreports"), each with its index.json and the bodies it lists.
func Fixtures() fs.FS {
	sub, err := fs.Sub(corpus, "testdata")
	if err != nil {
		panic(err) // the directory is embedded above; this cannot happen
	}
	return sub
}

// Fixture kinds, as in index.json.
const (
	KindEvent   = "event"   // the reference delivery of one documented event in one format
	KindVariant = "variant" // a documented event with a tolerated oddity (extra fields, numeric ids, odd times)
	KindUnknown = "unknown" // an event type the provider package does not know; decodes with no payload
	KindBad     = "bad"     // a body the decoder must reject, with the error named in Error
)

// Fixture describes one body of the corpus, as listed in its provider's index.json.
type Fixture struct {
	// Provider is the provider's name, as in events.Envelope.Provider.
	Provider string `json:"-"`

	// File is the body's path in Fixtures(), such as "record360/v3_inspection_created.json".
	File string `json:"file"`

	// Kind is KindEvent, KindVariant, KindUnknown or KindBad.
	Kind string `json:"kind"`

	// Event is the event type the body decodes to; empty for KindBad.
	Event string `json:"event,omitempty"`

	// Version is the provider's format version the body is in, as in events.Envelope.Version.
	Version string `json:"version,omitempty"`

	// Error names the events sentinel a KindBad body is rejected with, such as "ErrNotJSON".
	Error string `json:"error,omitempty"`

	// Note says what the fixture is and where it comes from.
	Note string `json:"note,omitempty"`
}

// Body returns the fixture's bytes.
func (f Fixture) Body() ([]byte, error) { return fs.ReadFile(Fixtures(), f.File) }

// WantStatus is the status a receiver built with this module answers the fixture with when it is
// authentic and new: 200 for events, variants and unknown events; 422 for a bad body missing a
// required field; 400 for any other bad body.
func (f Fixture) WantStatus() int {
	switch {
	case f.Kind != KindBad:
		return http.StatusOK
	case f.Error == "ErrInvalid":
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadRequest
}

// LoadFixtures reads the index of one provider's fixtures.
func LoadFixtures(provider string) ([]Fixture, error) {
	data, err := fs.ReadFile(Fixtures(), path.Join(provider, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("inspecthook: fixtures of %q: %w", provider, err)
	}
	var index struct {
		Fixtures []Fixture `json:"fixtures"`
	}
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("inspecthook: %s/index.json: %w", provider, err)
	}
	for i := range index.Fixtures {
		f := &index.Fixtures[i]
		f.Provider = provider
		f.File = path.Join(provider, f.File)
		switch f.Kind {
		case KindEvent, KindVariant, KindUnknown:
			if f.Event == "" {
				return nil, fmt.Errorf("inspecthook: %s/index.json: %s has no event", provider, f.File)
			}
		case KindBad:
			if f.Error == "" {
				return nil, fmt.Errorf("inspecthook: %s/index.json: %s has no error", provider, f.File)
			}
		default:
			return nil, fmt.Errorf("inspecthook: %s/index.json: %s has unknown kind %q", provider, f.File, f.Kind)
		}
	}
	return index.Fixtures, nil
}
