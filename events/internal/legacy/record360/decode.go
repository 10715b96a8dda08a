// Package r360legacy keeps the Record360 decoder as it was before events/record360 decoded in
// one pass with JSON v2: events.CheckObject, then a probe of the top-level members, then each
// part decoded again with encoding/json (through legacy.Unmarshal), the payload routed through
// a legacy.Table of legacy.Payload decoders. It decodes into the payload types of
// events/record360, whose encoding/json methods (Result.UnmarshalJSON) it relies on.
//
// It is the reference the differential tests of events/record360 compare the current decoder
// with; only tests import it. Do not change what it decodes: the current behaviour of Decode
// is the specification.
package r360legacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/internal/legacy"
	"github.com/inspecthook/inspecthook/events/record360"
)

// Name, V1 and V3 are record360's, for the copied code below to read as it did.
const (
	Name = record360.Name
	V1   = record360.V1
	V3   = record360.V3
)

// table routes every event type of record360 to its payload type, as its registry did.
var table = legacy.Table{
	record360.InspectionCreated.Name():    legacy.Payload[record360.Inspection],
	record360.TaskCompleted.Name():        legacy.Payload[record360.Task],
	record360.V1TransactionCreated.Name(): legacy.Payload[record360.Transaction],
	record360.V1TaskComplete.Name():       legacy.Payload[record360.Task],
	record360.V1TaskCompleted.Name():      legacy.Payload[record360.Task],
}

// EventTypes lists the event types the table routes, sorted, for a test to check it against
// record360.Provider().EventTypes().
func EventTypes() []string { return slices.Sorted(maps.Keys(table)) }

// Decode decodes body as record360.Provider().Decode did before the one-pass decoder.
func Decode(body []byte) (*events.Envelope, error) { return decode(body) }

// Everything below is the decoder of events/record360/decode.go as it was, with
// legacy.Unmarshal for events.Unmarshal and table for registry.

// probe holds, undecoded, the top-level fields that tell the two formats apart.
type probe struct {
	ID          json.RawMessage `json:"id"`
	CreatedAt   json.RawMessage `json:"created_at"`
	Object      json.RawMessage `json:"object"`
	Type        json.RawMessage `json:"type"`
	Data        json.RawMessage `json:"data"`
	Event       json.RawMessage `json:"event"`
	Transaction json.RawMessage `json:"transaction"`
	Task        json.RawMessage `json:"task"`
}

// isV3 reports a v3 envelope: "object": "event", or "data" or "type" without a v1 "event".
func (p *probe) isV3() bool {
	var object string
	if json.Unmarshal(p.Object, &object) == nil && object == "event" {
		return true
	}
	return p.Event == nil && (p.Data != nil || p.Type != nil)
}

// isV1 reports a v1 delivery: an "event" verb, or one of the documented v1 objects.
func (p *probe) isV1() bool {
	return p.Event != nil || p.Transaction != nil || p.Task != nil
}

func decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("record360: %w", err)
	}
	var p probe
	if err := legacy.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("record360: %w", err)
	}
	switch {
	case p.isV3():
		return decodeV3(body, &p)
	case p.isV1():
		return decodeV1(body, &p)
	}
	return nil, fmt.Errorf("record360: %w: neither a v3 event (object, type, data) nor a v1 delivery (event and an object)", events.ErrShape)
}

// v3Envelope is the v3 event object, checked with events.Validate. Data is read from the
// payload's own JSON by the routing table.
type v3Envelope struct {
	ID        events.ID   `json:"id" validate:"required"`
	Object    string      `json:"object"`
	Type      string      `json:"type" validate:"required"`
	CreatedAt events.Time `json:"created_at"`
	Data      v3Data      `json:"data"`
}

// v3Data is what the envelope requires of its data object.
type v3Data struct {
	Object string `json:"object" validate:"required"`
}

