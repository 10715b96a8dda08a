package tracing

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// ScopeName is the instrumentation scope of the spans: the name the tracer is obtained with.
const ScopeName = "github.com/inspecthook/inspecthook/observe/tracing"

// EventStage is the name of the span event OnStage adds as a delivery enters a stage; its
// KeyStage attribute names the stage.
const EventStage = "inspecthook.stage"

// The attribute keys of the delivery, set by Observe (KeyStage also on each EventStage event).
const (
	KeyProvider        attribute.Key = "inspecthook.provider"            // the provider's name, such as "safetyculture"
	KeyEventType       attribute.Key = "inspecthook.event.type"          // the event type routed on
	KeyEventTypes      attribute.Key = "inspecthook.event.types"         // every event type, when there are several
	KeyEventID         attribute.Key = "inspecthook.event.id"            // the event's own id, when the format has one
	KeyEventVersion    attribute.Key = "inspecthook.event.version"       // the provider's format version
	KeyIdempotencyKey  attribute.Key = "inspecthook.idempotency_key"     // the key claimed, at most idempotency.MaxKeyLen bytes
	KeyStage           attribute.Key = "inspecthook.stage"               // where handling ended ("complete" for a success)
	KeyOutcome         attribute.Key = "inspecthook.outcome"             // one of the Outcome constants
	KeyDuplicate       attribute.Key = "inspecthook.duplicate"           // the event had been handled before: no handler ran
	KeyScheme          attribute.Key = "inspecthook.scheme"              // the authentication scheme, such as "hmac"
	KeyRejection       attribute.Key = "inspecthook.rejection"           // why a 4xx was answered, such as "unauthenticated"
	KeyHandlerDuration attribute.Key = "inspecthook.handler.duration_ms" // how long the handler ran, in milliseconds
	KeyAttempt         attribute.Key = "inspecthook.attempt"             // an inbox attempt's number: 1 for the first run
)

// The values of KeyOutcome.
const (
	OutcomeProcessed      = "processed"       // the handler succeeded, or no handler was registered: 200
	OutcomeDuplicate      = "duplicate"       // the event had been handled (or queued) before: 200, no handler ran
	OutcomeQueued         = "queued"          // stored in the Inbox for a worker: 200
	OutcomePermanentError = "permanent_error" // the handler failed with receiver.Permanent: acknowledged with 200
	OutcomeRejected       = "rejected"        // refused with a 4xx: see KeyRejection and KeyStage
	OutcomeFailed         = "failed"          // answered 500 or more: the span's status is Error
)

// maxText bounds an attribute value the sender controls, as the receiver's log line does.
const maxText = 256

// Config configures a Tracing. Every field is optional.
type Config struct {
	// TracerProvider makes the tracer of the spans. Default otel.GetTracerProvider(), which
	// follows a provider set with otel.SetTracerProvider later.
	TracerProvider trace.TracerProvider

	// Propagator reads the sender's trace context from the request's headers (traceparent
	// for W3C Trace Context), so that the delivery's span continues the sender's trace.
	// Default otel.GetTextMapPropagator(), which reads nothing until a propagator is set with
	// otel.SetTextMapPropagator (such as propagation.TraceContext{}). An empty propagation.NewCompositeTextMapPropagator()
	// ignores what senders send, so every delivery starts a trace of its own: a sender's
	// sampled flag is then not obeyed either.
	Propagator propagation.TextMapPropagator

	// SpanName names the span of a delivery to provider. provider is "" when Middleware
	// wraps a handler other than a *receiver.Receiver, until Observe learns it. Default
	// "webhook <provider>", or "webhook" without a provider.
	SpanName func(provider string) string

	// Verifier, when set, is used only to redact url.path with verify.RedactRequest, never to
	// verify: give it the Verifier of the receivers behind Middleware (or a verify.AllOf of
	// theirs). Then url.path is recorded for every request, with every segment that holds a
	// URL token (the route's path value, or any of the tokens) or another of the Verifier's
	// secrets redacted. Without it, url.path is recorded only when a ServeMux route without wildcards
	// matched the request, as a URL token in the path (verify.URLTokenConfig.PathValue) is
	// the value of a wildcard; behind another router, such as chi, url.path is left out.
	Verifier verify.Verifier
}

// Tracing makes the spans of deliveries: Middleware starts and ends them, OnStage and Observe
// fill them in. Build it with New. It is safe for concurrent use, and one Tracing serves any
// number of receivers.
type Tracing struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	spanName   func(string) string
	verifier   verify.Verifier
}

