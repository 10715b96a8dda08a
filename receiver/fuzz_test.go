package receiver_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// FuzzReceiver sends fuzzed deliveries through a whole Receiver of one of the four providers,
// then sends each one again, unchanged, as a provider retries. A fuzzed input is two control
// bytes, who and how (their bits are below), the method ("" for POST), the Content-Type, a
// credential, an idempotency key, one more header (name and value) and the body. Most seeds
// are signed with the scheme's signing twin, so the fuzzer reaches decoding, the claim and
// the handlers, not only 401s.
//
// Every input gets a new Receiver (a new in-memory store, limiter and handler count) on a
// fixed clock, so an input always gives the same answers. What each answer must be is listed
// in checkExchange and checkReplay. The seeds are every fixture of the four providers, the
// hostile inputs of fuzzHostileSeeds and testdata/fuzz/FuzzReceiver/; run it with
//
//	go test ./receiver -run '^$' -fuzz '^FuzzReceiver$' -fuzztime 10m -parallel 1
func FuzzReceiver(f *testing.F) {
	for i, p := range fuzzProviders {
		fixtures, err := inspecthook.LoadFixtures(p.provider.Name())
		if err != nil {
			f.Fatal(err)
		}
		for j, fx := range fixtures {
			body, err := fx.Body()
			if err != nil {
				f.Fatal(err)
			}
			// Mostly signed as the provider signs; every fourth fixture unsigned, with a
			// credential the fuzzer can mutate.
			var sign uint8 = fuzzSigned
			if j%4 == 3 {
				sign = fuzzUnsigned
			}
			f.Add(uint8(i)|sign, uint8(0), "", "application/json", "", "", "", "", body)
		}
	}
	for _, s := range fuzzHostileSeeds(f) {
		f.Add(s.who, s.how, s.method, s.contentType, s.auth, s.key, s.extraName, s.extraValue, s.body)
	}
	schemes := fuzzSchemes(f)
	f.Fuzz(func(t *testing.T, who, how uint8, method, contentType, auth, key, extraName, extraValue string, body []byte) {
		in := fuzzInput{who, how, method, contentType, auth, key, extraName, extraValue, body}
		p := fuzzProviders[who&fuzzProviderMask]
		sch := schemes[who&fuzzProviderMask][0]
		if how&fuzzAltScheme != 0 {
			sch = schemes[who&fuzzProviderMask][1]
		}
		h := newFuzzHarness(t, p, sch, in)
		first := h.exchange(in)
		h.checkExchange(first)
		again := h.exchange(in)
		h.checkExchange(again)
		h.checkReplay(first, again)
	})
}

// The bits of the first control byte, who: which provider, how the delivery is signed and how
// its body is sent.
const (
	fuzzProviderMask = 0x03 // an index in fuzzProviders

	fuzzSignMask   = 0x0c
	fuzzUnsigned   = 0x00 // the credential header holds the fuzzed auth, nothing is signed
	fuzzSigned     = 0x04 // signed by the scheme's signing twin
	fuzzSignedDup  = 0x08 // signed, then the fuzzed auth added as a second credential header
	fuzzSignedTamp = 0x0c // signed over the body, then the fuzzed auth appended to the body sent

	fuzzBodyMask      = 0x30
	fuzzBodyExact     = 0x00 // the declared length is the body's
	fuzzBodyUnknown   = 0x10 // no declared length (chunked)
	fuzzBodyTruncated = 0x20 // the sender hangs up one byte short of the declared length
	fuzzBodyByteWise  = 0x30 // the declared length, read one byte at a time
)

// The bits of the second control byte, how: what the handlers do and how the Receiver is
// configured.
const (
	fuzzHandlerMask      = 0x03
	fuzzHandlerOK        = 0x00
	fuzzHandlerError     = 0x01 // handlers fail: 500 and the claim released
	fuzzHandlerPermanent = 0x02 // handlers fail with a Permanent error: 200
	fuzzHandlerPanic     = 0x03 // handlers panic: 500 and the claim released

	fuzzKeyHeader = 0x04 // Config.IdempotencyKeyHeader, for the schemes that authenticate it
	fuzzAltScheme = 0x08 // the provider's other scheme or signature form (fuzzSchemes)
	fuzzSmallBody = 0x10 // Config.MaxBodyBytes is fuzzSmallBodyLimit
	fuzzLimited   = 0x20 // a rate limit of one delivery per hour per client
	fuzzOnStage   = 0x40 // Config.OnStage records the stages
)

