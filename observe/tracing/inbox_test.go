package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/tracing"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// The assertion lives in a test: importing inbox from package tracing would link River into
// every program that traces, with or without an inbox.
var _ inbox.Tracer = (*tracing.Tracing)(nil)

// TestTraceAcrossTheInbox stores a delivery in a SQLite inbox through Middleware and a receiver
// in the asynchronous mode, runs it with the inbox's workers, and checks that the attempt's span
// links to the request's server span (a trace of its own, not a child), and that the handler's
// span is the attempt's child: with a sender's trace continued, and with senders ignored.
func TestTraceAcrossTheInbox(t *testing.T) {
	const senderTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	tests := []struct {
		name       string
		propagator propagation.TextMapPropagator
		continues  bool // the request's span continues the sender's trace
	}{
		{"sender's trace continued", propagation.TraceContext{}, true},
		{"senders ignored", propagation.NewCompositeTextMapPropagator(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
			tr := tracing.New(tracing.Config{TracerProvider: tp, Propagator: tt.propagator})

			db, err := inboxsqlite.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			logger := webhooktest.Logger(t)
			attempted := make(chan inbox.Attempt, 1)
			ib, err := inbox.Open(t.Context(), inboxsqlite.New(db), inbox.Config{
				Tracer: tr, Logger: logger, MaxAttempts: 1,
				OnAttempt: func(_ context.Context, a inbox.Attempt) { attempted <- a },
			})
			require.NoError(t, err)

			auth, err := verify.NewHMAC(verify.SafetyCulture(scSecret))
			require.NoError(t, err)
			rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
				Verifier: auth, Inbox: ib, Logger: logger,
				OnStage: tr.OnStage, Observer: tr.Observe,
			})
			require.NoError(t, err)
			t.Cleanup(func() { _ = rx.Close() })
			receiver.HandleUnknown(rx, func(ctx context.Context, _ *events.Envelope) error {
				_, span := tp.Tracer("app").Start(ctx, "app.save")
				span.End()
				return nil
			})
			ib.Register(rx)
			mux := http.NewServeMux()
			mux.Handle("POST "+scPath, tr.Middleware(rx))

			r := webhooktest.NewRequest(t, scPath, webhooktest.FixtureBody(t, "safetyculture", scFixture), auth)
			r.Header.Set("traceparent", "00-"+senderTraceID+"-00f067aa0ba902b7-01")
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.Equal(t, "ok: queued\n", w.Body.String())

			requests := spansOfKind(rec, trace.SpanKindServer)
			require.Len(t, requests, 1)
			request := requests[0].SpanContext()
			require.Equal(t, tt.continues, request.TraceID().String() == senderTraceID)

			require.NoError(t, ib.Start(t.Context()))
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = ib.Stop(ctx)
			})
			select {
			case a := <-attempted: // OnAttempt runs once the attempt's span has ended
				require.Equal(t, inbox.AttemptSucceeded, a.Result, "%v", a.Err)
			case <-time.After(30 * time.Second):
				t.Fatal("no attempt within 30 s")
			}

			attempts := spansOfKind(rec, trace.SpanKindConsumer)
			require.Len(t, attempts, 1)
			attempt := attempts[0]
			require.Equal(t, "webhook safetyculture attempt", attempt.Name())
			require.Len(t, attempt.Links(), 1, "linked to the request")
			link := attempt.Links()[0].SpanContext
			require.Equal(t, request.TraceID(), link.TraceID())
			require.Equal(t, request.SpanID(), link.SpanID())
			require.False(t, attempt.Parent().IsValid(), "the request is not the parent: it ended long before")
			require.NotEqual(t, request.TraceID(), attempt.SpanContext().TraceID(), "a trace of its own")

			var handler []sdktrace.ReadOnlySpan
			for _, sp := range rec.Ended() {
				if sp.Name() == "app.save" {
					handler = append(handler, sp)
				}
			}
			require.Len(t, handler, 1)
			require.Equal(t, attempt.SpanContext().SpanID(), handler[0].Parent().SpanID(), "the handler's span is the attempt's child")
			require.Equal(t, attempt.SpanContext().TraceID(), handler[0].SpanContext().TraceID())
		})
	}
}

// spansOfKind are the ended spans of the Tracing of kind k.
func spansOfKind(rec *tracetest.SpanRecorder, k trace.SpanKind) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, sp := range rec.Ended() {
		if sp.InstrumentationScope().Name == tracing.ScopeName && sp.SpanKind() == k {
			out = append(out, sp)
		}
	}
	return out
}