// New returns a Tracing configured by cfg, its zero fields set to their defaults.
func New(cfg Config) *Tracing {
	tp := cfg.TracerProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	prop := cfg.Propagator
	if prop == nil {
		prop = otel.GetTextMapPropagator()
	}
	name := cfg.SpanName
	if name == nil {
		name = defaultSpanName
	}
	return &Tracing{
		tracer:     tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		propagator: prop,
		spanName:   name,
		verifier:   cfg.Verifier,
	}
}

func defaultSpanName(provider string) string {
	if provider == "" {
		return "webhook"
	}
	return "webhook " + provider
}

// request is what Middleware records of one request in its context, for Observe.
type request struct {
	t        *Tracing
	span     trace.Span
	provider string // the provider the span was named for
	observed bool   // Observe has set the status
}

type requestKey struct{}

// Middleware returns next wrapped in the span of each request: it continues the trace of the
// request's headers (Config.Propagator), starts a server span with the request's HTTP
// attributes, puts it in the context next is given, and ends it once next has returned. Wrap
// a Receiver with it, or a mux that routes to several:
//
//	mux.Handle("POST /webhooks/record360", tr.Middleware(rx))
//
// When next is a *receiver.Receiver the span is named for its provider from the start;
// otherwise Observe renames it. Middleware records the status next answered, and sets the
// span's Error status for 500 or more when no Observe of this Tracing did.
func (t *Tracing) Middleware(next http.Handler) http.Handler {
	provider := ""
	if p, ok := next.(interface{ Provider() events.Provider }); ok {
		if pp := p.Provider(); pp != nil {
			provider = pp.Name()
		}
	}
	name := t.spanName(provider)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := t.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := t.tracer.Start(ctx, name,
			trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(t.requestAttributes(r)...),
		)
		rq := &request{t: t, span: span, provider: provider}
		ctx = context.WithValue(ctx, requestKey{}, rq)
		r2 := r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				span.SetAttributes(semconv.ErrorTypeKey.String("panic"))
				span.SetStatus(codes.Error, "panic")
				span.End()
				panic(p)
			}
		}()
		next.ServeHTTP(sw, r2)
		if r.Pattern == "" {
			// A ServeMux inside next records its route in r2, the request it was given.
			span.SetAttributes(t.pathAttributes(r2)...)
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK // nothing written: net/http answers 200
		}
		span.SetAttributes(semconv.HTTPResponseStatusCode(status))
		if status >= 500 && !rq.observed {
			span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(status)))
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		span.End()
	})
}

// requestAttributes are the HTTP attributes of r that carry no secret: no query, no header
// other than Host and User-Agent, no path that may hold a URL token.
func (t *Tracing) requestAttributes(r *http.Request) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 10)
	attrs = append(attrs, method(r.Method))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	attrs = append(attrs, semconv.URLScheme(scheme))
	if r.Pattern != "" { // Middleware is behind a ServeMux route: else known once next returns
		attrs = append(attrs, t.pathAttributes(r)...)
	}
	if host, port := splitHostPort(r.Host); host != "" {
		attrs = append(attrs, semconv.ServerAddress(cut(host)))
		if port > 0 {
			attrs = append(attrs, semconv.ServerPort(port))
		}
	}
	if host, port := splitHostPort(r.RemoteAddr); host != "" {
		attrs = append(attrs, semconv.NetworkPeerAddress(cut(host)))
		if port > 0 {
			attrs = append(attrs, semconv.NetworkPeerPort(port))
		}
	}
	if ua := r.UserAgent(); ua != "" {
		attrs = append(attrs, semconv.UserAgentOriginal(cut(ua)))
	}
	return attrs
}

// pathAttributes are http.route, the path of the ServeMux pattern that matched r, and
// url.path when it cannot hold a URL token: redacted by verify.RedactRequest with the Verifier
// when there is one,
// else only when a pattern without wildcards matched (a token in the path is a wildcard's
// value).
func (t *Tracing) pathAttributes(r *http.Request) []attribute.KeyValue {
	var attrs []attribute.KeyValue
	route := routeOf(r.Pattern)
	if route != "" {
		attrs = append(attrs, semconv.HTTPRoute(route))
	}
	switch {
	case r.URL == nil:
	case t.verifier != nil:
		// The path of RedactRequest's text: its escaped path holds no "?".
		path, _, _ := strings.Cut(verify.RedactRequest(t.verifier, r), "?")
		attrs = append(attrs, semconv.URLPath(cut(path)))
	case route != "" && !strings.Contains(route, "{"):
		attrs = append(attrs, semconv.URLPath(cut(r.URL.EscapedPath())))
	}
	return attrs
}

