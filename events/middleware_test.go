package events_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/internal/rawbody"
	"github.com/inspecthook/inspecthook/internal/rawbody/rawbodytest"
)

// acme is a provider built on the registry of core_test.go:
// {"id", "type", "data": {"name"}}, id required.
type acme struct{}

func (acme) Name() string         { return "acme" }
func (acme) EventTypes() []string { return registry.Names() }

func (acme) Decode(body []byte) (*events.Envelope, error) {
	if err := events.CheckObject(body); err != nil {
		return nil, fmt.Errorf("acme: %w", err)
	}
	var w struct {
		ID   events.ID       `json:"id" validate:"required"`
		Type string          `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := events.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("acme: %w", err)
	}
	if w.Type == "" {
		return nil, fmt.Errorf("acme: %w: type is missing", events.ErrNoType)
	}
	env := &events.Envelope{
		Provider: "acme", ID: string(w.ID), Type: w.Type, Types: []string{w.Type}, Raw: body,
		IdempotencyKey: events.IDKey("acme", w.ID, body),
	}
	p, err := registry.Decode(w.Type, w.Data)
	if err != nil && !errors.Is(err, events.ErrInvalid) {
		return nil, fmt.Errorf("acme: %w", events.InField("data", err))
	}
	env.Payload = p
	if err := events.JoinInvalid([]string{"", "data."}, events.Validate(&w), err); err != nil {
		return env, fmt.Errorf("acme: %w", err)
	}
	return env, nil
}

// failingReader fails every read.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

// rejection is one call of the OnReject hook.
type rejection struct {
	status int
	err    error
	env    *events.Envelope
}

// serve runs r through Middleware(acme) with opts, recording the rejections and the request next
// got.
func serve(t *testing.T, r *http.Request, opts ...events.MiddlewareOption) (*httptest.ResponseRecorder, []rejection, *http.Request) {
	t.Helper()
	var rejected []rejection
	opts = append(opts, events.WithOnReject(func(r *http.Request, status int, err error) {
		env, _ := events.FromContext(r.Context())
		rejected = append(rejected, rejection{status, err, env})
	}))
	var got *http.Request
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(http.StatusOK)
	})
	w := httptest.NewRecorder()
	events.Middleware(acme{}, opts...)(next).ServeHTTP(w, r)
	return w, rejected, got
}

func TestMiddlewareDecodes(t *testing.T) {
	body := []byte(`{"id": "1", "type": "thing.created", "data": {"name": "crane"}}`)
	r := httptest.NewRequest(http.MethodPost, "/webhooks/acme", bytes.NewReader(body))
	before := struct {
		body io.ReadCloser
		ctx  any
	}{r.Body, r.Context()}

	w, rejected, got := serve(t, r)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Empty(t, rejected)
	require.NotNil(t, got)

	env, ok := events.FromContext(got.Context())
	require.True(t, ok)
	assert.Equal(t, "thing.created", env.Type)
	assert.Equal(t, body, env.Raw)
	p, ok := created.Payload(env)
	require.True(t, ok)
	assert.Equal(t, "crane", p.Name)
	assert.Equal(t, "acme:1", events.IdempotencyKey(got))

	again, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	assert.Equal(t, body, again, "next can read the body again")
	fromCtx, ok := rawbody.From(got.Context())
	require.True(t, ok)
	assert.Equal(t, body, fromCtx)

	// The caller's request is as it was.
	assert.True(t, before.body == r.Body, "the same Body")
	assert.Equal(t, before.ctx, r.Context())
	_, ok = events.FromContext(r.Context())
	assert.False(t, ok)
	assert.Empty(t, events.IdempotencyKey(r))
}

func TestMiddlewareUnknownType(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"id": "2", "type": "thing.renamed", "data": []}`))
	w, rejected, got := serve(t, r)
	require.Equal(t, http.StatusOK, w.Code, "an unknown type is not an error")
	assert.Empty(t, rejected)
	env, ok := events.FromContext(got.Context())
	require.True(t, ok)
	assert.False(t, env.Known())
}

func TestMiddlewareTakesTheBodyAlreadyRead(t *testing.T) {
	body := []byte(`{"id": "3", "type": "thing.deleted", "data": {"name": "crane"}}`)
	r := httptest.NewRequest(http.MethodPost, "/", failingReader{})
	r = rawbody.With(r, body)
	r.Body = io.NopCloser(failingReader{}) // proves the body is not read again
	w, rejected, got := serve(t, r)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Empty(t, rejected)
	env, ok := events.FromContext(got.Context())
	require.True(t, ok)
	assert.Equal(t, "acme:3", env.IdempotencyKey)
}

