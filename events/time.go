package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Time is a timestamp read leniently: a delivery never fails over a time format. It reads RFC
// 3339 with or without fractional seconds, RFC 3339 without a zone (taken as UTC), Record360's
// "2024-10-09-19:00:00Z" (a dash between date and time), a date alone ("2025-01-31", midnight
// UTC), and Unix seconds as a number. Anything else, and null, leaves the embedded time.Time
// zero. Raw always keeps the original text (without JSON quotes; "" for null), and the value
// encodes back to it.
type Time struct {
	time.Time

	// Raw is the text as sent: the string's contents, or the number's digits.
	Raw string
}

// timeLayouts are tried in order; time.Parse with RFC3339 already accepts fractional seconds.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02-15:04:05Z07:00",
	"2006-01-02-15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	time.DateOnly,
}

// ParseTime reads s as UnmarshalJSON reads a JSON string; the result's Raw is s.
func ParseTime(s string) Time {
	t := Time{Raw: s}
	for _, layout := range timeLayouts {
		if parsed, err := time.Parse(layout, s); err == nil {
			t.Time = parsed
			return t
		}
	}
	return t
}

// UnmarshalJSON reads any JSON value and never fails on a well-formed one.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = Time{}
	case b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			*t = Time{Raw: string(b)}
			return nil
		}
		*t = ParseTime(s)
	case b[0] == '-' || ('0' <= b[0] && b[0] <= '9'):
		*t = Time{Raw: string(b)}
		if sec, err := strconv.ParseInt(string(b), 10, 64); err == nil && sec > -1e11 && sec < 1e11 {
			t.Time = time.Unix(sec, 0).UTC()
		}
	default:
		*t = Time{Raw: string(b)}
	}
	return nil
}

// UnmarshalJSONFrom reads the next value of dec as UnmarshalJSON reads its bytes, without a
// second scan.
func (t *Time) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return t.UnmarshalJSON(val)
}

// MarshalJSON writes Raw back as it came: a string, or the number's digits, or null when empty.
func (t Time) MarshalJSON() ([]byte, error) {
	switch {
	case t.Raw == "" && t.Time.IsZero():
		return []byte("null"), nil
	case t.Raw == "":
		return json.Marshal(t.Time.Format(time.RFC3339Nano))
	}
	if _, err := strconv.ParseInt(t.Raw, 10, 64); err == nil {
		return []byte(t.Raw), nil
	}
	return json.Marshal(t.Raw)
}

// Valid reports whether the text was read as a time.
func (t Time) Valid() bool { return !t.Time.IsZero() }

// String returns Raw, the text as sent.
func (t Time) String() string { return t.Raw }
