package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
)

func TestID(t *testing.T) {
	tests := []struct {
		in   string
		want events.ID
		err  error
	}{
		{`"397691"`, "397691", nil},
		{`397691`, "397691", nil},
		{`12345678901234567890`, "12345678901234567890", nil},
		{`"12345678901234567890123"`, "12345678901234567890123", nil},
		{`-7`, "-7", nil},
		{`1.5e3`, "1.5e3", nil},
		{`"abc1234"`, "abc1234", nil},
		{`""`, "", nil},
		{`null`, "", nil},
		{`"wh-638ce960-1231-11e9-a15d-d1c47c8f7593"`, "wh-638ce960-1231-11e9-a15d-d1c47c8f7593", nil},
		{`"Ünïcødé-東京"`, "Ünïcødé-東京", nil},
		{`true`, "", events.ErrShape},
		{`{"id":1}`, "", events.ErrShape},
		{`[1]`, "", events.ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v struct {
				ID events.ID `json:"id"`
			}
			err := events.Unmarshal([]byte(`{"id":`+tt.in+`}`), &v)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				var fe *events.FieldError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, "id", fe.Path)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.ID)
		})
	}
	t.Run("string and number are the same id", func(t *testing.T) {
		var a, b events.ID
		require.NoError(t, json.Unmarshal([]byte(`"397691"`), &a))
		require.NoError(t, json.Unmarshal([]byte(`397691`), &b))
		assert.Equal(t, a, b)
	})
	t.Run("encodes as a string", func(t *testing.T) {
		out, err := json.Marshal(events.ID("12345678901234567890"))
		require.NoError(t, err)
		assert.Equal(t, `"12345678901234567890"`, string(out))
	})
}

func TestTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		name string
		in   string
		want time.Time // zero: not read
		raw  string
	}{
		{"RFC 3339", `"2022-05-10T05:24:56Z"`, utc(2022, 5, 10, 5, 24, 56, 0), "2022-05-10T05:24:56Z"},
		{"fractional seconds", `"2017-06-29T05:15:19.136Z"`, utc(2017, 6, 29, 5, 15, 19, 136e6), "2017-06-29T05:15:19.136Z"},
		{"offset", `"2025-08-11T19:09:17.895+02:00"`, utc(2025, 8, 11, 17, 9, 17, 895e6), "2025-08-11T19:09:17.895+02:00"},
		{"Record360 dash", `"2024-10-09-19:00:00Z"`, utc(2024, 10, 9, 19, 0, 0, 0), "2024-10-09-19:00:00Z"},
		{"date only", `"2025-01-31"`, utc(2025, 1, 31, 0, 0, 0, 0), "2025-01-31"},
		{"no zone", `"2025-01-31T08:30:00"`, utc(2025, 1, 31, 8, 30, 0, 0), "2025-01-31T08:30:00"},
		{"space separator", `"2025-01-31 08:30:00Z"`, utc(2025, 1, 31, 8, 30, 0, 0), "2025-01-31 08:30:00Z"},
		{"Unix seconds", `1614265330`, utc(2021, 2, 25, 15, 2, 10, 0), "1614265330"},
		{"null", `null`, time.Time{}, ""},
		{"empty string", `""`, time.Time{}, ""},
		{"words", `"yesterday at noon"`, time.Time{}, "yesterday at noon"},
		{"object", `{"seconds":1}`, time.Time{}, `{"seconds":1}`},
		{"bool", `true`, time.Time{}, "true"},
		{"huge number", `99999999999999999999`, time.Time{}, "99999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				At events.Time `json:"at"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"at":`+tt.in+`}`), &v), "a time never fails decoding")
			assert.True(t, tt.want.Equal(v.At.Time), "got %v, want %v", v.At.Time, tt.want)
			assert.Equal(t, !tt.want.IsZero(), v.At.Valid())
			assert.Equal(t, tt.raw, v.At.Raw)
			assert.Equal(t, tt.raw, v.At.String())
		})
	}
	t.Run("missing field", func(t *testing.T) {
		var v struct {
			At events.Time `json:"at"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{}`), &v))
		assert.False(t, v.At.Valid())
	})
	t.Run("round trip keeps the text", func(t *testing.T) {
		for _, in := range []string{`"2024-10-09-19:00:00Z"`, `1614265330`, `null`, `"not a time"`} {
			var at events.Time
			require.NoError(t, json.Unmarshal([]byte(in), &at))
			out, err := json.Marshal(at)
			require.NoError(t, err)
			assert.Equal(t, in, string(out))
		}
	})
}

func TestValue(t *testing.T) {
	tests := []struct {
		in   string
		want events.Value
		b    bool
		bok  bool
		f    float64
		fok  bool
	}{
		{`120000`, events.NumberValue("120000"), false, false, 120000, true},
		{`12345678901234567890.25`, events.NumberValue("12345678901234567890.25"), false, false, 12345678901234567890.25, true},
		{`"7/8"`, events.StringValue("7/8"), false, false, 0, false},
		{`"true"`, events.StringValue("true"), true, true, 0, false},
		{`"False"`, events.StringValue("False"), false, true, 0, false},
		{`false`, events.BoolValue(false), false, true, 0, false},
		{`true`, events.BoolValue(true), true, true, 0, false},
		{`"42.5"`, events.StringValue("42.5"), false, false, 42.5, true},
		{`null`, events.Value{}, false, false, 0, false},
		{`"Pneu arrière"`, events.StringValue("Pneu arrière"), false, false, 0, false},
		{`[1,2]`, events.Value{Kind: events.Other, Text: `[1,2]`}, false, false, 0, false},
		{`{"a":1}`, events.Value{Kind: events.Other, Text: `{"a":1}`}, false, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v events.Value
			require.NoError(t, json.Unmarshal([]byte(tt.in), &v))
			assert.Equal(t, tt.want, v)
			b, ok := v.Bool()
			assert.Equal(t, tt.bok, ok)
			assert.Equal(t, tt.b, b)
			f, ok := v.Float()
			assert.Equal(t, tt.fok, ok)
			assert.Equal(t, tt.f, f)
			out, err := json.Marshal(v)
			require.NoError(t, err)
			assert.JSONEq(t, tt.in, string(out), "kept exactly")
		})
	}
	t.Run("null and missing", func(t *testing.T) {
		var v struct {
			A events.Value `json:"a"`
			B events.Value `json:"b"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{"a":null}`), &v))
		assert.True(t, v.A.IsNull())
		assert.True(t, v.B.IsNull())
	})
}
