package tracing_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/observe/tracing"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const (
	scSecret   = "sc-webhook-secret-0f9a7c"
	r360Token  = "r360-url-token-5be1d2"
	scPath     = "/webhooks/safetyculture"
	scFixture  = "legacy_inspection_completed.json"
	r360Path   = "/webhooks/record360"
	r360Fixure = "v3_inspection_created.json"
)

// setup is one receiver behind a Tracing on a ServeMux, its spans going to an in-memory recorder.
type setup struct {
	rec  *tracetest.SpanRecorder
	tp   *sdktrace.TracerProvider
	rx   *receiver.Receiver
	srv  http.Handler // where requests are sent: the mux, or Middleware around it
	auth verify.Signer
}

type options struct {
	provider events.Provider
	verifier verify.Verifier // default HMAC with scSecret
	pattern  string          // default "POST " + scPath
	cfg      tracing.Config  // TracerProvider is set by newSetup
	handler  func(ctx context.Context) error
	outside  bool // Middleware wraps the mux rather than the receiver
}

func newSetup(t *testing.T, o options) *setup {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	if o.provider == nil {
		o.provider = safetyculture.Provider()
	}
	if o.verifier == nil {
		v, err := verify.NewHMAC(verify.SafetyCulture(scSecret))
		require.NoError(t, err)
		o.verifier = v
	}
	if o.pattern == "" {
		o.pattern = "POST " + scPath
	}
	o.cfg.TracerProvider = tp
	tr := tracing.New(o.cfg)
	rx, err := receiver.New(o.provider, receiver.Config{
		Verifier: o.verifier,
		Logger:   webhooktest.Logger(t),
		OnStage:  tr.OnStage,
		Observer: receiver.Observers(tr.Observe),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	receiver.HandleUnknown(rx, func(ctx context.Context, _ *events.Envelope) error {
		// User code: a span of its own, from the handler's context.
		_, span := tp.Tracer("app").Start(ctx, "app.save")
		defer span.End()
		if o.handler != nil {
			return o.handler(ctx)
		}
		return nil
	})
	mux := http.NewServeMux()
	var h http.Handler = mux
	if o.outside {
		mux.Handle(o.pattern, rx)
		h = tr.Middleware(mux)
	} else {
		mux.Handle(o.pattern, tr.Middleware(rx))
	}
	signer, ok := o.verifier.(verify.Signer)
	require.True(t, ok, "the verifier signs")
	return &setup{rec: rec, tp: tp, rx: rx, srv: h, auth: signer}
}

// deliveries are the ended spans of the Tracing, in the order they ended.
func (s *setup) deliveries() []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, sp := range s.rec.Ended() {
		if sp.InstrumentationScope().Name == tracing.ScopeName {
			out = append(out, sp)
		}
	}
	return out
}

func (s *setup) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, sp := range s.rec.Ended() {
		if sp.Name() == name {
			out = append(out, sp)
		}
	}
	return out
}

