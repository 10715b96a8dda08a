package verify_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/internal/rawbody"
	"github.com/inspecthook/inspecthook/internal/rawbody/rawbodytest"
	"github.com/inspecthook/inspecthook/verify"
)

// untouchable is a request body that fails the test when anything reads it.
type untouchable struct{ t *testing.T }

func (u untouchable) Read([]byte) (int, error) {
	u.t.Error("the body was read")
	return 0, io.EOF
}

func (untouchable) Close() error { return nil }

// failing is a request body that sends some bytes and then fails.
type failing struct{ sent bool }

var errHungUp = errors.New("client hung up")

func (f *failing) Read(p []byte) (int, error) {
	if f.sent || len(p) == 0 {
		return 0, errHungUp
	}
	f.sent = true
	return copy(p, `{"event":`), nil
}

func (*failing) Close() error { return nil }

// counting counts the bytes read from a body.
type counting struct {
	r io.Reader
	n int
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func (*counting) Close() error { return nil }

// rejection is one call of a WithOnReject function.
type rejection struct {
	status int
	err    error
}

func post(target string, b []byte) *http.Request {
	return httptest.NewRequest(http.MethodPost, target, bytes.NewReader(b))
}

func signed(t *testing.T, s verify.Signer, b []byte) *http.Request {
	t.Helper()
	r := post("/webhooks", b)
	require.NoError(t, s.Sign(r, b))
	return r
}

func TestMiddlewareStatuses(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	key, err := verify.NewAPIKey("X-Api-Key", "key")
	require.NoError(t, err)
	scFirst, err := verify.All(sc, bearer) // the HMAC part is listed first, and checked last
	require.NoError(t, err)
	headersOnly, err := verify.Any(bearer, key)
	require.NoError(t, err)
	bearerOrHMAC, err := verify.Any(bearer, sc)
	require.NoError(t, err)
	small := []byte(`{"id":"012345678"}`) // 18 bytes

	tests := []struct {
		name   string
		v      verify.Verifier
		opts   []verify.MiddlewareOption
		req    func(t *testing.T) *http.Request
		status int
		text   string
		want   error // what WithOnReject receives
	}{
		{"signed", sc, nil, func(t *testing.T) *http.Request { return signed(t, sc, body) }, 200, "", nil},
		{"signed, empty body", sc, nil, func(t *testing.T) *http.Request { return signed(t, sc, nil) }, 200, "", nil},
		{"signature of another body", sc, nil, func(t *testing.T) *http.Request {
			r := signed(t, sc, body)
			r.Body = io.NopCloser(bytes.NewReader(small))
			r.ContentLength = int64(len(small))
			return r
		}, 401, "unauthorized\n", verify.ErrInvalid},
		{"no signature", sc, nil, func(*testing.T) *http.Request { return post("/webhooks", body) }, 401, "unauthorized\n", verify.ErrMissing},
		{"declared length over the cap", sc, []verify.MiddlewareOption{verify.WithMaxBodyBytes(17)}, func(t *testing.T) *http.Request {
			r := signed(t, sc, small)
			r.Body = untouchable{t}
			return r
		}, 413, "request body too large: limit 17 bytes\n", nil},
		{"length unknown, bytes over the cap", sc, []verify.MiddlewareOption{verify.WithMaxBodyBytes(17)}, func(t *testing.T) *http.Request {
			r := signed(t, sc, small)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(small)), -1
			return r
		}, 413, "request body too large: limit 17 bytes\n", nil},
		{"length unknown, body at the cap", sc, []verify.MiddlewareOption{verify.WithMaxBodyBytes(18)}, func(t *testing.T) *http.Request {
			r := signed(t, sc, small)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(small)), -1
			return r
		}, 200, "", nil},
		{"read error", sc, nil, func(t *testing.T) *http.Request {
			r := signed(t, sc, small)
			r.Body, r.ContentLength = &failing{}, -1
			return r
		}, 400, "could not read the request body\n", rawbody.ErrRead},
		{"header-only scheme fails before the body", bearer, nil, func(t *testing.T) *http.Request {
			r := post("/webhooks", nil)
			r.Header.Set("Authorization", "Bearer wrong")
			r.Body, r.ContentLength = untouchable{t}, 100
			return r
		}, 401, "unauthorized\n", verify.ErrInvalid},
		{"header-only scheme passes", bearer, nil, func(t *testing.T) *http.Request { return signed(t, bearer, body) }, 200, "", nil},
		{"All: header-only part first, whatever its place", scFirst, nil, func(t *testing.T) *http.Request {
			r := signed(t, sc, small)
			r.Body = untouchable{t}
			return r
		}, 401, "unauthorized\n", verify.ErrMissing},
		{"All: body part after", scFirst, nil, func(t *testing.T) *http.Request {
			r := signed(t, bearer, body)
			r.Header.Set("X-Safetyculture-Signature", strings.Repeat("0", 64))
			return r
		}, 401, "unauthorized\n", verify.ErrInvalid},
		{"All: both", scFirst, nil, func(t *testing.T) *http.Request { return signed(t, scFirst, body) }, 200, "", nil},
		{"Any of header-only schemes: before the body", headersOnly, nil, func(t *testing.T) *http.Request {
			r := post("/webhooks", nil)
			r.Body, r.ContentLength = untouchable{t}, 100
			return r
		}, 401, "unauthorized\n", verify.ErrMissing},
		{"Any with a body scheme: after the body", bearerOrHMAC, nil, func(t *testing.T) *http.Request {
			r := signed(t, sc, body)
			r.Header.Set("Authorization", "Bearer wrong")
			return r
		}, 200, "", nil},
		{"zero AllOf", &verify.AllOf{}, nil, func(t *testing.T) *http.Request { return signed(t, sc, body) }, 401, "unauthorized\n", verify.ErrConfig},
		{"zero AnyOf", &verify.AnyOf{}, nil, func(t *testing.T) *http.Request { return signed(t, sc, body) }, 401, "unauthorized\n", verify.ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rejected []rejection
			opts := append(tt.opts, verify.WithOnReject(func(_ *http.Request, status int, err error) {
				rejected = append(rejected, rejection{status, err})
			}))
			called := false
			h := verify.Middleware(tt.v, opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
			}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tt.req(t))

			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.status == 200, called, "next called")
			if tt.status == 200 {
				assert.Empty(t, rejected)
				return
			}
			assert.Equal(t, tt.text, w.Body.String())
			assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
			require.Len(t, rejected, 1)
			assert.Equal(t, tt.status, rejected[0].status)
			switch {
			case tt.status == 413:
				var tooLarge *http.MaxBytesError
				assert.ErrorAs(t, rejected[0].err, &tooLarge)
			case tt.want != nil:
				assert.ErrorIs(t, rejected[0].err, tt.want)
			}
		})
	}
}

