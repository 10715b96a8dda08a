package inspectorio

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/inspecthook/inspecthook/events"
)

// delivery is a Sight body as Decode reads it, in one pass: the Report encoding/json would
// decode from it, which of the members that tell a Sight delivery it carries, and the first
// type errors found, kept until Decode knows whether they count. It reads itself member by
// member from the decoder of events.DecodeObject (UnmarshalJSONFrom), by the rules of
// encoding/json that the package documents: names match case-insensitively (strings.EqualFold),
// the last of a repeated name wins, objects merge, null leaves a string as it was and empties
// an id.
type delivery struct {
	report Report

	// body is the body being decoded, and shared a copy of it that the Report's strings are
	// cut from (see maxShared).
	body   []byte
	shared string

	// present holds a bit per member (presentMessageID, ...) whose last occurrence is not null.
	present uint8

	// The first type error of each kind, as encoding/json reports them: an id of the wrong
	// type stops it (idErr, resourceErr), any other field of the wrong type is reported at
	// the end unless an id stopped it first (codeErr, otherErr). idErr and codeErr are errors
	// of every delivery; resourceErr and otherErr only of a routed event's.
	idErr, codeErr, resourceErr, otherErr error
}

// The bits of delivery.present.
const (
	presentMessageID uint8 = 1 << iota
	presentEventCode
	presentPayload
)

// member names a field of Report that a member of the body reads into.
type member int

// The members Decode reads; memberOther is any other.
const (
	memberOther member = iota
	memberMessageID
	memberEventCode
	memberEventName
	memberPayload
	memberResourceID
	memberPath
)

// The names of the members, as Report spells them.
var (
	nameMessageID  = []byte("messageId")
	nameEventCode  = []byte("eventCode")
	nameEventName  = []byte("eventName")
	namePayload    = []byte("payload")
	nameResourceID = []byte("resourceId")
	namePath       = []byte("path")
)

// topMember returns the member of the body's top level named name.
func topMember(name []byte) member {
	switch {
	case matches(name, nameMessageID):
		return memberMessageID
	case matches(name, nameEventCode):
		return memberEventCode
	case matches(name, nameEventName):
		return memberEventName
	case matches(name, namePayload):
		return memberPayload
	}
	return memberOther
}

// payloadMember returns the member of the payload object named name.
func payloadMember(name []byte) member {
	switch {
	case matches(name, nameResourceID):
		return memberResourceID
	case matches(name, namePath):
		return memberPath
	}
	return memberOther
}

// sightErr is the error of the fields every delivery carries, as encoding/json reported it
// for them.
func (d *delivery) sightErr() error {
	if d.idErr != nil {
		return d.idErr
	}
	return d.codeErr
}

// reportErr is the error of the rest of the Report, as encoding/json reported it.
func (d *delivery) reportErr() error {
	if d.resourceErr != nil {
		return d.resourceErr
	}
	return d.otherErr
}

// setPresent records whether the member of bit was sent with a value other than null.
func (d *delivery) setPresent(bit uint8, k jsontext.Kind) {
	if k == 'n' {
		d.present &^= bit
	} else {
		d.present |= bit
	}
}

// UnmarshalJSONFrom reads the body's top-level object, which events.DecodeObject has checked
// is one. It returns only the errors of the decoder (syntax); a member of the wrong type is
// kept in the delivery and skipped.
func (d *delivery) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		if err == nil {
			err = &events.FieldError{JSONType: events.KindName(tok.Kind()), Want: "inspectorio.Report"}
		}
		return err
	}
	for dec.PeekKind() == '"' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		m := topMember(memberName(raw)) // now: raw is valid until the decoder's next call
		k := dec.PeekKind()
		switch m {
		case memberMessageID:
			d.setPresent(presentMessageID, k)
			err = d.readID(dec, k, &d.report.MessageID, &d.idErr, "messageId")
		case memberEventCode:
			d.setPresent(presentEventCode, k)
			err = d.readString(dec, k, &d.report.EventCode, &d.codeErr, "eventCode")
		case memberEventName:
			err = d.readString(dec, k, &d.report.EventName, &d.otherErr, "eventName")
		case memberPayload:
			d.setPresent(presentPayload, k)
			err = d.readPayload(dec, k)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken() // }
	return err
}

