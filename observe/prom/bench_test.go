package prom

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/receiver"
)

// BenchmarkObserve is the cost Observe adds to each delivery: a new event handled, as the
// receiver reports it.
func BenchmarkObserve(b *testing.B) {
	m, err := New(prometheus.NewRegistry(), WithProviders(safetyculture.Provider()))
	if err != nil {
		b.Fatal(err)
	}
	o := receiver.Outcome{
		Delivery: receiver.Delivery{Provider: safetyculture.Name, Type: "TRIGGER_EVENT_INSPECTION_COMPLETED"},
		Stage:    receiver.StageComplete, Status: 200, Duration: 3 * time.Millisecond,
		Handled: true, HandlerDuration: 2 * time.Millisecond, Scheme: "hmac",
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		m.Observe(ctx, o)
	}
}