func TestMiddlewareHandsOnTheBody(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	for _, tt := range []struct {
		name          string
		contentLength int64
	}{{"length declared", int64(len(body))}, {"length unknown", -1}} {
		t.Run(tt.name, func(t *testing.T) {
			var fromBody, fromContext []byte
			var contentLength int64
			h := verify.Middleware(sc)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var err error
				fromBody, err = io.ReadAll(r.Body)
				require.NoError(t, err)
				var ok bool
				fromContext, ok = verify.RawBody(r)
				require.True(t, ok)
				again, ok := verify.RawBody(r)
				require.True(t, ok)
				assert.Same(t, &fromContext[0], &again[0], "RawBody does not copy")
				contentLength = r.ContentLength
			}))
			r := signed(t, sc, body)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), tt.contentLength
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, body, fromBody)
			assert.Equal(t, body, fromContext)
			assert.Equal(t, int64(len(body)), contentLength)
		})
	}
	t.Run("RawBody outside Middleware", func(t *testing.T) {
		b, ok := verify.RawBody(post("/", body))
		assert.False(t, ok)
		assert.Nil(t, b)
	})
}

func TestMiddlewareLeavesTheRequestAlone(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	for _, status := range []int{http.StatusOK, http.StatusUnauthorized} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			r := signed(t, sc, body)
			if status != http.StatusOK {
				r.Header.Set("X-Safetyculture-Signature", strings.Repeat("0", 64))
			}
			reqBody, ctx, u, header := r.Body, r.Context(), r.URL, r.Header.Clone()
			urlText, contentLength := r.URL.String(), r.ContentLength

			var seen *http.Request
			h := verify.Middleware(sc)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r }))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			require.Equal(t, status, w.Code)

			assert.True(t, reqBody == r.Body, "Body")
			assert.Nil(t, r.GetBody, "GetBody")
			assert.True(t, ctx == r.Context(), "context")
			assert.Same(t, u, r.URL, "URL")
			assert.Equal(t, urlText, r.URL.String(), "URL")
			assert.Equal(t, header, r.Header, "Header")
			assert.Equal(t, contentLength, r.ContentLength, "ContentLength")
			_, ok := verify.RawBody(r)
			assert.False(t, ok, "the caller's context holds no body")
			if status == http.StatusOK {
				require.NotNil(t, seen)
				assert.NotSame(t, r, seen, "next gets a copy")
			}
		})
	}
}