// readPayload reads the value of a payload member, whose kind is k, into the Report's
// Resource, merging it with what an earlier payload member set.
func (d *delivery) readPayload(dec *jsontext.Decoder, k jsontext.Kind) error {
	switch k {
	case '{':
	case 'n':
		return dec.SkipValue()
	default:
		return skipWrongType(dec, k, &d.otherErr, "payload", "inspectorio.Resource")
	}
	if _, err := dec.ReadToken(); err != nil { // {
		return err
	}
	res := &d.report.Payload
	for dec.PeekKind() == '"' {
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		m := payloadMember(memberName(raw))
		k := dec.PeekKind()
		switch m {
		case memberResourceID:
			err = d.readID(dec, k, &res.ResourceID, &d.resourceErr, "payload.resourceId")
		case memberPath:
			err = d.readString(dec, k, &res.Path, &d.otherErr, "payload.path")
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken() // }
	return err
}

// readID reads the next value, of kind k, into id as events.ID reads it: a string, a number
// (its text), or null (the empty id). Any other kind is skipped, and kept in *fieldErr as the
// error of the field at path unless an earlier one is there.
func (d *delivery) readID(dec *jsontext.Decoder, k jsontext.Kind, id *events.ID, fieldErr *error, path string) error {
	switch k {
	case '"', '0':
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if k == '0' {
			*id = events.ID(d.text(dec, raw, 0, len(raw)))
		} else {
			*id = events.ID(d.unquote(dec, raw))
		}
		return nil
	case 'n':
		*id = ""
		return dec.SkipValue()
	}
	return skipWrongType(dec, k, fieldErr, path, "events.ID")
}

// readString reads the next value, of kind k, into s: a string, or null, which leaves s as it
// was. Any other kind is skipped, and kept in *fieldErr as the error of the field at path
// unless an earlier one is there.
func (d *delivery) readString(dec *jsontext.Decoder, k jsontext.Kind, s *string, fieldErr *error, path string) error {
	switch k {
	case '"':
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		*s = d.unquote(dec, raw)
		return nil
	case 'n':
		return dec.SkipValue()
	}
	return skipWrongType(dec, k, fieldErr, path, "string")
}

// maxShared is the size of the largest body whose strings are cut from one copy of the body
// rather than copied one by one. A Sight delivery is a few hundred bytes; a string of the
// payload keeps the whole copy alive, which is not worth it for a larger body.
const maxShared = 2 << 10

// unquote returns the contents of raw, the JSON string the decoder read last. An escape that
// is not valid UTF-16 becomes U+FFFD, as with encoding/json.
func (d *delivery) unquote(dec *jsontext.Decoder, raw jsontext.Value) string {
	if bytes.IndexByte(raw, '\\') >= 0 {
		s, _ := jsontext.AppendUnquote(nil, raw)
		return string(s)
	}
	return d.text(dec, raw, 1, len(raw)-1)
}

// text returns raw[from:to] as a string, where raw is the value the decoder read last: cut
// from the copy of a small body, or copied.
func (d *delivery) text(dec *jsontext.Decoder, raw jsontext.Value, from, to int) string {
	if len(d.body) > maxShared {
		return string(raw[from:to])
	}
	if d.shared == "" {
		d.shared = string(d.body)
	}
	start := int(dec.InputOffset()) - len(raw)
	if start < 0 || start+len(raw) > len(d.shared) || d.shared[start:start+len(raw)] != string(raw) {
		return string(raw[from:to]) // not where the body has it: a decoder of another input
	}
	return d.shared[start+from : start+to]
}

// skipWrongType skips the next value, of kind k, which cannot be read into the field at path,
// and keeps its error in *fieldErr unless an earlier one is there.
func skipWrongType(dec *jsontext.Decoder, k jsontext.Kind, fieldErr *error, path, want string) error {
	if err := dec.SkipValue(); err != nil {
		return err
	}
	if *fieldErr == nil {
		*fieldErr = &events.FieldError{Path: path, JSONType: events.KindName(k), Want: want}
	}
	return nil
}

// memberName returns the name a member's raw name stands for: its bytes between the quotes,
// unescaped when they hold an escape. A name whose escapes are not valid UTF-16 gets U+FFFD
// in their place, as encoding/json reads it; no such name matches a member Decode reads.
func memberName(raw jsontext.Value) []byte {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	name, _ := jsontext.AppendUnquote(nil, raw)
	return name
}

// matches reports whether a member name reads into the field named want: the same name but
// for case, as encoding/json matches them (bytes.EqualFold, Unicode's simple folding, which
// folds "ſ" with "s" and the Kelvin sign with "k").
func matches(name, want []byte) bool {
	return string(name) == string(want) || bytes.EqualFold(name, want)
}
