package receiver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// fakeProvider decodes {"id":..., "type":..., "bad":..., "missing":...} and counts its calls:
// "bad": true is a body of the wrong shape (400), "missing": true one without a required field
// (422). Its key is "fake:" and the id. With scan set it is an events.KeyScanner whose ScanKey
// is scan.
type fakeProvider struct {
	decodes atomic.Int32
	scans   atomic.Int32
}

type fakeBody struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Bad     bool   `json:"bad"`
	Missing bool   `json:"missing"`
}

func (*fakeProvider) Name() string         { return "fake" }
func (*fakeProvider) EventTypes() []string { return nil }

func (p *fakeProvider) Decode(body []byte) (*events.Envelope, error) {
	p.decodes.Add(1)
	var b fakeBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("fake: %w", events.ErrNotJSON)
	}
	env := &events.Envelope{Provider: "fake", ID: b.ID, Type: b.Type, Types: []string{b.Type},
		IdempotencyKey: events.FieldKey("fake", b.ID), Raw: body}
	switch {
	case b.Bad:
		return nil, fmt.Errorf("fake: %w: bad", events.ErrShape)
	case b.Missing:
		return env, fmt.Errorf("fake: %w: missing", events.ErrInvalid)
	}
	return env, nil
}

// scanningProvider is fakeProvider with a ScanKey.
type scanningProvider struct {
	*fakeProvider
	scan func(body []byte) (string, bool)
}

func (p scanningProvider) ScanKey(body []byte) (string, bool) {
	p.scans.Add(1)
	return p.scan(body)
}

// earlyEnv is a receiver of p with a Bearer token, its store and what it reported.
type earlyEnv struct {
	rx      *receiver.Receiver
	store   *idempotency.Memory
	handled atomic.Int32
	mu      sync.Mutex
	outs    []receiver.Outcome
	errs    []error
	block   chan struct{} // when set, the handler waits on it
	started chan struct{}
}

