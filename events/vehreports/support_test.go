package vehreports_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

// fixture returns the body of testdata/vehreports/<file>.
func fixture(t testing.TB, file string) []byte {
	t.Helper()
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(vehreports.Name, file))
	require.NoError(t, err)
	return body
}

func loadFixtures(t testing.TB) []inspecthook.Fixture { return eventstest.Load(t, vehreports.Name) }

// dataOf returns the body's "data" member exactly as sent, or nil.
func dataOf(t testing.TB, body []byte) json.RawMessage {
	t.Helper()
	var w struct {
		Data json.RawMessage `json:"data"`
	}
	require.NoError(t, json.Unmarshal(body, &w))
	return w.Data
}

// at returns the events.Time a timestamp text reads as, given the instant in UTC.
func at(raw string, year int, month time.Month, day, hour, min, sec, nsec int) events.Time {
	return events.Time{Time: time.Date(year, month, day, hour, min, sec, nsec, time.UTC), Raw: raw}
}

func num(text string) events.Value { return events.NumberValue(text) }
func str(text string) events.Value { return events.StringValue(text) }

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// normalize prepares a decoded payload for comparison with a literal: it clears every Data
// field (json.RawMessage tagged "-"), which the tests check on their own, and moves every
// events.Time to UTC, so that an offset compares by instant.
func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalize(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			normalize(v.Index(i))
		}
	case reflect.Struct:
		if tm, ok := v.Addr().Interface().(*events.Time); ok {
			tm.Time = tm.Time.UTC()
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			switch {
			case !f.IsExported():
			case f.Type == rawMessageType && f.Tag.Get("json") == "-":
				v.Field(i).SetZero()
			default:
				normalize(v.Field(i))
			}
		}
	}
}
