package record360

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// Decoding reads a body in one pass (events.DecodeObject, with wire reading the top-level
// members itself): the members that tell the formats apart and make the envelope are kept as
// the raw bytes of the body they occupy, to be read once the pass has seen every member, and
// the v3 payload is decoded where it stands, from the same pass, when "type" came before
// "data" (as Record360 sends them). When what the pass assumed turns out wrong (a later
// "type" or "data" overrides the one used), the payload is decoded again from its bytes; when
// decoding it in place fails, the body is read once more without decoding in place, so that
// the error is the one the members' order calls for. Either way the result is the one of the
// rules in the package documentation, which read members as encoding/json does: names match
// case-insensitively and the last of a repeated name wins.

// member tells apart the top-level members the decoder reads.
type member int

const (
	memberOther member = iota
	memberID
	memberCreatedAt
	memberObject
	memberType
	memberData
	memberEvent
	memberTransaction
	memberTask
	memberCount
)

// topMembers names the top-level members, by member.
var topMembers = []string{
	memberID:          "id",
	memberCreatedAt:   "created_at",
	memberObject:      "object",
	memberType:        "type",
	memberData:        "data",
	memberEvent:       "event",
	memberTransaction: "transaction",
	memberTask:        "task",
}

// wire is what one pass over a body collects: the raw value of each member (the last of a
// repeated name), the first member holding an object (the v1 object when no "transaction" or
// "task" is present), and the payload when it was decoded in place.
type wire struct {
	body    []byte
	inPlace bool // decode payloads where they stand

	raw [memberCount][]byte // sub-slices of body; nil when the member is absent
	at  [memberCount]int64  // the offset in body of each raw value

	// firstObject is the first member, in body order, whose value is an object and whose name
	// is not "event": its quoted name and its value.
	firstObjectName, firstObject []byte

	// decoded is the last payload decoded in place; see inPlace.
	decoded inPlaceDecoded

	// failed is the error of decoding a payload in place, after which the pass stopped.
	failed error
}

// inPlaceDecoded is a payload decoded where it stood: the v3 "data" or the v1 object.
type inPlaceDecoded struct {
	member  member // memberOther when nothing was decoded
	at      int64  // the offset of the value decoded
	typ     string // the event type it was decoded as
	payload any    // nil for a type not routed
	err     error  // the payload's validation failure, if any

	// dataObject is the v3 data's "object" member, when hasDataObject.
	dataObject    string
	hasDataObject bool
}

// errStopped ends a pass whose in-place decoding failed (wire.failed has the reason).
var errStopped = errors.New("record360: stopped")

// UnmarshalJSONFrom reads the body's members from dec, decoding a payload where it stands when
// its event type is already known. It returns syntax errors as they are, for
// events.DecodeObject to report; a failure to decode a payload stops the pass with errStopped.
func (w *wire) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() == '"' {
		quoted, err := dec.ReadValue()
		if err != nil {
			return err
		}
		name := w.last(dec, len(quoted))
		m := member(memberIndex(name, topMembers))
		var raw []byte
		if typ, ok := w.inPlaceType(m, dec); ok {
			start := dec.InputOffset()
			if err := w.decodeInPlace(dec, m, typ); err != nil {
				return err
			}
			end := dec.InputOffset()
			raw = bytes.TrimLeft(w.body[start:end:end], " \t\r\n:")
			w.decoded.at = end - int64(len(raw))
		} else {
			val, err := dec.ReadValue()
			if err != nil {
				return err
			}
			raw = w.last(dec, len(val))
		}
		if m != memberOther {
			w.raw[m], w.at[m] = raw, dec.InputOffset()-int64(len(raw))
		}
		if w.firstObject == nil && raw[0] == '{' && !equalFoldName(name, "event") {
			w.firstObjectName, w.firstObject = name, raw
		}
	}
	_, err := dec.ReadToken()
	return err
}

// last returns the n bytes of body the decoder read last.
func (w *wire) last(dec *jsontext.Decoder, n int) []byte {
	end := dec.InputOffset()
	return w.body[end-int64(n) : end : end]
}