const (
	fuzzSmallBodyLimit = 1024
	fuzzKeyHeaderName  = "Idempotency-Key"
	fuzzBearerToken    = "r360-fuzz-token-0c9e2b"
	fuzzBasicUser      = "inspectorio"
	fuzzBasicPassword  = "insp-fuzz-password-51c2"
	fuzzMaxResponse    = 256 // the longest response body taken as one short line
	fuzzLogFieldMax    = 256 // the cut of a log field (receiver's maxLogField)
)

var fuzzT0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

var errFuzzHandler = errors.New("fuzz: handler fails")

// fuzzInput is one fuzzed delivery.
type fuzzInput struct {
	who, how                       uint8
	method, contentType, auth, key string
	extraName, extraValue          string
	body                           []byte
}

// fuzzProvider is a provider with the typed handlers the harness registers for some of its
// events; the others go to the HandleUnknown handler.
type fuzzProvider struct {
	provider events.Provider
	register func(rx *receiver.Receiver, h *fuzzHandlers)
}

var fuzzProviders = [4]fuzzProvider{
	{record360.Provider(), func(rx *receiver.Receiver, h *fuzzHandlers) {
		fuzzHandle(rx, h, record360.InspectionCreated)
		fuzzHandle(rx, h, record360.TaskCompleted)
		fuzzHandle(rx, h, record360.V1TransactionCreated)
	}},
	{safetyculture.Provider(), func(rx *receiver.Receiver, h *fuzzHandlers) {
		fuzzHandle(rx, h, safetyculture.InspectionStarted)
		fuzzHandle(rx, h, safetyculture.InspectionUpdated)
		fuzzHandle(rx, h, safetyculture.ActionCreated)
		fuzzHandle(rx, h, safetyculture.IncidentCreated)
		fuzzHandle(rx, h, safetyculture.MediaUploaded)
	}},
	{inspectorio.Provider(), func(rx *receiver.Receiver, h *fuzzHandlers) {
		fuzzHandle(rx, h, inspectorio.ReportCreated)
	}},
	{vehreports.Provider(), func(rx *receiver.Receiver, h *fuzzHandlers) {
		fuzzHandle(rx, h, vehreports.ReportCompleted)
		fuzzHandle(rx, h, vehreports.AgreementSigned)
		fuzzHandle(rx, h, vehreports.PaymentSucceeded)
	}},
}

// fuzzScheme is a provider's verifier with its signing twin.
type fuzzScheme struct {
	v          verify.Verifier
	sign       func(r *http.Request, body []byte) error
	header     string   // the header carrying the credential
	keyHeader  string   // the IdempotencyKeyHeader the verifier authenticates; "" for none
	coversBody bool     // a changed body fails verification
	secrets    []string // texts that must never be logged
}