func attrs(sp sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range sp.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// stages are the stage names of sp's EventStage events, in order.
func stages(t *testing.T, sp sdktrace.ReadOnlySpan) []string {
	t.Helper()
	var out []string
	for _, ev := range sp.Events() {
		require.Equal(t, tracing.EventStage, ev.Name, "only stage events")
		var stage string
		for _, kv := range ev.Attributes {
			if kv.Key == tracing.KeyStage {
				stage = kv.Value.AsString()
			}
		}
		require.NotEmpty(t, stage, "a stage event names its stage")
		out = append(out, stage)
	}
	return out
}

func decode(t *testing.T, p events.Provider, body []byte) *events.Envelope {
	t.Helper()
	env, err := p.Decode(body)
	require.NoError(t, err)
	return env
}

// TestDeliverySpan checks the span of each kind of delivery: its name, kind, attributes, stage
// events, status, and the handler's span as its child.
func TestDeliverySpan(t *testing.T) {
	errBoom := errors.New("boom")
	type want struct {
		status     int
		stage      string
		outcome    string
		duplicate  bool
		rejection  string // "" for none
		errorType  string // "" for none
		code       codes.Code
		events     []string
		decoded    bool // type, key and version attributes set
		handlerRan bool
	}
	tests := []struct {
		name     string
		provider events.Provider
		path     string
		fixture  string
		forge    bool // sign with another secret
		sends    int  // default 1; the last one is checked
		handler  func(ctx context.Context) error
		want     want
	}{
		{
			name: "new", fixture: scFixture,
			want: want{status: 200, stage: "complete", outcome: tracing.OutcomeProcessed, code: codes.Unset,
				events: []string{"method", "verify", "decode", "claim", "dispatch"}, decoded: true, handlerRan: true},
		},
		{
			name: "duplicate", fixture: scFixture, sends: 2,
			want: want{status: 200, stage: "complete", outcome: tracing.OutcomeDuplicate, duplicate: true, code: codes.Unset,
				events: []string{"method", "verify", "decode", "claim"}}, // decoded, then answered by the claim
		},
		{
			name: "forged signature", fixture: scFixture, forge: true,
			want: want{status: 401, stage: "verify", outcome: tracing.OutcomeRejected, rejection: "unauthenticated",
				code: codes.Unset, events: []string{"method", "verify"}},
		},
		{
			name: "handler error", fixture: scFixture,
			handler: func(context.Context) error { return errBoom },
			want: want{status: 500, stage: "dispatch", outcome: tracing.OutcomeFailed, errorType: "handler_error",
				code: codes.Error, events: []string{"method", "verify", "decode", "claim", "dispatch"}, decoded: true, handlerRan: true},
		},
		{
			name: "handler panic", fixture: scFixture,
			handler: func(context.Context) error { panic("boom") },
			want: want{status: 500, stage: "dispatch", outcome: tracing.OutcomeFailed, errorType: "panic",
				code: codes.Error, events: []string{"method", "verify", "decode", "claim", "dispatch"}, decoded: true, handlerRan: true},
		},
		{
			name: "permanent error", fixture: scFixture,
			handler: func(context.Context) error { return receiver.Permanent(errBoom) },
			want: want{status: 200, stage: "complete", outcome: tracing.OutcomePermanentError, code: codes.Unset,
				events: []string{"method", "verify", "decode", "claim", "dispatch"}, decoded: true, handlerRan: true},
		},
		{
			name: "body that does not decode", fixture: "bad_missing_event.json",
			want: want{status: 400, stage: "decode", outcome: tracing.OutcomeRejected, rejection: "malformed",
				code: codes.Unset, events: []string{"method", "verify", "decode"}},
		},
		{
			name: "record360 with an event id", provider: record360.Provider(), path: r360Path, fixture: r360Fixure,
			want: want{status: 200, stage: "complete", outcome: tracing.OutcomeProcessed, code: codes.Unset,
				events: []string{"method", "verify", "decode", "claim", "dispatch"}, decoded: true, handlerRan: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, path := tt.provider, tt.path
			if p == nil {
				p, path = safetyculture.Provider(), scPath
			}
			v, err := verify.NewHMAC(verify.SafetyCulture(scSecret))
			require.NoError(t, err)
			s := newSetup(t, options{provider: p, verifier: v, pattern: "POST " + path, handler: tt.handler})
			body := webhooktest.FixtureBody(t, p.Name(), tt.fixture)
			signer := s.auth
			if tt.forge {
				signer, err = verify.NewHMAC(verify.SafetyCulture("not-the-secret"))
				require.NoError(t, err)
			}
			var (
				w      *httptest.ResponseRecorder
				before int // spans ended before the last delivery
			)
			for range max(tt.sends, 1) {
				before = len(s.rec.Ended())
				w = webhooktest.Replay(t, s.srv, path, body, signer)
			}
			require.Equal(t, tt.want.status, w.Code, w.Body.String())

			spans := s.deliveries()
			require.Len(t, spans, max(tt.sends, 1), "one span per delivery")
			sp := spans[len(spans)-1]
			require.Equal(t, "webhook "+p.Name(), sp.Name())
			require.Equal(t, trace.SpanKindServer, sp.SpanKind())
			require.Equal(t, tt.want.events, stages(t, sp))
			require.Equal(t, tt.want.code, sp.Status().Code)
			if tt.want.code == codes.Error {
				require.NotEmpty(t, sp.Status().Description)
				require.NotContains(t, sp.Status().Description, errBoom.Error(), "no error text")
			}

			a := attrs(sp)
			require.Equal(t, p.Name(), a[tracing.KeyProvider].AsString())
			require.Equal(t, tt.want.stage, a[tracing.KeyStage].AsString())
			require.Equal(t, tt.want.outcome, a[tracing.KeyOutcome].AsString())
			require.Equal(t, attribute.BOOL, a[tracing.KeyDuplicate].Type())
			require.Equal(t, tt.want.duplicate, a[tracing.KeyDuplicate].AsBool())
			require.Equal(t, int64(tt.want.status), a["http.response.status_code"].AsInt64())
			require.Equal(t, "hmac", a[tracing.KeyScheme].AsString())
			require.Equal(t, "POST", a["http.request.method"].AsString())
			require.Equal(t, path, a["url.path"].AsString())
			require.Equal(t, path, a["http.route"].AsString())
			require.Equal(t, "192.0.2.1", a["network.peer.address"].AsString())
			require.Equal(t, tt.want.rejection, a[tracing.KeyRejection].AsString())
			require.Equal(t, tt.want.errorType, a["error.type"].AsString())

			switch {
			case tt.want.decoded:
				env := decode(t, p, body)
				require.Equal(t, env.Type, a[tracing.KeyEventType].AsString())
				require.Equal(t, env.IdempotencyKey, a[tracing.KeyIdempotencyKey].AsString())
				require.Equal(t, env.Version, a[tracing.KeyEventVersion].AsString())
				require.Equal(t, env.ID, a[tracing.KeyEventID].AsString())
			case tt.want.duplicate: // decoded, then answered by the claim: the key, type and version
				env := decode(t, p, body)
				require.Equal(t, env.IdempotencyKey, a[tracing.KeyIdempotencyKey].AsString())
				require.Equal(t, env.Type, a[tracing.KeyEventType].AsString())
				require.Equal(t, env.Version, a[tracing.KeyEventVersion].AsString())
			default:
				require.NotContains(t, a, tracing.KeyEventType)
				require.NotContains(t, a, tracing.KeyIdempotencyKey)
				require.NotContains(t, a, tracing.KeyEventID)
			}
			if tt.provider != nil {
				require.NotEmpty(t, a[tracing.KeyEventID].AsString(), "the fixture has an event id")
			}

			var app []sdktrace.ReadOnlySpan // the handler's spans of the last delivery
			for _, sp := range s.rec.Ended()[before:] {
				if sp.Name() == "app.save" {
					app = append(app, sp)
				}
			}
			if !tt.want.handlerRan {
				require.Empty(t, app, "no handler ran")
				require.NotContains(t, a, tracing.KeyHandlerDuration)
				return
			}
			require.Len(t, app, 1)
			require.Equal(t, sp.SpanContext().TraceID(), app[0].SpanContext().TraceID(), "same trace")
			require.Equal(t, sp.SpanContext().SpanID(), app[0].Parent().SpanID(), "the handler's span is a child of the delivery's")
			require.Equal(t, attribute.FLOAT64, a[tracing.KeyHandlerDuration].Type())
			require.GreaterOrEqual(t, a[tracing.KeyHandlerDuration].AsFloat64(), 0.0)
		})
	}
}

// TestSendersTrace checks that a traceparent header continues the sender's trace with the
// propagator given, and is ignored with an empty one.
func TestSendersTrace(t *testing.T) {
	const (
		traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
		spanID  = "00f067aa0ba902b7"
	)
	tests := []struct {
		name       string
		propagator propagation.TextMapPropagator
		continues  bool
	}{
		{"trace context continues", propagation.TraceContext{}, true},
		{"empty propagator starts a trace", propagation.NewCompositeTextMapPropagator(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t, options{cfg: tracing.Config{Propagator: tt.propagator}})
			body := webhooktest.FixtureBody(t, "safetyculture", scFixture)
			r := webhooktest.NewRequest(t, scPath, body, s.auth)
			r.Header.Set("traceparent", "00-"+traceID+"-"+spanID+"-01")
			w := httptest.NewRecorder()
			s.srv.ServeHTTP(w, r)
			require.Equal(t, http.StatusOK, w.Code)

			spans := s.deliveries()
			require.Len(t, spans, 1)
			sp := spans[0]
			if tt.continues {
				require.Equal(t, traceID, sp.SpanContext().TraceID().String())
				require.Equal(t, spanID, sp.Parent().SpanID().String())
				require.True(t, sp.Parent().IsRemote())
			} else {
				require.NotEqual(t, traceID, sp.SpanContext().TraceID().String())
				require.False(t, sp.Parent().IsValid(), "a root span")
			}
			app := s.named("app.save")
			require.Len(t, app, 1)
			require.Equal(t, sp.SpanContext().TraceID(), app[0].SpanContext().TraceID())
			require.Equal(t, sp.SpanContext().SpanID(), app[0].Parent().SpanID())
		})
	}
}