func TestMiddlewareRejects(t *testing.T) {
	tests := []struct {
		name    string
		request func() *http.Request
		opts    []events.MiddlewareOption
		status  int
		message string
		want    error
		env     bool
	}{
		{"not JSON", post(`{"id": "1", "type": `), nil, http.StatusBadRequest, "body is not valid JSON", events.ErrNotJSON, false},
		{"empty", post(``), nil, http.StatusBadRequest, "body is not valid JSON", events.ErrNotJSON, false},
		{"not an object", post(`["thing.created"]`), nil, http.StatusBadRequest, "body is not this provider's shape", events.ErrShape, false},
		{"wrong JSON type", post(`{"id": "1", "type": "thing.created", "data": {"name": {"first": "x"}}}`), nil,
			http.StatusBadRequest, "field data.name has the wrong JSON type", events.ErrShape, false},
		{"wrong JSON type at the top", post(`{"id": ["1"], "type": "thing.created"}`), nil,
			http.StatusBadRequest, "field id has the wrong JSON type", events.ErrShape, false},
		{"no type", post(`{"id": "1"}`), nil, http.StatusBadRequest, "no event type in the body", events.ErrNoType, false},
		{"required fields missing", post(`{"type": "thing.created", "data": {}}`), nil,
			http.StatusUnprocessableEntity, "required fields missing: id, data.name", events.ErrInvalid, true},
		{"declared too large", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"id": "1", "type": "thing.created"}`))
			return r
		}, []events.MiddlewareOption{events.WithMaxBodyBytes(10)}, http.StatusRequestEntityTooLarge, "request body too large: limit 10 bytes", nil, false},
		{"streamed too large", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(strings.Repeat(" ", 64))))
			r.ContentLength = -1
			return r
		}, []events.MiddlewareOption{events.WithMaxBodyBytes(32)}, http.StatusRequestEntityTooLarge, "request body too large: limit 32 bytes", nil, false},
		{"unreadable", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", failingReader{})
			r.ContentLength = -1
			return r
		}, nil, http.StatusBadRequest, "could not read the request body", rawbody.ErrRead, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, rejected, got := serve(t, tt.request(), tt.opts...)
			assert.Nil(t, got, "next is not called")
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.message+"\n", w.Body.String())
			assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))

			require.Len(t, rejected, 1, "OnReject is called once")
			assert.Equal(t, tt.status, rejected[0].status)
			if tt.want != nil {
				assert.ErrorIs(t, rejected[0].err, tt.want)
			} else {
				var tooLarge *http.MaxBytesError
				assert.ErrorAs(t, rejected[0].err, &tooLarge)
			}
			assert.Equal(t, tt.env, rejected[0].env != nil, "the envelope is in the context exactly for ErrInvalid")
			if tt.env {
				assert.Equal(t, "thing.created", rejected[0].env.Type)
			}
		})
	}
}

func TestMiddlewareOptions(t *testing.T) {
	big := `{"id": "1", "type": "thing.created", "data": {"name": "` + strings.Repeat("x", 1<<20) + `"}}`
	w, _, _ := serve(t, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(big)), events.WithMaxBodyBytes(0))
	assert.Equal(t, http.StatusOK, w.Code, "zero keeps the default, %d bytes", rawbody.DefaultLimit)

	assert.Panics(t, func() { events.WithMaxBodyBytes(-1) })
	assert.Panics(t, func() { events.Middleware(nil) })

	// Without OnReject, a rejection is answered all the same.
	w = httptest.NewRecorder()
	events.Middleware(acme{})(http.NotFoundHandler()).ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{")))
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

func post(body string) func() *http.Request {
	return func() *http.Request {
		return httptest.NewRequest(http.MethodPost, "/webhooks/acme", strings.NewReader(body))
	}
}

// TestMiddlewareEarlyAnswerClosesTheConnection sends, over raw TCP to a real server, bodies
// Middleware refuses before reading them to their end (declared over the cap, or sent past it
// in chunks, then nothing more): the 413 comes at once with "Connection: close", and the server
// closes the connection rather than wait for the rest of the body (see rawbodytest).
func TestMiddlewareEarlyAnswerClosesTheConnection(t *testing.T) {
	chunkPastTheCap := "800\r\n" + strings.Repeat("x", 0x800) + "\r\n"
	tests := []struct {
		name     string
		declared int // -1: chunked
		sent     string
	}{
		{"declared over the cap", rawbodytest.Declared, `{"id"`},
		{"sent past the cap", -1, chunkPastTheCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := events.Middleware(acme{}, events.WithMaxBodyBytes(1<<10))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				t.Error("next called")
			}))
			res, text := rawbodytest.EarlyAnswer(t, h, http.MethodPost, "/webhooks", nil, tt.declared, tt.sent)
			assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
			assert.Equal(t, "request body too large: limit 1024 bytes\n", text)
		})
	}
}

// TestMiddlewareReadBodyKeepsTheConnection sends whole bodies on one connection: an answer
// given once the body was read to its end, a refusal as well as next's, leaves it open.
func TestMiddlewareReadBodyKeepsTheConnection(t *testing.T) {
	h := events.Middleware(acme{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, events.IdempotencyKey(r))
	}))
	c := rawbodytest.Dial(t, rawbodytest.Server(t, h))
	tests := []struct {
		name   string
		body   string
		status int
	}{
		{"decoded", `{"id":"1","type":"thing.created","data":{"name":"a"}}`, http.StatusOK},
		{"not JSON", `{"id"`, http.StatusBadRequest},
		{"no id", `{"type":"thing.created","data":{"name":"a"}}`, http.StatusUnprocessableEntity},
		{"decoded again", `{"id":"2","type":"thing.created","data":{"name":"b"}}`, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Send(http.MethodPost, "/webhooks", nil, len(tt.body), tt.body)
			res, _ := c.Response()
			assert.Equal(t, tt.status, res.StatusCode)
			assert.False(t, res.Close, "the connection stays open")
		})
	}
}