// fuzzSchemes returns, for each of fuzzProviders, the scheme it is tested with and another
// (fuzzAltScheme): Record360 with a Bearer token ("bearer" in lower case for the other);
// SafetyCulture with its HMAC (upper-case hex for the other); Inspectorio with Basic or with
// Standard Webhooks; vehReports with its HMAC, "sha256=" prefixed or not. The verifiers are
// safe for concurrent use and keep no state, so one set serves every input.
func fuzzSchemes(tb testing.TB) [4][2]fuzzScheme {
	tb.Helper()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	bearer, err := verify.NewBearer(fuzzBearerToken)
	must(err)
	sc, err := verify.NewHMAC(verify.SafetyCulture("sc-fuzz-secret-77d1"))
	must(err)
	basic, err := verify.NewBasic(verify.Credential{Username: fuzzBasicUser, Password: fuzzBasicPassword})
	must(err)
	std, err := verify.NewStandardWebhooks(verify.StandardWebhooksConfig{
		Keys: [][]byte{[]byte("insp-fuzz-standard-key-3e8a")},
		Now:  func() time.Time { return fuzzT0 },
	})
	must(err)
	vr, err := verify.NewHMAC(verify.VehReports("vr-fuzz-secret-a410"))
	must(err)

	// rewrite signs with s, then rewrites the credential header's value with f.
	rewrite := func(s verify.Signer, header string, f func(string) string) func(*http.Request, []byte) error {
		return func(r *http.Request, body []byte) error {
			if err := s.Sign(r, body); err != nil {
				return err
			}
			r.Header.Set(header, f(r.Header.Get(header)))
			return nil
		}
	}
	basicBlob := strings.TrimPrefix(fuzzBasicAuth(), "Basic ")
	return [4][2]fuzzScheme{
		{
			{v: bearer, sign: bearer.Sign, header: "Authorization", keyHeader: fuzzKeyHeaderName, secrets: []string{fuzzBearerToken}},
			{v: bearer, sign: rewrite(bearer, "Authorization", func(v string) string { return "bearer " + strings.TrimPrefix(v, "Bearer ") }),
				header: "Authorization", keyHeader: fuzzKeyHeaderName, secrets: []string{fuzzBearerToken}},
		},
		{
			{v: sc, sign: sc.Sign, header: "X-Safetyculture-Signature", coversBody: true},
			{v: sc, sign: rewrite(sc, "X-Safetyculture-Signature", strings.ToUpper), header: "X-Safetyculture-Signature", coversBody: true},
		},
		{
			{v: basic, sign: basic.Sign, header: "Authorization", keyHeader: fuzzKeyHeaderName, secrets: []string{fuzzBasicPassword, basicBlob}},
			{v: std, sign: std.Sign, header: verify.HeaderWebhookSignature, keyHeader: verify.HeaderWebhookID, coversBody: true},
		},
		{
			{v: vr, sign: vr.Sign, header: "X-Vehreports-Signature", coversBody: true},
			{v: vr, sign: rewrite(vr, "X-Vehreports-Signature", func(v string) string { return strings.TrimPrefix(v, "sha256=") }),
				header: "X-Vehreports-Signature", coversBody: true},
		},
	}
}

func fuzzBasicAuth() string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(fuzzBasicUser, fuzzBasicPassword)
	return r.Header.Get("Authorization")
}

// fuzzHandlers counts the calls of every handler of one Receiver.
type fuzzHandlers struct {
	t     *testing.T
	mode  uint8
	calls int
	last  receiver.Delivery
}

// run is the body of every handler: route is the event type it is registered for, "" for
// HandleUnknown's.
func (h *fuzzHandlers) run(ctx context.Context, route string) error {
	d := receiver.FromContext(ctx)
	h.calls++
	h.last = d
	if d.Route != route {
		h.t.Errorf("the handler of %q ran for a delivery routed to %q (type %q)", route, d.Route, d.Type)
	}
	if d.Envelope == nil || d.IdempotencyKey == "" {
		h.t.Errorf("handler called with envelope %v, key %q", d.Envelope != nil, d.IdempotencyKey)
	}
	switch h.mode {
	case fuzzHandlerError:
		return errFuzzHandler
	case fuzzHandlerPermanent:
		return receiver.Permanent(errFuzzHandler)
	case fuzzHandlerPanic:
		panic("fuzz: handler panics")
	}
	return nil
}

func fuzzHandle[T any](rx *receiver.Receiver, h *fuzzHandlers, ev events.Event[T]) {
	receiver.Handle(rx, ev, func(ctx context.Context, p *T) error {
		if p == nil {
			h.t.Errorf("nil %s payload", ev)
		}
		return h.run(ctx, ev.Name())
	})
}

// fuzzLog is a slog.Handler that keeps what the Receiver logs, as text, and checks each field
// of the per-delivery line against the documented cut.
type fuzzLog struct {
	t     *testing.T
	lines int // "webhook delivery" lines
	text  strings.Builder
}

func (l *fuzzLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *fuzzLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *fuzzLog) WithGroup(string) slog.Handler            { return l }

func (l *fuzzLog) Handle(_ context.Context, r slog.Record) error {
	delivery := r.Message == "webhook delivery"
	if delivery {
		l.lines++
	}
	l.text.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		v := a.Value.String()
		// A cut field is 256 bytes and "...[N more bytes]".
		if delivery && len(v) > fuzzLogFieldMax+len("...[ more bytes]")+20 {
			l.t.Errorf("log field %s of %d bytes", a.Key, len(v))
		}
		l.text.WriteString(" " + a.Key + "=" + v)
		return true
	})
	l.text.WriteByte('\n')
	return nil
}