// decodeV3 reads the envelope's fields from the probe's raw values rather than decoding the
// whole body a second time.
func decodeV3(body []byte, p *probe) (*events.Envelope, error) {
	var w v3Envelope
	for _, field := range []struct {
		name string
		raw  json.RawMessage
		into any
	}{
		{"type", p.Type, &w.Type},
		{"id", p.ID, &w.ID},
		{"object", p.Object, &w.Object},
		{"created_at", p.CreatedAt, &w.CreatedAt},
		{"data", p.Data, &w.Data},
	} {
		if field.raw == nil {
			continue
		}
		if err := legacy.Unmarshal(field.raw, field.into); err != nil {
			return nil, fmt.Errorf("record360: v3: %w", events.InField(field.name, err))
		}
	}
	if w.Type == "" {
		return nil, fmt.Errorf("record360: v3: %w: \"type\" is missing or empty", events.ErrNoType)
	}
	env := &events.Envelope{
		Provider: Name,
		Version:  V3,
		ID:       string(w.ID),
		Type:     w.Type,
		Types:    []string{w.Type},
		Time:     w.CreatedAt,
		Raw:      body,
	}
	if w.ID != "" {
		env.IdempotencyKey = events.FieldKey(Name, "v3:"+string(w.ID))
	} else {
		env.IdempotencyKey = events.BodyKey(Name, body)
	}

	invalid := events.Validate(&w)
	var payloadErr error
	if events.Present(p.Data) {
		payload, err := table.Decode(w.Type, p.Data)
		if err != nil && !errors.Is(err, events.ErrInvalid) {
			// Only a routed type fails here, so the type named is one of ours.
			return nil, fmt.Errorf("record360: %s: %w", w.Type, events.InField("data", err))
		}
		env.Payload, payloadErr = payload, err
	}
	if err := events.JoinInvalid([]string{"", "data."}, invalid, payloadErr); err != nil {
		return env, fmt.Errorf("record360: v3: %w", err)
	}
	return env, nil
}

// v1Head holds what the idempotency key and the envelope's time are read from, in any v1
// object, known or not.
type v1Head struct {
	ID          events.ID   `json:"id"`
	CompletedAt events.Time `json:"completed_at"`
	UpdatedAt   events.Time `json:"updated_at"`
	CreatedAt   events.Time `json:"created_at"`
}

// stamp returns the object's latest lifecycle time that is present: completed_at, else
// updated_at, else created_at.
func (h *v1Head) stamp() events.Time {
	for _, t := range []events.Time{h.CompletedAt, h.UpdatedAt, h.CreatedAt} {
		if t.Raw != "" {
			return t
		}
	}
	return events.Time{}
}

func decodeV1(body []byte, p *probe) (*events.Envelope, error) {
	var verb string
	if p.Event != nil {
		if err := legacy.Unmarshal(p.Event, &verb); err != nil {
			return nil, fmt.Errorf("record360: v1: %w", events.InField("event", err))
		}
	}
	if verb == "" {
		return nil, fmt.Errorf("record360: v1: %w: \"event\" is missing or empty", events.ErrNoType)
	}
	object, data, err := v1Object(body, p)
	if err != nil {
		return nil, err
	}
	typ := "v1/" + object + "." + verb

	// The head is read leniently: an object whose fields do not have the expected types still
	// decodes when it is not a known one (a known one fails below, decoding its payload).
	var head v1Head
	if data != nil && json.Unmarshal(data, &head) != nil {
		head = v1Head{}
	}
	stamp := head.stamp()
	env := &events.Envelope{
		Provider: Name,
		Version:  V1,
		Type:     typ,
		Types:    []string{typ},
		Time:     stamp,
		Raw:      body,
	}
	if head.ID != "" {
		env.IdempotencyKey = events.DerivedKey(Name, V1, object, verb, string(head.ID), stamp.Raw)
	} else {
		env.IdempotencyKey = events.BodyKey(Name, body)
	}

	payload, err := table.Decode(typ, data)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		// Only a routed type fails here, so the type and object named are ones of ours.
		return nil, fmt.Errorf("record360: %s: %w", typ, events.InField(object, err))
	}
	env.Payload = payload
	if err := events.JoinInvalid([]string{object + "."}, err); err != nil {
		return env, fmt.Errorf("record360: v1: %w", err)
	}
	return env, nil
}

// v1Object returns the member name and the raw value of a v1 body's object: "transaction" or
// "task" when present (whatever their value), else the first other member, in body order, whose
// value is a JSON object. It returns an empty name and nil when there is none.
func v1Object(body []byte, p *probe) (string, json.RawMessage, error) {
	switch {
	case p.Transaction != nil:
		return "transaction", p.Transaction, nil
	case p.Task != nil:
		return "task", p.Task, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // the opening brace
		return "", nil, fmt.Errorf("record360: %w: %w", events.ErrNotJSON, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", nil, fmt.Errorf("record360: %w: %w", events.ErrNotJSON, err)
		}
		name, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return "", nil, fmt.Errorf("record360: %w: %w", events.ErrNotJSON, err)
		}
		// encoding/json matches "event" in any case; so does this.
		if !strings.EqualFold(name, "event") && len(value) > 0 && value[0] == '{' {
			return name, value, nil
		}
	}
	return "", nil, nil
}
