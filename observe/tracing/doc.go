// Package tracing traces webhook deliveries with OpenTelemetry: one server span per delivery,
// an event on it for each stage the delivery enters, the delivery's provider, event type, event
// id, idempotency key and outcome as attributes, and the span in the context the typed handler
// runs under, so that spans your handler starts are children of the delivery's span.
//
// Three hooks make the trace, all from one Tracing:
//
//   - Middleware, in front of the Receiver, starts the span (continuing the sender's trace when
//     it sent a traceparent header), puts it in the request's context and ends it once the
//     Receiver has answered;
//   - OnStage, as receiver.Config.OnStage, adds an event named "inspecthook.stage" for each
//     stage the delivery enters (method, rate-limit, verify, decode, claim, dispatch...);
//   - Observe, as receiver.Config.Observer (or one of receiver.Observers), sets the
//     delivery's attributes and, for an answer of 500 or more, the span's Error status.
//
// Wiring them:
//
//	tr := tracing.New(tracing.Config{}) // the global TracerProvider and propagator
//	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
//		Verifier: auth,
//		OnStage:  tr.OnStage,
//		Observer: receiver.Observers(tr.Observe, metrics.Observe),
//	})
//	if err != nil { ... }
//	receiver.Handle(rx, safetyculture.InspectionCompleted, func(ctx context.Context, e *safetyculture.InspectionEvent) error {
//		ctx, span := tracer.Start(ctx, "save inspection") // a child of the delivery's span
//		defer span.End()
//		return save(ctx, e)
//	})
//	mux.Handle("POST /webhooks/safetyculture", tr.Middleware(rx))
//
// # What the span holds
//
// The span is named "webhook <provider>" ("webhook safetyculture"), of kind server, and holds
// the HTTP attributes of OpenTelemetry's semantic conventions that carry no secret:
// http.request.method, url.scheme, url.path, http.route (the ServeMux pattern's path),
// server.address, server.port, network.peer.address, network.peer.port, user_agent.original
// and http.response.status_code. The query string is never recorded, as a URL token may be
// there. Nor is url.path when it might hold a URL token: it is recorded when a ServeMux route
// without wildcards matched the request (a token in the path is a wildcard's value), or for
// every request, redacted with verify.RedactRequest, when Config.Verifier is set.
//
// Observe adds the delivery's attributes, named by the Key constants: inspecthook.provider,
// inspecthook.event.type, inspecthook.event.types (when there are several),
// inspecthook.event.id, inspecthook.event.version, inspecthook.idempotency_key,
// inspecthook.stage (where handling ended), inspecthook.outcome (processed, duplicate, queued,
// permanent_error, rejected or failed), inspecthook.duplicate, inspecthook.scheme,
// inspecthook.rejection (why a 4xx was answered, such as "unauthenticated") and
// inspecthook.handler.duration_ms. Text the sender controls (event id, type, host,
// user agent, path) is cut to 256 bytes.
//
// As OpenTelemetry's HTTP server conventions ask, an answer of 500 or more sets the span's
// status to Error with a short fixed description and error.type ("handler_error", "panic",
// "store_unavailable"...), and a 4xx leaves it Unset: a refused delivery is the sender's
// failure, not the server's.
//
// # What it never holds
//
// No header value other than the user agent and host, no body byte, no signature, no secret,
// no query string and no error text: an error's text is not recorded because a handler's
// error is application text that may quote the payload, and a decoding error may quote body
// bytes. A handler that knows its error is safe to record records it itself, on the span its
// context carries: trace.SpanFromContext(ctx).RecordError(err). The event id, event type,
// format version and idempotency key do come from the body: they are what the span is for,
// and the key is at most idempotency.MaxKeyLen bytes.
//
// # Without Middleware
//
// OnStage and Observe annotate whatever span the request's context carries, so they also
// work behind otelhttp or another tracing middleware, on its span. With no span in the
// context they do nothing.
//
// # The inbox
//
// In the asynchronous mode (receiver.Config.Inbox) the request's span ends when the delivery
// is queued (inspecthook.outcome "queued"); the handler runs later in a worker. Give the
// Tracing to inbox.Config.Tracer (it is an inbox.Tracer) and the trace follows the delivery
// across the queue:
//
//	db, err := inboxsqlite.OpenDB("inbox.db")
//	if err != nil { ... }
//	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{Tracer: tr})
//
// As the delivery is stored, Inject writes the W3C trace context of the request's span
// (traceparent, and tracestate when there is one) into the job. Each run of the job by a
// worker gets a span of its own from Attempt, "webhook <provider> attempt", of kind consumer,
// with inspecthook.provider, inspecthook.idempotency_key, inspecthook.attempt and
// inspecthook.outcome; the handler's spans nest under it. That span starts a trace of its own
// and carries a link to the request's span, rather than being its child: the request was
// answered long before, and each retry links to the same request, as OpenTelemetry's messaging
// conventions do for deferred processing. A trace backend shows the link on the attempt's span,
// to follow to the request that stored the delivery. The stored context is W3C Trace Context
// whatever Config.Propagator is: that one decides only what is read from senders, so ignoring
// senders does not cut the link. A job stored without a trace context (before a Tracer was
// configured, or from a request without a span) runs with no link.
package tracing
