package idempotency_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/inspecthook/inspecthook/internal/rawbody/rawbodytest"
)

// errStore is the failure of testStore's methods.
var errStore = errors.New("store down")

// failures are the errors a testStore returns instead of calling its Memory; nil: no failure.
// With noState, Claim returns the zero Claim, which no Store may return.
type failures struct {
	claim, complete, release error
	noState                  bool
}

// testStore is a Memory store that records the calls made to it and fails those it is told to.
type testStore struct {
	*idempotency.Memory
	fail failures

	mu    sync.Mutex
	calls []string
}

func (s *testStore) record(call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
}

func (s *testStore) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *testStore) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	s.record("claim")
	if s.fail.claim != nil || s.fail.noState {
		return idempotency.Claim{}, s.fail.claim
	}
	return s.Memory.Claim(ctx, key, lease)
}

func (s *testStore) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	s.record("complete")
	if s.fail.complete != nil {
		return s.fail.complete
	}
	return s.Memory.Complete(ctx, key, token, retention)
}

func (s *testStore) Release(ctx context.Context, key, token string) error {
	s.record("release")
	if s.fail.release != nil {
		return s.fail.release
	}
	return s.Memory.Release(ctx, key, token)
}

// hooks records the calls of Middleware's hooks.
type hooks struct {
	rejects []reject
	errs    []error
}

type reject struct {
	status int
	err    error
	key    string // KeyFrom the hook's request
}

func (h *hooks) options() []idempotency.MiddlewareOption {
	return []idempotency.MiddlewareOption{
		idempotency.WithOnReject(func(r *http.Request, status int, err error) {
			h.rejects = append(h.rejects, reject{status, err, idempotency.KeyFrom(r.Context())})
		}),
		idempotency.WithOnError(func(r *http.Request, err error) {
			h.errs = append(h.errs, err)
		}),
	}
}

const (
	keyHeader = "Webhook-Id"
	evtKey    = "evt_1"
)

func post(key string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(`{}`))
	if key != "" {
		r.Header.Set(keyHeader, key)
	}
	return r
}

func writeStatus(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
}

