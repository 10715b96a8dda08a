package prominbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/prom"
	"github.com/inspecthook/inspecthook/observe/prom/internal/promtest"
	"github.com/inspecthook/inspecthook/observe/prom/prominbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// newMetrics returns prom's and prominbox's metrics on a registry of their own, tracking
// Record360.
func newMetrics(t *testing.T, opts ...prom.Option) (*prom.Metrics, *prominbox.Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	m, err := prom.New(reg, append([]prom.Option{prom.WithProviders(record360.Provider())}, opts...)...)
	require.NoError(t, err)
	im, err := prominbox.New(m)
	require.NoError(t, err)
	return m, im, reg
}

// series gathers the families named and returns each series as `name{label="value",...}` with
// its value: a counter's or gauge's value, a histogram's sample count.
func series(t *testing.T, g prometheus.Gatherer, names ...string) map[string]float64 {
	t.Helper()
	out, err := promtest.Series(g, names...)
	require.NoError(t, err)
	return out
}

// jobs returns the inbox_jobs series of every River state for provider, with the counts given
// and 0 for the others.
func jobs(provider string, counts map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, s := range []string{"available", "cancelled", "completed", "discarded", "pending", "retryable", "running", "scheduled"} {
		out[`inspecthook_inbox_jobs{provider="`+provider+`",state="`+s+`"}`] = counts[s]
	}
	return out
}

