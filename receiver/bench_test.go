package receiver_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// BenchmarkBareHandler is the floor: a handler that reads the body and answers 200.
func BenchmarkBareHandler(b *testing.B) {
	body := inspectionBody(b)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusOK)
	})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, request(body))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkReceiver is the whole stack, in process, for the Record360 v3 inspection fixture:
// content type, Bearer verification, decoding and validation, a claim and completion in the
// in-memory store, and a typed handler. Each iteration is a new event (a new id), so nothing is
// answered from the store.
func BenchmarkReceiver(b *testing.B) {
	template := inspectionBody(b)
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: bearer(b),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer rx.Close()
	receiver.Handle(rx, record360.InspectionCreated, func(context.Context, *record360.Inspection) error { return nil })
	b.SetBytes(int64(len(template)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := bytes.Replace(template, []byte(`"id": "12"`), []byte(`"id": "`+strconv.Itoa(i)+`"`), 1)
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, request(body))
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// The SafetyCulture benchmarks replay the legacy inspection fixture, signed as SafetyCulture
// signs it (HMAC-SHA256 of the raw body, lowercase hex in X-SafetyCulture-Signature).
const (
	benchSCFixture = "safetyculture/legacy_inspection_started.json"
	benchSCSecret  = "sc-bench-secret"
	benchSCAuditID = "audit_7e9ee886325a4fb096989c3e2896e876"

	// benchSCEvents is how many distinct events BenchmarkReceiverNew signs before the
	// timer starts and then replays in turn.
	benchSCEvents = 4096
)

// scSigned is one SafetyCulture delivery with its signature, signed before the timer starts.
type scSigned struct {
	body []byte
	sig  string
}

// scRequest builds the POST SafetyCulture sends: the same construction for the bare handler
// and the receiver, so that the difference between them is the receiver's work.
func scRequest(d scSigned) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", bytes.NewReader(d.body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Safetyculture-Signature", d.sig)
	r.RemoteAddr = "203.0.113.7:4711"
	return r
}

// scEvents returns n deliveries of the fixture, each a distinct event: the last hex digits of
// the audit id, which the idempotency key is derived from, count up, so every body has the
// fixture's length.
func scEvents(b testing.TB, v *verify.HMAC, n int) []scSigned {
	template := fixture(b, benchSCFixture)
	if !bytes.Contains(template, []byte(benchSCAuditID)) {
		b.Fatalf("%s: no %s in the fixture", benchSCFixture, benchSCAuditID)
	}
	out := make([]scSigned, n)
	for i := range out {
		id := fmt.Sprintf("%s%04x", benchSCAuditID[:len(benchSCAuditID)-4], i)
		body := bytes.Replace(template, []byte(benchSCAuditID), []byte(id), 1)
		out[i] = scSigned{body: body, sig: v.Signature("", body)}
	}
	return out
}

// newSCReceiver is the full stack for SafetyCulture: a rate limit that never refuses, the HMAC
// verifier, decoding, the in-memory store, and a no-op typed handler; logs discarded.
func newSCReceiver(b *testing.B, v *verify.HMAC) *receiver.Receiver {
	return newReceiverOf(b, v, safetyculture.Provider())
}