// routeOf is the path of a ServeMux pattern such as "POST example.com/webhooks/{token}": its
// wildcards' names, never their values.
func routeOf(pattern string) string {
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return ""
}

// method is the http.request.method attribute: a method outside the known set is "_OTHER", so
// that a sender cannot put text of its own there.
func method(m string) attribute.KeyValue {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return semconv.HTTPRequestMethodKey.String(m)
	}
	return semconv.HTTPRequestMethodOther
}

// splitHostPort splits "host:port" (or a bare host), giving port 0 when there is none.
func splitHostPort(hostport string) (string, int) {
	host, portText, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport, 0
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 {
		return host, 0
	}
	return host, port
}

// cut bounds text the sender controls to maxText bytes, at a UTF-8 boundary.
func cut(s string) string {
	if len(s) <= maxText {
		return s
	}
	i := maxText
	for i > 0 && !utf8Start(s[i]) {
		i--
	}
	return s[:i]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// spanOf is the span Observe and OnStage annotate: this Tracing's own when Middleware is in
// front, else whatever span ctx carries.
func (t *Tracing) spanOf(ctx context.Context) (trace.Span, *request) {
	if rq, ok := ctx.Value(requestKey{}).(*request); ok && rq.t == t {
		return rq.span, rq
	}
	return trace.SpanFromContext(ctx), nil
}

// OnStage adds an event named EventStage, with the stage's name as KeyStage, to the span of
// ctx. Give it to receiver.Config.OnStage.
func (t *Tracing) OnStage(ctx context.Context, s receiver.Stage) {
	span, _ := t.spanOf(ctx)
	if !span.IsRecording() {
		return
	}
	span.AddEvent(EventStage, trace.WithAttributes(KeyStage.String(s.String())))
}

// queuePropagator writes and reads the trace context an inbox keeps with a stored delivery. It
// is W3C Trace Context whatever Config.Propagator is: that one decides what is read from
// senders (an empty one ignores them), while this context is the receiver's own, written and
// read by this package alone, so its format is not the sender's concern.
var queuePropagator propagation.TextMapPropagator = propagation.TraceContext{}

// Inject returns the W3C trace context (traceparent, and tracestate when there is one) of the
// span ctx carries, or nil when it carries none: give the Tracing to inbox.Config.Tracer and
// the inbox stores it with each delivery, from the context of the request (the span
// Middleware started), so that Attempt can link each run to that request.
func (t *Tracing) Inject(ctx context.Context) map[string]string {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return nil
	}
	carrier := propagation.MapCarrier{}
	queuePropagator.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	return carrier
}

// Attempt starts the span of one run of a stored delivery by an inbox worker, and returns the
// context the handler runs under, which carries it, and the function that ends it with the
// attempt's error: give the Tracing to inbox.Config.Tracer. The span is of kind consumer,
// named "<span name> attempt" ("webhook safetyculture attempt"), and holds
// inspecthook.provider, inspecthook.idempotency_key, inspecthook.attempt and
// inspecthook.outcome ("processed", "permanent_error", or "failed" with the status Error: the
// attempt will be retried or is a dead letter). As for a request, no error text and no body
// byte is recorded.
//
// stored is what Inject returned as the delivery was stored. The span links to the request's
// span it names, rather than being its child: the request ended long before, and every retry
// links to the same request, as OpenTelemetry's messaging conventions do for deferred
// processing. The span is the root of a trace of its own unless ctx carries a span. A nil,
// empty or unreadable stored gives no link.
func (t *Tracing) Attempt(ctx context.Context, d receiver.InboxDelivery, stored map[string]string) (context.Context, func(error)) {
	opts := []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			KeyProvider.String(cut(d.Provider)),
			KeyIdempotencyKey.String(d.IdempotencyKey),
			KeyAttempt.Int(d.Attempt),
		),
	}
	if len(stored) > 0 {
		remote := trace.SpanContextFromContext(queuePropagator.Extract(context.Background(), propagation.MapCarrier(stored)))
		if remote.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: remote}))
		}
	}
	ctx, span := t.tracer.Start(ctx, t.spanName(d.Provider)+" attempt", opts...)
	return ctx, func(err error) {
		switch {
		case err == nil:
			span.SetAttributes(KeyOutcome.String(OutcomeProcessed))
		case receiver.IsPermanent(err):
			span.SetAttributes(KeyOutcome.String(OutcomePermanentError))
		default:
			span.SetAttributes(KeyOutcome.String(OutcomeFailed))
			span.SetStatus(codes.Error, "the handler failed")
		}
		span.End()
	}
}

