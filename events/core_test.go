package events_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
)

func TestCheckObject(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(`{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`)
	}
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"object", []byte(`{"id":"1"}`), nil},
		{"object with space around", []byte(" \n{\"id\":\"1\"}\n "), nil},
		{"at the depth limit", deep(events.MaxDepth), nil},
		{"more brackets than the limit, none deeper", []byte(`{"a":[` + strings.Repeat(`[],{},`, events.MaxDepth) + `[]]}`), nil},
		{"brackets inside strings do not count", []byte(`{"a":"` + strings.Repeat("[{", 200) + `\"]"}`), nil},
		{"empty", nil, events.ErrNotJSON},
		{"blank", []byte("  \n"), events.ErrNotJSON},
		{"truncated", []byte(`{"id":"1","data":{"x":`), events.ErrNotJSON},
		{"trailing garbage", []byte(`{"id":"1"} x`), events.ErrNotJSON},
		{"two objects", []byte(`{}{}`), events.ErrNotJSON},
		{"invalid UTF-8", []byte("{\"label\":\"\xff\xfe\"}"), events.ErrNotJSON},
		{"100 deep", deep(100), events.ErrNotJSON},
		{"one past the limit", deep(events.MaxDepth + 1), events.ErrNotJSON},
		{"one past the limit among shallow brackets", append([]byte(`{"b":[`+strings.Repeat(`[],`, 100)+`[]],`), deep(events.MaxDepth + 1)[1:]...), events.ErrNotJSON},
		{"top-level array", []byte(`[{"id":"1"}]`), events.ErrShape},
		{"top-level string", []byte(`"hello"`), events.ErrShape},
		{"top-level number", []byte(`42`), events.ErrShape},
		{"top-level null", []byte(`null`), events.ErrShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := events.CheckObject(tt.body)
			if tt.want == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

type sample struct {
	ID   events.ID `json:"id" validate:"required"`
	Type string    `json:"type" validate:"required"`
	Data struct {
		Object string `json:"object" validate:"required"`
		Count  int    `json:"count"`
	} `json:"data"`
}

func TestUnmarshal(t *testing.T) {
	var s sample
	require.NoError(t, events.Unmarshal([]byte(`{"id":12,"type":"x","extra":{"deep":[1]},"data":{"object":"inspection","count":3}}`), &s))
	assert.Equal(t, events.ID("12"), s.ID)
	assert.Equal(t, 3, s.Data.Count)

	err := events.Unmarshal([]byte(`{"data":{"count":"three"}}`), &s)
	assert.ErrorIs(t, err, events.ErrShape)
	assert.Contains(t, err.Error(), "data.count")
	assert.ErrorIs(t, events.Unmarshal([]byte(`{"id":{}}`), &s), events.ErrShape)
	assert.ErrorIs(t, events.Unmarshal([]byte(`{"id":`), &s), events.ErrNotJSON)
}

// common and wrapped mirror a provider's payload: common fields embedded in each payload type.
type common struct {
	Event struct {
		Types []string `json:"event_types"`
	} `json:"event"`
	Resource *struct {
		ID events.ID `json:"id"`
	} `json:"resource"`
}

type wrapped struct {
	common
	Data struct {
		Unit struct {
			ID events.ID `json:"id"`
		} `json:"unit"`
		Items []struct {
			Count int `json:"count"`
		} `json:"items"`
		ByName map[string]struct {
			Done bool `json:"done"`
		} `json:"by_name"`
		Renamed string `json:"other_name"`
	} `json:"data"`
}

// TestFieldError checks that a type mismatch names its JSON path, without the names of embedded
// Go structs, array indexes, map keys or the number sent.
func TestFieldError(t *testing.T) {
	tests := []struct {
		body, path, jsonType string
	}{
		{`{"data": {"unit": {"id": {"a": 1}}}}`, "data.unit.id", "object"},
		{`{"data": {"unit": {"id": true}}}`, "data.unit.id", "boolean"},
		{`{"data": {"unit": []}}`, "data.unit", "array"},
		{`{"data": {"items": [{"count": 1}, {"count": -5.5}]}}`, "data.items.count", "number"},
		{`{"data": {"by_name": {"secret-key": {"done": "yes"}}}}`, "data.by_name.done", "string"},
		{`{"data": {"other_name": 12}}`, "data.other_name", "number"},
		{`{"event": {"event_types": "x"}}`, "event.event_types", "string"},
		{`{"event": {"event_types": [1]}}`, "event.event_types", "number"},
		{`{"resource": {"id": [1]}}`, "resource.id", "array"},
		{`{"data": 5}`, "data", "number"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			var w wrapped
			err := events.Unmarshal([]byte(tt.body), &w)
			require.ErrorIs(t, err, events.ErrShape)
			var fe *events.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.path, fe.Path)
			assert.Equal(t, tt.jsonType, fe.JSONType)
			assert.NotEmpty(t, fe.Want)
			assert.Contains(t, err.Error(), `"`+tt.path+`"`)
			assert.NotContains(t, err.Error(), "common", "no embedded Go struct name")
			assert.NotContains(t, err.Error(), "5.5", "no value from the body")
			assert.NotContains(t, err.Error(), "secret-key", "no map key from the body")
			assert.Equal(t, "field "+tt.path+" has the wrong JSON type", events.Message(err))
		})
	}

	t.Run("InField", func(t *testing.T) {
		var unit struct {
			ID events.ID `json:"id"`
		}
		err := events.InField("data.unit", events.Unmarshal([]byte(`{"id": {}}`), &unit))
		var fe *events.FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "data.unit.id", fe.Path)

		var s string
		err = events.InField("type", events.Unmarshal([]byte(`{"x": 1}`), &s))
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "type", fe.Path, "the value itself had the wrong type")
		assert.Equal(t, "object", fe.JSONType)
		assert.Equal(t, "field type has the wrong JSON type", events.Message(err))

		assert.NoError(t, events.InField("data", nil))
		assert.Equal(t, events.ErrNoType, events.InField("data", events.ErrNoType), "other errors as they are")
	})
}

