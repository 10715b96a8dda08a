package prominbox_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/observe/prom"
	"github.com/inspecthook/inspecthook/observe/prom/prominbox"
)

// fixedStats stands for an *inbox.Inbox: three deliveries done, one dead letter, two waiting, the
// oldest received at 12:00.
type fixedStats struct{}

func (fixedStats) Stats(context.Context) (inbox.Stats, error) {
	return inbox.Stats{
		Counts: []inbox.StateCount{
			{Provider: "record360", State: "available", Jobs: 2},
			{Provider: "record360", State: "completed", Jobs: 3},
			{Provider: "record360", State: "discarded", Jobs: 1},
		},
		OldestWaiting: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}, nil
}

// The inbox's metrics beside the receiver's: OnAttempt counts each worker's attempt, and the
// collector reads the inbox's Stats on each scrape.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := prom.New(reg, prom.WithProviders(record360.Provider()))
	if err != nil {
		log.Fatal(err)
	}
	im, err := prominbox.New(m)
	if err != nil {
		log.Fatal(err)
	}
	// In a program: inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{OnAttempt: im.OnAttempt}),
	// then im.Collector(ib). Here a fixed source and clock stand for the inbox.
	now := func() time.Time { return time.Date(2026, 3, 1, 12, 2, 30, 0, time.UTC) }
	if _, err := im.Collector(fixedStats{}, prominbox.WithNow(now)); err != nil {
		log.Fatal(err)
	}
	im.OnAttempt(context.Background(), inbox.Attempt{
		Job: inbox.Job{Provider: "record360", Attempt: 25, MaxAttempts: 25}, Result: inbox.AttemptDiscarded,
	})

	w := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(line, "inspecthook_inbox_") && !strings.Contains(line, "} 0") &&
			!strings.Contains(line, "_duration_seconds") {
			fmt.Println(line)
		}
	}
	// Output:
	// inspecthook_inbox_attempts_total{provider="record360",result="discarded"} 1
	// inspecthook_inbox_dead_letters_total{provider="record360"} 1
	// inspecthook_inbox_jobs{provider="record360",state="available"} 2
	// inspecthook_inbox_jobs{provider="record360",state="completed"} 3
	// inspecthook_inbox_jobs{provider="record360",state="discarded"} 1
	// inspecthook_inbox_oldest_waiting_age_seconds 150
	// inspecthook_inbox_stats_errors_total 0
}