func newEarlyEnv(t *testing.T, p events.Provider, cfg receiver.Config) *earlyEnv {
	t.Helper()
	e := &earlyEnv{}
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	e.store = store
	if cfg.Store == nil {
		cfg.Store = store
	}
	cfg.Verifier = bearer(t)
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Observer = func(_ context.Context, o receiver.Outcome) { e.mu.Lock(); e.outs = append(e.outs, o); e.mu.Unlock() }
	cfg.OnError = func(_ context.Context, _ receiver.Delivery, err error) {
		e.mu.Lock()
		e.errs = append(e.errs, err)
		e.mu.Unlock()
	}
	rx, err := receiver.New(p, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	receiver.HandleUnknown(rx, func(context.Context, *events.Envelope) error {
		e.handled.Add(1)
		if e.started != nil {
			e.started <- struct{}{}
		}
		if e.block != nil {
			<-e.block
		}
		return nil
	})
	e.rx = rx
	return e
}

func (e *earlyEnv) post(body string, header ...string) *httptest.ResponseRecorder {
	r := request([]byte(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.rx.ServeHTTP(w, r)
	return w
}

func (e *earlyEnv) last() receiver.Outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outs[len(e.outs)-1]
}

func (e *earlyEnv) errors() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

const (
	bodyA         = `{"id":"a","type":"thing.created"}`
	bodyAIndented = "{\n  \"id\": \"a\",\n  \"type\": \"thing.created\"\n}"
	bodyABad      = `{"id":"a","type":"thing.created","bad":true}`
	bodyAMissing  = `{"id":"a","type":"thing.created","missing":true}`
	bodyB         = `{"id":"b","type":"thing.created"}`
)

// step is one delivery of an early-claim scenario and what must come of it.
type step struct {
	body    string
	header  []string // header name, value, ...
	status  int
	answer  string // the response body, when set
	decodes int32  // Decode calls so far
	handled int32  // handler calls so far
	dup     bool   // Outcome.Duplicate
}

func TestEarlyClaim(t *testing.T) {
	const dup = "ok: already processed\n"
	lying := func([]byte) (string, bool) { return "fake:not-the-key", true }
	header := func(v string) []string { return []string{"Webhook-Id", v} }
	tests := []struct {
		name  string
		scan  func([]byte) (string, bool) // nil: the provider is no KeyScanner
		cfg   receiver.Config
		steps []step
	}{
		{"a retry of the same bytes is answered without decoding", nil, receiver.Config{}, []step{
			{body: bodyA, status: 200, answer: "ok\n", decodes: 1, handled: 1},
			{body: bodyA, status: 200, answer: dup, decodes: 1, handled: 1, dup: true},
			{body: bodyA, status: 200, answer: dup, decodes: 1, handled: 1, dup: true},
		}},
		{"other bytes of a handled event are decoded, then answered as a duplicate", nil, receiver.Config{}, []step{
			{body: bodyA, status: 200, decodes: 1, handled: 1},
			{body: bodyAIndented, status: 200, answer: dup, decodes: 2, handled: 1, dup: true},
			{body: bodyAIndented, status: 200, answer: dup, decodes: 2, handled: 1, dup: true},
		}},
		{"a body that does not decode is 400 or 422 even with the key of a handled event", nil, receiver.Config{}, []step{
			{body: bodyA, status: 200, decodes: 1, handled: 1},
			{body: bodyABad, status: 400, decodes: 2, handled: 1},
			{body: bodyAMissing, status: 422, decodes: 3, handled: 1},
			{body: bodyABad, status: 400, decodes: 4, handled: 1},
		}},
		{"a scanner is not consulted, even one that finds a key", lying, receiver.Config{}, []step{
			{body: bodyA, status: 200, answer: "ok\n", decodes: 1, handled: 1},
			{body: bodyB, status: 200, answer: "ok\n", decodes: 2, handled: 2},
			{body: bodyA, status: 200, answer: dup, decodes: 2, handled: 2, dup: true},
			{body: bodyABad, status: 400, decodes: 3, handled: 2},
		}},
		{"header key: a retry is answered without decoding; a new id is a new event", nil, receiver.Config{IdempotencyKeyHeader: "webhook-id"}, []step{
			{body: bodyA, header: header("msg_1"), status: 200, decodes: 1, handled: 1},
			{body: bodyA, header: header("msg_1"), status: 200, answer: dup, decodes: 1, handled: 1, dup: true},
			{body: bodyA, header: header("msg_2"), status: 200, answer: "ok\n", decodes: 2, handled: 2},
			{body: bodyB, header: header("msg_1"), status: 200, answer: dup, decodes: 3, handled: 2, dup: true},
			{body: bodyABad, header: header("msg_1"), status: 400, decodes: 4, handled: 2},
			{body: bodyA, status: 200, answer: "ok\n", decodes: 5, handled: 3}, // no header: the body's key, new
		}},
		{"header key: a body that fails to decode releases the early claim, so the fixed retry is processed", nil, receiver.Config{IdempotencyKeyHeader: "webhook-id"}, []step{
			{body: bodyABad, header: header("msg_1"), status: 400, decodes: 1},
			{body: bodyAMissing, header: header("msg_1"), status: 422, decodes: 2},
			{body: bodyA, header: header("msg_1"), status: 200, answer: "ok\n", decodes: 3, handled: 1},
			{body: bodyA, header: header("msg_1"), status: 200, answer: dup, decodes: 3, handled: 1, dup: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeProvider{}
			var p events.Provider = fake
			if tt.scan != nil {
				p = scanningProvider{fakeProvider: fake, scan: tt.scan}
			}
			e := newEarlyEnv(t, p, tt.cfg)
			for i, s := range tt.steps {
				w := e.post(s.body, s.header...)
				assert.Equal(t, s.status, w.Code, "step %d: %s", i, w.Body.String())
				if s.answer != "" {
					assert.Equal(t, s.answer, w.Body.String(), "step %d", i)
				}
				assert.Equal(t, s.decodes, fake.decodes.Load(), "step %d: Decode calls", i)
				assert.Equal(t, s.handled, e.handled.Load(), "step %d: handler calls", i)
				o := e.last()
				assert.Equal(t, s.dup, o.Duplicate, "step %d: Outcome.Duplicate", i)
				assert.Equal(t, s.status, o.Status, "step %d: Outcome.Status", i)
			}
			assert.Zero(t, fake.scans.Load(), "ScanKey calls")
			assert.Empty(t, e.errors())
		})
	}
}

// fickleProvider is fakeProvider whose Decode gives a body a new key each time it is decoded:
// a provider bug the early claim must not turn into a wrong answer.
type fickleProvider struct {
	*fakeProvider
}

func (p fickleProvider) Decode(body []byte) (*events.Envelope, error) {
	env, err := p.fakeProvider.Decode(body)
	if env != nil {
		env.IdempotencyKey += fmt.Sprintf("#%d", p.decodes.Load())
	}
	return env, err
}

// TestEarlyKeyMismatch: when the bytes decode to another key than the one they decoded to
// before, the early claim is released and the decoded key claimed, and OnError hears of it.
func TestEarlyKeyMismatch(t *testing.T) {
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	defer store.Close()
	var mu sync.Mutex
	var errs []error
	rx, err := receiver.New(fickleProvider{&fakeProvider{}}, receiver.Config{
		Verifier: bearer(t), Store: store, Logger: slog.New(slog.DiscardHandler),
		OnError: func(_ context.Context, _ receiver.Delivery, err error) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, err)
		},
	})
	require.NoError(t, err)
	defer rx.Close()
	var calls atomic.Int32
	receiver.HandleUnknown(rx, func(context.Context, *events.Envelope) error {
		if calls.Add(1) == 1 {
			return errors.New("down")
		}
		return nil
	})
	// The first delivery decodes to fake:a#1, which is claimed and, the handler failing,
	// released. The retry is claimed early as fake:a#1, the key the receiver remembers for its
	// bytes, and decodes to fake:a#2.
	assert.Equal(t, 500, post(rx, bodyA).Code)
	w := post(rx, bodyA)
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "ok\n", w.Body.String(), "handled under the decoded key")
	assert.Equal(t, int32(2), calls.Load())
	for key, want := range map[string]idempotency.State{"fake:a#1": idempotency.Claimed, "fake:a#2": idempotency.Done} {
		c, err := store.Claim(context.Background(), key, time.Minute)
		require.NoError(t, err)
		assert.Equal(t, want, c.State, "%s: the early key released, the decoded one completed", key)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, errs, 2)
	assert.ErrorIs(t, errs[1], receiver.ErrEarlyKeyMismatch)
}