// fuzzHarness is one input's Receiver and what it recorded.
type fuzzHarness struct {
	t        *testing.T
	in       fuzzInput
	name     string
	sch      fuzzScheme
	rx       *receiver.Receiver
	handlers *fuzzHandlers
	log      *fuzzLog
	outcomes []receiver.Outcome
	errs     []error
	stages   []receiver.Stage
}

func newFuzzHarness(t *testing.T, p fuzzProvider, sch fuzzScheme, in fuzzInput) *fuzzHarness {
	h := &fuzzHarness{t: t, in: in, name: p.provider.Name(), sch: sch,
		handlers: &fuzzHandlers{t: t, mode: in.how & fuzzHandlerMask}, log: &fuzzLog{t: t}}
	now := func() time.Time { return fuzzT0 }
	cfg := receiver.Config{
		Verifier: sch.v,
		Now:      now,
		Logger:   slog.New(h.log),
		Observer: func(_ context.Context, o receiver.Outcome) { h.outcomes = append(h.outcomes, o) },
		OnError:  func(_ context.Context, _ receiver.Delivery, err error) { h.errs = append(h.errs, err) },
	}
	if in.how&fuzzKeyHeader != 0 && sch.keyHeader != "" {
		cfg.IdempotencyKeyHeader = sch.keyHeader
	}
	if in.how&fuzzSmallBody != 0 {
		cfg.MaxBodyBytes = fuzzSmallBodyLimit
	}
	if in.how&fuzzLimited != 0 {
		lim, err := ratelimit.New(ratelimit.Config{Rate: 1.0 / 3600, Burst: 1, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Limiter = lim
	}
	if in.how&fuzzOnStage != 0 {
		cfg.OnStage = func(_ context.Context, s receiver.Stage) { h.stages = append(h.stages, s) }
	}
	rx, err := receiver.New(p.provider, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rx.Close() })
	p.register(rx, h.handlers)
	receiver.HandleUnknown(rx, func(ctx context.Context, env *events.Envelope) error {
		if env == nil {
			t.Error("HandleUnknown called with a nil envelope")
		}
		return h.handlers.run(ctx, "")
	})
	h.rx = rx
	return h
}

// fuzzExchange is one request and what became of it.
type fuzzExchange struct {
	code       int
	body       string
	header     http.Header
	outcome    receiver.Outcome
	ran        int              // handler calls
	errs       []error          // OnError calls
	stages     []receiver.Stage // with fuzzOnStage
	credential string           // the signed credential, "" when unsigned
}

// exchange sends in to the Receiver and records what happened.
func (h *fuzzHarness) exchange(in fuzzInput) fuzzExchange {
	t := h.t
	r, credential := h.request(in)
	calls, nOut, nErr, nStages, lines := h.handlers.calls, len(h.outcomes), len(h.errs), len(h.stages), h.log.lines
	w := httptest.NewRecorder()
	h.rx.ServeHTTP(w, r)
	x := fuzzExchange{
		code:       w.Code,
		body:       w.Body.String(),
		header:     w.Header(),
		ran:        h.handlers.calls - calls,
		errs:       h.errs[nErr:],
		stages:     h.stages[nStages:],
		credential: credential,
	}
	if got := len(h.outcomes) - nOut; got != 1 {
		t.Fatalf("Observer called %d times for one request", got)
	}
	if got := h.log.lines - lines; got != 1 {
		t.Errorf("%d log lines for one request", got)
	}
	x.outcome = h.outcomes[nOut]
	return x
}

// request builds in as net/http's server would hand it to a handler: a method and headers the
// server accepts (others are left out, or the method is POST: the server refuses them before
// any handler runs), header values trimmed, the body as the mode says.
func (h *fuzzHarness) request(in fuzzInput) (*http.Request, string) {
	target := "http://example.com/webhooks/" + h.name
	method := in.method
	if method == "" {
		method = http.MethodPost
	}
	r, err := http.NewRequest(method, target, nil)
	if err != nil { // not a token
		r, err = http.NewRequest(http.MethodPost, target, nil)
		if err != nil {
			h.t.Fatal(err)
		}
	}
	r.RemoteAddr = "192.0.2.1:1234"

	sent := in.body
	if in.who&fuzzSignMask == fuzzSignedTamp {
		sent = append(slices.Clip(in.body), in.auth...)
	}
	switch in.who & fuzzBodyMask {
	case fuzzBodyExact:
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(sent)), int64(len(sent))
		if len(sent) == 0 {
			r.Body = http.NoBody
		}
	case fuzzBodyUnknown:
		r.Body, r.ContentLength = io.NopCloser(io.MultiReader(bytes.NewReader(sent))), -1
	case fuzzBodyTruncated:
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(sent), iotest.ErrReader(io.ErrUnexpectedEOF)))
		r.ContentLength = int64(len(sent)) + 1
	case fuzzBodyByteWise:
		r.Body, r.ContentLength = io.NopCloser(iotest.OneByteReader(bytes.NewReader(sent))), int64(len(sent))
	}

	if v, ok := fuzzHeaderValue(in.contentType); ok {
		r.Header.Set("Content-Type", v)
	}
	key, keyOK := fuzzHeaderValue(in.key)
	if keyOK && key != "" {
		r.Header.Set(fuzzKeyHeaderName, key)
	}
	if h.sch.keyHeader == verify.HeaderWebhookID {
		if !keyOK || key == "" {
			key = "msg_fuzz" // Sign would make a random one
		}
		r.Header.Set(verify.HeaderWebhookID, key)
	}
	auth, authOK := fuzzHeaderValue(in.auth)
	var credential string
	switch in.who & fuzzSignMask {
	case fuzzUnsigned:
		if authOK {
			r.Header.Set(h.sch.header, auth)
		}
	default:
		if err := h.sch.sign(r, in.body); err != nil {
			h.t.Fatal(err)
		}
		credential = r.Header.Get(h.sch.header)
		if in.who&fuzzSignMask == fuzzSignedDup && authOK {
			r.Header.Add(h.sch.header, auth)
		}
	}
	if v, ok := fuzzHeaderValue(in.extraValue); ok && fuzzHeaderName(in.extraName) {
		r.Header.Add(in.extraName, v)
	}
	return r, credential
}

