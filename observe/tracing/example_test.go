package tracing_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/observe/tracing"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Trace a SafetyCulture receiver: Middleware makes the span, OnStage its events, Observe its
// attributes, and the handler's own span is its child. The spans go to an in-memory recorder
// here; in production, to the TracerProvider of your exporter.
func Example() {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tr := tracing.New(tracing.Config{TracerProvider: tp})

	auth, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
	if err != nil {
		panic(err)
	}
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
		Verifier: auth,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnStage:  tr.OnStage,
		Observer: receiver.Observers(tr.Observe),
	})
	if err != nil {
		panic(err)
	}
	defer rx.Close()
	receiver.Handle(rx, safetyculture.InspectionCompleted, func(ctx context.Context, e *safetyculture.InspectionEvent) error {
		_, span := tp.Tracer("app").Start(ctx, "save inspection") // a child of the delivery's span
		defer span.End()
		return nil
	})
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/safetyculture", tr.Middleware(rx))

	// SafetyCulture's delivery, signed as SafetyCulture signs it.
	body, err := fs.ReadFile(inspecthook.Fixtures(), "safetyculture/legacy_inspection_completed.json")
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/webhooks/safetyculture", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if err := auth.Sign(r, body); err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println("status", w.Code)

	spans := rec.Ended() // the handler's span ends first
	child, delivery := spans[0], spans[1]
	fmt.Println(delivery.Name(), delivery.SpanKind())
	for _, kv := range delivery.Attributes() {
		switch kv.Key {
		case tracing.KeyProvider, tracing.KeyEventType, tracing.KeyOutcome, tracing.KeyDuplicate,
			tracing.KeyStage, "http.response.status_code", "url.path":
			fmt.Printf("  %s=%s\n", kv.Key, kv.Value.String())
		}
	}
	for _, ev := range delivery.Events() {
		fmt.Printf("  event %s %s\n", ev.Name, ev.Attributes[0].Value.String())
	}
	fmt.Println(child.Name(), "is a child:", child.Parent().SpanID() == delivery.SpanContext().SpanID())
	// Output:
	// status 200
	// webhook safetyculture server
	//   url.path=/webhooks/safetyculture
	//   inspecthook.provider=safetyculture
	//   inspecthook.stage=complete
	//   inspecthook.outcome=processed
	//   inspecthook.duplicate=false
	//   http.response.status_code=200
	//   inspecthook.event.type=TRIGGER_EVENT_INSPECTION_COMPLETED
	//   event inspecthook.stage method
	//   event inspecthook.stage verify
	//   event inspecthook.stage decode
	//   event inspecthook.stage claim
	//   event inspecthook.stage dispatch
	// save inspection is a child: true
}