// TestEarlyDuplicateDelivery: a duplicate answered before decoding carries what is known of it
// (provider, key, receipt time, and the type its bytes decoded to before), is logged with its key, and answers exactly as the claim stage
// answers a duplicate after decoding.
func TestEarlyDuplicateDelivery(t *testing.T) {
	fake := &fakeProvider{}
	e := newEarlyEnv(t, fake, receiver.Config{})
	require.Equal(t, 200, e.post(bodyA).Code)

	early := e.post(bodyA)
	require.Equal(t, int32(1), fake.decodes.Load(), "answered before decoding")
	o := e.last()
	assert.True(t, o.Duplicate)
	assert.Equal(t, receiver.StageComplete, o.Stage)
	assert.NoError(t, o.Err)
	assert.Equal(t, "fake", o.Provider)
	assert.Equal(t, "fake:a", o.IdempotencyKey)
	assert.False(t, o.ReceivedAt.IsZero())
	assert.Equal(t, "thing.created", o.Type, "the type the same bytes decoded to before")
	assert.Nil(t, o.Envelope, "not decoded")

	late := e.post(bodyAIndented)
	require.Equal(t, int32(2), fake.decodes.Load(), "other bytes: decoded first")
	assert.True(t, e.last().Duplicate)
	assert.Equal(t, late.Code, early.Code)
	assert.Equal(t, late.Body.String(), early.Body.String())
	assert.Equal(t, late.Header(), early.Header())
}

func TestEarlyClaimInFlight(t *testing.T) {
	fake := &fakeProvider{}
	e := newEarlyEnv(t, fake, receiver.Config{Lease: 30 * time.Second})
	e.block, e.started = make(chan struct{}), make(chan struct{}, 1)
	first := make(chan int)
	go func() { first <- e.post(bodyA).Code }()
	<-e.started
	for i, body := range []string{bodyA, bodyAIndented} {
		w := e.post(body)
		assert.Equal(t, http.StatusConflict, w.Code)
		assert.Equal(t, "conflict: this event is being processed; retry later\n", w.Body.String())
		assert.Equal(t, "30", w.Header().Get("Retry-After"), "the seconds left in the lease")
		assert.Equal(t, receiver.StageClaim, e.last().Stage)
		assert.ErrorIs(t, e.last().Err, idempotency.ErrInFlight)
		// The same bytes are answered before decoding; other bytes after, as before.
		assert.Equal(t, int32(1+i), fake.decodes.Load())
	}
	close(e.block)
	assert.Equal(t, 200, <-first)
	assert.Equal(t, "ok: already processed\n", e.post(bodyA).Body.String())
	assert.Equal(t, int32(1), e.handled.Load())
}

func TestEarlyClaimStoreFailure(t *testing.T) {
	for _, header := range []bool{false, true} {
		t.Run(fmt.Sprintf("header key %t", header), func(t *testing.T) {
			fake := &fakeProvider{}
			e := newEarlyEnv(t, fake, receiver.Config{Store: failingStore{}, IdempotencyKeyHeader: "Webhook-Id"})
			var w *httptest.ResponseRecorder
			if header {
				w = e.post(bodyA, "Webhook-Id", "msg_1")
			} else {
				w = e.post(bodyA)
			}
			assert.Equal(t, http.StatusServiceUnavailable, w.Code)
			assert.Equal(t, "service unavailable\n", w.Body.String())
			assert.Equal(t, "60", w.Header().Get("Retry-After"))
			if header {
				assert.Zero(t, fake.decodes.Load(), "the key is known: not decoded while the store is down")
			} else {
				assert.Equal(t, int32(1), fake.decodes.Load(), "the key comes from decoding, as before")
			}
			assert.Zero(t, e.handled.Load())
			require.Len(t, e.errors(), 1)
			assert.ErrorIs(t, e.errors()[0], idempotency.ErrUnavailable)
			assert.ErrorIs(t, e.errors()[0], errStore)
			assert.Equal(t, receiver.StageClaim, e.last().Stage)
		})
	}
}