// fuzzHeaderName reports whether name is a header name net/http's server accepts: a token.
func fuzzHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// fuzzHeaderValue returns v as net/http's server hands it on, trimmed of spaces and tabs, and
// whether the server accepts it: no control byte but tab.
func fuzzHeaderValue(v string) (string, bool) {
	for _, c := range []byte(v) {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return "", false
		}
	}
	return strings.Trim(v, " \t"), true
}

// fuzzStatuses are the statuses of the package documentation's table. Of those, 409 and 503 do
// not occur here: one delivery at a time, so no claim is in flight, and the in-memory store
// and limiter never fail; 429 only with the limiter.
var fuzzStatuses = map[int]receiver.Stage{
	http.StatusOK:                    receiver.StageComplete,
	http.StatusBadRequest:            0, // StageBody (unreadable) or StageDecode
	http.StatusUnauthorized:          receiver.StageVerify,
	http.StatusMethodNotAllowed:      receiver.StageMethod,
	http.StatusRequestEntityTooLarge: receiver.StageBody,
	http.StatusUnsupportedMediaType:  receiver.StageMethod,
	http.StatusUnprocessableEntity:   receiver.StageValidate,
	http.StatusTooManyRequests:       receiver.StageRateLimit,
	http.StatusInternalServerError:   receiver.StageDispatch,
}

