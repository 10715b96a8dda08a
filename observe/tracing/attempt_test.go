package tracing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
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
			})
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