func TestMiddleware(t *testing.T) {
	const (
		conflict  = "conflict: this event is being processed; retry later\n"
		processed = "ok: already received\n"
	)
	tests := []struct {
		name   string
		header string                                    // the Webhook-Id header; "" for none
		before func(t *testing.T, m *idempotency.Memory) // prepares the store
		fail   failures                                  // the store's
		next   http.HandlerFunc

		status     int    // the response's; 0 not checked
		body       string // the response's
		retryAfter string
		nextCalls  int
		calls      []string // to the store, after before
		rejected   error    // the error WithOnReject receives; nil: not called
		reported   error    // the error WithOnError receives; nil: not called
		panics     bool
		after      idempotency.State // a claim of the key afterwards
	}{
		{
			name: "no key", header: "",
			status: 400, body: "no idempotency key\n", rejected: idempotency.ErrNoKey,
		},
		{
			name: "blank key", header: " \t ",
			status: 400, body: "no idempotency key\n", rejected: idempotency.ErrNoKey,
		},
		{
			name: "claim fails", header: evtKey, fail: failures{claim: errStore},
			status: 503, body: "service unavailable\n", retryAfter: "60",
			calls: []string{"claim"}, rejected: idempotency.ErrUnavailable,
		},
		{
			name: "claim returns no state", header: evtKey, fail: failures{noState: true},
			status: 503, body: "service unavailable\n", retryAfter: "60",
			calls: []string{"claim"}, rejected: idempotency.ErrUnavailable, after: idempotency.Claimed,
		},
		{
			name: "already done", header: evtKey, before: completed(evtKey),
			status: 200, body: processed,
			calls: []string{"claim"}, rejected: idempotency.ErrDuplicate, after: idempotency.Done,
		},
		{
			name: "in flight", header: evtKey, before: claimed(evtKey),
			status: 409, body: conflict, retryAfter: "60", // the seconds left in the holder's lease
			calls: []string{"claim"}, rejected: idempotency.ErrInFlight, after: idempotency.InFlight,
		},
		{
			name: "key trimmed", header: "  " + evtKey + "  ", before: completed(evtKey),
			status: 200, body: processed,
			calls: []string{"claim"}, rejected: idempotency.ErrDuplicate, after: idempotency.Done,
		},
		{
			name: "next writes nothing", header: evtKey,
			next:   func(http.ResponseWriter, *http.Request) {},
			status: 200, nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			name: "next 200", header: evtKey,
			next:   func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "handled") },
			status: 200, body: "handled", nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			// The writer keeps io.StringWriter, and a string written first sends 200.
			name: "next writes a string then 500", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				if _, err := w.(io.StringWriter).WriteString("handled"); err != nil {
					panic(err)
				}
				w.WriteHeader(http.StatusInternalServerError)
			},
			status: 200, body: "handled", nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			name: "next 201", header: evtKey, next: writeStatus(201),
			status: 201, nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			name: "next 204", header: evtKey, next: writeStatus(204),
			status: 204, nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			name: "next 302", header: evtKey, next: writeStatus(302),
			status: 302, nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			name: "next 400", header: evtKey, next: writeStatus(400),
			status: 400, nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			name: "next 409", header: evtKey, next: writeStatus(409),
			status: 409, nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			name: "next 500", header: evtKey, next: writeStatus(500),
			status: 500, nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			// A 1xx status is not the final one. (The recorder keeps the first status, 103.)
			name: "next 103 then 500", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusInternalServerError)
			},
			nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			name: "next 103 then 200", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusEarlyHints)
				fmt.Fprint(w, "handled")
			},
			body: "handled", nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			// Flushing sends 200: a later status is not sent, and the claim is completed.
			name: "next flushes then 500", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				if err := http.NewResponseController(w).Flush(); err != nil {
					panic(err)
				}
				w.WriteHeader(http.StatusInternalServerError)
			},
			status: 200, nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			name: "next flushes through http.Flusher", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				w.(http.Flusher).Flush()
				w.WriteHeader(http.StatusInternalServerError)
			},
			status: 200, nextCalls: 1, calls: []string{"claim", "complete"}, after: idempotency.Done,
		},
		{
			name: "next panics", header: evtKey,
			next:   func(http.ResponseWriter, *http.Request) { panic("handler bug") },
			panics: true, nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			name: "next panics after writing 200", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusOK)
				panic("handler bug")
			},
			panics: true, nextCalls: 1, calls: []string{"claim", "release"}, after: idempotency.Claimed,
		},
		{
			name: "complete fails", header: evtKey, fail: failures{complete: errStore},
			next:   writeStatus(200),
			status: 200, nextCalls: 1, calls: []string{"claim", "complete"}, reported: errStore,
			after: idempotency.InFlight, // the claim holds until its lease ends
		},
		{
			name: "release fails", header: evtKey, fail: failures{release: errStore},
			next:   writeStatus(500),
			status: 500, nextCalls: 1, calls: []string{"claim", "release"}, reported: errStore,
			after: idempotency.InFlight,
		},
		{
			name: "release fails after a panic", header: evtKey, fail: failures{release: errStore},
			next:   func(http.ResponseWriter, *http.Request) { panic("handler bug") },
			panics: true, nextCalls: 1, calls: []string{"claim", "release"}, reported: errStore,
			after: idempotency.InFlight,
		},
		{
			name: "lease lost", header: evtKey,
			next: func(w http.ResponseWriter, r *http.Request) {
				clockFrom(r).Advance(idempotency.DefaultLease) // the handler outlived its lease
			},
			status: 200, nextCalls: 1, calls: []string{"claim", "complete"}, reported: idempotency.ErrLeaseLost,
			after: idempotency.Claimed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, clock := newMemory(t, 0)
			if tt.before != nil {
				tt.before(t, m)
			}
			store := &testStore{Memory: m, fail: tt.fail}
			var h hooks
			nextCalls := 0
			next := func(w http.ResponseWriter, r *http.Request) {
				nextCalls++
				assert.Equal(t, evtKey, idempotency.KeyFrom(r.Context()), "the key in next's context")
				tt.next(w, r)
			}
			opts := append(h.options(), idempotency.WithNow(clock.Now))
			mw := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader), opts...)(http.HandlerFunc(next))

			w := httptest.NewRecorder()
			r := post(tt.header)
			r = r.WithContext(context.WithValue(r.Context(), clockKey{}, clock))
			before := r.Clone(r.Context())
			recovered := func() (v any) {
				defer func() { v = recover() }()
				mw.ServeHTTP(w, r)
				return nil
			}()

			if tt.panics {
				assert.Equal(t, "handler bug", recovered, "the panic goes on")
			} else {
				require.Nil(t, recovered)
				if tt.status != 0 {
					assert.Equal(t, tt.status, w.Code)
				}
				assert.Equal(t, tt.body, w.Body.String())
			}
			assert.Equal(t, tt.retryAfter, w.Header().Get("Retry-After"))
			if tt.rejected != nil {
				assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
				assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
			}
			assert.Equal(t, tt.nextCalls, nextCalls, "calls of next")
			assert.Equal(t, tt.calls, store.Calls(), "calls to the store")
			assert.Equal(t, before.Header, r.Header, "the caller's request is not changed")
			assert.Empty(t, idempotency.KeyFrom(r.Context()), "the caller's request is not changed")

			if tt.rejected == nil {
				assert.Empty(t, h.rejects, "WithOnReject is not called for a request passed on")
			} else if assert.Len(t, h.rejects, 1) {
				rej := h.rejects[0]
				assert.Equal(t, w.Code, rej.status)
				assert.ErrorIs(t, rej.err, tt.rejected)
				if errors.Is(tt.rejected, idempotency.ErrNoKey) {
					assert.Empty(t, rej.key)
				} else {
					assert.Equal(t, evtKey, rej.key, "the hook's request carries the key")
				}
				if tt.fail.claim != nil {
					assert.ErrorIs(t, rej.err, tt.fail.claim, "the store's error is kept")
				}
			}
			if tt.reported == nil {
				assert.Empty(t, h.errs)
			} else if assert.Len(t, h.errs, 1) {
				assert.ErrorIs(t, h.errs[0], tt.reported)
			}

			if tt.after != 0 {
				c, err := m.Claim(t.Context(), evtKey, time.Minute)
				require.NoError(t, err)
				assert.Equal(t, tt.after, c.State, "a claim of the key afterwards")
			}
		})
	}
}