// callCounter counts the Claim and Release calls of a store.
type callCounter struct {
	*idempotency.Memory
	claims, releases atomic.Int32
}

func (s *callCounter) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	s.claims.Add(1)
	return s.Memory.Claim(ctx, key, lease)
}

func (s *callCounter) Release(ctx context.Context, key, token string) error {
	s.releases.Add(1)
	return s.Memory.Release(ctx, key, token)
}

// TestEarlyClaimIsTakenOver: an event claimed before decoding is claimed once, held through the
// handler and completed; a handler failure releases it, as without the early claim.
func TestEarlyClaimIsTakenOver(t *testing.T) {
	mem, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	defer mem.Close()
	store := &callCounter{Memory: mem}
	var calls atomic.Int32
	rx, err := receiver.New(&fakeProvider{}, receiver.Config{
		Verifier: bearer(t), Store: store, IdempotencyKeyHeader: "Webhook-Id", Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	defer rx.Close()
	var keys []string
	receiver.HandleUnknown(rx, func(ctx context.Context, _ *events.Envelope) error {
		keys = append(keys, receiver.FromContext(ctx).IdempotencyKey)
		if calls.Add(1) == 1 {
			return errors.New("down")
		}
		return nil
	})
	send := func() *httptest.ResponseRecorder {
		r := request([]byte(bodyA))
		r.Header.Set("Webhook-Id", "msg_1")
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, r)
		return w
	}
	assert.Equal(t, 500, send().Code)
	assert.Equal(t, int32(1), store.claims.Load(), "claimed once, before decoding")
	assert.Equal(t, int32(1), store.releases.Load(), "the handler failed: released")
	assert.Equal(t, 200, send().Code, "the retry runs the handler")
	assert.Equal(t, int32(2), store.claims.Load())
	assert.Equal(t, []string{"fake:msg_1", "fake:msg_1"}, keys)
	c, err := mem.Claim(context.Background(), "fake:msg_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, c.State, "completed under the early claim's token")
	assert.Equal(t, "ok: already processed\n", send().Body.String())
}

func post(h http.Handler, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, request([]byte(body)))
	return w
}

// countingProvider counts the Decode calls of a real provider.
type countingProvider struct {
	events.Provider
	decodes atomic.Int32
}

func (p *countingProvider) Decode(body []byte) (*events.Envelope, error) {
	p.decodes.Add(1)
	return p.Provider.Decode(body)
}

// TestEarlyClaimSafetyCulture replays SafetyCulture's fixture through the real provider: its
// retry is answered without decoding, and the corpus's bad body that carries the key of the
// handled event is still answered 400.
func TestEarlyClaimSafetyCulture(t *testing.T) {
	v, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
	require.NoError(t, err)
	p := &countingProvider{Provider: safetyculture.Provider()}
	rx, err := receiver.New(p, receiver.Config{Verifier: v, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer rx.Close()
	calls := webhooktest.Record(rx, safetyculture.InspectionStarted)

	body := webhooktest.FixtureBody(t, safetyculture.Name, "legacy_inspection_started.json")
	assert.Equal(t, "ok\n", webhooktest.Replay(t, rx, "/", body, v).Body.String())
	assert.Equal(t, int32(1), p.decodes.Load())
	for range 3 {
		assert.Equal(t, "ok: already processed\n", webhooktest.Replay(t, rx, "/", body, v).Body.String())
	}
	assert.Equal(t, int32(1), p.decodes.Load(), "the retries are not decoded")
	assert.Equal(t, 1, calls.Len())

	reindented := bytes.ReplaceAll(body, []byte("\n  "), []byte("\n"))
	assert.Equal(t, "ok: already processed\n", webhooktest.Replay(t, rx, "/", reindented, v).Body.String())
	assert.Equal(t, int32(2), p.decodes.Load(), "other bytes are decoded first")

	bad := webhooktest.FixtureBody(t, safetyculture.Name, "bad_audit_data_wrong_type.json")
	w := webhooktest.Replay(t, rx, "/", bad, v)
	assert.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	assert.True(t, strings.Contains(w.Body.String(), "audit_data"), w.Body.String())
	assert.Equal(t, 1, calls.Len())
}
