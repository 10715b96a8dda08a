package events_test

import (
	stdjson "encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
)

// wire is a body shape with the kinds of field a provider's wire struct has.
type wire struct {
	ID    events.ID    `json:"id"`
	Type  string       `json:"type"`
	At    events.Time  `json:"created_at"`
	Count int          `json:"count"`
	Value events.Value `json:"value"`
	Inner struct {
		Name  string   `json:"name"`
		Items []string `json:"items"`
	} `json:"inner"`
	Embedded
	List []struct {
		N int `json:"n"`
	} `json:"list"`
	Map map[string]int `json:"map"`
}

// Embedded is promoted into wire, as encoding/json promotes it.
type Embedded struct {
	Extra string `json:"extra"`
}

func TestDecodeObject(t *testing.T) {
	tests := []struct {
		name string
		body string
		err  error
		path string // of the *FieldError, when err is ErrShape
		want func(t *testing.T, w *wire)
	}{
		{name: "fields", body: `{"id":12345678901234567890,"type":"t","created_at":"2024-01-02T03:04:05Z","count":3,"value":"7/8","inner":{"name":"n","items":["a"]},"extra":"e","list":[{"n":1}],"map":{"k":2}}`,
			want: func(t *testing.T, w *wire) {
				assert.Equal(t, events.ID("12345678901234567890"), w.ID)
				assert.Equal(t, "2024-01-02T03:04:05Z", w.At.Raw)
				assert.True(t, w.At.Valid())
				assert.Equal(t, events.StringValue("7/8"), w.Value)
				assert.Equal(t, "e", w.Extra)
				assert.Equal(t, []string{"a"}, w.Inner.Items)
				assert.Equal(t, 2, w.Map["k"])
			}},
		{name: "names match case-insensitively", body: `{"ID":"x","Type":"t","EXTRA":"e"}`,
			want: func(t *testing.T, w *wire) {
				assert.Equal(t, events.ID("x"), w.ID)
				assert.Equal(t, "t", w.Type)
				assert.Equal(t, "e", w.Extra)
			}},
		{name: "underscores are not folded", body: `{"createdat":"2024-01-02","created-at":"x"}`,
			want: func(t *testing.T, w *wire) { assert.Empty(t, w.At.Raw) }},
		{name: "the last repeated name wins", body: `{"type":"a","TYPE":"b","inner":{"name":"x"},"inner":{"items":["i"]}}`,
			want: func(t *testing.T, w *wire) {
				assert.Equal(t, "b", w.Type)
				assert.Equal(t, "x", w.Inner.Name, "objects merge, as with encoding/json")
				assert.Equal(t, []string{"i"}, w.Inner.Items)
			}},
		{name: "null leaves a scalar", body: `{"count":3,"count":null}`,
			want: func(t *testing.T, w *wire) { assert.Equal(t, 3, w.Count) }},
		{name: "lone surrogate escape", body: `{"type":"\ud800"}`,
			want: func(t *testing.T, w *wire) { assert.Equal(t, "\ufffd", w.Type) }},
		{name: "unknown members ignored", body: `{"other":{"deep":[1,2,{"x":null}]},"type":"t"}`,
			want: func(t *testing.T, w *wire) { assert.Equal(t, "t", w.Type) }},

		{name: "empty", body: ``, err: events.ErrNotJSON},
		{name: "blank", body: " \n", err: events.ErrNotJSON},
		{name: "invalid UTF-8", body: "{\"type\":\"\xff\"}", err: events.ErrNotJSON},
		{name: "syntax", body: `{"type":}`, err: events.ErrNotJSON},
		{name: "trailing data", body: `{} {}`, err: events.ErrNotJSON},
		{name: "type error before a syntax error", body: `{"count":"x","z":[}`, err: events.ErrNotJSON},
		{name: "more brackets than the depth limit, none deeper", body: `{"list":[` + strings.Repeat(`{"n":1},`, events.MaxDepth) + `{"n":2}],"type":"t"}`,
			want: func(t *testing.T, w *wire) { assert.Len(t, w.List, events.MaxDepth+1) }},
		{name: "too deep among shallow brackets", body: `{"list":[` + strings.Repeat(`{},`, 100) + `{}],"a":` + strings.Repeat(`[`, events.MaxDepth) + strings.Repeat(`]`, events.MaxDepth) + `}`, err: events.ErrNotJSON},
		{name: "too deep", body: strings.Repeat(`{"a":`, events.MaxDepth+1) + `1` + strings.Repeat(`}`, events.MaxDepth+1), err: events.ErrNotJSON},
		{name: "array", body: `[1]`, err: events.ErrShape},
		{name: "null", body: `null`, err: events.ErrShape},
		{name: "broken array", body: `[1,`, err: events.ErrNotJSON},
		{name: "field type", body: `{"count":"3"}`, err: events.ErrShape, path: "count"},
		{name: "id type", body: `{"id":{"a":1}}`, err: events.ErrShape, path: "id"},
		{name: "nested type", body: `{"inner":{"items":"x"}}`, err: events.ErrShape, path: "inner.items"},
		{name: "in an array", body: `{"list":[{"n":1},{"n":"2"}]}`, err: events.ErrShape, path: "list.n"},
		{name: "in a map", body: `{"map":{"k":"v"}}`, err: events.ErrShape, path: "map"},
		{name: "embedded", body: `{"extra":1}`, err: events.ErrShape, path: "extra"},
		{name: "spelt differently", body: `{"INNER":{"Items":"x"}}`, err: events.ErrShape, path: "inner.items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w wire
			err := events.DecodeObject([]byte(tt.body), &w)
			if tt.err == nil {
				require.NoError(t, err)
				tt.want(t, &w)
				return
			}
			require.ErrorIs(t, err, tt.err)
			for _, s := range []error{events.ErrNotJSON, events.ErrShape} {
				if s != tt.err {
					assert.NotErrorIs(t, err, s)
				}
			}
			if tt.path != "" {
				var fe *events.FieldError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, tt.path, fe.Path)
			}
		})
	}
}

