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
			return events.EachMember(value, func(name string, v jsontext.Value) bool {
				if !strings.EqualFold(name, "id") {
					return true
				}
				id, ok := scalarID(v)
				s.resource.ID = id
				return ok
			})
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
	return events.EachMember(value, func(name string, v jsontext.Value) bool {
		switch {
		case strings.EqualFold(name, "date_triggered"):
			raw, ok := scalarText(v)
			s.event.DateTriggered.Raw = raw
			return ok
		case strings.EqualFold(name, "event_types"):
			if v[0] != '[' || !once.first(0) {
				return false // a repeated list merges into the one before
			}
			return events.EachElement(v, func(elem jsontext.Value) bool {
				if elem[0] == 'n' {
					s.event.EventTypes = append(s.event.EventTypes, "")
					return true
				}
				t, ok := plainString(elem)
				s.event.EventTypes = append(s.event.EventTypes, t)
				return ok
			})
		}
		return true
	})
}

// readData reads the data object: the audit id, the media id and the modify time.
func (s *keyScan) readData(value []byte) bool {
	var once onceNames
	return events.EachMember(value, func(name string, v jsontext.Value) bool {
		switch {
		case strings.EqualFold(name, "audit"):
			if !once.first(0) {
				return false // a repeated object merges into the one before
			}
			return readObject(v, &s.data.HasAudit, "audit_id", func(v []byte) bool {
				id, ok := scalarID(v)
				s.data.AuditID = id
				return ok
			})
		case strings.EqualFold(name, "details"):
			if !once.first(1) {
				return false
			}
			var present bool
			return readObject(v, &present, "modify_time", func(v []byte) bool {
				raw, ok := scalarText(v)
				s.data.ModifyTime = raw
				return ok
			})
		case strings.EqualFold(name, "media_id"):
			id, ok := scalarID(v)
			s.data.MediaID = id
			return ok
		}
		return true
	})
}

// readObject reads v, an object or null, reporting in present whether it is an object, and
// calls f with the value of each of its members named member. Of any other JSON type the head
// would take the object as present and empty: readObject gives up on it.
func readObject(v jsontext.Value, present *bool, member string, f func(v []byte) bool) bool {
	switch v[0] {
	case 'n':
		*present = false
		return true
	case '{':
		*present = true
		return events.EachMember(v, func(name string, v jsontext.Value) bool {
			return !strings.EqualFold(name, member) || f(v)
		})
	}
	return false
}

// onceNames tells the first occurrence of a member, by index, from its repeats.
type onceNames uint8

// first reports whether member i is seen for the first time, and records it.
func (o *onceNames) first(i int) bool {
	seen := *o&(1<<i) != 0
	*o |= 1 << i
	return !seen
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