// texts are every string a span holds: its name, status description, and the values of its
// attributes and of its events' and links' attributes, each with the attribute's key ("" for
// the name and description).
func texts(sp sdktrace.ReadOnlySpan) []attribute.KeyValue {
	out := []attribute.KeyValue{attribute.String("", sp.Name()), attribute.String("", sp.Status().Description)}
	out = append(out, sp.Attributes()...)
	for _, ev := range sp.Events() {
		out = append(out, attribute.String("", ev.Name))
		out = append(out, ev.Attributes...)
	}
	for _, l := range sp.Links() {
		out = append(out, l.Attributes...)
	}
	return out
}

// fromTheBody are the keys whose values are taken from the body by design: they must equal
// what the provider decodes, and are checked so in TestDeliverySpan.
var fromTheBody = []attribute.Key{tracing.KeyEventType, tracing.KeyEventTypes, tracing.KeyEventID, tracing.KeyEventVersion, tracing.KeyIdempotencyKey}

// bodyStrings are the strings of a JSON body, keys and values, of at least 4 bytes, and every
// 12-byte window of the raw body.
// stageNames are the names of the receiver's stages, which spans carry.
var stageNames = func() []string {
	var names []string
	for s := receiver.StageMethod; s <= receiver.StageEnqueue; s++ {
		names = append(names, s.String())
	}
	return names
}()

