package events_test

import (
	"bytes"
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
		{"brackets inside strings do not count", []byte(`{"a":"` + strings.Repeat("[{", 200) + `\"]"}`), nil},
		{"empty", nil, events.ErrNotJSON},
		{"blank", []byte("  \n"), events.ErrNotJSON},
		{"truncated", []byte(`{"id":"1","data":{"x":`), events.ErrNotJSON},
		{"trailing garbage", []byte(`{"id":"1"} x`), events.ErrNotJSON},
		{"two objects", []byte(`{}{}`), events.ErrNotJSON},
		{"invalid UTF-8", []byte("{\"label\":\"\xff\xfe\"}"), events.ErrNotJSON},
		{"100 deep", deep(100), events.ErrNotJSON},
		{"one past the limit", deep(events.MaxDepth + 1), events.ErrNotJSON},
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

var (
	created = events.NewEvent[payload]("acme", "thing.created")
	deleted = events.NewEvent[payload]("acme", "thing.deleted")
	other   = events.NewEvent[payload]("other", "thing.created")
)

func TestKeysAndRoutes(t *testing.T) {
	routes := events.NewRoutes(events.Bind(deleted), events.Bind(created))
	assert.Equal(t, []string{"thing.created", "thing.deleted"}, routes.Names())
	assert.True(t, routes.Has("thing.created"))
	assert.False(t, routes.Has("thing.updated"))
	assert.Equal(t, "acme/thing.created", created.String())

	p, err := routes.Decode("thing.created", []byte(`{"name":"crane"}`))
	require.NoError(t, err)
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

	p, err = routes.Decode("thing.updated", []byte(`{"name":"crane"}`))
	assert.NoError(t, err, "an unknown type is not an error")
	assert.Nil(t, p)

	p, err = routes.Decode("thing.created", []byte(`{}`))
	assert.ErrorIs(t, err, events.ErrInvalid)
	assert.NotNil(t, p, "the payload comes back with the validation error")

	_, err = routes.Decode("thing.created", []byte(`{"name":7}`))
	assert.ErrorIs(t, err, events.ErrShape)

	assert.Panics(t, func() { events.NewRoutes(events.Bind(created), events.Bind(created)) })
	assert.Panics(t, func() { events.NewRoutes(events.Bind(zero)) })
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