// checkExchange checks what holds for any one request: a documented status, reported to the
// Observer as sent and at the stage the table names; a body of one short line of printable
// text; "ok\n" exactly when a handler ran once and succeeded (or failed Permanently), "ok:
// already received\n" for a duplicate, 500 exactly when a handler ran once and failed, and no
// handler call for any other answer; OnError once per failing handler call and never
// otherwise; a truncated or (for schemes signing the body) tampered body never handled; one
// log line, with no field over the cut and no credential unless the sender put it in the
// request themselves.
func (h *fuzzHarness) checkExchange(x fuzzExchange) {
	t, in, o := h.t, h.in, x.outcome
	wantStage, documented := fuzzStatuses[x.code]
	if !documented {
		t.Fatalf("status %d is not documented (body %q, stage %s, err %v)", x.code, x.body, o.Stage, o.Err)
	}
	if x.code == http.StatusTooManyRequests && in.how&fuzzLimited == 0 {
		t.Fatalf("429 without a limiter")
	}
	if o.Status != x.code {
		t.Fatalf("Outcome.Status %d, response %d", o.Status, x.code)
	}
	if x.code == http.StatusBadRequest {
		if o.Stage != receiver.StageBody && o.Stage != receiver.StageDecode {
			t.Errorf("400 at stage %s (err %v)", o.Stage, o.Err)
		}
	} else if o.Stage != wantStage {
		t.Errorf("%d at stage %s, want %s (err %v)", x.code, o.Stage, wantStage, o.Err)
	}
	if o.Provider != h.name || o.Scheme != verify.Scheme(h.sch.v) {
		t.Errorf("Outcome names provider %q scheme %q", o.Provider, o.Scheme)
	}

	// The body: one short line of printable text, as text/plain.
	if len(x.body) == 0 || len(x.body) > fuzzMaxResponse || strings.IndexByte(x.body, '\n') != len(x.body)-1 {
		t.Errorf("response body %q is not one short line", x.body)
	}
	for _, c := range []byte(strings.TrimSuffix(x.body, "\n")) {
		if c < ' ' || c > '~' {
			t.Errorf("response body %q has byte %#x", x.body, c)
			break
		}
	}
	if ct := x.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("response Content-Type %q", ct)
	}
	switch x.code {
	case http.StatusMethodNotAllowed:
		if x.header.Get("Allow") != http.MethodPost {
			t.Errorf("405 with Allow %q", x.header.Get("Allow"))
		}
	case http.StatusTooManyRequests:
		if x.header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}

	// Whether a handler ran.
	mode := in.how & fuzzHandlerMask
	switch {
	case x.body == "ok\n":
		if x.code != http.StatusOK || x.ran != 1 || !o.Handled || o.Duplicate {
			t.Fatalf("%d %q: %d handler calls, Handled %v, Duplicate %v", x.code, x.body, x.ran, o.Handled, o.Duplicate)
		}
		if mode != fuzzHandlerOK && mode != fuzzHandlerPermanent {
			t.Fatalf("200 from a handler that fails (mode %d)", mode)
		}
		if (mode == fuzzHandlerPermanent) != receiver.IsPermanent(o.Err) || (mode == fuzzHandlerOK && o.Err != nil) {
			t.Errorf("200 with Outcome.Err %v (handler mode %d)", o.Err, mode)
		}
		if d := h.handlers.last; o.IdempotencyKey == "" || len(o.IdempotencyKey) > idempotency.MaxKeyLen ||
			d.IdempotencyKey != o.IdempotencyKey || d.Type != o.Type || d.Route != o.Route {
			t.Errorf("the handler's delivery (key %q, type %q, route %q) is not the Outcome's (key %q, type %q, route %q)",
				d.IdempotencyKey, d.Type, d.Route, o.IdempotencyKey, o.Type, o.Route)
		}
	case x.body == "ok: already received\n":
		if x.code != http.StatusOK || x.ran != 0 || o.Handled || !o.Duplicate {
			t.Fatalf("%d %q: %d handler calls, Handled %v, Duplicate %v", x.code, x.body, x.ran, o.Handled, o.Duplicate)
		}
	case x.code >= 200 && x.code < 300:
		t.Fatalf("%d with body %q", x.code, x.body)
	case x.code == http.StatusInternalServerError:
		if x.ran != 1 || !o.Handled || (mode != fuzzHandlerError && mode != fuzzHandlerPanic) {
			t.Fatalf("500 after %d handler calls (mode %d, Handled %v): %v", x.ran, mode, o.Handled, o.Err)
		}
		if mode == fuzzHandlerPanic && !errors.Is(o.Err, receiver.ErrPanic) {
			t.Errorf("500 for a panic with Outcome.Err %v", o.Err)
		}
	default:
		if x.ran != 0 || o.Handled {
			t.Fatalf("%d %q after %d handler calls (Handled %v)", x.code, x.body, x.ran, o.Handled)
		}
	}
	if o.Duplicate && x.body != "ok: already received\n" {
		t.Errorf("Duplicate with %d %q", x.code, x.body)
	}
	wantErrs := 0
	if x.ran == 1 && mode != fuzzHandlerOK {
		wantErrs = 1
	}
	if len(x.errs) != wantErrs {
		t.Errorf("OnError called %d times (%v), want %d", len(x.errs), x.errs, wantErrs)
	}

	// What must never be handled.
	if in.who&fuzzBodyMask == fuzzBodyTruncated && x.code == http.StatusOK {
		t.Fatalf("a truncated body answered %d %q", x.code, x.body)
	}
	if in.who&fuzzSignMask == fuzzSignedTamp && h.sch.coversBody && in.auth != "" && x.code == http.StatusOK {
		t.Fatalf("a body changed after signing answered %d %q", x.code, x.body)
	}

	// The stages: StageMethod first, none twice, StageDispatch exactly when a handler ran.
	if in.how&fuzzOnStage != 0 {
		if len(x.stages) == 0 || x.stages[0] != receiver.StageMethod {
			t.Errorf("stages %v do not start with %s", x.stages, receiver.StageMethod)
		}
		seen := map[receiver.Stage]bool{}
		for _, s := range x.stages {
			if seen[s] {
				t.Errorf("stage %s reported twice: %v", s, x.stages)
			}
			seen[s] = true
		}
		if seen[receiver.StageDispatch] != (x.ran == 1) {
			t.Errorf("stages %v after %d handler calls", x.stages, x.ran)
		}
	}

	// The log: no secret, unless the request carried it where the log may quote it (the
	// method, the Content-Type, the key, the body's ids).
	quotable := in.method + "\x00" + in.contentType + "\x00" + in.key + "\x00" + in.extraValue + "\x00" + in.auth + "\x00" + string(in.body)
	logged := h.log.text.String()
	for _, s := range append(slices.Clip(h.sch.secrets), x.credential) {
		if s != "" && strings.Contains(logged, s) && !strings.Contains(quotable, s) {
			t.Errorf("the log holds the credential %q:\n%s", s, logged)
		}
	}
}