// newReceiverOf is newSCReceiver with provider p (SafetyCulture's or a stand-in).
func newReceiverOf(b *testing.B, v *verify.HMAC, p events.Provider) *receiver.Receiver {
	lim, err := ratelimit.New(ratelimit.Config{Rate: 1e9, Burst: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	rx, err := receiver.New(p, receiver.Config{
		Verifier: v,
		Limiter:  lim,
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rx.Close() })
	receiver.Handle(rx, safetyculture.InspectionStarted, func(context.Context, *safetyculture.InspectionEvent) error { return nil })
	return rx
}

func scVerifier(b testing.TB) *verify.HMAC {
	v, err := verify.NewHMAC(verify.SafetyCulture(benchSCSecret))
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkBareHandlerSafetyCulture is the floor for the SafetyCulture benchmarks: a handler
// that reads the body and answers 200, given the same requests as BenchmarkReceiverNew.
func BenchmarkBareHandlerSafetyCulture(b *testing.B) {
	d := scEvents(b, scVerifier(b), 1)[0]
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusOK)
	})
	b.SetBytes(int64(len(d.body)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, scRequest(d))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkReceiverNew is a new SafetyCulture event through the whole receiver: the
// benchSCEvents distinct bodies (distinct audit ids, so distinct idempotency keys), each signed
// before the timer starts, are sent in turn; each time the list wraps a new receiver, with a
// new store, takes over with the timer stopped, so no key is ever done and signing is never
// timed. The stack: content type, rate limit (a limiter that never refuses), HMAC
// verification, decoding and validation, a claim and completion in the in-memory store, and a
// no-op typed handler.
func BenchmarkReceiverNew(b *testing.B) {
	v := scVerifier(b)
	replayNewEvents(b, v, scEvents(b, v, benchSCEvents), safetyculture.Provider())
}

// BenchmarkReceiverVsAlone is what the stack adds to what a receiver cannot do without, as a
// ratio that a noisy machine cannot skew: every iteration sends one new event through the
// receiver (as BenchmarkReceiverNew does) and verifies the HMAC over the same body and decodes
// it (with validation) by calling the provider directly, and times each half on its own, so
// both halves see the same clock speed, caches and garbage collector. Which half goes first
// alternates. Building the request and the response writer is outside both timings; the
// receiver reads the body from the request, the other half starts from the bytes. It reports
// the two halves (rx-ns/op, alone-ns/op) and their ratio (rx/alone). Each new event is then sent
// again, as a provider retries, and answered "ok: already received" without the handler: its
// time is dup-ns/op, and dup/rx is its ratio to the new event's.
func BenchmarkReceiverVsAlone(b *testing.B) {
	v := scVerifier(b)
	deliveries := scEvents(b, v, benchSCEvents)
	p := safetyculture.Provider()
	var rx *receiver.Receiver
	var inRx, dup, alone time.Duration
	w := &benchWriter{header: http.Header{}}
	i := len(deliveries)
	b.ReportAllocs()
	for b.Loop() {
		if i == len(deliveries) {
			if rx != nil {
				_ = rx.Close()
			}
			rx = newReceiverOf(b, v, p)
			i = 0
		}
		d := deliveries[i]
		if i%2 == 0 {
			inRx += rxOnce(b, rx, w, d, "ok\n")
			dup += rxOnce(b, rx, w, d, "ok: already received\n")
			alone += aloneOnce(b, v, p, d)
		} else {
			alone += aloneOnce(b, v, p, d)
			inRx += rxOnce(b, rx, w, d, "ok\n")
			dup += rxOnce(b, rx, w, d, "ok: already received\n")
		}
		i++
	}
	b.ReportMetric(float64(inRx.Nanoseconds())/float64(b.N), "rx-ns/op")
	b.ReportMetric(float64(alone.Nanoseconds())/float64(b.N), "alone-ns/op")
	b.ReportMetric(float64(dup.Nanoseconds())/float64(b.N), "dup-ns/op")
	b.ReportMetric(float64(inRx)/float64(alone), "rx/alone")
	b.ReportMetric(float64(dup)/float64(inRx), "dup/rx")
}

// rxOnce times one delivery of d through rx, which answers 200 with want.
func rxOnce(b *testing.B, rx *receiver.Receiver, w *benchWriter, d scSigned, want string) time.Duration {
	r := scRequest(d)
	w.reset()
	start := time.Now()
	rx.ServeHTTP(w, r)
	took := time.Since(start)
	if w.code != 200 || w.body.String() != want {
		b.Fatal(w.code, w.body.String())
	}
	return took
}

// aloneOnce times verifying and decoding d without the receiver.
func aloneOnce(b *testing.B, v *verify.HMAC, p events.Provider, d scSigned) time.Duration {
	r := scRequest(d)
	start := time.Now()
	if err := v.Verify(r, d.body); err != nil {
		b.Fatal(err)
	}
	if _, err := p.Decode(d.body); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// benchWriter is a ResponseWriter the paired benchmark reuses, so the recorder's allocations
// are not counted as the receiver's time.
type benchWriter struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *benchWriter) reset() {
	clear(w.header)
	w.code = 0
	w.body.Reset()
}

func (w *benchWriter) Header() http.Header { return w.header }

func (w *benchWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *benchWriter) WriteString(s string) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.body.WriteString(s)
}

func (w *benchWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.body.Write(p)
}

// BenchmarkReceiverDuplicate is the same stack answering a duplicate: the fixture's event is
// handled once before the timer starts, then replayed byte for byte, as a provider retries, and
// every iteration is decoded, then answered "ok: already received" by the claim, without the
// handler. Compare it with BenchmarkReceiverNew.
func BenchmarkReceiverDuplicate(b *testing.B) {
	v := scVerifier(b)
	d := scEvents(b, v, 1)[0]
	rx := newSCReceiver(b, v)
	w := httptest.NewRecorder()
	rx.ServeHTTP(w, scRequest(d))
	if w.Code != 200 || w.Body.String() != "ok\n" {
		b.Fatal(w.Code, w.Body.String())
	}
	b.SetBytes(int64(len(d.body)))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, scRequest(d))
		if w.Code != 200 || w.Body.String() != "ok: already received\n" {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// stubSC stands in for the SafetyCulture provider at almost no cost: its Decode reads the audit
// id at a fixed place and builds the envelope of an InspectionStarted event with an empty
// payload. With it, BenchmarkReceiverStubDecode times the stack without the decoding.
type stubSC struct{}

var stubAuditID = []byte(`"audit_id": "`)

func (stubSC) Name() string         { return safetyculture.Name }
func (stubSC) EventTypes() []string { return nil }

func (s stubSC) Decode(body []byte) (*events.Envelope, error) {
	i := bytes.Index(body, stubAuditID)
	if i < 0 || len(body) < i+len(stubAuditID)+len(benchSCAuditID) {
		return nil, events.ErrShape
	}
	i += len(stubAuditID)
	key := safetyculture.Name + ":" + string(body[i:i+len(benchSCAuditID)])
	return &events.Envelope{
		Provider:       safetyculture.Name,
		Version:        safetyculture.VersionLegacy,
		Type:           safetyculture.InspectionStarted.Name(),
		IdempotencyKey: key,
		Raw:            body,
		Payload:        &safetyculture.InspectionEvent{},
	}, nil
}

// BenchmarkReceiverStubDecode is BenchmarkReceiverNew with stubSC in place of the
// provider: what the stack costs besides decoding the body.
func BenchmarkReceiverStubDecode(b *testing.B) {
	v := scVerifier(b)
	replayNewEvents(b, v, scEvents(b, v, benchSCEvents), stubSC{})
}

// replayNewEvents sends deliveries in turn, every one new to the receiver of p: each time the
// list wraps, a new receiver, with a new store, takes over with the timer stopped.
func replayNewEvents(b *testing.B, v *verify.HMAC, deliveries []scSigned, p events.Provider) {
	b.SetBytes(int64(len(deliveries[0].body)))
	b.ReportAllocs()
	var rx *receiver.Receiver
	i := len(deliveries)
	for b.Loop() {
		if i == len(deliveries) {
			b.StopTimer()
			if rx != nil {
				_ = rx.Close()
			}
			rx = newReceiverOf(b, v, p)
			i = 0
			b.StartTimer()
		}
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, scRequest(deliveries[i]))
		if w.Code != 200 || w.Body.String() != "ok\n" {
			b.Fatal(w.Code, w.Body.String())
		}
		i++
	}
}
