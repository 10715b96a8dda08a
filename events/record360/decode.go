package record360

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// wire is a delivery's top level, in either format: the members that tell the formats apart,
// kept raw until the format found says how to read them (the same "type" is a v3 string and may
// be a v1 object), and the v3 event time, which reads any JSON value. Decoding it
// (events.DecodeObject) checks the whole body. A member is present when its raw value is not
// empty: wires are reused, their buffers emptied (see wires).
type wire struct {
	ID          jsontext.Value `json:"id"`
	CreatedAt   events.Time    `json:"created_at"`
	Object      jsontext.Value `json:"object"`
	Type        jsontext.Value `json:"type"`
	Data        jsontext.Value `json:"data"`
	Event       jsontext.Value `json:"event"`
	Transaction jsontext.Value `json:"transaction"`
	Task        jsontext.Value `json:"task"`
}

// wires recycles the wires Decode reads bodies into, so that the buffers of their raw members,
// "data" most of a v3 body, are reused instead of allocated for every delivery. Nothing decoded
// refers to them: payloads copy what they keep.
var wires = sync.Pool{New: func() any { return new(wire) }}

// maxPooledData bounds the "data" buffer a wire keeps in the pool.
const maxPooledData = 64 << 10

// release empties w, keeping its buffers, and puts it back in the pool.
func (w *wire) release() {
	if cap(w.Data) > maxPooledData {
		return
	}
	*w = wire{ID: w.ID[:0], Object: w.Object[:0], Type: w.Type[:0], Data: w.Data[:0],
		Event: w.Event[:0], Transaction: w.Transaction[:0], Task: w.Task[:0]}
	wires.Put(w)
}

// v3Envelope is the v3 event object, checked with events.Validate. The payload is decoded from
// "data" by the routing table, once "type" is known.
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

// decode decodes body by the rules of the package documentation.
func decode(body []byte) (*events.Envelope, error) {
	w := wires.Get().(*wire)
	defer w.release()
	if err := events.DecodeObject(body, w); err != nil {
		return nil, fmt.Errorf("record360: %w", err)
	}
	// "object" is read once: it tells v3, and v3 requires it to be a string.
	var object string
	var objectErr error
	if len(w.Object) > 0 {
		objectErr = events.Unmarshal(w.Object, &object)
	}
	switch {
	case objectErr == nil && object == "event",
		len(w.Event) == 0 && (len(w.Data) > 0 || len(w.Type) > 0):
		return w.decodeV3(body, object, objectErr)
	case len(w.Event) > 0 || len(w.Transaction) > 0 || len(w.Task) > 0:
		return w.decodeV1(body)
	}
	return nil, fmt.Errorf("record360: %w: neither a v3 event (object, type, data) nor a v1 delivery (event and an object)", events.ErrShape)
}