// inPlaceType returns the event type the value of member m, next in dec, would be decoded as,
// judging by the members read so far, when it is an object worth decoding in place: v3 "data"
// after a "type", and a v1 "transaction" or "task" of a routed type after an "event", as
// Record360 orders them. What the loop assumes is checked when the body has been read
// (decodedFor).
func (w *wire) inPlaceType(m member, dec *jsontext.Decoder) (string, bool) {
	if !w.inPlace || m == memberOther || dec.PeekKind() != '{' {
		return "", false
	}
	switch m {
	case memberData:
		return plainString(w.raw[memberType])
	case memberTransaction, memberTask:
		if m == memberTask && w.raw[memberTransaction] != nil {
			return "", false // the transaction is the object
		}
		verb, ok := plainString(w.raw[memberEvent])
		if !ok || verb == "" {
			return "", false
		}
		typ := "v1/" + topMembers[m] + "." + verb
		return typ, registry.Has(typ)
	}
	return "", false
}

// decodeInPlace decodes the value of member m, an object, where it stands as the payload of
// the event type typ (only the "object" a v3 envelope requires of its data, for a type not
// routed).
func (w *wire) decodeInPlace(dec *jsontext.Decoder, m member, typ string) error {
	d := inPlaceDecoded{member: m, typ: typ}
	if registry.Has(typ) {
		payload, err := registry.DecodeFrom(typ, dec)
		if err != nil && !errors.Is(err, events.ErrInvalid) {
			w.failed = err
			return errStopped
		}
		d.payload, d.err = payload, err
		if p, ok := payload.(interface{ dataObject() string }); ok {
			d.dataObject, d.hasDataObject = p.dataObject(), true
		}
	} else {
		var data v3Data
		if err := events.UnmarshalFrom(dec, &data); err != nil {
			w.failed = err
			return errStopped
		}
		d.dataObject, d.hasDataObject = data.Object, true
	}
	w.decoded = d
	return nil
}

// decodedFor returns the payload decoded in place when it is the one of the event type typ
// read from member m, as the body turned out to be.
func (w *wire) decodedFor(m member, typ string) (*inPlaceDecoded, bool) {
	d := &w.decoded
	ok := m != memberOther && d.member == m && w.raw[m] != nil && d.at == w.at[m] && d.typ == typ
	return d, ok
}

// plainString returns the contents of raw, a member's value, when it is a JSON string without
// escapes; a routed event type costs no allocation.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
		return "", false
	}
	return eventType(raw[1 : len(raw)-1]), true
}

// eventType returns s as a string, the event name itself when it is a routed one, so that the
// common types cost no allocation.
func eventType(s []byte) string {
	if name, ok := routedNames()[string(s)]; ok {
		return name
	}
	return string(s)
}

// routedNames returns the routed event types, each mapped to itself. It is built on first use,
// once the package's events are registered.
var routedNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, name := range registry.Names() {
		m[name] = name
	}
	return m
})

// decode reads body in one pass; see the package documentation for the rules.
func decode(body []byte) (*events.Envelope, error) {
	w := &wire{body: body, inPlace: true}
	err := events.DecodeObject(body, w)
	if w.failed != nil {
		// Decoding the payload in place failed: read the body again keeping every member's
		// bytes, for the error to be the one of the first member at fault (or ErrNotJSON for
		// a syntax error further on).
		w = &wire{body: body}
		err = events.DecodeObject(body, w)
	}
	if err != nil {
		return nil, fmt.Errorf("record360: %w", err)
	}
	switch {
	case w.isV3():
		return w.decodeV3()
	case w.isV1():
		return w.decodeV1()
	}
	return nil, fmt.Errorf("record360: %w: neither a v3 event (object, type, data) nor a v1 delivery (event and an object)", events.ErrShape)
}

// isV3 reports a v3 envelope: "object": "event", or "data" or "type" without a v1 "event".
func (w *wire) isV3() bool {
	if isString(w.raw[memberObject], "event") {
		return true
	}
	return w.raw[memberEvent] == nil && (w.raw[memberData] != nil || w.raw[memberType] != nil)
}

