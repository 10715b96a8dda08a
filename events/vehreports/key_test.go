package vehreports_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

func scanner(t testing.TB) events.KeyScanner {
	t.Helper()
	ks, ok := vehreports.Provider().(events.KeyScanner)
	require.True(t, ok, "the provider is a KeyScanner")
	return ks
}

// decodedKey returns the key Decode gives body, and whether it returned an envelope.
func decodedKey(body []byte) (string, bool) {
	env, err := vehreports.Provider().Decode(body)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		return "", false
	}
	return env.IdempotencyKey, true
}

// TestScanKeyFixtures checks ScanKey against Decode on every fixture: where it answers, its key
// is Decode's; and it answers for every fixture with an id.
func TestScanKeyFixtures(t *testing.T) {
	ks := scanner(t)
	for _, f := range loadFixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			body := eventstest.Body(t, f)
			key, ok := ks.ScanKey(body)
			want, decoded := decodedKey(body)
			if ok && decoded {
				assert.Equal(t, want, key)
			}
			if f.Kind != "bad" {
				assert.True(t, ok, "a delivery with an id")
			}
		})
	}
}

func TestScanKey(t *testing.T) {
	tests := []struct {
		name string
		body string
		key  string // "" when ScanKey must say false
	}{
		{"string id", `{"id":"evt_1","type":"credits.low"}`, "vehreports:evt_1"},
		{"number id", `{"id":5512,"type":"credits.low"}`, "vehreports:5512"},
		{"20-digit id", `{"type":"credits.low","id":98765432109876543210}`, "vehreports:98765432109876543210"},
		{"last id wins", `{"id":"a","type":"credits.low","ID":"b"}`, "vehreports:b"},
		{"escaped id", `{"id":"evt\u005f1","type":"credits.low"}`, "vehreports:evt_1"},
		{"surrogate escape", `{"id":"\ud800","type":"credits.low"}`, "vehreports:\uFFFD"},
		{"id in data ignored", `{"id":"e","type":"credits.low","data":{"id":"p"}}`, "vehreports:e"},
		{"long id", `{"id":"` + strings.Repeat("e", 300) + `","type":"credits.low"}`, events.FieldKey(vehreports.Name, strings.Repeat("e", 300))},

		{"no id", `{"type":"credits.low","data":{"balance":9}}`, ""},
		{"null id", `{"id":null,"type":"credits.low"}`, ""},
		{"id then null", `{"id":"a","id":null,"type":"credits.low"}`, ""},
		{"empty id", `{"id":"","type":"credits.low"}`, ""},
		{"object id", `{"id":{"v":1},"type":"credits.low"}`, ""},
		{"array id", `{"id":["a"],"type":"credits.low"}`, ""},
		{"bool id", `{"id":true,"type":"credits.low"}`, ""},
		{"id only in data", `{"type":"credits.low","data":{"id":"p"}}`, ""},
		{"syntax error after id", `{"id":"a","type":"credits.low",}`, ""},
		{"garbage after object", `{"id":"a","type":"credits.low"} x`, ""},
		{"invalid UTF-8", "{\"id\":\"a\",\"x\":\"\xff\"}", ""},
		{"too deep", `{"id":"a","x":` + strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70) + `}`, ""},
		{"array", `[{"id":"a"}]`, ""},
		{"empty", ``, ""},
	}
	ks := scanner(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := ks.ScanKey([]byte(tt.body))
			if tt.key == "" {
				assert.False(t, ok, "key %q", key)
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.key, key)
			want, decoded := decodedKey([]byte(tt.body))
			require.True(t, decoded)
			assert.Equal(t, want, key, "Decode's key")
		})
	}
}

// FuzzScanKey checks that whenever ScanKey answers and Decode returns an envelope, the keys
// agree. Run it with
//
//	go test ./events/vehreports -run '^$' -fuzz '^FuzzScanKey$' -fuzztime 60s
func FuzzScanKey(f *testing.F) {
	for _, body := range differentialSeeds(f) {
		f.Add(body)
	}
	ks := scanner(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		key, ok := ks.ScanKey(body)
		if !ok {
			return
		}
		if want, decoded := decodedKey(body); decoded && key != want {
			t.Fatalf("ScanKey %q, Decode %q", key, want)
		}
	})
}