// TestSyntaxErrorText checks that a syntax error keeps its offset and the decoder's words, but
// not the character of the body it quotes.
func TestSyntaxErrorText(t *testing.T) {
	for _, body := range []string{`{"a": Q}`, `{"a": 1} Z`, `{"a": "\q"}`, "{\"a\": 1,\n'}", `{"a": "x"`, `{"a": 1e}`} {
		t.Run(body, func(t *testing.T) {
			err := events.CheckObject([]byte(body))
			require.ErrorIs(t, err, events.ErrNotJSON)
			var syntaxErr *json.SyntaxError
			require.ErrorAs(t, err, &syntaxErr, "the decoder's error is kept as the cause")
			assert.Contains(t, err.Error(), "offset")
			assert.NotContains(t, err.Error(), "'", "no quoted character")
			assert.NotContains(t, err.Error(), "`", "no quoted character")
			for _, c := range []string{"Q", "Z", `\q`} { // the bodies' offending text
				assert.NotContains(t, err.Error(), c)
			}
			var v map[string]any
			err = events.Unmarshal([]byte(body), &v)
			require.ErrorIs(t, err, events.ErrNotJSON)
			assert.NotContains(t, err.Error(), "'")
		})
	}
}

func TestValidate(t *testing.T) {
	var s sample
	require.NoError(t, events.Unmarshal([]byte(`{"type":"x","data":{}}`), &s))
	err := events.Validate(&s)
	require.ErrorIs(t, err, events.ErrInvalid)
	var ve *events.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"id", "data.object"}, ve.Fields)
	assert.Equal(t, "events: required field missing: id, data.object", err.Error())

	require.NoError(t, events.Unmarshal([]byte(`{"id":"1","type":"x","data":{"object":"task"}}`), &s))
	assert.NoError(t, events.Validate(&s))
}

type payload struct {
	Name string `json:"name" validate:"required"`
}

// registry is a provider's table, as a provider package declares it.
var (
	registry = events.NewRegistry("acme")
	created  = events.Register[payload](registry, "thing.created")
	deleted  = events.Register[payload](registry, "thing.deleted")
	other    = events.NewEvent[payload]("other", "thing.created")
)

func TestRegistry(t *testing.T) {
	assert.Equal(t, "acme", registry.Provider())
	assert.Equal(t, []string{"thing.created", "thing.deleted"}, registry.Names())
	assert.True(t, registry.Has("thing.created"))
	assert.False(t, registry.Has("thing.updated"))
	assert.False(t, registry.Has("Thing.Created"), "exact spelling")
	assert.Equal(t, "acme/thing.created", created.String())
	assert.Equal(t, "acme", created.Provider())

	p, err := registry.Decode("thing.created", []byte(`{"name":"crane"}`))
	require.NoError(t, err)
	assert.IsType(t, &payload{}, p, "the payload is the type the event was registered with")
	env := &events.Envelope{Provider: "acme", Type: "thing.created", Types: []string{"thing.created"}, Payload: p}
	got, ok := created.Payload(env)
	require.True(t, ok)
	assert.Equal(t, "crane", got.Name)
	_, ok = deleted.Payload(env)
	assert.False(t, ok, "another event of the provider")
	_, ok = other.Payload(env)
	assert.False(t, ok, "the same event name of another provider")
	var zero events.Event[payload]
	assert.False(t, zero.Matches(env))

	p, err = registry.Decode("thing.updated", []byte(`{"name":"crane"}`))
	assert.NoError(t, err, "an unknown type is not an error")
	assert.Nil(t, p)

	p, err = registry.Decode("thing.created", []byte(`{}`))
	assert.ErrorIs(t, err, events.ErrInvalid)
	assert.NotNil(t, p, "the payload comes back with the validation error")

	p, err = registry.Decode("thing.created", nil)
	assert.ErrorIs(t, err, events.ErrInvalid, "no payload at all is a zero payload, then validation")
	assert.NotNil(t, p)

	_, err = registry.Decode("thing.created", []byte(`{"name":7}`))
	assert.ErrorIs(t, err, events.ErrShape)
	var fe *events.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "name", fe.Path)

	r := events.NewRegistry("acme")
	events.Register[payload](r, "a")
	assert.Panics(t, func() { events.Register[payload](r, "a") }, "registered twice")
	assert.Panics(t, func() { events.Register[payload](r, "") }, "no event type")
	assert.Panics(t, func() { events.NewRegistry("") }, "no provider")
}

