package record360

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// ScanKey implements events.KeyScanner: it returns the idempotency key Decode would give body,
// reading only the top-level members the key comes from, or false when it cannot tell. See the
// package documentation.
func (provider) ScanKey(body []byte) (string, bool) {
	var s keyScan
	if !events.ScanObject(body, s.member) {
		return "", false
	}
	return s.key()
}

// keyScan collects what the key of a body comes from, member by member, as wire does: the last
// of a repeated name (matched case-insensitively) wins. ScanObject hands each value only for
// the time of the call: the few scalars are copied, and a v1 object is read at once for its id
// and stamp.
type keyScan struct {
	present [memberCount]bool
	id      []byte // the v3 event id's value
	typ     []byte // the v3 type's value
	event   []byte // the v1 verb's value

	objectIsEvent bool
	objectBad     bool // "object" is neither a string nor null

	// transaction and task are the heads of those members' values, first the head of the
	// first member holding an object other than "event", and firstName its name. firstSkipped
	// reports a first object not read, "data" met before any "event": the body is v3 unless
	// an "event" follows.
	transaction, task, first v1Key
	firstName                string
	firstSeen, firstSkipped  bool
}

// v1Key is what a v1 object gives the key: its id and the text of its stamp; ok is false when
// Decode would key the body by its hash (no id, or an object whose head does not decode) or
// the scan cannot tell.
type v1Key struct {
	id, stamp string
	ok        bool
}

// member reads one top-level member; value is only valid during the call.
func (s *keyScan) member(name string, value jsontext.Value) bool {
	m := memberOfName(name)
	if m != memberOther {
		s.present[m] = true
	}
	switch m {
	case memberID:
		s.id = append(s.id[:0], value...)
	case memberType:
		s.typ = append(s.typ[:0], value...)
	case memberEvent:
		s.event = append(s.event[:0], value...)
	case memberObject:
		s.objectIsEvent = isString(value, "event")
		s.objectBad = checkString(value) != nil
	case memberTransaction:
		s.transaction = readV1Key(value)
	case memberTask:
		s.task = readV1Key(value)
	}
	if !s.firstSeen && value[0] == '{' && m != memberEvent {
		s.firstSeen = true
		switch {
		case m == memberTransaction || m == memberTask:
			// The key comes from the member itself, read above.
		case m == memberData && !s.present[memberEvent]:
			// Most likely a v3 payload, not worth reading: the key will not come from it.
			s.firstSkipped = true
		default:
			s.first, s.firstName = readV1Key(value), name
		}
	}
	return true
}

// key returns the key Decode gives a body with the members collected, or false when Decode
// would fail on a member read here or key the body by its hash.
func (s *keyScan) key() (string, bool) {
	isV3 := s.objectIsEvent || !s.present[memberEvent] && (s.present[memberData] || s.present[memberType])
	switch {
	case isV3:
		typ, err := readString(s.typ)
		if err != nil || typ == "" || s.objectBad {
			return "", false
		}
		id, err := readID(s.id)
		if err != nil || id == "" {
			return "", false
		}
		return events.FieldKey(Name, "v3:"+string(id)), true
	case s.present[memberEvent] || s.present[memberTransaction] || s.present[memberTask]:
		verb, err := readString(s.event)
		if err != nil || verb == "" {
			return "", false
		}
		object, head := "transaction", s.transaction
		switch {
		case s.present[memberTransaction]:
		case s.present[memberTask]:
			object, head = "task", s.task
		case s.firstSkipped:
			return "", false
		default:
			object, head = s.firstName, s.first
		}
		if !head.ok {
			return "", false
		}
		return events.DerivedKey(Name, V1, object, verb, head.id, head.stamp), true
	}
	return "", false
}

// readV1Key reads the id and stamp of a v1 object, value.
func readV1Key(value []byte) v1Key {
	head := headScan{object: value}
	if events.Unmarshal(value, &head) != nil {
		return v1Key{}
	}
	id, err := readID(head.raw[headID])
	if err != nil || id == "" {
		return v1Key{}
	}
	return v1Key{id: string(id), stamp: head.stamp(), ok: true}
}

// memberOfName returns the top-level member name names, matched as memberIndex matches a quoted
// name.
func memberOfName(name string) member {
	ascii := true
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	for i := 1; i < len(topMembers); i++ {
		if ascii && len(name) != len(topMembers[i]) {
			continue
		}
		if strings.EqualFold(name, topMembers[i]) {
			return member(i)
		}
	}
	return memberOther
}

// The members of a v1 object its head comes from, as headScan reads them.
const (
	headOther = iota
	headID
	headCompletedAt
	headUpdatedAt
	headCreatedAt
	headCount
)

var headMembers = []string{headID: "id", headCompletedAt: "completed_at", headUpdatedAt: "updated_at", headCreatedAt: "created_at"}

// headScan reads the members of a v1 object the key comes from, as Decode reads them into a
// v1Head, without reading the times they hold: only their text goes into the key.
type headScan struct {
	object []byte            // the object, which the decoder reads
	raw    [headCount][]byte // the last value of each member, sub-slices of object
}

// errUnsure stops a scan that cannot tell the key.
var errUnsure = errors.New("record360: cannot tell")

// UnmarshalJSONFrom reads the object's members. An id of the wrong type, at any occurrence,
// fails Decode's reading of the head, and so the scan.
func (h *headScan) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return errUnsure // null or a value that is no object: no id
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		m := memberIndex(name, headMembers)
		if m == headOther {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		val, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if k := val.Kind(); m == headID && k != '"' && k != '0' && k != 'n' {
			return errUnsure
		}
		end := dec.InputOffset()
		h.raw[m] = h.object[end-int64(len(val)) : end]
	}
	_, err := dec.ReadToken()
	return err
}

// stamp returns the text of the head's stamp, as v1Head.stamp's Raw: completed_at, else
// updated_at, else created_at, the first present and not null.
func (h *headScan) stamp() string {
	for _, raw := range h.raw[headCompletedAt:] {
		switch {
		case raw == nil || raw[0] == 'n':
			continue
		case raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0:
			if len(raw) > 2 {
				return string(raw[1 : len(raw)-1])
			}
			continue // "" is no stamp
		}
		var t events.Time
		_ = t.UnmarshalJSON(raw) // never fails; Raw is what Decode keeps
		if t.Raw != "" {
			return t.Raw
		}
	}
	return ""
}