func bodyStrings(body []byte) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			for k, e := range v {
				out = append(out, k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		walk(v)
	}
	out = slices.DeleteFunc(out, func(s string) bool { return len(s) < 4 })
	for i := 0; i+12 <= len(body); i++ {
		out = append(out, string(body[i:i+12]))
	}
	return out
}

// TestNoSecretOrBodyInSpans replays every SafetyCulture fixture, signed and forged, and checks
// that no text of any span (attributes, events, name, status) holds the secret, the signature,
// or a string or 12-byte piece of the body, apart from the attributes that are the decoded
// event's type, id, version and idempotency key; and that each of those holds exactly what the
// provider decodes.
func TestNoSecretOrBodyInSpans(t *testing.T) {
	s := newSetup(t, options{handler: func(ctx context.Context) error {
		if receiver.FromContext(ctx).Type == safetyculture.InspectionArchived.Name() {
			return errors.New("failing with text that quotes the body: " + string(receiver.FromContext(ctx).Envelope.Raw))
		}
		return nil
	}})
	forger, err := verify.NewHMAC(verify.SafetyCulture("forged-secret-77"))
	require.NoError(t, err)
	names := webhooktest.FixtureNames(t, "safetyculture")
	require.Greater(t, len(names), 20)
	for _, name := range names {
		for _, signer := range []verify.Signer{s.auth, forger} {
			body := webhooktest.FixtureBody(t, "safetyculture", name)
			r := webhooktest.NewRequest(t, scPath, body, signer)
			r.Header.Set("User-Agent", "sender/1.0") // not webhooktest's, which shares words with bodies
			sig := r.Header.Get("X-Safetyculture-Signature")
			require.NotEmpty(t, sig)
			before := len(s.rec.Ended())
			w := httptest.NewRecorder()
			s.srv.ServeHTTP(w, r)
			ended := s.rec.Ended()[before:]
			require.NotEmpty(t, ended, name)

			env, decodeErr := safetyculture.Provider().Decode(body)
			// Pieces of the body that are also in the span's own names (the provider's, the
			// route's, the stages') prove nothing either way.
			needles := slices.DeleteFunc(bodyStrings(body), func(n string) bool {
				return strings.Contains("webhook safetyculture", n) || strings.Contains(scPath, n) || slices.ContainsFunc(stageNames, func(s string) bool { return strings.Contains(s, n) })
			})
			for _, sp := range ended {
				for _, kv := range texts(sp) {
					v := kv.Value.String()
					if slices.Contains(fromTheBody, kv.Key) {
						// A body that decoded, or that failed only validation (422), has them.
						require.NotNil(t, env, "%s: %s set for a body that does not decode (%v)", name, kv.Key, decodeErr)
						switch kv.Key {
						case tracing.KeyEventType:
							require.Equal(t, env.Type, v, name)
						case tracing.KeyEventTypes:
							require.Equal(t, env.Types, kv.Value.AsStringSlice(), name)
						case tracing.KeyEventID:
							require.Equal(t, env.ID, v, name)
						case tracing.KeyEventVersion:
							require.Equal(t, env.Version, v, name)
						case tracing.KeyIdempotencyKey:
							require.Equal(t, env.IdempotencyKey, v, name)
						}
						continue
					}
					require.NotContains(t, v, scSecret, "%s: %s holds the secret", name, kv.Key)
					require.NotContains(t, v, sig, "%s: %s holds the signature", name, kv.Key)
					for _, n := range needles {
						if strings.Contains(v, n) {
							t.Fatalf("%s (%d): %s = %.120q holds %q of the body", name, w.Code, kv.Key, v, n)
						}
					}
				}
			}
		}
	}
}