// Observe sets the attributes of o's delivery on the span of ctx, and for a status of 500 or
// more the span's Error status and error.type. Give it to receiver.Config.Observer, alone or
// through receiver.Observers. No error text, body byte or header is recorded.
func (t *Tracing) Observe(ctx context.Context, o receiver.Outcome) {
	span, rq := t.spanOf(ctx)
	if rq != nil {
		rq.observed = true
		if o.Provider != "" && o.Provider != rq.provider {
			span.SetName(t.spanName(o.Provider))
			rq.provider = o.Provider
		}
	}
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(outcomeAttributes(o)...)
	if o.Status >= 500 {
		kind, description := failure(o)
		span.SetAttributes(semconv.ErrorTypeKey.String(kind))
		span.SetStatus(codes.Error, description)
	}
}

// outcomeAttributes are the attributes of o, its sender-controlled text cut to maxText bytes.
func outcomeAttributes(o receiver.Outcome) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 14)
	attrs = append(attrs,
		KeyProvider.String(o.Provider),
		KeyStage.String(o.Stage.String()),
		KeyOutcome.String(outcome(o)),
		KeyDuplicate.Bool(o.Duplicate),
		semconv.HTTPResponseStatusCode(o.Status),
	)
	if o.Type != "" {
		attrs = append(attrs, KeyEventType.String(cut(o.Type)))
	}
	if len(o.Types) > 1 {
		const maxTypes = 32
		types := make([]string, 0, min(len(o.Types), maxTypes))
		for _, ty := range o.Types[:min(len(o.Types), maxTypes)] {
			types = append(types, cut(ty))
		}
		attrs = append(attrs, KeyEventTypes.StringSlice(types))
	}
	if o.EventID != "" {
		attrs = append(attrs, KeyEventID.String(cut(o.EventID)))
	}
	if o.Version != "" {
		attrs = append(attrs, KeyEventVersion.String(cut(o.Version)))
	}
	if o.IdempotencyKey != "" {
		attrs = append(attrs, KeyIdempotencyKey.String(cut(o.IdempotencyKey)))
	}
	if o.Scheme != "" {
		attrs = append(attrs, KeyScheme.String(o.Scheme))
	}
	if o.Status >= 400 && o.Status < 500 {
		attrs = append(attrs, KeyRejection.String(rejection(o.Status)))
	}
	if o.Handled {
		attrs = append(attrs, KeyHandlerDuration.Float64(float64(o.HandlerDuration.Microseconds())/1000))
	}
	return attrs
}

// outcome is the KeyOutcome value of o.
func outcome(o receiver.Outcome) string {
	switch {
	case o.Status >= 500:
		return OutcomeFailed
	case o.Status >= 400:
		return OutcomeRejected
	case o.Duplicate:
		return OutcomeDuplicate
	case o.Stage == receiver.StageEnqueue:
		return OutcomeQueued
	case o.Err != nil:
		return OutcomePermanentError
	default:
		return OutcomeProcessed
	}
}

// rejection is the KeyRejection value of a 4xx status, as the receiver's stages answer them.
func rejection(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "malformed" // not JSON, not the provider's shape, no type, or unreadable
	case http.StatusUnauthorized:
		return "unauthenticated"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusConflict:
		return "in_flight" // another delivery of the event holds its claim
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case http.StatusUnprocessableEntity:
		return "invalid" // a required field is missing
	case http.StatusTooManyRequests:
		return "rate_limited"
	}
	return "client_error"
}

// failure is the error.type and status description of a 5xx outcome: fixed text, never the
// error's.
func failure(o receiver.Outcome) (kind, description string) {
	switch {
	case errors.Is(o.Err, receiver.ErrPanic):
		return "panic", "handler panicked"
	case o.Stage == receiver.StageDispatch:
		return "handler_error", "handler failed"
	case o.Stage == receiver.StageClaim:
		return "store_unavailable", "idempotency store unavailable"
	case o.Stage == receiver.StageRateLimit:
		return "limiter_unavailable", "rate limiter unavailable"
	case o.Stage == receiver.StageEnqueue:
		return "inbox_unavailable", "inbox unavailable"
	}
	return strconv.Itoa(o.Status), http.StatusText(o.Status)
}

// statusWriter records the status a handler answers.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code < 100) { // 1xx are informational: more follow
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush flushes the response when the underlying writer can.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