// clockKey carries a test's clock to the next handler.
type clockKey struct{}

func clockFrom(r *http.Request) *storetest.Clock {
	return r.Context().Value(clockKey{}).(*storetest.Clock)
}

// completed returns a function that claims key and completes it.
func completed(key string) func(*testing.T, *idempotency.Memory) {
	return func(t *testing.T, m *idempotency.Memory) {
		c, err := m.Claim(t.Context(), key, time.Minute)
		require.NoError(t, err)
		require.NoError(t, m.Complete(t.Context(), key, c.Token, time.Hour))
	}
}

// claimed returns a function that claims key.
func claimed(key string) func(*testing.T, *idempotency.Memory) {
	return func(t *testing.T, m *idempotency.Memory) {
		c, err := m.Claim(t.Context(), key, time.Minute)
		require.NoError(t, err)
		require.Equal(t, idempotency.Claimed, c.State)
	}
}

// The lease and retention options reach the store.
func TestMiddlewareDurations(t *testing.T) {
	tests := []struct {
		name             string
		opts             []idempotency.MiddlewareOption
		lease, retention time.Duration
	}{
		{"defaults", nil, idempotency.DefaultLease, idempotency.DefaultRetention},
		{"zero means default", []idempotency.MiddlewareOption{idempotency.WithLease(0), idempotency.WithRetention(0)},
			idempotency.DefaultLease, idempotency.DefaultRetention},
		{"set", []idempotency.MiddlewareOption{idempotency.WithLease(10 * time.Second), idempotency.WithRetention(time.Hour)},
			10 * time.Second, time.Hour},
		{"nil option ignored", []idempotency.MiddlewareOption{nil}, idempotency.DefaultLease, idempotency.DefaultRetention},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Lease: the key is in flight until it has passed.
			m, clock := newMemory(t, 0)
			next := func(w http.ResponseWriter, r *http.Request) {
				clock.Advance(tt.lease - time.Nanosecond)
				c, err := m.Claim(t.Context(), evtKey, time.Minute)
				require.NoError(t, err)
				assert.Equal(t, idempotency.InFlight, c.State, "within the lease")
				clock.Advance(time.Nanosecond)
				c, err = m.Claim(t.Context(), evtKey, time.Minute)
				require.NoError(t, err)
				assert.Equal(t, idempotency.Claimed, c.State, "after the lease")
			}
			h := idempotency.Middleware(m, idempotency.HeaderKey(keyHeader), tt.opts...)(http.HandlerFunc(next))
			h.ServeHTTP(httptest.NewRecorder(), post(evtKey))

			// Retention: the key is done until it has passed.
			m2, clock2 := newMemory(t, 0)
			h = idempotency.Middleware(m2, idempotency.HeaderKey(keyHeader), tt.opts...)(writeStatus(200))
			h.ServeHTTP(httptest.NewRecorder(), post(evtKey))
			clock2.Advance(tt.retention - time.Nanosecond)
			c, err := m2.Claim(t.Context(), evtKey, time.Minute)
			require.NoError(t, err)
			assert.Equal(t, idempotency.Done, c.State, "within retention")
			clock2.Advance(time.Nanosecond)
			c, err = m2.Claim(t.Context(), evtKey, time.Minute)
			require.NoError(t, err)
			assert.Equal(t, idempotency.Claimed, c.State, "after retention")
		})
	}
}

