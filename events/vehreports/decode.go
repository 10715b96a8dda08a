package vehreports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Name is the provider's name, as in Envelope.Provider and the prefix of idempotency keys.
const Name = "vehreports"

// Version is Envelope.Version for every envelope shape Decode accepts. vehReports does not
// version its (unpublished) body; the name leaves room for one that does.
const Version = "v1"

// Provider returns the vehReports decoder. It holds no state and is safe for concurrent use.
// It is also an events.KeyScanner.
func Provider() events.Provider { return provider{} }

type provider struct{}

func (provider) Name() string { return Name }

// EventTypes returns the event types this package declares an event for, sorted.
func (provider) EventTypes() []string { return registry.Names() }

// PayloadType returns the type eventType's payload decodes to, or nil for a type this package
// does not know; it implements events.PayloadTyper.
func (provider) PayloadType(eventType string) reflect.Type { return registry.PayloadType(eventType) }

// envelope is what every delivery must carry, whatever its event.
type envelope struct {
	ID   events.ID `json:"id" validate:"required"`
	Type string    `json:"type" validate:"required"`
}

// Decode reads one delivery. See the package documentation for the shapes and errors.
//
// It reads the body once, member by member. The payload is decoded where the "data" member is,
// when the event type came before it (as it does in every delivery seen), and otherwise from
// its bytes once the body is read.
func (provider) Decode(body []byte) (*events.Envelope, error) {
	var h head
	err := h.read(body, true)
	if errors.Is(err, errRetry) {
		h = head{}
		err = h.read(body, false)
	}
	if err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	return h.envelope(body)
}

// errRetry says that a payload decoded in place left the decoder inside it: the body is read
// again, with the payload decoded from its bytes.
var errRetry = errors.New("vehreports: read the body again")

// head is what a read of the body finds in its members. Where a name is repeated, the last one
// wins, as with encoding/json.
type head struct {
	id        events.ID
	idKind    jsontext.Kind // of the last "id": 0 when missing or null
	typ       str           // "type"
	event     str           // "event"
	createdAt events.Time
	timestamp events.Time
	occurred  events.Time

	// The last "data" member: its bytes in the body, and, when it was decoded in place, the
	// event type it was decoded as and what the registry returned.
	data       []byte
	decodedAs  string
	decoded    bool
	payload    any
	payloadErr error
}

// str is a member that should be a string: its JSON kind (0 when missing or null) and, for a
// string, its text.
type str struct {
	kind jsontext.Kind
	text string
}

// nonEmpty returns the text of a member that is a non-empty JSON string, and whether it is one.
func (s str) nonEmpty() (string, bool) { return s.text, s.kind == '"' && s.text != "" }

// The envelope's members.
const (
	memberOther = iota
	memberID
	memberType
	memberEvent
	memberCreatedAt
	memberTimestamp
	memberOccurredAt
	memberData
)

// envelopeNames are the member names Decode reads, by member.
var envelopeNames = [...]string{
	memberID: "id", memberType: "type", memberEvent: "event", memberCreatedAt: "created_at",
	memberTimestamp: "timestamp", memberOccurredAt: "occurred_at", memberData: "data",
}

// envelopeMember returns the member a name is, matched as encoding/json matches it: exactly,
// or else case-insensitively.
func envelopeMember(name string) int {
	switch name {
	case "id":
		return memberID
	case "type":
		return memberType
	case "event":
		return memberEvent
	case "created_at":
		return memberCreatedAt
	case "timestamp":
		return memberTimestamp
	case "occurred_at":
		return memberOccurredAt
	case "data":
		return memberData
	}
	for m, n := range envelopeNames {
		if n != "" && strings.EqualFold(name, n) {
			return m
		}
	}
	return memberOther
}

// read reads the members of body. With inPlace, the payload is decoded from the decoder when
// the event type is known by the time "data" is reached; without it, only its bytes are kept.
// A syntax error anywhere is reported (as events.ErrNotJSON); other errors wait for envelope.
func (h *head) read(body []byte, inPlace bool) error {
	dec, err := events.StartObject(body)
	if err != nil {
		return err
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return events.BodyError(body, err)
		}
		switch envelopeMember(tok.String()) {
		case memberID:
			err = h.readID(dec)
		case memberType:
			err = h.typ.read(dec)
		case memberEvent:
			err = h.event.read(dec)
		case memberCreatedAt:
			err = readTime(dec, &h.createdAt)
		case memberTimestamp:
			err = readTime(dec, &h.timestamp)
		case memberOccurredAt:
			err = readTime(dec, &h.occurred)
		case memberData:
			err = h.readData(dec, body, inPlace)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return events.BodyError(body, err)
		}
	}
	if _, err := dec.ReadToken(); err != nil { // the closing brace
		return events.BodyError(body, err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		// Something after the object: CheckObject's error for it.
		if err := events.CheckObject(body); err != nil {
			return err
		}
		return fmt.Errorf("%w: data after the top-level object", events.ErrNotJSON)
	}
	return nil
}