func TestFieldErrorKinds(t *testing.T) {
	tests := []struct {
		body, jsonType, want string
	}{
		{`{"count":"x"}`, "string", "int"},
		{`{"count":1.5}`, "number", "int"},
		{`{"count":1e999}`, "number", "int"},
		{`{"type":true}`, "boolean", "string"},
		{`{"type":[1]}`, "array", "string"},
		{`{"id":[1]}`, "array", "events.ID"},
		{`{"id":false}`, "boolean", "events.ID"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var w wire
			err := events.DecodeObject([]byte(tt.body), &w)
			var fe *events.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.jsonType, fe.JSONType)
			assert.Equal(t, tt.want, fe.Want)
		})
	}
}

func TestDecodeErrorsHoldNoBody(t *testing.T) {
	for _, body := range []string{`{"a": Q}`, `{"a": 1} Z`, `{"a": "\q"}`, "{\"a\": 1,\n'}", `{"a": "x"`, `{"a": 1e}`, `{"typeQ": "x"}Z`} {
		t.Run(body, func(t *testing.T) {
			var w wire
			err := events.DecodeObject([]byte(body), &w)
			require.ErrorIs(t, err, events.ErrNotJSON)
			var syn *jsontext.SyntacticError
			if !errors.As(err, &syn) {
				// Found by the checks before the decoder.
				return
			}
			assert.Contains(t, err.Error(), "offset")
			for _, c := range []string{"'", "`", "Q", "Z", `\q`} {
				assert.NotContains(t, err.Error(), c)
			}
		})
	}
}

