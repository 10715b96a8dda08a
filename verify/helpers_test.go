package verify_test

import (
	"bufio"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// hdr builds a header from name/value pairs, keeping names as given (canonical or not) via Add.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// with returns a copy of h with name set to value (or removed when value is "<nil>").
func with(h http.Header, name, value string) http.Header {
	c := h.Clone()
	if value == "<nil>" {
		c.Del(name)
	} else {
		c.Set(name, value)
	}
	return c
}

// vector is one line of testdata/vectors.tsv, computed by openssl in testdata/vectors.sh.
type vector []string

func loadVectors(t *testing.T, kind string) []vector {
	t.Helper()
	f, err := os.Open("testdata/vectors.tsv")
	require.NoError(t, err)
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if fields[0] == kind {
			out = append(out, fields[1:])
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out, "no %s vectors", kind)
	return out
}

func unb64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

var body = []byte(`{"event":"create","transaction":{"id":46782411,"unit":{"id":1234}}}`)

// request returns a POST to "/" whose Header is h itself, so what a Signer sets on the request
// lands in h.
func request(h http.Header) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header = h
	return r
}
