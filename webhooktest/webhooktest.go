package webhooktest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"sync"
	"testing"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Fixtures returns every fixture of provider, failing the test when the index cannot be read.
func Fixtures(tb testing.TB, provider string) []inspecthook.Fixture {
	tb.Helper()
	return eventstest.Load(tb, provider)
}

// Fixture returns the fixture of provider stored in file, such as "v3_inspection_created.json".
func Fixture(tb testing.TB, provider, file string) inspecthook.Fixture {
	tb.Helper()
	want := path.Join(provider, file)
	for _, f := range Fixtures(tb, provider) {
		if f.File == want {
			return f
		}
	}
	tb.Fatalf("webhooktest: no fixture %s", want)
	return inspecthook.Fixture{}
}

// Body returns a fixture's bytes, failing the test when it cannot be read.
func Body(tb testing.TB, f inspecthook.Fixture) []byte {
	tb.Helper()
	return eventstest.Body(tb, f)
}

// FixtureBody returns the bytes of provider's fixture stored in file, such as
// FixtureBody(t, "safetyculture", "legacy_inspection_completed.json").
func FixtureBody(tb testing.TB, provider, file string) []byte {
	tb.Helper()
	return Body(tb, Fixture(tb, provider, file))
}

// FixtureNames lists provider's fixture files, such as "v3_inspection_created.json", in index
// order: the names Fixture and FixtureBody take.
func FixtureNames(tb testing.TB, provider string) []string {
	tb.Helper()
	fixtures := Fixtures(tb, provider)
	names := make([]string, len(fixtures))
	for i, f := range fixtures {
		names[i] = path.Base(f.File)
	}
	return names
}

// WantStatus is the status a receiver answers a fixture with when it is authentic and new: 200
// for events, variants and unknown events; 422 for a bad body missing a required field; 400 for
// any other bad body. It is f.WantStatus().
func WantStatus(f inspecthook.Fixture) int { return f.WantStatus() }

// NewRequest returns the POST a provider would send to target (a path such as
// "/webhooks/record360", or a URL) with body: JSON content type and the credentials signer sets
// (headers, or a token in the URL). A nil signer sends the body unsigned. Like
// httptest.NewRequest, the request comes from 192.0.2.1.
func NewRequest(tb testing.TB, target string, body []byte, signer verify.Signer) *http.Request {
	tb.Helper()
	r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "inspecthook-webhooktest")
	if signer != nil {
		if err := signer.Sign(r, body); err != nil {
			tb.Fatalf("webhooktest: signing: %v", err)
		}
	}
	return r
}

// Replay sends body, signed with signer, to target on h (a Receiver, or a mux that routes
// target to one) and returns the response.
func Replay(tb testing.TB, h http.Handler, target string, body []byte, signer verify.Signer) *httptest.ResponseRecorder {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, NewRequest(tb, target, body, signer))
	return w
}

// Result is the outcome of replaying one fixture.
type Result struct {
	Fixture inspecthook.Fixture
	Status  int
	Body    string
}

// ReplayAll replays every fixture of provider to target on h, each signed with signer, checks
// each status against WantStatus, and returns the results in index order. Some variants repeat
// the event of another fixture: the receiver answers those 200 as duplicates without calling
// the handler again.
func ReplayAll(tb testing.TB, h http.Handler, target, provider string, signer verify.Signer) []Result {
	tb.Helper()
	var results []Result
	for _, f := range Fixtures(tb, provider) {
		w := Replay(tb, h, target, Body(tb, f), signer)
		results = append(results, Result{Fixture: f, Status: w.Code, Body: w.Body.String()})
		if want := WantStatus(f); w.Code != want {
			tb.Errorf("%s (%s): status %d, want %d: %s", f.File, f.Kind, w.Code, want, w.Body.String())
		}
	}
	return results
}

// Send posts body, signed with signer, to url over HTTP with client (http.DefaultClient when
// nil). The caller closes the response body.
func Send(ctx context.Context, client *http.Client, url string, body []byte, signer verify.Signer) (*http.Response, error) {
	if client == nil {
		client = http.DefaultClient
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhooktest: %w", err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "inspecthook-webhooktest")
	if signer != nil {
		if err := signer.Sign(r, body); err != nil {
			return nil, fmt.Errorf("webhooktest: signing: %w", err)
		}
	}
	resp, err := client.Do(r)
	if err != nil {
		return nil, fmt.Errorf("webhooktest: %w", err)
	}
	return resp, nil
}

// Calls records the calls of a handler: each payload and the delivery it came with. It is safe
// for concurrent use.
type Calls[T any] struct {
	mu         sync.Mutex
	payloads   []*T
	deliveries []receiver.Delivery
	err        error
}

// Record records every call of ev's handler on reg (a *receiver.Receiver or *receiver.Router)
// and returns the record. When your application already registered a handler for ev, Record
// wraps it (receiver.Wrap): each call is recorded, then your handler runs and its error is
// returned, so an application is tested as it is built. Otherwise the recording handler is
// the handler, and returns nil. Either way Fail makes calls return an error instead, after
// recording them, to test retries. Record before serving.
func Record[T any](reg receiver.Registrar, ev events.Event[T]) *Calls[T] {
	c := &Calls[T]{}
	receiver.Wrap(reg, ev, func(next func(context.Context, *T) error) func(context.Context, *T) error {
		return func(ctx context.Context, payload *T) error {
			if err := c.record(ctx, payload); err != nil {
				return err
			}
			if next == nil {
				return nil
			}
			return next(ctx, payload)
		}
	})
	return c
}

// record keeps one call and returns the error set with Fail.
func (c *Calls[T]) record(ctx context.Context, payload *T) error {
	d := receiver.FromContext(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.payloads = append(c.payloads, payload)
	c.deliveries = append(c.deliveries, d)
	return c.err
}

// Fail makes later calls return err (nil to succeed again), to test retries.
func (c *Calls[T]) Fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = err
}

// Len returns the number of calls.
func (c *Calls[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.payloads)
}

// Payloads returns the payloads of every call, in order.
func (c *Calls[T]) Payloads() []*T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*T(nil), c.payloads...)
}

// Deliveries returns the delivery of every call, in order.
func (c *Calls[T]) Deliveries() []receiver.Delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]receiver.Delivery(nil), c.deliveries...)
}

// Last returns the last payload, or nil when there was no call.
func (c *Calls[T]) Last() *T {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.payloads) == 0 {
		return nil
	}
	return c.payloads[len(c.payloads)-1]
}