// Run with: go test ./events -run '^$' -fuzz '^FuzzDecodeObject$' -fuzztime 60s
//
// DecodeObject accepts exactly the bodies CheckObject accepts, with the same sentinel.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"id":1,"type":"x","inner":{"items":["a"]}}`, `[]`, `{"count":"x","z":[}`, `{"a":"\"[["}`, "{\"a\":\"\xff\"}", `{"type":"\ud800"}`, `{`, ``, `{"a":"\\"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var w wire
		err := events.DecodeObject(body, &w)
		checkErr := events.CheckObject(body)
		switch {
		case checkErr != nil:
			if err == nil {
				t.Fatalf("accepted %q, which CheckObject rejects: %v", body, checkErr)
			}
			for _, s := range []error{events.ErrNotJSON, events.ErrShape} {
				if errors.Is(checkErr, s) != errors.Is(err, s) {
					t.Fatalf("%q: error %v, CheckObject %v", body, err, checkErr)
				}
			}
		case err != nil && !errors.Is(err, events.ErrShape):
			t.Fatalf("%q: %v, though CheckObject accepts it", body, err)
		}
	})
}

// Run with: go test ./events -run '^$' -fuzz '^FuzzLenientTypesAgree$' -fuzztime 60s
//
// ID, Time and Value read a value from the JSON v2 decoder exactly as their encoding/json
// methods read its bytes.
func FuzzLenientTypesAgree(f *testing.F) {
	for _, s := range []string{`"397691"`, `397691`, `12345678901234567890`, `null`, `"2024-10-09-19:00:00Z"`, `1614265330`, `true`, `{"a":1}`, `[1]`, `"\u00e9\n"`, `-0.5e-3`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, value []byte) {
		if !stdjson.Valid(value) || !utf8.Valid(value) {
			return
		}
		var id, oldID events.ID
		idErr := events.Unmarshal(value, &id)
		oldErr := stdjson.Unmarshal(value, &oldID)
		if (idErr == nil) != (oldErr == nil) || id != oldID {
			t.Fatalf("ID %q: %q %v, encoding/json %q %v", value, id, idErr, oldID, oldErr)
		}
		var at, oldAt events.Time
		if err := events.Unmarshal(value, &at); err != nil {
			t.Fatalf("Time %q: %v", value, err)
		}
		_ = stdjson.Unmarshal(value, &oldAt)
		if at.Raw != oldAt.Raw || !at.Time.Equal(oldAt.Time) {
			t.Fatalf("Time %q: %#v, encoding/json %#v", value, at, oldAt)
		}
		var val, oldVal events.Value
		if err := events.Unmarshal(value, &val); err != nil {
			t.Fatalf("Value %q: %v", value, err)
		}
		_ = stdjson.Unmarshal(value, &oldVal)
		if val != oldVal {
			t.Fatalf("Value %q: %#v, encoding/json %#v", value, val, oldVal)
		}
	})
}

func TestValidateFindsNestedRules(t *testing.T) {
	type inner struct {
		Name string `json:"name" validate:"required"`
	}
	type plain struct {
		A string
		B []struct{ C int }
	}
	tests := []struct {
		name string
		v    any
		err  error
	}{
		{"no rules", &plain{}, nil},
		{"through a pointer", &struct{ In *inner }{In: &inner{}}, events.ErrInvalid},
		{"in a struct", &struct {
			In inner `json:"in"`
		}{}, events.ErrInvalid},
		{"satisfied", &struct{ In inner }{In: inner{Name: "n"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.Validate(tt.v)
			if tt.err == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.err)
		})
	}
}

// picky fails as a type whose own decoding names a field inside it.
type picky struct{}

func (*picky) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if err := dec.SkipValue(); err != nil {
		return err
	}
	return &events.FieldError{Path: "inner", JSONType: "string", Want: "int"}
}

func TestNestedFieldErrorPath(t *testing.T) {
	var v struct {
		Outer struct {
			P picky `json:"p"`
		} `json:"outer"`
	}
	err := events.DecodeObject([]byte(`{"outer":{"p":{"inner":"x"}}}`), &v)
	var fe *events.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "outer.p.inner", fe.Path)
}