// TestURLTokenNeverRecorded checks that a URL token, in the query or in the path, is in no
// attribute, and which url.path and http.route are recorded.
func TestURLTokenNeverRecorded(t *testing.T) {
	tests := []struct {
		name      string
		cfg       verify.URLTokenConfig
		pattern   string
		outside   bool   // Middleware wraps the mux rather than the receiver
		redact    bool   // give the verifier to the Tracing
		wantPath  string // "" for no url.path
		wantRoute string
	}{
		{"query", verify.URLTokenConfig{Query: "token"}, "POST /webhooks/record360", false, false, "/webhooks/record360", "/webhooks/record360"},
		{"query, outside the mux", verify.URLTokenConfig{Query: "token"}, "POST /webhooks/record360", true, false, "/webhooks/record360", "/webhooks/record360"},
		{"path, not redacted", verify.URLTokenConfig{PathValue: "token"}, "POST /webhooks/record360/{token}", false, false, "", "/webhooks/record360/{token}"},
		{"path, not redacted, outside the mux", verify.URLTokenConfig{PathValue: "token"}, "POST /webhooks/record360/{token}", true, false, "", "/webhooks/record360/{token}"},
		{"path, redacted", verify.URLTokenConfig{PathValue: "token"}, "POST /webhooks/record360/{token}", false, true, "/webhooks/record360/" + verify.Redacted, "/webhooks/record360/{token}"},
		{"path, redacted, outside the mux", verify.URLTokenConfig{PathValue: "token"}, "POST /webhooks/record360/{token}", true, true, "/webhooks/record360/" + verify.Redacted, "/webhooks/record360/{token}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Tokens = []string{r360Token}
			v, err := verify.NewURLToken(tt.cfg)
			require.NoError(t, err)
			var cfg tracing.Config
			if tt.redact {
				cfg.Verifier = v
			}
			s := newSetup(t, options{provider: record360.Provider(), verifier: v, pattern: tt.pattern, cfg: cfg, outside: tt.outside})
			body := webhooktest.FixtureBody(t, "record360", r360Fixure)
			w := webhooktest.Replay(t, s.srv, r360Path, body, s.auth)
			require.Equal(t, http.StatusOK, w.Code)

			spans := s.deliveries()
			require.Len(t, spans, 1)
			for _, sp := range s.rec.Ended() {
				for _, kv := range texts(sp) {
					require.NotContains(t, kv.Value.String(), r360Token, "%s holds the token", kv.Key)
				}
			}
			a := attrs(spans[0])
			require.Equal(t, "url-token", a[tracing.KeyScheme].AsString())
			require.Equal(t, tt.wantRoute, a["http.route"].AsString())
			if tt.wantPath == "" {
				require.NotContains(t, a, attribute.Key("url.path"))
			} else {
				require.Equal(t, tt.wantPath, a["url.path"].AsString())
			}
		})
	}
}