// readID reads the "id" member.
func (h *head) readID(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	h.idKind, h.id = val.Kind(), ""
	switch h.idKind {
	case '"':
		h.id = events.ID(unquoteValue(val))
	case '0':
		h.id = events.ID(val)
	case 'n':
		h.idKind = 0
	}
	return nil
}

// read reads a member that should be a string.
func (s *str) read(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*s = str{kind: val.Kind()}
	switch s.kind {
	case '"':
		s.text = unquoteValue(val)
	case 'n':
		s.kind = 0
	}
	return nil
}

// unquoteValue returns the contents of a JSON string value, unescaped as encoding/json does.
func unquoteValue(val jsontext.Value) string {
	inner := val[1 : len(val)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) // valid UTF-8: the body was checked
	}
	return unquote(inner)
}

// readTime reads a time member; any JSON value is read, as events.Time reads it.
func readTime(dec *jsontext.Decoder, t *events.Time) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return t.UnmarshalJSON(val)
}

// readData reads the "data" member: in place when inPlace and the event type is known, else
// by its bytes.
func (h *head) readData(dec *jsontext.Decoder, body []byte, inPlace bool) error {
	h.data, h.decoded, h.decodedAs, h.payload, h.payloadErr = nil, false, "", nil, nil
	start := dec.InputOffset()
	typ, ok := h.eventTypeSoFar()
	if inPlace && ok && dec.PeekKind() != 'n' {
		h.payload, h.payloadErr = registry.DecodeFrom(typ, dec)
		if errors.Is(h.payloadErr, events.ErrNotJSON) {
			return h.payloadErr
		}
		if dec.StackDepth() != 1 {
			return errRetry
		}
		h.decoded, h.decodedAs = true, typ
	} else if err := dec.SkipValue(); err != nil {
		return err
	}
	h.data = valueAt(body[start:dec.InputOffset()])
	if !events.Present(h.data) {
		h.data, h.decoded, h.payload, h.payloadErr = nil, false, nil, nil
	}
	return nil
}

// valueAt returns the value of b, the bytes from the end of a member's name to the end of
// its value: without the colon and the whitespace around it.
func valueAt(b []byte) []byte {
	for len(b) > 0 {
		switch b[0] {
		case ' ', '\t', '\r', '\n', ':':
			b = b[1:]
			continue
		}
		break
	}
	return b
}

// eventTypeSoFar returns the event type the members read so far name: the first of "type"
// and "event" that is a non-empty string.
func (h *head) eventTypeSoFar() (string, bool) {
	if s, ok := h.typ.nonEmpty(); ok {
		return s, true
	}
	return h.event.nonEmpty()
}

// eventType returns the event type: the first of "type" and "event" that is a non-empty JSON
// string. When neither is and one is of another JSON type, the error is a *events.FieldError
// naming it.
func (h *head) eventType() (string, error) {
	if s, ok := h.eventTypeSoFar(); ok {
		return s, nil
	}
	for _, m := range []struct {
		name string
		kind jsontext.Kind
	}{{"type", h.typ.kind}, {"event", h.event.kind}} {
		if m.kind != 0 && m.kind != '"' {
			return "", &events.FieldError{Path: m.name, JSONType: events.KindName(m.kind), Want: "string"}
		}
	}
	return "", fmt.Errorf("%w: type and event are missing or empty", events.ErrNoType)
}

// envelope checks what read found and returns the envelope.
func (h *head) envelope(body []byte) (*events.Envelope, error) {
	if h.idKind == 0 && h.typ.kind == 0 && h.event.kind == 0 && h.data == nil {
		return nil, fmt.Errorf("vehreports: %w: no id, type, event or data", events.ErrShape)
	}
	typ, err := h.eventType()
	if err != nil {
		return nil, fmt.Errorf("vehreports: %w", err)
	}
	switch h.idKind {
	case 0, '"', '0':
	default:
		return nil, fmt.Errorf("vehreports: %w", &events.FieldError{Path: "id", JSONType: events.KindName(h.idKind), Want: idType.String()})
	}

	env := &events.Envelope{
		Provider:       Name,
		Version:        Version,
		ID:             string(h.id),
		Type:           typ,
		Types:          []string{typ},
		Time:           firstTime(&h.createdAt, &h.timestamp, &h.occurred),
		IdempotencyKey: events.IDKey(Name, h.id, body),
		Raw:            body,
	}
	invalid := events.Validate(&envelope{ID: h.id, Type: typ})
	payload, err := h.payload, h.payloadErr
	if !h.decoded || h.decodedAs != typ {
		data := h.data
		if data == nil {
			data = []byte("null")
		}
		payload, err = registry.Decode(typ, data)
	}
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		// Only a routed type fails here, so the type named is one of ours.
		return nil, fmt.Errorf("vehreports: %s: %w", typ, events.InField("data", err))
	}
	env.Payload = payload
	if err := events.JoinInvalid([]string{"", "data."}, invalid, err); err != nil {
		return env, fmt.Errorf("vehreports: %w", err)
	}
	return env, nil
}

// firstTime returns the first time that was sent (not missing, null or empty).
func firstTime(times ...*events.Time) events.Time {
	for _, t := range times {
		if t.Raw != "" || !t.Time.IsZero() {
			return *t
		}
	}
	return events.Time{}
}