// checkReplay checks the answer to the same delivery sent again: with the rate limit, 429
// for any delivery that passed the method check; after "ok\n", "ok: already received\n"
// without the handler; after a 500, the handler runs again (the claim was released); any
// other answer is given again, word for word.
func (h *fuzzHarness) checkReplay(first, again fuzzExchange) {
	t := h.t
	switch {
	case h.in.how&fuzzLimited != 0 && first.code != http.StatusMethodNotAllowed && first.code != http.StatusUnsupportedMediaType:
		if again.code != http.StatusTooManyRequests {
			t.Fatalf("sent again through a limit of 1: %d %q, want 429", again.code, again.body)
		}
	case first.body == "ok\n":
		if again.code != http.StatusOK || again.body != "ok: already received\n" || again.ran != 0 {
			t.Fatalf("a handled delivery sent again: %d %q after %d handler calls", again.code, again.body, again.ran)
		}
	case first.code == http.StatusInternalServerError:
		if again.code != http.StatusInternalServerError || again.ran != 1 {
			t.Fatalf("a failed delivery sent again: %d %q after %d handler calls", again.code, again.body, again.ran)
		}
	default:
		if again.code != first.code || again.body != first.body {
			t.Fatalf("the same delivery answered %d %q, then %d %q", first.code, first.body, again.code, again.body)
		}
	}
}

// fuzzSeed is one hostile seed.
type fuzzSeed struct {
	who, how                       uint8
	method, contentType, auth, key string
	extraName, extraValue          string
	body                           []byte
}

