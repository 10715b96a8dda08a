package safetyculture

import (
	"bytes"
	"errors"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// payload is implemented by a pointer to each payload type (InspectionEvent, ActionEvent,
// IncidentEvent, MediaEvent): what Decode needs to build a payload from the parts of the body it
// read, in the one pass over the body.
type payload interface {
	// common returns the payload's Common, which Decode fills from the body's top level.
	common() *Common

	// readData decodes the body's data member, the next value of dec, which is not null, into
	// the payload's Data, and into h what the head reads of it: the same value h.readData
	// gives, as long as readData returns no error.
	readData(dec *jsontext.Decoder, h *headData) error

	// setRaw keeps raw, the data member exactly as sent, where the payload keeps it.
	setRaw(raw []byte)
}

// payloads routes every event type of the registry to a constructor of its payload; register
// fills both tables, so that they list the same types.
var payloads = map[string]func() payload{}

// register declares an event type of payload type T, in the registry and in payloads.
func register[T any, P interface {
	*T
	payload
}](name string) events.Event[T] {
	ev := events.Register[T](registry, name)
	payloads[name] = func() payload { return P(new(T)) }
	return ev
}

// newPayload returns a new payload for the event type, or nil for a type not routed.
func newPayload(name string) payload {
	if f, ok := payloads[name]; ok {
		return f()
	}
	return nil
}

func (e *InspectionEvent) common() *Common { return &e.Common }
func (e *ActionEvent) common() *Common     { return &e.Common }
func (e *IncidentEvent) common() *Common   { return &e.Common }
func (e *MediaEvent) common() *Common      { return &e.Common }

// The plain types have the fields of the data types without their methods, for the methods to
// decode into.
type (
	plainInspectionData InspectionData
	plainAction         Action
	plainMedia          Media
)

// The readData methods decode into the payload's Data through an embedded pointer, beside the
// members of headFields the data type does not have.

func (e *InspectionEvent) readData(dec *jsontext.Decoder, h *headData) error {
	data := struct {
		*plainInspectionData
		MediaID looseID `json:"media_id"`
	}{plainInspectionData: (*plainInspectionData)(&e.Data)}
	if err := jsonv2.UnmarshalDecode(dec, &data); err != nil {
		return err
	}
	fields := headFields{MediaID: data.MediaID}
	if a := e.Data.Audit; a != nil {
		fields.Audit = &looseAudit{AuditID: looseID(a.AuditID)}
	}
	if d := e.Data.Details; d != nil {
		fields.Details = &looseDetails{ModifyTime: d.ModifyTime}
	}
	h.set(&fields)
	return nil
}

func (e *ActionEvent) readData(dec *jsontext.Decoder, h *headData) error {
	data := struct {
		*plainAction
		headFields
	}{plainAction: (*plainAction)(&e.Data)}
	if err := jsonv2.UnmarshalDecode(dec, &data); err != nil {
		return err
	}
	h.set(&data.headFields)
	return nil
}

func (e *IncidentEvent) readData(dec *jsontext.Decoder, h *headData) error {
	return h.readData(dec) // the data itself is kept raw, by setRaw
}

func (e *MediaEvent) readData(dec *jsontext.Decoder, h *headData) error {
	data := struct {
		*plainMedia
		Audit   *looseAudit   `json:"audit"`
		Details *looseDetails `json:"details"`
	}{plainMedia: (*plainMedia)(&e.Data)}
	if err := jsonv2.UnmarshalDecode(dec, &data); err != nil {
		return err
	}
	h.set(&headFields{Audit: data.Audit, Details: data.Details, MediaID: looseID(e.Data.MediaID)})
	return nil
}

func (e *InspectionEvent) setRaw(raw []byte) {
	if events.Present(raw) {
		e.Data.Raw = bytes.Clone(raw)
	}
}

func (e *ActionEvent) setRaw(raw []byte) {
	if events.Present(raw) {
		e.Data.Raw = bytes.Clone(raw)
	}
}

// setRaw keeps data of any JSON type, null included, as a json.RawMessage does.
func (e *IncidentEvent) setRaw(raw []byte) { e.Data = bytes.Clone(raw) }

func (e *MediaEvent) setRaw(raw []byte) {
	if events.Present(raw) {
		e.Data.Raw = bytes.Clone(raw)
	}
}

// unmarshalValue decodes raw, the value just read from dec, into v with dec's options, for an
// UnmarshalJSONFrom method that keeps the value's bytes. An error of a type is reported where
// it is in the whole of what dec reads, for its path to start at the top of the body.
func unmarshalValue(dec *jsontext.Decoder, raw jsontext.Value, v any) error {
	err := jsonv2.Unmarshal(raw, v, dec.Options())
	var sem *jsonv2.SemanticError
	if errors.As(err, &sem) {
		sem.JSONPointer = dec.StackPointer() + sem.JSONPointer
		sem.ByteOffset += dec.InputOffset() - int64(len(raw))
	}
	return err
}

// headData is what the head of a body reads of its data member: the ids of the idempotency key
// and whether there is an audit, which marks the legacy format. It reads data of any shape
// without an error, as it did with encoding/json: what it cannot read (an array, an audit id
// that is an object) it leaves as it was, and the payload decoder judges the data.
type headData struct {
	AuditID    events.ID
	MediaID    events.ID
	ModifyTime string
	HasAudit   bool
}

// headFields are the members of the data object the head reads, in types that never fail.
type headFields struct {
	Audit   *looseAudit   `json:"audit"`
	Details *looseDetails `json:"details"`
	MediaID looseID       `json:"media_id"`
}

// set records what one data member gave: a later data member overrides the audit and the
// details only when it has them, and the media id always.
func (d *headData) set(f *headFields) {
	if f.Audit != nil {
		d.HasAudit, d.AuditID = true, events.ID(f.Audit.AuditID)
	}
	if f.Details != nil {
		d.ModifyTime = f.Details.ModifyTime.Raw
	}
	d.MediaID = events.ID(f.MediaID)
}

// readData reads a data member, the next value of dec, which is not null: an object's
// headFields, nothing of any other JSON value.
func (d *headData) readData(dec *jsontext.Decoder) error {
	var fields headFields
	if dec.PeekKind() != '{' {
		if err := dec.SkipValue(); err != nil {
			return err
		}
	} else if err := jsonv2.UnmarshalDecode(dec, &fields); err != nil {
		return err
	}
	d.set(&fields)
	return nil
}

// UnmarshalJSONFrom reads a data member for the two-pass decoder.
func (d *headData) UnmarshalJSONFrom(dec *jsontext.Decoder) error { return d.readData(dec) }

// looseID reads an events.ID, and skips a value of any other JSON type, leaving the ID as it was.
type looseID events.ID

// UnmarshalJSONFrom reads a string, a number or null as events.ID does; it skips anything else.
func (id *looseID) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case '"', '0', 'n':
		return (*events.ID)(id).UnmarshalJSONFrom(dec)
	}
	return dec.SkipValue()
}

// looseAudit is the audit of a legacy data object, as the head reads it. A value that is not an
// object is skipped, and leaves the audit present.
type looseAudit struct {
	AuditID looseID `json:"audit_id"`
}

// UnmarshalJSONFrom reads an object's audit_id and skips any other value.
func (a *looseAudit) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return dec.SkipValue()
	}
	type plain looseAudit
	return jsonv2.UnmarshalDecode(dec, (*plain)(a))
}

// looseDetails is the details block of a newer data object, as the head reads it. A value that
// is not an object is skipped, and leaves the details present.
type looseDetails struct {
	ModifyTime events.Time `json:"modify_time"`
}

// UnmarshalJSONFrom reads an object's modify_time and skips any other value.
func (d *looseDetails) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return dec.SkipValue()
	}
	type plain looseDetails
	return jsonv2.UnmarshalDecode(dec, (*plain)(d))
}
