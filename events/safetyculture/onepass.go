package safetyculture

import (
	"bytes"
	"errors"
	"io"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// decoding is the state of one Decode in one pass: what the top-level members read so far
// gave, for the head and for the payload.
type decoding struct {
	body []byte
	wire wire

	// common is the payload's Common, read as the payload types read it.
	common Common

	// The head's view of the members where it differs from the payload's.
	hasVersion           bool // version was last a string (common.Version), not null
	workflowID           bool // sent and not null
	webhookID            bool
	eventRead, eventNull bool
	data                 *headData // nil when absent or null

	// types and typ are the event types and the routed type, once the event is read.
	types []string
	typ   string

	// dataRaw is the data member as sent, within body; nil when absent. payload is the payload
	// of payloadType, whose data was read from the data member in the pass.
	dataRaw     []byte
	payload     payload
	payloadType string

	// fallback is set when the body must be decoded in two passes instead.
	fallback bool

	// h and event are the head, once the members are read.
	h     head
	event headEvent
}

// errFallback ends a one-pass decode that found what it cannot read as two passes would.
var errFallback = errors.New("safetyculture: decode in two passes")

// fallBack ends the one-pass decode for decodeTwoPass to decode the body.
func (d *decoding) fallBack() error {
	d.fallback = true
	return errFallback
}

// readError ends the one-pass decode on err, an error of reading a member: a syntax error as it
// is, which makes the body not JSON whatever else it holds; any other (a value of a JSON type
// its Go type cannot hold) for decodeTwoPass, which tells whether it is the head's error, which
// always counts, or the payload's, which counts only for a routed event, and names its field.
func (d *decoding) readError(err error) error {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) || errors.Is(err, events.ErrNotJSON) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return d.fallBack()
}

// head returns the head the members gave.
func (d *decoding) head() *head {
	h := &d.h
	*h = head{
		WorkflowID: d.workflowID,
		WebhookID:  d.webhookID,
		Resource:   d.common.Resource,
		Data:       d.data,
	}
	if d.hasVersion {
		h.Version = &d.common.Version
	}
	if d.eventRead && !d.eventNull {
		d.event = headEvent{DateTriggered: d.common.Event.DateTriggered, EventTypes: d.common.Event.EventTypes}
		h.Event, h.types = &d.event, d.types
	}
	return h
}

// readPayload returns a new payload of type typ, with its data read from the data member kept
// raw: the data member came before the event.
func (d *decoding) readPayload(typ string) (payload, error) {
	p := newPayload(typ)
	if !events.Present(d.dataRaw) {
		return p, nil
	}
	var h headData
	return p, p.readData(events.NewDecoder(d.dataRaw), &h)
}

// wire is the body's top level, each member read by a method of its own into the decoding.
// A member repeated calls its method again, as encoding/json would decode it again.
type wire struct {
	Version    versionMember  `json:"version"`
	WorkflowID idMember       `json:"workflow_id"`
	WebhookID  idMember       `json:"webhook_id"`
	Event      eventMember    `json:"event"`
	Resource   resourceMember `json:"resource"`
	Data       dataMember     `json:"data"`
}

// bind points every member of w at d.
func (w *wire) bind(d *decoding) {
	w.Version.d = d
	w.WorkflowID = idMember{d: d, id: &d.common.WorkflowID, sent: &d.workflowID}
	w.WebhookID = idMember{d: d, id: &d.common.WebhookID, sent: &d.webhookID}
	w.Event.d = d
	w.Resource.d = d
	w.Data.d = d
}

// versionMember reads version: a string, or null, which the head takes as no version and the
// payload ignores. Any other JSON type is an error, which the two passes name.
type versionMember struct{ d *decoding }

// UnmarshalJSONFrom reads the member's value.
func (m *versionMember) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d := m.d
	switch dec.PeekKind() {
	case 'n':
		d.hasVersion = false
		_, err := dec.ReadToken()
		return err
	case '"':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		d.common.Version, d.hasVersion = tok.String(), true
		return nil
	}
	return d.fallBack()
}

// idMember reads workflow_id or webhook_id: the payload's events.ID, and whether the head
// sees it sent. A value of another JSON type is accepted by the head and an error of the
// payload, which only the two-pass decoder tells apart.
type idMember struct {
	d    *decoding
	id   *events.ID
	sent *bool
}

// UnmarshalJSONFrom reads the member's value.
func (m *idMember) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	kind := dec.PeekKind()
	switch kind {
	case '"', '0', 'n':
		*m.sent = kind != 'n'
		return m.id.UnmarshalJSONFrom(dec)
	}
	return m.d.fallBack() // the payload's error, for a routed event only
}

// eventMember reads the event object, once: the payload's Event, of which the head reads the
// time and the types. On an error, of the head's (the event or its event types) or of the
// payload's (triggered_by), the two passes tell which it is and name its field.
type eventMember struct{ d *decoding }

// UnmarshalJSONFrom reads the member's value.
func (m *eventMember) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d := m.d
	if d.eventRead {
		return d.fallBack() // the head and the payload merge a repeated event differently
	}
	d.eventRead = true
	if dec.PeekKind() == 'n' {
		d.eventNull = true
		_, err := dec.ReadToken()
		return err
	}
	if err := jsonv2.UnmarshalDecode(dec, &d.common.Event); err != nil {
		return d.readError(err)
	}
	d.types = normalizeTypes(d.common.Event.EventTypes)
	if len(d.types) > 0 {
		d.typ = routedType(d.types)
	}
	return nil
}

// resourceMember reads the resource object, which the head and the payload read alike, but for
// their errors: of the resource or its id the head's, of its type the payload's.
type resourceMember struct{ d *decoding }

// UnmarshalJSONFrom reads the member's value.
func (m *resourceMember) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d := m.d
	if err := jsonv2.UnmarshalDecode(dec, &d.common.Resource); err != nil {
		return d.readError(err)
	}
	return nil
}

// dataMember reads the data member, once: into the payload when the event type is known by
// then, else only what the head needs; either way it keeps where the member is in the body.
type dataMember struct{ d *decoding }

// UnmarshalJSONFrom reads the member's value.
func (m *dataMember) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	d := m.d
	if d.dataRaw != nil {
		return d.fallBack() // the head merges a repeated data member, the payload does not
	}
	kind := dec.PeekKind()
	if kind == 'n' {
		d.dataRaw = []byte("null")
		_, err := dec.ReadToken()
		return err
	}
	start := dec.InputOffset()
	d.data = new(headData)
	var err error
	if p := newPayload(d.typ); p != nil {
		d.payload, d.payloadType = p, d.typ
		err = p.readData(dec, d.data)
	} else {
		err = d.data.readData(dec)
	}
	if err != nil {
		return d.readError(err)
	}
	raw := d.body[start:dec.InputOffset()]
	raw = raw[len(raw)-len(bytes.TrimLeft(raw, ": \t\r\n")):]
	if jsontext.Value(raw).Kind() != kind || kind == '{' && raw[len(raw)-1] != '}' {
		return d.fallBack() // not where the member is: read it again
	}
	d.dataRaw = raw
	return nil
}