// The sender hanging up while the handler runs does not stop the claim from being completed.
func TestMiddlewareCompletesAfterCancel(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			store := &testStore{Memory: new(idempotency.Memory)}
			var h hooks
			ctx, cancel := context.WithCancel(t.Context())
			next := func(w http.ResponseWriter, r *http.Request) {
				cancel()
				w.WriteHeader(status)
			}
			mw := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader), h.options()...)(http.HandlerFunc(next))
			mw.ServeHTTP(httptest.NewRecorder(), post(evtKey).WithContext(ctx))
			assert.Empty(t, h.errs, "the store saw a live context")
			c, err := store.Memory.Claim(t.Context(), evtKey, time.Minute)
			require.NoError(t, err)
			want := map[int]idempotency.State{200: idempotency.Done, 500: idempotency.Claimed}[status]
			assert.Equal(t, want, c.State)
		})
	}
}

// Of 100 concurrent deliveries of one event, one runs the handler and the others are told to
// retry later; once it has succeeded, a further delivery is acknowledged without running it.
func TestMiddlewareConcurrentDuplicates(t *testing.T) {
	const n = 100
	store := new(idempotency.Memory)
	var calls atomic.Int32
	var turnedAway sync.WaitGroup
	turnedAway.Add(n - 1)
	next := func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		turnedAway.Wait() // hold the claim until every other delivery has been answered
		fmt.Fprint(w, "handled")
	}
	var mu sync.Mutex
	rejected := map[int]int{}
	var inFlight, duplicates int
	onReject := idempotency.WithOnReject(func(r *http.Request, status int, err error) {
		mu.Lock()
		defer mu.Unlock()
		rejected[status]++
		switch {
		case errors.Is(err, idempotency.ErrInFlight):
			inFlight++
		case errors.Is(err, idempotency.ErrDuplicate):
			duplicates++
		}
	})
	h := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader), onReject)(http.HandlerFunc(next))

	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, post(evtKey))
			statuses[i] = w.Code
			if w.Code == http.StatusConflict {
				turnedAway.Done()
			}
		})
	}
	wg.Wait()

	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 1, http.StatusConflict: n - 1}, count)
	assert.Equal(t, map[int]int{http.StatusConflict: n - 1}, rejected)
	assert.Equal(t, n-1, inFlight)
	assert.EqualValues(t, 1, calls.Load(), "next runs once")

	w := httptest.NewRecorder()
	h.ServeHTTP(w, post(evtKey))
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "ok: already received\n", w.Body.String())
	assert.EqualValues(t, 1, calls.Load(), "a later duplicate does not run next")
	assert.Equal(t, 1, duplicates, "the hook counts the duplicate")
}