// TestOnAttempt checks the counters and histogram of attempts, in exposition text.
func TestOnAttempt(t *testing.T) {
	_, im, reg := newMetrics(t, prom.WithBuckets(0.1, 1))
	job := func(provider string) inbox.Job { return inbox.Job{Provider: provider, Attempt: 1, MaxAttempts: 3} }
	for _, a := range []inbox.Attempt{
		{Job: job("record360"), Result: inbox.AttemptSucceeded, Duration: 62500 * time.Microsecond},
		{Job: job("record360"), Result: inbox.AttemptRetried, Err: errors.New("503 downstream"), Duration: 500 * time.Millisecond},
		{Job: job("record360"), Result: inbox.AttemptDiscarded, Err: errors.New("503 downstream"), Duration: 2 * time.Second},
		{Job: job("record360"), Result: inbox.AttemptCancelled, Err: receiver.Permanent(errors.New("no")), Duration: 15625 * time.Microsecond},
		{Job: job("acme"), Result: "exploded", Duration: 15625 * time.Microsecond}, // bounded: other, other
	} {
		im.OnAttempt(t.Context(), a)
	}
	want := `# HELP inspecthook_inbox_attempts_total Runs of stored deliveries by an inbox worker, by result: succeeded, retried, discarded or cancelled.
# TYPE inspecthook_inbox_attempts_total counter
inspecthook_inbox_attempts_total{provider="other",result="other"} 1
inspecthook_inbox_attempts_total{provider="record360",result="cancelled"} 1
inspecthook_inbox_attempts_total{provider="record360",result="discarded"} 1
inspecthook_inbox_attempts_total{provider="record360",result="retried"} 1
inspecthook_inbox_attempts_total{provider="record360",result="succeeded"} 1
# HELP inspecthook_inbox_dead_letters_total Stored deliveries that failed their last attempt and became dead letters.
# TYPE inspecthook_inbox_dead_letters_total counter
inspecthook_inbox_dead_letters_total{provider="record360"} 1
# HELP inspecthook_inbox_attempt_duration_seconds Time of one run of a stored delivery, decoding included.
# TYPE inspecthook_inbox_attempt_duration_seconds histogram
inspecthook_inbox_attempt_duration_seconds_bucket{provider="other",le="0.1"} 1
inspecthook_inbox_attempt_duration_seconds_bucket{provider="other",le="1"} 1
inspecthook_inbox_attempt_duration_seconds_bucket{provider="other",le="+Inf"} 1
inspecthook_inbox_attempt_duration_seconds_sum{provider="other"} 0.015625
inspecthook_inbox_attempt_duration_seconds_count{provider="other"} 1
inspecthook_inbox_attempt_duration_seconds_bucket{provider="record360",le="0.1"} 2
inspecthook_inbox_attempt_duration_seconds_bucket{provider="record360",le="1"} 3
inspecthook_inbox_attempt_duration_seconds_bucket{provider="record360",le="+Inf"} 4
inspecthook_inbox_attempt_duration_seconds_sum{provider="record360"} 2.578125
inspecthook_inbox_attempt_duration_seconds_count{provider="record360"} 4
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"inspecthook_inbox_attempts_total", "inspecthook_inbox_dead_letters_total", "inspecthook_inbox_attempt_duration_seconds"))
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

// statsFunc is a StatsSource of the test's own.
type statsFunc func(ctx context.Context) (inbox.Stats, error)

func (f statsFunc) Stats(ctx context.Context) (inbox.Stats, error) { return f(ctx) }

// TestCollector checks the gauges exported from Stats on each scrape: counts by provider and
// state with every state of a tracked provider present, bounded labels, the age of the oldest
// waiting delivery, and a failed or slow Stats counted with no gauge exported.
func TestCollector(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0.Add(90 * time.Second)
	tests := []struct {
		name  string
		stats func(ctx context.Context) (inbox.Stats, error)
		want  map[string]float64
	}{
		{
			name:  "empty",
			stats: func(context.Context) (inbox.Stats, error) { return inbox.Stats{}, nil },
			want: merge(jobs("record360", nil), map[string]float64{
				"inspecthook_inbox_oldest_waiting_age_seconds": 0,
				"inspecthook_inbox_stats_errors_total":         0,
			}),
		},
		{
			name: "jobs waiting and done",
			stats: func(context.Context) (inbox.Stats, error) {
				return inbox.Stats{
					Counts: []inbox.StateCount{
						{Provider: "acme", State: "available", Jobs: 1},      // not a provider: other
						{Provider: "acme-2", State: "available", Jobs: 2},    // summed with it
						{Provider: "record360", State: "available", Jobs: 3}, // tracked
						{Provider: "record360", State: "discarded", Jobs: 4},
						{Provider: "record360", State: "teleported", Jobs: 5},    // not a River state
						{Provider: "safetyculture", State: "completed", Jobs: 6}, // the SDK's, not tracked
					},
					OldestWaiting: t0,
				}, nil
			},
			want: merge(
				jobs("record360", map[string]float64{"available": 3, "discarded": 4}),
				jobs("other", map[string]float64{"available": 3}),
				jobs("safetyculture", map[string]float64{"completed": 6}),
				map[string]float64{
					`inspecthook_inbox_jobs{provider="record360",state="other"}`: 5,
					"inspecthook_inbox_oldest_waiting_age_seconds":               90,
					"inspecthook_inbox_stats_errors_total":                       0,
				}),
		},
		{
			name: "stats fails",
			stats: func(context.Context) (inbox.Stats, error) {
				return inbox.Stats{}, errors.New("inbox: stats: database is locked")
			},
			want: map[string]float64{"inspecthook_inbox_stats_errors_total": 1},
		},
		{
			name: "stats too slow",
			stats: func(ctx context.Context) (inbox.Stats, error) {
				<-ctx.Done() // the collector's timeout
				return inbox.Stats{}, ctx.Err()
			},
			want: map[string]float64{"inspecthook_inbox_stats_errors_total": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, im, reg := newMetrics(t)
			_, err := im.Collector(statsFunc(tt.stats), prominbox.WithNow(func() time.Time { return now }), prominbox.WithTimeout(20*time.Millisecond))
			require.NoError(t, err)
			require.Equal(t, tt.want, series(t, reg, "inspecthook_inbox_jobs",
				"inspecthook_inbox_oldest_waiting_age_seconds", "inspecthook_inbox_stats_errors_total"))
			problems, err := testutil.GatherAndLint(reg)
			require.NoError(t, err)
			require.Empty(t, problems)
		})
	}
}

func merge(ms ...map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestRegistration checks New and Collector refuse a second registration and a nil argument.
func TestRegistration(t *testing.T) {
	m, _, _ := newMetrics(t)
	_, err := prominbox.New(m) // newMetrics made one already
	var are prometheus.AlreadyRegisteredError
	require.ErrorAs(t, err, &are)
	_, err = prominbox.New(nil)
	require.ErrorIs(t, err, prom.ErrConfig)

	_, im, reg := newMetrics(t)
	src := statsFunc(func(context.Context) (inbox.Stats, error) { return inbox.Stats{}, nil })
	c, err := im.Collector(src)
	require.NoError(t, err)
	_, err = im.Collector(src)
	require.ErrorAs(t, err, &are)
	require.True(t, reg.Unregister(c))
	_, err = im.Collector(src)
	require.NoError(t, err)
	_, err = im.Collector(nil)
	require.Error(t, err)
}

// TestInboxOnSQLite runs deliveries through a receiver with a real inbox on SQLite, one of which
// fails (and, with MaxAttempts 1, is a dead letter at once) and one fails permanently, and checks
// the gauges before and after the workers ran them, the attempts, dead letters and handler
// errors.
func TestInboxOnSQLite(t *testing.T) {
	m, im, reg := newMetrics(t)
	db, err := inboxsqlite.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	logger := webhooktest.Logger(t)
	ib, err := inbox.Open(t.Context(), inboxsqlite.New(db), inbox.Config{MaxAttempts: 1, Logger: logger, OnAttempt: im.OnAttempt})
	require.NoError(t, err)

	received := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	_, err = im.Collector(ib, prominbox.WithNow(func() time.Time { return received.Add(90 * time.Second) }))
	require.NoError(t, err)

	signer, err := verify.NewBearer("r360-inbox-metrics-token")
	require.NoError(t, err)
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: signer, Inbox: ib, IdempotencyKeyHeader: "X-Test-Key", Logger: logger,
		Now:      func() time.Time { return received },
		Observer: m.Observe, OnError: m.OnError,
	})
	require.NoError(t, err)
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
		switch key := receiver.FromContext(ctx).IdempotencyKey; {
		case strings.HasSuffix(key, "fails"):
			return errors.New("downstream rejects it")
		case strings.HasSuffix(key, "permanent"):
			return receiver.Permanent(errors.New("no such unit"))
		}
		return nil
	})
	ib.Register(rx)

	body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
	post := func(key string) string {
		r := webhooktest.NewRequest(t, "/webhooks/record360", body, signer)
		r.Header.Set("X-Test-Key", key)
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		return w.Body.String()
	}
	for _, key := range []string{"ok-1", "ok-2", "fails", "permanent"} {
		require.Equal(t, "ok: queued\n", post(key))
	}
	require.Equal(t, "ok: already received\n", post("ok-1"))

	// Stored, not run: four waiting, the oldest received 90 s ago by the collector's clock.
	require.Equal(t, merge(jobs("record360", map[string]float64{"available": 4}), map[string]float64{
		"inspecthook_inbox_oldest_waiting_age_seconds": 90,
		"inspecthook_inbox_stats_errors_total":         0,
	}), series(t, reg, "inspecthook_inbox_jobs", "inspecthook_inbox_oldest_waiting_age_seconds", "inspecthook_inbox_stats_errors_total"))

	require.NoError(t, ib.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ib.Stop(ctx)
	})
	final := jobs("record360", map[string]float64{"completed": 2, "discarded": 1, "cancelled": 1})
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		got := series(t, reg, "inspecthook_inbox_jobs")
		if sameSeries(got, final) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the jobs did not reach their final states within 20 s: %v", got)
		}
		<-tick.C
	}

	require.Equal(t, map[string]float64{
		"inspecthook_inbox_oldest_waiting_age_seconds":                                                                    0,
		"inspecthook_inbox_stats_errors_total":                                                                            0,
		`inspecthook_inbox_attempts_total{provider="record360",result="succeeded"}`:                                       2,
		`inspecthook_inbox_attempts_total{provider="record360",result="discarded"}`:                                       1,
		`inspecthook_inbox_attempts_total{provider="record360",result="cancelled"}`:                                       1,
		`inspecthook_inbox_dead_letters_total{provider="record360"}`:                                                      1,
		`inspecthook_inbox_attempt_duration_seconds{provider="record360"}`:                                                4,
		`inspecthook_handler_errors_total{event_type="inspection.created",kind="error",provider="record360"}`:             1,
		`inspecthook_handler_errors_total{event_type="inspection.created",kind="permanent",provider="record360"}`:         1,
		`inspecthook_deliveries_total{event_type="inspection.created",provider="record360",stage="enqueue",status="200"}`: 5,
		`inspecthook_duplicates_total{event_type="inspection.created",provider="record360"}`:                              1,
	}, series(t, reg, "inspecthook_inbox_oldest_waiting_age_seconds", "inspecthook_inbox_stats_errors_total",
		"inspecthook_inbox_attempts_total", "inspecthook_inbox_dead_letters_total", "inspecthook_inbox_attempt_duration_seconds",
		"inspecthook_handler_errors_total", "inspecthook_deliveries_total", "inspecthook_duplicates_total"))

	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

// sameSeries reports whether a and b hold the same series and values.
func sameSeries(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