// isV1 reports a v1 delivery: an "event" verb, or one of the documented v1 objects.
func (w *wire) isV1() bool {
	return w.raw[memberEvent] != nil || w.raw[memberTransaction] != nil || w.raw[memberTask] != nil
}

// v3Envelope is the v3 event object, checked with events.Validate. The payload is decoded from
// "data" by the routing table.
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

// decodeV3 reads the envelope's members in a fixed order, the first one at fault giving the
// error, then the payload.
func (w *wire) decodeV3() (*events.Envelope, error) {
	var env v3Envelope
	var err error
	if env.Type, err = readString(w.raw[memberType]); err != nil {
		return nil, fmt.Errorf("record360: v3: %w", events.InField("type", err))
	}
	if env.ID, err = readID(w.raw[memberID]); err != nil {
		return nil, fmt.Errorf("record360: v3: %w", events.InField("id", err))
	}
	if err = checkString(w.raw[memberObject]); err != nil {
		return nil, fmt.Errorf("record360: v3: %w", events.InField("object", err))
	}
	if raw := w.raw[memberCreatedAt]; raw != nil {
		_ = env.CreatedAt.UnmarshalJSON(raw) // never fails
	}
	data := w.raw[memberData]
	decoded, inPlace := w.decodedFor(memberData, env.Type)
	switch {
	case inPlace && decoded.hasDataObject:
		env.Data.Object = decoded.dataObject
	case data != nil:
		if err := events.Unmarshal(data, &env.Data); err != nil {
			return nil, fmt.Errorf("record360: v3: %w", events.InField("data", err))
		}
	}
	if env.Type == "" {
		return nil, fmt.Errorf("record360: v3: %w: \"type\" is missing or empty", events.ErrNoType)
	}
	e := &events.Envelope{
		Provider: Name,
		Version:  V3,
		ID:       string(env.ID),
		Type:     env.Type,
		Types:    []string{env.Type},
		Time:     env.CreatedAt,
		Raw:      w.body,
	}
	if env.ID != "" {
		e.IdempotencyKey = events.FieldKey(Name, "v3:"+string(env.ID))
	} else {
		e.IdempotencyKey = events.BodyKey(Name, w.body)
	}

	invalid := events.Validate(&env)
	var payloadErr error
	if events.Present(data) {
		var payload any
		if inPlace {
			payload, err = decoded.payload, decoded.err
		} else {
			payload, err = registry.Decode(env.Type, data)
		}
		if err != nil && !errors.Is(err, events.ErrInvalid) {
			// Only a routed type fails here, so the type named is one of ours.
			return nil, fmt.Errorf("record360: %s: %w", env.Type, events.InField("data", err))
		}
		e.Payload, payloadErr = payload, err
	}
	if err := events.JoinInvalid([]string{"", "data."}, invalid, payloadErr); err != nil {
		return e, fmt.Errorf("record360: v3: %w", err)
	}
	return e, nil
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

func (w *wire) decodeV1() (*events.Envelope, error) {
	verb, err := readString(w.raw[memberEvent])
	if err != nil {
		return nil, fmt.Errorf("record360: v1: %w", events.InField("event", err))
	}
	if verb == "" {
		return nil, fmt.Errorf("record360: v1: %w: \"event\" is missing or empty", events.ErrNoType)
	}
	object, m, data := w.v1Object()
	typ := "v1/" + object + "." + verb
	decoded, inPlace := w.decodedFor(m, typ)

	// The head is read leniently: an object whose fields do not have the expected types still
	// decodes when it is not a known one (a known one fails below, decoding its payload). A
	// payload decoded in place that holds every field of the head gives it.
	var head v1Head
	if p, ok := decoded.payload.(interface{ v1Head() v1Head }); ok && inPlace {
		head = p.v1Head()
	} else if data != nil && events.Unmarshal(data, &head) != nil {
		head = v1Head{}
	}
	stamp := head.stamp()
	env := &events.Envelope{
		Provider: Name,
		Version:  V1,
		Type:     typ,
		Types:    []string{typ},
		Time:     stamp,
		Raw:      w.body,
	}
	if head.ID != "" {
		env.IdempotencyKey = events.DerivedKey(Name, V1, object, verb, string(head.ID), stamp.Raw)
	} else {
		env.IdempotencyKey = events.BodyKey(Name, w.body)
	}

	payload, err := decoded.payload, decoded.err
	if !inPlace {
		payload, err = registry.Decode(typ, data)
	}
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
// value is a JSON object. It returns an empty name and nil when there is none. m is the member
// for "transaction" and "task", memberOther for any other.
func (w *wire) v1Object() (name string, m member, raw []byte) {
	switch {
	case w.raw[memberTransaction] != nil:
		return "transaction", memberTransaction, w.raw[memberTransaction]
	case w.raw[memberTask] != nil:
		return "task", memberTask, w.raw[memberTask]
	case w.firstObject != nil:
		return unquoteName(w.firstObjectName), memberOther, w.firstObject
	}
	return "", memberOther, nil
}

// readString reads raw, a member's value, as a string: "" for null or an absent member, and
// for any other JSON type a *events.FieldError (without a path: see events.InField).
func readString(raw []byte) (string, error) {
	switch {
	case raw == nil || raw[0] == 'n':
		return "", nil
	case raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0:
		return eventType(raw[1 : len(raw)-1]), nil
	}
	var s string
	err := events.Unmarshal(raw, &s)
	return s, err
}

// checkString returns the error readString would return for raw, without reading it.
func checkString(raw []byte) error {
	if raw == nil || raw[0] == 'n' || raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return nil
	}
	_, err := readString(raw)
	return err
}

// isString reports whether raw, a member's value, is a JSON string holding s.
func isString(raw []byte, s string) bool {
	switch {
	case len(raw) < 2 || raw[0] != '"':
		return false
	case bytes.IndexByte(raw, '\\') < 0:
		return string(raw[1:len(raw)-1]) == s
	}
	got, err := readString(raw)
	return err == nil && got == s
}

// readID reads raw, a member's value, as an events.ID.
func readID(raw []byte) (events.ID, error) {
	switch {
	case raw == nil || raw[0] == 'n':
		return "", nil
	case raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0:
		return events.ID(raw[1 : len(raw)-1]), nil
	case raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9':
		return events.ID(raw), nil
	}
	var id events.ID
	err := events.Unmarshal(raw, &id)
	return id, err
}

// unquoteName returns the text of a quoted member name. A name is valid UTF-8 (the body was
// checked); an escape that is not, such as a lone surrogate "\ud800", reads as U+FFFD, as with
// encoding/json.
func unquoteName(quoted []byte) string {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1 : len(quoted)-1])
	}
	name, _ := jsontext.AppendUnquote(nil, quoted)
	return string(name)
}

