package safetyculture

import (
	"bytes"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// ScanKey returns the idempotency key Decode would give body, without decoding it: a scan of
// the top-level members (events.ScanObject) and a light read of the few the key comes from
// (version, workflow_id, webhook_id, event, resource, data). It returns false, for the caller to
// decode, whenever it cannot tell for certain: one of those members is repeated, holds an
// escaped string or a JSON type the head does not expect, the body names no event type, or the
// key would be the body's hash (events.BodyKey).
func (provider) ScanKey(body []byte) (string, bool) {
	var (
		s    keyScan
		seen [6]bool // the members below, in their order
	)
	ok := events.ScanObject(body, func(name string, value jsontext.Value) bool {
		for i, member := range [...]string{"version", "workflow_id", "webhook_id", "event", "resource", "data"} {
			if !strings.EqualFold(name, member) {
				continue
			}
			if seen[i] {
				return false // repeated: merged in ways a scan does not follow
			}
			seen[i] = true
			return s.member(i, value)
		}
		return true
	})
	if !ok || s.h.Event == nil {
		return "", false
	}
	version, ok := s.h.format()
	if !ok {
		return "", false
	}
	types := normalizeTypes(s.h.Event.EventTypes)
	if len(types) == 0 {
		return "", false
	}
	subject, mediaID, modifyTime := s.h.keyFields(version)
	return derivedKey(version, subject, mediaID, types, s.h.Event.DateTriggered.Raw, modifyTime)
}

// keyScan is the head as ScanKey reads it.
type keyScan struct {
	h        head
	version  string
	resource Resource
	event    headEvent
	data     headData
}

// member reads the top-level member of index i in ScanKey's list; false when it cannot.
func (s *keyScan) member(i int, value []byte) bool {
	switch i {
	case 0: // version
		switch value[0] {
		case 'n':
			s.h.Version = nil
			return true
		case '"':
			v, ok := plainString(value)
			s.version, s.h.Version = v, &s.version
			return ok
		}
		return false
	case 1: // workflow_id
		s.h.WorkflowID = value[0] != 'n'
		return true
	case 2: // webhook_id
		s.h.WebhookID = value[0] != 'n'
		return true
	case 3: // event
		s.h.Event = &s.event
		return value[0] == '{' && s.readEvent(value)
	case 4: // resource
		switch value[0] {
		case 'n':
			s.h.Resource = nil
			return true
		case '{':
			s.h.Resource = &s.resource
			_, ok := eachMember(value, func(name, rest []byte) (int, bool) {
				v := valueAt(rest)
				if !equalName(name, "id") {
					return len(v), true
				}
				id, ok := scalarID(v)
				s.resource.ID = id
				return len(v), ok
			})
			return ok
		}
		return false
	case 5: // data
		if value[0] == 'n' {
			s.h.Data = nil
			return true
		}
		s.h.Data = &s.data
		return value[0] != '{' || s.readData(value) // of another JSON type, the head reads nothing
	}
	return false
}

// readEvent reads the event object: its time and its event types.
func (s *keyScan) readEvent(value []byte) bool {
	var once onceNames
	_, ok := eachMember(value, func(name, rest []byte) (int, bool) {
		v := valueAt(rest)
		switch {
		case equalName(name, "date_triggered"):
			raw, ok := scalarText(v)
			s.event.DateTriggered.Raw = raw
			return len(v), ok
		case equalName(name, "event_types"):
			if v[0] != '[' || !once.first(0) {
				return 0, false // a repeated list merges into the one before
			}
			return len(v), eachElement(v, func(elem []byte) bool {
				if elem[0] == 'n' {
					s.event.EventTypes = append(s.event.EventTypes, "")
					return true
				}
				t, ok := plainString(elem)
				s.event.EventTypes = append(s.event.EventTypes, t)
				return ok
			})
		}
		return len(v), true
	})
	return ok
}

// readData reads the data object: the audit id, the media id and the modify time. The audit,
// the largest member of a legacy body, is walked once, for its audit_id.
func (s *keyScan) readData(value []byte) bool {
	var once onceNames
	_, ok := eachMember(value, func(name, rest []byte) (int, bool) {
		switch {
		case equalName(name, "audit"):
			if !once.first(0) {
				return 0, false // a repeated object merges into the one before
			}
			return s.readObject(rest, &s.data.HasAudit, "audit_id", func(v []byte) bool {
				id, ok := scalarID(v)
				s.data.AuditID = id
				return ok
			})
		case equalName(name, "details"):
			if !once.first(1) {
				return 0, false
			}
			var present bool
			return s.readObject(rest, &present, "modify_time", func(v []byte) bool {
				raw, ok := scalarText(v)
				s.data.ModifyTime = raw
				return ok
			})
		}
		v := valueAt(rest)
		if equalName(name, "media_id") {
			id, ok := scalarID(v)
			s.data.MediaID = id
			return len(v), ok
		}
		return len(v), true
	})
	return ok
}

// readObject reads the object at the start of rest, or null, reporting in present whether it
// is an object, and calls f with the value of each of its members named member. Of any other
// JSON type the head would take the object as present and empty: readObject gives up on it.
func (s *keyScan) readObject(rest []byte, present *bool, member string, f func(v []byte) bool) (int, bool) {
	switch rest[0] {
	case 'n':
		*present = false
		return len("null"), true
	case '{':
		*present = true
		return eachMember(rest, func(name, rest []byte) (int, bool) {
			v := valueAt(rest)
			if !equalName(name, member) {
				return len(v), true
			}
			return len(v), f(v)
		})
	}
	return 0, false
}

// onceNames tells the first occurrence of a member, by index, from its repeats.
type onceNames uint8

// first reports whether member i is seen for the first time, and records it.
func (o *onceNames) first(i int) bool {
	seen := *o&(1<<i) != 0
	*o |= 1 << i
	return !seen
}

// equalName reports whether name, a quoted member name, is want, as Decode matches names:
// case-insensitively. A name with an escape is never equal: ScanKey gives up on it.
func equalName(name []byte, want string) bool {
	return strings.EqualFold(string(name[1:len(name)-1]), want)
}

// plainString returns the contents of a JSON string without escapes; false for anything else.
func plainString(value []byte) (string, bool) {
	if len(value) < 2 || value[0] != '"' || bytes.IndexByte(value, '\\') >= 0 {
		return "", false
	}
	return string(value[1 : len(value)-1]), true
}

// scalarID reads an events.ID: a plain string, a number's text, or "" for null.
func scalarID(value []byte) (events.ID, bool) {
	s, ok := scalarText(value)
	return events.ID(s), ok
}

// scalarText is the text events.Time and events.ID keep of a plain string, a number or null.
func scalarText(value []byte) (string, bool) {
	switch c := value[0]; {
	case c == 'n':
		return "", true
	case c == '"':
		return plainString(value)
	case c == '-' || '0' <= c && c <= '9':
		return string(value), true
	}
	return "", false
}

// eachMember calls f with the quoted name of each member of the object at the start of b, in
// valid JSON, and the bytes of b from the member's value on; f returns the length of the value,
// which it skips (valueAt) or walks, and false to stop. eachMember returns the length of the
// object, and false when f stopped it or a name has an escape, which it does not read.
func eachMember(b []byte, f func(name, rest []byte) (int, bool)) (int, bool) {
	i := skipSpace(b, 1)
	for i < len(b) && b[i] == '"' {
		end := skipString(b, i)
		name := b[i:end]
		if bytes.IndexByte(name, '\\') >= 0 {
			return 0, false
		}
		i = skipSpace(b, skipSpace(b, end)+1) // past the colon
		n, ok := f(name, b[i:])
		if !ok {
			return 0, false
		}
		i = skipSpace(b, i+n)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return i + 1, true // past the closing brace
}

// valueAt returns the value at the start of b, in valid JSON.
func valueAt(b []byte) []byte { return b[:skipValue(b, 0)] }

// eachElement calls f with each element of arr, a valid JSON array, until f returns false,
// and reports whether f never did.
func eachElement(arr []byte, f func(value []byte) bool) bool {
	i := skipSpace(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := skipValue(arr, i)
		if !f(arr[i:end]) {
			return false
		}
		i = skipSpace(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
	}
	return true
}

// skipSpace returns the index of the first byte of b at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i], in valid JSON.
func skipString(b []byte, i int) int {
	for i++; ; {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		k := i - 1
		for b[k] == '\\' {
			k--
		}
		i++
		if (i-2-k)%2 == 0 { // not escaped: an even number of backslashes before it
			return i
		}
	}
}

// structural marks the bytes that matter to skipping a container: quotes and brackets.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// skipValue returns the index after the value that starts at b[i], in valid JSON.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			c := b[i]
			if !structural[c] {
				continue
			}
			switch c {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			default:
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}
