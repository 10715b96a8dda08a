package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inspecthook/inspecthook/events"
)

// Run with: go test ./events -run '^$' -fuzz '^FuzzCheckObject$' -fuzztime 60s
func FuzzCheckObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":"c"}]}`, `[]`, `"x"`, `{"a":"\"[["}`, "{\"a\":\"\xff\"}", `{`, ``} {
		f.Add([]byte(s))
	}
	// Bodies with more brackets than the depth limit: nested one past it, and not nested.
	f.Add([]byte(`{"a":` + strings.Repeat("[", events.MaxDepth) + strings.Repeat("]", events.MaxDepth) + `}`))
	f.Add([]byte(`{"a":[` + strings.Repeat(`[],{"b":"[["},`, events.MaxDepth) + `[]]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		err := events.CheckObject(body)
		if err != nil {
			if !errors.Is(err, events.ErrNotJSON) && !errors.Is(err, events.ErrShape) {
				t.Fatalf("error %v is not a sentinel", err)
			}
			// Accepted by the standard library but rejected here: only for depth.
			if json.Valid(body) && utf8.Valid(body) && bytes.TrimLeft(body, " \t\r\n")[0] == '{' {
				if errors.Is(err, events.ErrShape) {
					t.Fatalf("valid object rejected as shape: %v", err)
				}
				if d := nesting(t, body); d <= events.MaxDepth {
					t.Fatalf("valid object nested %d deep rejected: %v", d, err)
				}
			}
			return
		}
		if d := nesting(t, body); d > events.MaxDepth {
			t.Fatalf("accepted an object nested %d deep", d)
		}
		if !json.Valid(body) || !utf8.Valid(body) || bytes.TrimLeft(body, " \t\r\n")[0] != '{' {
			t.Fatalf("accepted %q", body)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("accepted %q, which encoding/json cannot read: %v", body, err)
		}
	})
}

// Run with: go test ./events -run '^$' -fuzz '^FuzzLenientTypes$' -fuzztime 60s
func FuzzLenientTypes(f *testing.F) {
	for _, s := range []string{`"397691"`, `397691`, `12345678901234567890`, `null`, `"2024-10-09-19:00:00Z"`, `"2025-01-31"`, `1614265330`, `true`, `{"a":1}`, `[1]`, `"\u00e9"`, `-0.5e-3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, value []byte) {
		if !json.Valid(value) {
			return
		}
		var id events.ID
		if err := events.Unmarshal(value, &id); err != nil && !errors.Is(err, events.ErrShape) {
			t.Fatalf("ID error %v is not ErrShape", err)
		}
		var at events.Time
		if err := json.Unmarshal(value, &at); err != nil {
			t.Fatalf("Time failed on %q: %v", value, err)
		}
		var v events.Value
		if err := json.Unmarshal(value, &v); err != nil {
			t.Fatalf("Value failed on %q: %v", value, err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Value %q does not encode: %v", value, err)
		}
		var a, b any
		if json.Unmarshal(value, &a) != nil {
			return // a number out of float64's range: nothing to compare with
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatalf("Value %q encoded as %q: %v", value, out, err)
		}
		if aj, bj := mustJSON(t, a), mustJSON(t, b); aj != bj {
			t.Fatalf("Value changed %s into %s", aj, bj)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// nesting is how deeply the arrays and objects of body, valid JSON, nest, as encoding/json's
// tokens tell.
func nesting(t *testing.T, body []byte) int {
	dec := json.NewDecoder(bytes.NewReader(body))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return deepest
		}
		if err != nil {
			t.Fatalf("reading valid JSON %q: %v", body, err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			deepest = max(deepest, depth)
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}