func TestMiddlewarePanicsOnMisuse(t *testing.T) {
	m := new(idempotency.Memory)
	key := idempotency.HeaderKey(keyHeader)
	tests := []struct {
		name string
		f    func()
	}{
		{"nil store", func() { idempotency.Middleware(nil, key) }},
		{"nil *Memory", func() { idempotency.Middleware((*idempotency.Memory)(nil), key) }},
		{"nil key", func() { idempotency.Middleware(m, nil) }},
		{"negative lease", func() { idempotency.Middleware(m, key, idempotency.WithLease(-time.Second)) }},
		{"negative retention", func() { idempotency.Middleware(m, key, idempotency.WithRetention(-time.Second)) }},
		{"nil next", func() { idempotency.Middleware(m, key)(nil) }},
		{"empty header name", func() { idempotency.HeaderKey(" ") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				v := recover()
				require.NotNil(t, v, "no panic")
				assert.True(t, strings.HasPrefix(fmt.Sprint(v), "idempotency: "), "panic %q", v)
			}()
			tt.f()
		})
	}
}

func TestHeaderKey(t *testing.T) {
	tests := []struct {
		name   string
		header string
		values []string // one per header line; nil for none
		want   string
	}{
		{"present", "Webhook-Id", []string{"msg_1"}, "msg_1"},
		{"trimmed", "Webhook-Id", []string{" \tmsg_1 \t"}, "msg_1"},
		{"inner spaces kept", "Webhook-Id", []string{"msg 1"}, "msg 1"},
		{"case kept", "Webhook-Id", []string{"MSG_1"}, "MSG_1"},
		{"missing", "Webhook-Id", nil, ""},
		{"blank", "Webhook-Id", []string{"   "}, ""},
		{"first of several", "Webhook-Id", []string{"msg_1", "msg_2"}, "msg_1"},
		{"name in any case", "webhook-id", []string{"msg_1"}, "msg_1"},
		{"name trimmed", " Webhook-Id ", []string{"msg_1"}, "msg_1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			for _, v := range tt.values {
				r.Header.Add("Webhook-Id", v)
			}
			assert.Equal(t, tt.want, idempotency.HeaderKey(tt.header)(r))
		})
	}
}

func TestKeyFromOutsideMiddleware(t *testing.T) {
	assert.Empty(t, idempotency.KeyFrom(t.Context()))
}

// isBound reports whether key is in BoundKey's long form.
func isBound(key string) bool {
	const hexDigits = "0123456789abcdef"
	rest, ok := strings.CutPrefix(key, "sha256:")
	return ok && len(rest) == 64 && strings.Trim(rest, hexDigits) == ""
}

func TestBoundKey(t *testing.T) {
	longest := strings.Repeat("k", idempotency.MaxKeyLen)
	tests := []struct {
		name  string
		key   string
		bound bool // replaced by its digest
	}{
		{"empty", "", false},
		{"short", "evt_1", false},
		{"MaxKeyLen", longest, false},
		{"MaxKeyLen multibyte", strings.Repeat("é", idempotency.MaxKeyLen/2), false},
		{"one byte over", longest + "k", true},
		{"multibyte over", strings.Repeat("é", idempotency.MaxKeyLen/2+1), true},
		{"4 MiB", strings.Repeat("k", 4<<20), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := idempotency.BoundKey(tt.key)
			assert.LessOrEqual(t, len(got), idempotency.MaxKeyLen)
			if !tt.bound {
				assert.Equal(t, tt.key, got)
				return
			}
			assert.True(t, isBound(got), "%.80q", got)
			assert.Equal(t, got, idempotency.BoundKey(tt.key), "the same key every time")
			assert.Equal(t, got, idempotency.BoundKey(got), "a bound key is bound")
		})
	}
	// Keys that differ only past MaxKeyLen, or in length, stay distinct.
	a := idempotency.BoundKey(longest + "a")
	assert.NotEqual(t, a, idempotency.BoundKey(longest+"b"))
	assert.NotEqual(t, a, idempotency.BoundKey(longest+"aa"))
	sum := sha256.Sum256([]byte(longest + "a"))
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), a)
}