// memberIndex returns the index in names of the member name quoted (a JSON string as read),
// matched as encoding/json matches a name with a field: case-insensitively, by Unicode simple
// folding (strings.EqualFold). Index 0, which names nothing, means no match. names are in
// lower-case ASCII.
func memberIndex(quoted []byte, names []string) int {
	inner := quoted[1 : len(quoted)-1]
	if !plainASCII(inner) {
		name := unquoteName(quoted)
		for i := 1; i < len(names); i++ {
			if strings.EqualFold(name, names[i]) {
				return i
			}
		}
		return 0
	}
	for i := 1; i < len(names); i++ {
		if equalFoldASCII(inner, names[i]) {
			return i
		}
	}
	return 0
}

// equalFoldName reports whether the quoted member name equals name (lower-case ASCII) under
// strings.EqualFold.
func equalFoldName(quoted []byte, name string) bool {
	if inner := quoted[1 : len(quoted)-1]; plainASCII(inner) {
		return equalFoldASCII(inner, name)
	}
	return strings.EqualFold(unquoteName(quoted), name)
}

// plainASCII reports whether s, the contents of a JSON string, is ASCII without escapes, so
// that it folds as equalFoldASCII folds it.
func plainASCII(s []byte) bool {
	for _, c := range s {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// equalFoldASCII reports whether the ASCII s equals name, in lower-case ASCII, ignoring case.
func equalFoldASCII(s []byte, name string) bool {
	if len(s) != len(name) {
		return false
	}
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}