// decodeV3 reads the envelope's members in a fixed order, the first one at fault giving the
// error, then the payload.
func (w *wire) decodeV3(body []byte, object string, objectErr error) (*events.Envelope, error) {
	env := v3Envelope{Object: object, CreatedAt: w.CreatedAt}
	if err := unmarshalMember(w.Type, &env.Type, "type"); err != nil {
		return nil, fmt.Errorf("record360: v3: %w", err)
	}
	if err := unmarshalMember(w.ID, &env.ID, "id"); err != nil {
		return nil, fmt.Errorf("record360: v3: %w", err)
	}
	if objectErr != nil {
		return nil, fmt.Errorf("record360: v3: %w", events.InField("object", objectErr))
	}

	// A routed payload brings its data's "object" (Inspection and Task have it). The data is
	// read for it alone only for a type not routed, or when the payload fails: a data that is
	// not an object, or whose "object" is not a string, is the envelope's fault, reported first.
	var payload any
	var payloadErr error
	if events.Present(w.Data) {
		payload, payloadErr = registry.Decode(env.Type, w.Data)
	}
	if p, ok := payload.(interface{ dataObject() string }); ok {
		env.Data.Object = p.dataObject()
	} else if err := unmarshalMember(w.Data, &env.Data, "data"); err != nil {
		return nil, fmt.Errorf("record360: v3: %w", err)
	}
	if env.Type == "" {
		return nil, fmt.Errorf("record360: v3: %w: \"type\" is missing or empty", events.ErrNoType)
	}
	if payloadErr != nil && !errors.Is(payloadErr, events.ErrInvalid) {
		// Only a routed type fails here, so the type named is one of ours.
		return nil, fmt.Errorf("record360: %s: %w", env.Type, events.InField("data", payloadErr))
	}
	e := &events.Envelope{
		Provider: Name,
		Version:  V3,
		ID:       string(env.ID),
		Type:     env.Type,
		Types:    []string{env.Type},
		Time:     env.CreatedAt,
		Raw:      body,
		Payload:  payload,
	}
	if env.ID != "" {
		e.IdempotencyKey = events.FieldKey(Name, "v3:"+string(env.ID))
	} else {
		e.IdempotencyKey = events.BodyKey(Name, body)
	}
	if err := events.JoinInvalid([]string{"", "data."}, events.Validate(&env), payloadErr); err != nil {
		return e, fmt.Errorf("record360: v3: %w", err)
	}
	return e, nil
}

func (w *wire) decodeV1(body []byte) (*events.Envelope, error) {
	var verb string
	if err := unmarshalMember(w.Event, &verb, "event"); err != nil {
		return nil, fmt.Errorf("record360: v1: %w", err)
	}
	if verb == "" {
		return nil, fmt.Errorf("record360: v1: %w: \"event\" is missing or empty", events.ErrNoType)
	}
	var object string
	var data jsontext.Value
	switch {
	case len(w.Transaction) > 0:
		object, data = "transaction", w.Transaction
	case len(w.Task) > 0:
		object, data = "task", w.Task
	default:
		object, data = firstObject(body)
	}
	typ := "v1/" + object + "." + verb

	// The head is read leniently: an object whose fields do not have the expected types still
	// decodes when it is not a known one (a known one fails below, decoding its payload).
	var head v1Head
	if len(data) > 0 && events.Unmarshal(data, &head) != nil {
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
	payload, err := registry.Decode(typ, data)
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

// unmarshalMember decodes raw, the value of the top-level member field, into v, unless the
// member was absent; a *events.FieldError names its path from the top of the body.
func unmarshalMember(raw jsontext.Value, v any, field string) error {
	if len(raw) == 0 {
		return nil
	}
	return events.InField(field, events.Unmarshal(raw, v))
}

// firstObject returns the name and the value of body's first member, in body order, whose
// value is a JSON object, "event" (in any case) aside; "" and nil when there is none. It is
// only needed for a v1 body without "transaction" or "task".
func firstObject(body []byte) (string, jsontext.Value) {
	// A Go map has no order: each name keeps the offset of its first object. Without the merge
	// semantics of events.Unmarshal, a repeated name decodes into the value already there, which
	// keeps it. The body was checked by DecodeObject.
	var members map[string]objectAt
	_ = json.Unmarshal(body, &members, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var name string
	var first objectAt
	for n, m := range members {
		if m.value != nil && !strings.EqualFold(n, "event") && (first.value == nil || m.at < first.at) {
			name, first = n, m
		}
	}
	return name, first.value
}

// objectAt is the first value of a member that is a JSON object, and its offset in the body.
type objectAt struct {
	at    int64
	value jsontext.Value
}

// UnmarshalJSONFrom keeps the value when it is the member's first object.
func (o *objectAt) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	at := dec.InputOffset()
	val, err := dec.ReadValue()
	if err == nil && o.value == nil && val.Kind() == '{' {
		o.at, o.value = at, val.Clone()
	}
	return err
}