func TestEnvelopeIs(t *testing.T) {
	env := &events.Envelope{Provider: "acme", Type: "B", Types: []string{"CATEGORY", "B"}}
	assert.True(t, env.Is("B"))
	assert.True(t, env.Is("CATEGORY"))
	assert.False(t, env.Is("C"))
	assert.False(t, env.Known())
}

func TestIdempotencyKeys(t *testing.T) {
	assert.Equal(t, "inspectorio:wh-1", events.FieldKey("inspectorio", "wh-1"))
	a := events.DerivedKey("safetyculture", "audit_1", "TRIGGER_EVENT_INSPECTION_STARTED", "2017-06-29T05:15:19.136Z")
	assert.Equal(t, a, events.DerivedKey("safetyculture", "audit_1", "TRIGGER_EVENT_INSPECTION_STARTED", "2017-06-29T05:15:19.136Z"))
	assert.NotEqual(t, a, events.DerivedKey("safetyculture", "audit_1", "TRIGGER_EVENT_INSPECTION_UPDATED", "2017-06-29T05:15:19.136Z"))
	assert.NotEqual(t, events.DerivedKey("p", "ab", "c"), events.DerivedKey("p", "a", "bc"), "fields are delimited")
	assert.True(t, strings.HasPrefix(a, "safetyculture:"))

	body := []byte(`{"event":"create"}`)
	k := events.BodyKey("record360", body)
	assert.Equal(t, k, events.BodyKey("record360", bytes.Clone(body)))
	assert.NotEqual(t, k, events.BodyKey("record360", []byte(`{"event":"create" }`)))
	assert.Equal(t, "record360:sha256:", k[:len("record360:sha256:")])
}

// TestIdempotencyKeysBounded checks that no key is longer than MaxKeyLen, whatever the id.
func TestIdempotencyKeysBounded(t *testing.T) {
	hashOf := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	atLimit := strings.Repeat("x", events.MaxKeyLen-len("inspectorio:"))
	tests := []struct {
		name, id, want string
	}{
		{"short", "wh-1", "inspectorio:wh-1"},
		{"at the limit", atLimit, "inspectorio:" + atLimit},
		{"one past the limit", atLimit + "x", "inspectorio:sha256:" + hashOf("inspectorio:"+atLimit+"x")},
		{"4 MiB", strings.Repeat("7", 4<<20), "inspectorio:sha256:" + hashOf("inspectorio:"+strings.Repeat("7", 4<<20))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := events.FieldKey("inspectorio", tt.id)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got), events.MaxKeyLen)
			assert.Equal(t, got, events.IDKey("inspectorio", events.ID(tt.id), []byte("{}")), "IDKey is FieldKey")
		})
	}
	long := strings.Repeat("a", 1000)
	assert.NotEqual(t, events.FieldKey("p", long+"1"), events.FieldKey("p", long+"2"), "two long ids, two keys")
	assert.NotEqual(t, events.FieldKey("p", long), events.FieldKey("q", long), "two providers, two keys")
	assert.LessOrEqual(t, len(events.DerivedKey("p", long, long)), events.MaxKeyLen)
	assert.LessOrEqual(t, len(events.BodyKey("p", []byte(long))), events.MaxKeyLen)
}

func TestValidateAnonymous(t *testing.T) {
	var v struct {
		Resource struct {
			ID events.ID `json:"id" validate:"required"`
		} `json:"resource"`
	}
	err := events.Validate(&v)
	var ve *events.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"resource.id"}, ve.Fields)
}

func TestJoinInvalid(t *testing.T) {
	a := &events.ValidationError{Fields: []string{"id"}}
	b := &events.ValidationError{Fields: []string{"object", "id"}}
	err := events.JoinInvalid([]string{"", "data."}, a, nil, b)
	var ve *events.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"id", "object"}, ve.Fields, "b at index 2 has no prefix")

	err = events.JoinInvalid([]string{"", "data."}, a, b)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"id", "data.object", "data.id"}, ve.Fields)

	err = events.JoinInvalid(nil, a, a)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"id"}, ve.Fields, "each field once")

	assert.NoError(t, events.JoinInvalid(nil, nil, nil))
	assert.ErrorIs(t, events.JoinInvalid(nil, a, events.ErrShape), events.ErrShape, "another failure wins")
}

func TestPresentAndIDKey(t *testing.T) {
	assert.False(t, events.Present(nil))
	assert.False(t, events.Present([]byte(" null ")))
	assert.True(t, events.Present([]byte(`""`)))
	assert.True(t, events.Present([]byte(`0`)))
	assert.Equal(t, "p:7", events.IDKey("p", "7", []byte("{}")))
	assert.Equal(t, events.BodyKey("p", []byte("{}")), events.IDKey("p", "", []byte("{}")))
}