// TestURLTokenNeverRecordedWhereverSent sends a path-token route its token where a sender
// might put it by mistake and checks url.path, redacted with the Verifier, never holds it.
func TestURLTokenNeverRecordedWhereverSent(t *testing.T) {
	tests := []struct {
		name    string
		target  string
		outside bool
	}{
		{"then %2F", r360Path + "/" + r360Token + "%2Fx", false},
		{"then %2F, outside the mux", r360Path + "/" + r360Token + "%2Fx", true},
		{"inside a segment", r360Path + "/x" + r360Token + "y", false},
		{"in the query", r360Path + "/guess?token=" + r360Token, false},
		{"a guess, outside the mux", r360Path + "/guess-1234", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{r360Token}})
			require.NoError(t, err)
			s := newSetup(t, options{provider: record360.Provider(), verifier: v, pattern: "POST /webhooks/record360/{token}",
				cfg: tracing.Config{Verifier: v}, outside: tt.outside})
			body := webhooktest.FixtureBody(t, "record360", r360Fixure)
			w := webhooktest.Replay(t, s.srv, tt.target, body, nil)
			require.Equal(t, http.StatusUnauthorized, w.Code)

			spans := s.deliveries()
			require.Len(t, spans, 1)
			for _, sp := range s.rec.Ended() {
				for _, kv := range texts(sp) {
					require.NotContains(t, kv.Value.String(), r360Token, "%s holds the token", kv.Key)
					require.NotContains(t, kv.Value.String(), "guess-1234", "%s holds the path value", kv.Key)
				}
			}
			require.Equal(t, r360Path+"/"+verify.Redacted, attrs(spans[0])["url.path"].AsString())
		})
	}
}

