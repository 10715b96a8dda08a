package tracing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/inspecthook/inspecthook/observe/tracing"
	"github.com/inspecthook/inspecthook/receiver"
)

// TestAttempt checks the span of an inbox attempt: its kind, name and attributes, the
// handler's span as its child, and the outcome of each kind of result.
func TestAttempt(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		outcome string
		status  codes.Code
	}{
		{"succeeded", nil, tracing.OutcomeProcessed, codes.Unset},
		{"failed, to be retried", errors.New("downstream 502 with body {\"secret\":1}"), tracing.OutcomeFailed, codes.Error},
		{"permanent", receiver.Permanent(errors.New("no such site")), tracing.OutcomePermanentError, codes.Unset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			tr := tracing.New(tracing.Config{TracerProvider: tp})

			ctx, end := tr.Attempt(t.Context(), receiver.InboxDelivery{
				Provider: "safetyculture", IdempotencyKey: "safetyculture:k1", Attempt: 3, Body: []byte(`{"secret":1}`),
			}, nil)
			_, child := tp.Tracer("app").Start(ctx, "save inspection")
			child.End()
			end(tt.err)

			spans := rec.Ended()
			require.Len(t, spans, 2)
			attempt, handler := spans[1], spans[0]
			require.Equal(t, "webhook safetyculture attempt", attempt.Name())
			require.Equal(t, trace.SpanKindConsumer, attempt.SpanKind())
			require.Equal(t, attempt.SpanContext().SpanID(), handler.Parent().SpanID(), "the handler's span is a child")
			require.Equal(t, attempt.SpanContext().TraceID(), handler.SpanContext().TraceID())
			require.ElementsMatch(t, []attribute.KeyValue{
				tracing.KeyProvider.String("safetyculture"),
				tracing.KeyIdempotencyKey.String("safetyculture:k1"),
				tracing.KeyAttempt.Int(3),
				tracing.KeyOutcome.String(tt.outcome),
			}, attempt.Attributes())
			require.Equal(t, tt.status, attempt.Status().Code)
			require.NotContains(t, attempt.Status().Description, "secret", "no error text")
			require.Empty(t, attempt.Events(), "no error recorded")
		})
	}
}

// TestAttemptLinks checks the link of an attempt's span: to the span whose context Inject
// returned, and none, without a panic, for a stored context that is missing or unreadable.
func TestAttemptLinks(t *testing.T) {
	const (
		traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
		spanID  = "00f067aa0ba902b7"
	)
	tests := []struct {
		name   string
		stored map[string]string
		link   bool
	}{
		{"nil", nil, false},
		{"empty", map[string]string{}, false},
		{"garbage", map[string]string{"traceparent": "not-a-trace-context", "tracestate": "=,=,\x00"}, false},
		{"zero ids", map[string]string{"traceparent": "00-00000000000000000000000000000000-0000000000000000-01"}, false},
		{"other keys", map[string]string{"uber-trace-id": traceID + ":" + spanID + ":0:1"}, false},
		{"a request's", map[string]string{"traceparent": "00-" + traceID + "-" + spanID + "-01", "tracestate": "vendor=v1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			tr := tracing.New(tracing.Config{TracerProvider: tp})

			ctx, end := tr.Attempt(t.Context(), receiver.InboxDelivery{Provider: "safetyculture", IdempotencyKey: "k", Attempt: 1}, tt.stored)
			require.True(t, trace.SpanContextFromContext(ctx).IsValid(), "the handler's context carries the span")
			end(nil)

			spans := rec.Ended()
			require.Len(t, spans, 1)
			sp := spans[0]
			require.False(t, sp.Parent().IsValid(), "a root span: the request is linked, not a parent")
			if !tt.link {
				require.Empty(t, sp.Links())
				return
			}
			require.Len(t, sp.Links(), 1)
			l := sp.Links()[0].SpanContext
			require.Equal(t, traceID, l.TraceID().String())
			require.Equal(t, spanID, l.SpanID().String())
			require.True(t, l.IsRemote())
			require.Equal(t, "vendor=v1", l.TraceState().String())
			require.NotEqual(t, traceID, sp.SpanContext().TraceID().String(), "a trace of its own")
		})
	}
}

// TestInject checks the trace context Inject returns: nil without a span, or with one that is
// not valid; the span's W3C traceparent otherwise, whatever Config.Propagator is.
func TestInject(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	for _, cfg := range []tracing.Config{
		{TracerProvider: tp},
		{TracerProvider: tp, Propagator: propagation.NewCompositeTextMapPropagator()}, // senders ignored
	} {
		tr := tracing.New(cfg)
		require.Nil(t, tr.Inject(context.Background()), "no span")
		require.Nil(t, tr.Inject(trace.ContextWithSpanContext(context.Background(), trace.SpanContext{})), "no valid span")

		ctx, span := tp.Tracer("test").Start(context.Background(), "request")
		got := tr.Inject(ctx)
		span.End()
		sc := span.SpanContext()
		require.Equal(t, map[string]string{
			"traceparent": "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01",
		}, got)
	}
}