// A 4 MiB key sent by a sender is held by the store as its 71-byte bound form: the store's
// length counts one key, the bound form claims and completes like any key, and the sender's
// string is not kept alive.
func TestMiddlewareBoundsLongKeys(t *testing.T) {
	m, _ := newMemory(t, 0)
	var seen []string
	h := idempotency.Middleware(m, idempotency.HeaderKey(keyHeader))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, idempotency.KeyFrom(r.Context()))
	}))
	deliver := func(key string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, post(key))
		return w
	}

	var heapBefore, heapAfter runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&heapBefore)
	bound := func() string { // the 4 MiB key is unreachable once this returns
		key := strings.Repeat("k", 4<<20)
		require.Equal(t, http.StatusOK, deliver(key).Code)
		w := deliver(key)
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, "ok: already received\n", w.Body.String(), "the duplicate is recognised")
		return idempotency.BoundKey(key)
	}()
	runtime.GC()
	runtime.ReadMemStats(&heapAfter)

	require.Equal(t, []string{bound}, seen, "next ran once, with the bound key")
	assert.True(t, isBound(bound))
	assert.Equal(t, 1, m.Len())
	assert.Less(t, int64(heapAfter.HeapAlloc)-int64(heapBefore.HeapAlloc), int64(1<<20),
		"the store does not keep the 4 MiB key")

	c, err := m.Claim(t.Context(), bound, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, c.State, "the store holds the bound form")

	// The bound form is an ordinary key to the store: claim, complete, duplicate.
	other := idempotency.BoundKey(strings.Repeat("j", 4<<20))
	c, err = m.Claim(t.Context(), other, time.Minute)
	require.NoError(t, err)
	require.Equal(t, idempotency.Claimed, c.State)
	require.NoError(t, m.Complete(t.Context(), other, c.Token, time.Hour))
	c, err = m.Claim(t.Context(), other, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, c.State)
	assert.Equal(t, 2, m.Len())
}

// TestMiddlewareEarlyAnswerClosesTheConnection sends, over raw TCP to a real server, requests
// whose key is in a header and that declare 200 KiB and send 5 bytes, then nothing: each answer
// of the claim comes before the body, at once, with "Connection: close", and the server closes
// the connection rather than wait for the rest of the body (see rawbodytest).
func TestMiddlewareEarlyAnswerClosesTheConnection(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		before func(*testing.T, *idempotency.Memory)
		fail   failures
		status int
		text   string
	}{
		{"no key", "", nil, failures{}, http.StatusBadRequest, "no idempotency key\n"},
		{"already done", evtKey, completed(evtKey), failures{}, http.StatusOK, "ok: already received\n"},
		{"in flight", evtKey, claimed(evtKey), failures{}, http.StatusConflict, "conflict: this event is being processed; retry later\n"},
		{"store down", evtKey, nil, failures{claim: errStore}, http.StatusServiceUnavailable, "service unavailable\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := idempotency.NewMemory(idempotency.MemoryConfig{})
			require.NoError(t, err)
			if tt.before != nil {
				tt.before(t, m)
			}
			store := &testStore{Memory: m, fail: tt.fail}
			h := idempotency.Middleware(store, idempotency.HeaderKey(keyHeader))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				t.Error("next called")
			}))
			var header http.Header
			if tt.key != "" {
				header = http.Header{keyHeader: {tt.key}}
			}
			res, text := rawbodytest.EarlyAnswer(t, h, http.MethodPost, "/webhooks", header, rawbodytest.Declared, `{"id"`)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, tt.text, text)
		})
	}
}

// TestMiddlewareReadBodyKeepsTheConnection sends requests on one connection: one whose body
// next reads, and a duplicate without a body, leave it open.
func TestMiddlewareReadBodyKeepsTheConnection(t *testing.T) {
	m, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	h := idempotency.Middleware(m, idempotency.HeaderKey(keyHeader))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(w, r.Body)
	}))
	c := rawbodytest.Dial(t, rawbodytest.Server(t, h))
	header := http.Header{keyHeader: {evtKey}}
	tests := []struct {
		name, body, text string
	}{
		{"handled, body read", `{"id":"1"}`, `{"id":"1"}`},
		{"duplicate, no body", "", "ok: already received\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Send(http.MethodPost, "/webhooks", header, len(tt.body), tt.body)
			res, text := c.Response()
			assert.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, tt.text, text)
			assert.False(t, res.Close, "the connection stays open")
		})
	}
}