// fuzzHostileSeeds are inputs no fixture gives: each stage's failures, each handler outcome,
// the other schemes, odd bodies and headers.
func fuzzHostileSeeds(tb testing.TB) []fuzzSeed {
	tb.Helper()
	body := func(provider, file string) []byte {
		b, err := inspecthook.Fixture{File: provider + "/" + file}.Body()
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	r360 := body("record360", "v3_inspection_created.json")
	sc := body("safetyculture", "legacy_inspection_started.json")
	insp := body("inspectorio", "sight_report_created.json")
	vr := body("vehreports", "report_completed.json")
	const (
		pR360, pSC, pInsp, pVR = 0, 1, 2, 3
		json                   = "application/json"
	)
	return []fuzzSeed{
		// Stage 1: method and content type.
		{who: pR360 | fuzzSigned, method: "GET", contentType: json, body: r360},
		{who: pR360 | fuzzSigned, method: "PUT", contentType: json, body: r360},
		{who: pSC | fuzzSigned, contentType: "text/plain", body: sc},
		{who: pSC | fuzzSigned, contentType: "", body: sc},
		{who: pVR | fuzzSigned, contentType: "Application/CloudEvents+JSON; charset=utf-8", body: vr},
		// Stages 2 to 5: rate limit, credentials, body.
		{who: pR360 | fuzzSigned, how: fuzzLimited | fuzzOnStage, contentType: json, body: r360},
		{who: pR360 | fuzzUnsigned, contentType: json, auth: "Bearer wrong-token", body: r360},
		{who: pR360 | fuzzUnsigned, contentType: json, auth: "Bearer " + fuzzBearerToken, body: r360},
		{who: pInsp | fuzzUnsigned, contentType: json, auth: "Basic !!!", body: insp},
		{who: pSC | fuzzSignedDup, contentType: json, auth: "00", body: sc},
		{who: pSC | fuzzSignedTamp, contentType: json, auth: " ", body: sc},
		{who: pVR | fuzzSignedTamp, contentType: json, auth: "}", body: vr},
		{who: pR360 | fuzzSignedTamp, contentType: json, auth: "\n", body: r360},
		{who: pSC | fuzzSigned, contentType: json, extraName: "X-Safetyculture-Signature", extraValue: "sha256=00", body: sc},
		{who: pVR | fuzzSigned, how: fuzzSmallBody, contentType: json, body: vr},
		{who: pVR | fuzzSigned | fuzzBodyUnknown, how: fuzzSmallBody, contentType: json, body: vr},
		{who: pSC | fuzzSigned | fuzzBodyTruncated, contentType: json, body: sc},
		{who: pInsp | fuzzSigned | fuzzBodyByteWise, how: fuzzOnStage, contentType: json, body: insp},
		// Stages 6 to 10: bodies, keys and handlers.
		{who: pInsp | fuzzSigned, how: fuzzAltScheme | fuzzKeyHeader | fuzzOnStage, contentType: json, key: "msg_2KWPBgLlAfxdpx2AI54pPJ85f1W", body: insp},
		{who: pInsp | fuzzSigned, how: fuzzAltScheme, contentType: json, body: insp},
		{who: pR360 | fuzzSigned, how: fuzzKeyHeader, contentType: json, key: "  ", body: r360},
		{who: pR360 | fuzzSigned, how: fuzzKeyHeader, contentType: json, key: strings.Repeat("k", 300), body: r360},
		{who: pInsp | fuzzSigned, how: fuzzKeyHeader, contentType: json, key: "same-key", body: []byte(`{"not":"sight"}`)},
		{who: pSC | fuzzSigned, how: fuzzAltScheme | fuzzHandlerError, contentType: json, body: sc},
		{who: pVR | fuzzSigned, how: fuzzAltScheme | fuzzHandlerPermanent, contentType: json, body: vr},
		{who: pR360 | fuzzSigned, how: fuzzAltScheme | fuzzHandlerPanic | fuzzOnStage, contentType: json, body: r360},
		{who: pR360 | fuzzSigned, contentType: json, body: []byte(`{"type":"inspection.created","id":"` + strings.Repeat("9", 400) + `","data":{}}`)},
		{who: pR360 | fuzzSigned, contentType: json, body: []byte(`{"type":"x\ny","id":"1","data":{"a\u2028b":1}}`)},
		{who: pVR | fuzzSigned, contentType: json, body: []byte(`{"type":"report.completed","id":"r1","data":{"id":{"x":1}}}`)},
		// The token as the event id: the log quotes the key, which the sender chose.
		{who: pR360 | fuzzSigned, contentType: json, body: []byte(`{"id":"` + fuzzBearerToken + `","object":"event","type":"unit.created","data":{"object":"unit","id":1}}`)},
		{who: pSC | fuzzSigned, contentType: json, body: []byte(strings.Repeat("[", 200) + strings.Repeat("]", 200))},
		{who: pInsp | fuzzSigned, contentType: json, body: []byte("{\"eventCode\":\"report.created\",\"messageId\":\"\xff\xfe\"}")},
		{who: pVR | fuzzSigned, contentType: json, body: []byte("null")},
		{who: pR360 | fuzzSigned, contentType: json, body: nil},
		{who: pSC | fuzzSigned, contentType: json, extraName: "Content-Type", extraValue: "text/html", body: sc},
		{who: pR360 | fuzzSigned, contentType: json, extraName: "Authorization", extraValue: "Bearer " + fuzzBearerToken, body: r360},
		{who: pR360 | fuzzSigned, contentType: json, extraName: "X-Forwarded-For", extraValue: "10.0.0.1", body: r360},
	}
}