// TestMiddlewareReadsOnce chains two Middleware: the inner one takes the bytes the outer read.
func TestMiddlewareReadsOnce(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	all, err := verify.All(sc, bearer)
	require.NoError(t, err)
	var got []byte
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, _ = io.ReadAll(r.Body) })

	t.Run("read once", func(t *testing.T) {
		h := verify.Middleware(bearer)(verify.Middleware(sc)(next))
		r := signed(t, all, body)
		c := &counting{r: bytes.NewReader(body)}
		r.Body = c
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, len(body), c.n)
		assert.Equal(t, body, got)
	})
	t.Run("the inner cap still holds", func(t *testing.T) {
		h := verify.Middleware(bearer)(verify.Middleware(sc, verify.WithMaxBodyBytes(10))(next))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signed(t, all, body))
		assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	})
}

func TestMiddlewarePanics(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	next := http.NotFoundHandler()
	tests := []struct {
		name string
		f    func()
	}{
		{"nil verifier", func() { verify.Middleware(nil) }},
		{"nil HMAC", func() { verify.Middleware((*verify.HMAC)(nil)) }},
		{"nil AllOf", func() { verify.Middleware((*verify.AllOf)(nil)) }},
		{"negative cap", func() { verify.Middleware(sc, verify.WithMaxBodyBytes(-1)) }},
		{"nil next", func() { verify.Middleware(sc)(nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				assert.True(t, strings.HasPrefix(msg, "verify: "), "panic %q", msg)
			}()
			tt.f()
			t.Error("no panic")
		})
	}
	t.Run("zero cap is the default, nil options are skipped", func(t *testing.T) {
		h := verify.Middleware(sc, nil, verify.WithMaxBodyBytes(0), verify.WithOnReject(nil))(next)
		r := signed(t, sc, body)
		r.ContentLength = verify.DefaultMaxBodyBytes + 1
		r.Body = untouchable{t}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
		assert.Equal(t, "request body too large: limit 8388608 bytes\n", w.Body.String())
	})
}

// slowSender builds requests that declare a body of 8 MiB, within the default cap, and send
// 5 bytes: what an unauthenticated sender holding connections open makes the server keep.
func slowSender(n int) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", strings.NewReader("hello"))
		r.ContentLength = 8 << 20
		r.Header.Set("X-Safetyculture-Signature", strings.Repeat("0", 64))
		reqs[i] = r
	}
	return reqs
}

// TestMiddlewareMemoryFollowsBytesReceived is a regression test: memory reserved before
// authentication must follow the bytes received, not the Content-Length declared.
func TestMiddlewareMemoryFollowsBytesReceived(t *testing.T) {
	const n = 20
	h := verify.Middleware(mustHMAC(t, verify.SafetyCulture("sc-secret")))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("next called")
	}))
	reqs := slowSender(n)
	ws := make([]*httptest.ResponseRecorder, n)
	for i := range ws {
		ws[i] = httptest.NewRecorder()
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i, r := range reqs {
		h.ServeHTTP(ws[i], r)
	}
	runtime.ReadMemStats(&after)

	for _, w := range ws {
		require.Equal(t, http.StatusUnauthorized, w.Code)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	const limit = n*(64<<10) + 256<<10
	assert.Less(t, allocated, uint64(limit), "%d requests declaring 8 MiB allocated %d bytes", n, allocated)
}

// BenchmarkMiddlewareDeclaredLength is the request of TestMiddlewareMemoryFollowsBytesReceived:
// B/op (which includes building the request) must stay far under the 8 MiB declared.
func BenchmarkMiddlewareDeclaredLength(b *testing.B) {
	v, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
	if err != nil {
		b.Fatal(err)
	}
	h := verify.Middleware(v)(http.NotFoundHandler())
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, slowSender(1)[0])
		if w.Code != http.StatusUnauthorized {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkMiddleware is an authentic 4 KiB SafetyCulture delivery through Middleware.
func BenchmarkMiddleware(b *testing.B) {
	v, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
	if err != nil {
		b.Fatal(err)
	}
	payload := benchBody(4 << 10)
	sign := httptest.NewRequest(http.MethodPost, "/", nil)
	if err := v.Sign(sign, payload); err != nil {
		b.Fatal(err)
	}
	h := verify.Middleware(v)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", bytes.NewReader(payload))
		r.Header = sign.Header
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// TestMiddlewareEarlyAnswerClosesTheConnection sends, over raw TCP to a real server, requests
// that declare 200 KiB and send 5 bytes (or send past the cap), then nothing: an answer given
// before the body was read to its end (a header-only 401, a 413) comes at once with
// "Connection: close", and the server closes the connection rather than wait for the rest of
// the body until its read timeout (see internal/rawbody/rawbodytest).
func TestMiddlewareEarlyAnswerClosesTheConnection(t *testing.T) {
	basic, err := verify.NewBasic(verify.Credential{Username: "user", Password: "pw"})
	require.NoError(t, err)
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	key, err := verify.NewAPIKey("X-Api-Key", "key")
	require.NoError(t, err)
	authed := http.Header{"Authorization": {"Bearer tok"}}
	chunkPastTheCap := "800\r\n" + strings.Repeat("x", 0x800) + "\r\n"
	tests := []struct {
		name     string
		v        verify.Verifier
		header   http.Header
		declared int    // -1: chunked
		sent     string // the only bytes of the body sent
		status   int
		text     string
	}{
		{"Basic, no credentials", basic, nil, rawbodytest.Declared, `{"id"`, 401, "unauthorized\n"},
		{"Bearer, no credentials", bearer, nil, rawbodytest.Declared, `{"id"`, 401, "unauthorized\n"},
		{"Bearer, wrong token", bearer, http.Header{"Authorization": {"Bearer nope"}}, rawbodytest.Declared, `{"id"`, 401, "unauthorized\n"},
		{"API key, none", key, nil, rawbodytest.Declared, `{"id"`, 401, "unauthorized\n"},
		{"declared over the cap", bearer, authed, rawbodytest.Declared, `{"id"`, 413, "request body too large: limit 1024 bytes\n"},
		{"sent past the cap", bearer, authed, -1, chunkPastTheCap, 413, "request body too large: limit 1024 bytes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := verify.Middleware(tt.v, verify.WithMaxBodyBytes(1<<10))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				t.Error("next called")
			}))
			res, text := rawbodytest.EarlyAnswer(t, h, http.MethodPost, "/webhooks", tt.header, tt.declared, tt.sent)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, tt.text, text)
		})
	}
}