// TestMiddlewareAlone checks the span of Middleware in front of a handler that is not a
// Receiver (its own status, Error for 5xx) and in front of a mux of receivers (named once
// Observe learns the provider).
func TestMiddlewareAlone(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		wantCode   codes.Code
		wantName   string
		wantErrTyp string
	}{
		{"200", http.StatusOK, codes.Unset, "webhook", ""},
		{"404", http.StatusNotFound, codes.Unset, "webhook", ""},
		{"503", http.StatusServiceUnavailable, codes.Error, "webhook", "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			tr := tracing.New(tracing.Config{TracerProvider: tp})
			h := tr.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				require.True(t, trace.SpanFromContext(r.Context()).SpanContext().IsValid(), "the span is in the context")
				w.WriteHeader(tt.status)
			}))
			r := httptest.NewRequest(http.MethodGet, "/anything?secret=1", nil)
			r.Header.Set("User-Agent", "sender/1.0")
			h.ServeHTTP(httptest.NewRecorder(), r)
			spans := rec.Ended()
			require.Len(t, spans, 1)
			sp := spans[0]
			require.Equal(t, tt.wantName, sp.Name())
			require.Equal(t, tt.wantCode, sp.Status().Code)
			a := attrs(sp)
			require.Equal(t, int64(tt.status), a["http.response.status_code"].AsInt64())
			require.Equal(t, tt.wantErrTyp, a["error.type"].AsString())
			require.NotContains(t, a, attribute.Key("url.path"), "no ServeMux route: the path might hold a token")
			require.NotContains(t, a, attribute.Key("http.route"))
			require.Equal(t, "GET", a["http.request.method"].AsString())
			require.Equal(t, "sender/1.0", a["user_agent.original"].AsString())
		})
	}

	t.Run("mux of receivers", func(t *testing.T) {
		s := newSetup(t, options{})
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		tr := tracing.New(tracing.Config{TracerProvider: tp})
		v, err := verify.NewHMAC(verify.SafetyCulture(scSecret))
		require.NoError(t, err)
		rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
			Verifier: v, Logger: webhooktest.Logger(t), OnStage: tr.OnStage, Observer: tr.Observe,
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = rx.Close() })
		mux := http.NewServeMux()
		mux.Handle("POST "+scPath, rx)
		body := webhooktest.FixtureBody(t, "safetyculture", scFixture)
		w := webhooktest.Replay(t, tr.Middleware(mux), scPath, body, s.auth)
		require.Equal(t, http.StatusOK, w.Code)
		spans := rec.Ended()
		require.Len(t, spans, 1)
		require.Equal(t, "webhook safetyculture", spans[0].Name(), "renamed by Observe")
		a := attrs(spans[0])
		require.Equal(t, scPath, a["http.route"].AsString(), "the route the mux inside matched")
		require.Equal(t, scPath, a["url.path"].AsString())
		require.Equal(t, []string{"method", "verify", "decode", "claim", "dispatch"}, stages(t, spans[0]))
	})

	t.Run("panic", func(t *testing.T) {
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		tr := tracing.New(tracing.Config{TracerProvider: tp})
		h := tr.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
		require.PanicsWithValue(t, http.ErrAbortHandler, func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil))
		}, "the panic goes on to net/http")
		spans := rec.Ended()
		require.Len(t, spans, 1, "the span ended")
		require.Equal(t, codes.Error, spans[0].Status().Code)
		require.Equal(t, "panic", attrs(spans[0])["error.type"].AsString())
	})

	t.Run("invalid method", func(t *testing.T) {
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		tr := tracing.New(tracing.Config{TracerProvider: tp, SpanName: func(p string) string { return "in " + p }})
		r := httptest.NewRequest("X-SECRET-METHOD", "/", nil)
		tr.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), r)
		spans := rec.Ended()
		require.Len(t, spans, 1)
		require.Equal(t, "in ", spans[0].Name())
		require.Equal(t, "_OTHER", attrs(spans[0])["http.request.method"].AsString())
	})
}

// TestWithoutMiddleware checks that OnStage and Observe annotate the span the context carries,
// such as another middleware's, and do nothing without one.
func TestWithoutMiddleware(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tr := tracing.New(tracing.Config{TracerProvider: tp})
	ctx, span := tp.Tracer("outer").Start(context.Background(), "outer")
	tr.OnStage(ctx, receiver.StageMethod)
	tr.Observe(ctx, receiver.Outcome{
		Delivery: receiver.Delivery{Provider: "record360", Type: "inspection.created", IdempotencyKey: "record360:1"},
		Stage:    receiver.StageClaim, Status: http.StatusServiceUnavailable,
	})
	span.End()
	tr.OnStage(context.Background(), receiver.StageMethod) // no span: nothing happens
	tr.Observe(context.Background(), receiver.Outcome{Status: 500})

	spans := rec.Ended()
	require.Len(t, spans, 1)
	sp := spans[0]
	require.Equal(t, "outer", sp.Name(), "not renamed: not this Tracing's span")
	require.Equal(t, []string{"method"}, stages(t, sp))
	a := attrs(sp)
	require.Equal(t, "record360", a[tracing.KeyProvider].AsString())
	require.Equal(t, "store_unavailable", a["error.type"].AsString())
	require.Equal(t, tracing.OutcomeFailed, a[tracing.KeyOutcome].AsString())
	require.Equal(t, codes.Error, sp.Status().Code)
}
