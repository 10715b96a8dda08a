// Package legacyinspectorio keeps the Inspectorio decoder as it was before package inspectorio
// decoded in one pass with JSON v2: events.CheckObject, then encoding/json over the whole body
// three times (a probe of which Sight fields are present, the fields every event carries, and
// the payload through the routing table). It is the reference the differential tests of package
// inspectorio compare the current decoder with; only tests import it.
package legacyinspectorio

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
)

// table routes every event of package inspectorio, as its registry did.
var table = legacy.Table{
	"report.created":                legacy.Payload[inspectorio.Report],
	inspectorio.CodeReportFileReady: legacy.Payload[inspectorio.Report],
}

// probe records which of the Sight fields a body carries, to tell a Sight delivery from any
// other JSON object.
type probe struct {
	MessageID json.RawMessage `json:"messageId"`
	EventCode json.RawMessage `json:"eventCode"`
	Payload   json.RawMessage `json:"payload"`
}

// sight is the part of a delivery every event carries, whatever its eventCode.
type sight struct {
	MessageID events.ID `json:"messageId" validate:"required"`
	EventCode string    `json:"eventCode" validate:"required"`
}

// Decode reads one Sight delivery as package inspectorio's Decode did before the one-pass
// decoder.
func Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	var p probe
	if err := legacy.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	if !events.Present(p.MessageID) && !events.Present(p.EventCode) && !events.Present(p.Payload) {
		return nil, fmt.Errorf("inspectorio: %w: no messageId, eventCode or payload", events.ErrShape)
	}
	var s sight
	if err := legacy.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("inspectorio: %w", err)
	}
	if s.EventCode == "" {
		return nil, fmt.Errorf("inspectorio: %w: eventCode is missing or empty", events.ErrNoType)
	}
	typ := routedCode(s.EventCode)
	types := []string{typ}
	if typ != s.EventCode {
		types = append(types, s.EventCode) // the code as sent, when its case differs
	}
	env := &events.Envelope{
		Provider:       inspectorio.Name,
		Version:        inspectorio.VersionSight,
		ID:             s.MessageID.String(),
		Type:           typ,
		Types:          types,
		IdempotencyKey: events.IDKey(inspectorio.Name, s.MessageID, body),
		Raw:            body,
	}
	invalid := events.Validate(&s)
	payload, err := table.Decode(typ, body)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		return nil, fmt.Errorf("inspectorio: %s: %w", typ, err)
	}
	env.Payload = payload
	if err := events.JoinInvalid(nil, invalid, err); err != nil {
		return env, fmt.Errorf("inspectorio: %w", err)
	}
	return env, nil
}

// has reports whether the table routes the event type, spelt exactly.
func has(name string) bool {
	_, ok := table[name]
	return ok
}

// routedCode returns the event type a delivery with eventCode code is routed on: the name of
// the event whose code it is regardless of ASCII case ("REPORT.CREATED" is "report.created"),
// else code as sent.
func routedCode(code string) string {
	if has(code) {
		return code
	}
	if lower, ok := asciiLower(code); ok && has(lower) {
		return lower
	}
	return code
}

// asciiLower returns s with ASCII letters in lowercase; ok is false when s holds any other byte
// above 0x7f, which no event code has.
func asciiLower(s string) (string, bool) {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 0x80:
			return "", false
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b), true
}