// TestMiddlewareReadBodyKeepsTheConnection sends whole requests on one connection: once the body
// has been read to its end, neither next's answer nor a 401 over the body closes the
// connection.
func TestMiddlewareReadBodyKeepsTheConnection(t *testing.T) {
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	both, err := verify.All(bearer, sc)
	require.NoError(t, err)
	h := verify.Middleware(both)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := verify.RawBody(r)
		_, _ = w.Write(raw)
	}))
	c := rawbodytest.Dial(t, rawbodytest.Server(t, h))
	header := func(sig string) http.Header {
		return http.Header{"Authorization": {"Bearer tok"}, "X-Safetyculture-Signature": {sig}}
	}
	tests := []struct {
		name   string
		header http.Header
		body   string
		status int
	}{
		{"signed", header(sc.Signature("", body)), string(body), 200},
		{"signature of another body", header(sc.Signature("", body)), `{"id":"1"}`, 401},
		{"signed again", header(sc.Signature("", body)), string(body), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Send(http.MethodPost, "/webhooks", tt.header, len(tt.body), tt.body)
			res, got := c.Response()
			assert.Equal(t, tt.status, res.StatusCode)
			if tt.status == 200 {
				assert.Equal(t, tt.body, got, "next read the body")
			}
			assert.False(t, res.Close, "the connection stays open")
		})
	}
}

// TestMiddlewareEarlyAnswerHeaders checks, on a recorder, when an answer carries
// "Connection: close": only when it is given before the body was read to its end, and never
// over HTTP/2, where it would shut down every stream of the connection.
func TestMiddlewareEarlyAnswerHeaders(t *testing.T) {
	bearer, err := verify.NewBearer("tok")
	require.NoError(t, err)
	sc := mustHMAC(t, verify.SafetyCulture("sc-secret"))
	tests := []struct {
		name  string
		v     verify.Verifier
		req   func() *http.Request
		close bool
	}{
		{"401 before the body", bearer, func() *http.Request { return post("/webhooks", body) }, true},
		{"401 before the body, HTTP/2", bearer, func() *http.Request {
			r := post("/webhooks", body)
			r.ProtoMajor, r.ProtoMinor = 2, 0
			return r
		}, false},
		{"401 before the body, no body", bearer, func() *http.Request { return httptest.NewRequest(http.MethodPost, "/webhooks", nil) }, false},
		{"401 over the body", sc, func() *http.Request { return post("/webhooks", body) }, false},
		{"401 before the body, an earlier stage read it", bearer, func() *http.Request {
			return rawbody.With(post("/webhooks", body), body)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			verify.Middleware(tt.v)(http.NotFoundHandler()).ServeHTTP(w, tt.req())
			assert.Equal(t, 401, w.Code)
			if tt.close {
				assert.Equal(t, "close", w.Header().Get("Connection"))
			} else {
				assert.Empty(t, w.Header().Get("Connection"))
			}
		})
	}
}
