// Package prominbox exports Prometheus metrics of the inbox (package inbox, the receiver's
// asynchronous mode) beside those of package prom: attempts by result, dead letters and attempt
// durations from inbox.Config.OnAttempt, and, on each scrape, jobs by state and the age of the
// oldest waiting job from Inbox.Stats. It is a package of its own so that prom does not bring
// River and its drivers into programs without an inbox.
//
// New takes the prom.Metrics of the receivers, and registers on its registry, under its
// namespace, with its buckets and its tracked providers:
//
//	reg := prometheus.NewRegistry()
//	m, err := prom.New(reg, prom.WithProviders(record360.Provider()))
//	if err != nil { ... }
//	im, err := prominbox.New(m)
//	if err != nil { ... }
//	ib, err := inbox.Open(ctx, inboxpg.New(pool), inbox.Config{OnAttempt: im.OnAttempt})
//	if err != nil { ... }
//	if _, err := im.Collector(ib); err != nil { ... } // reads ib.Stats on each scrape
//	rx, err := receiver.New(record360.Provider(), receiver.Config{
//		Verifier: v, Inbox: ib, Observer: m.Observe, OnError: m.OnError,
//	})
//
// # Metrics
//
// With prom's default namespace:
//
//	inspecthook_inbox_attempts_total{provider,result}         counter
//	inspecthook_inbox_dead_letters_total{provider}            counter
//	inspecthook_inbox_attempt_duration_seconds{provider}      histogram
//	inspecthook_inbox_jobs{provider,state}                    gauge
//	inspecthook_inbox_oldest_waiting_age_seconds              gauge
//	inspecthook_inbox_stats_errors_total                      counter
//
// attempts_total counts every run of a stored delivery by result, as inbox.Attempt names it:
// "succeeded", "retried" (it failed and runs again after a backoff), "discarded" (it failed its
// last attempt: a dead letter, counted in dead_letters_total too) or "cancelled" (a Permanent
// error, not retried). attempt_duration_seconds is the time of each attempt, decoding included. The
// handler's failures are counted by prom's OnError as well (inspecthook_handler_errors_total),
// when it is the receiver's OnError.
//
// inbox_jobs is the number of jobs of each provider in each River state: "available",
// "scheduled", "retryable" and "pending" (waiting: inbox.WaitingStates), "running", "completed",
// "cancelled" and "discarded" (the dead letters), kept until the inbox's Retention removes
// them. Every state of every tracked provider is exported, 0 when it holds no job, so a series
// does not vanish when its jobs are gone. inbox_oldest_waiting_age_seconds is how long ago
// the oldest waiting delivery was received, 0 when none waits. When Stats fails or takes longer
// than the collector's timeout (DefaultStatsTimeout), the scrape counts it in
// inbox_stats_errors_total and exports neither gauge, rather than stale values. The provider
// label is bounded as prom bounds it.
package prominbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/observe/prom"
	"github.com/inspecthook/inspecthook/observe/prom/internal/promcore"
)

// DefaultStatsTimeout bounds the Stats query of one scrape unless WithTimeout says otherwise.
const DefaultStatsTimeout = 5 * time.Second

// Metrics holds the inbox's collectors. Build it with New and give OnAttempt to
// inbox.Config.OnAttempt. It is safe for concurrent use.
type Metrics struct {
	core        *promcore.Core
	attempts    *prometheus.CounterVec
	deadLetters *prometheus.CounterVec
	attemptTime *prometheus.HistogramVec
}

// New registers the attempt metrics on the registry of m, under its namespace. It returns an
// error for a nil m, and the registry's error, wrapped, when they are registered there already
// (prometheus.AlreadyRegisteredError: one New per prom.Metrics), leaving nothing of its own
// registered.
func New(m *prom.Metrics) (*Metrics, error) {
	core := promcore.Of(m)
	if core == nil {
		return nil, fmt.Errorf("%w: nil prom.Metrics", prom.ErrConfig)
	}
	im := &Metrics{
		core: core,
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: core.Namespace, Name: "inbox_attempts_total",
			Help: "Runs of stored deliveries by an inbox worker, by result: succeeded, retried, discarded or cancelled.",
		}, []string{"provider", "result"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: core.Namespace, Name: "inbox_dead_letters_total",
			Help: "Stored deliveries that failed their last attempt and became dead letters.",
		}, []string{"provider"}),
		attemptTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: core.Namespace, Name: "inbox_attempt_duration_seconds",
			Help:    "Time of one run of a stored delivery, decoding included.",
			Buckets: core.Buckets,
		}, []string{"provider"}),
	}
	if err := promcore.Register(core.Reg, im.attempts, im.deadLetters, im.attemptTime); err != nil {
		return nil, err
	}
	return im, nil
}

// results are the result label values of an attempt.
var results = map[string]bool{
	inbox.AttemptSucceeded: true, inbox.AttemptRetried: true, inbox.AttemptDiscarded: true, inbox.AttemptCancelled: true,
}

// OnAttempt counts one attempt of an inbox worker: inspecthook_inbox_attempts_total,
// _dead_letters_total and _attempt_duration_seconds. Give it to inbox.Config.OnAttempt.
func (im *Metrics) OnAttempt(_ context.Context, a inbox.Attempt) {
	provider := im.core.Provider(a.Job.Provider)
	result := a.Result
	if !results[result] {
		result = promcore.Other
	}
	im.attempts.WithLabelValues(provider, result).Inc()
	if a.Result == inbox.AttemptDiscarded {
		im.deadLetters.WithLabelValues(provider).Inc()
	}
	im.attemptTime.WithLabelValues(provider).Observe(a.Duration.Seconds())
}

// StatsSource is what Collector reads on each scrape: an *inbox.Inbox.
type StatsSource interface {
	Stats(ctx context.Context) (inbox.Stats, error)
}

// CollectorOption configures Collector.
type CollectorOption func(*collector)

// WithTimeout bounds the Stats query of one scrape; DefaultStatsTimeout by default.
func WithTimeout(d time.Duration) CollectorOption {
	return func(c *collector) { c.timeout = d }
}

// WithNow sets the clock the age of the oldest waiting delivery is measured with; time.Now by
// default.
func WithNow(now func() time.Time) CollectorOption {
	return func(c *collector) { c.now = now }
}

// Collector registers on the registry of the prom.Metrics a collector that calls src.Stats on
// each scrape, under the timeout, and exports inspecthook_inbox_jobs and
// inspecthook_inbox_oldest_waiting_age_seconds from it, or counts its failure in
// inspecthook_inbox_stats_errors_total. It returns the collector, for
// prometheus.Registerer.Unregister, or the registry's error, wrapped, when one is registered
// there already (prometheus.AlreadyRegisteredError): watch one inbox per registry and namespace.
func (im *Metrics) Collector(src StatsSource, opts ...CollectorOption) (prometheus.Collector, error) {
	if src == nil {
		return nil, errors.New("prominbox: nil StatsSource")
	}
	ns := im.core.Namespace
	c := &collector{
		core:    im.core,
		src:     src,
		timeout: DefaultStatsTimeout,
		now:     time.Now,
		jobs: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "inbox_jobs"),
			"Jobs of the inbox by provider and River state (discarded: dead letters), until Retention removes them.",
			[]string{"provider", "state"}, nil),
		oldest: prometheus.NewDesc(prometheus.BuildFQName(ns, "", "inbox_oldest_waiting_age_seconds"),
			"Time since the oldest delivery still waiting to run was received; 0 when none waits.",
			nil, nil),
		errs: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Name: "inbox_stats_errors_total",
			Help: "Scrapes whose query of the inbox's statistics failed or timed out; the inbox gauges are missing from those.",
		}),
	}
	for _, o := range opts {
		o(c)
	}
	if c.timeout <= 0 {
		c.timeout = DefaultStatsTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	if err := promcore.Register(im.core.Reg, c); err != nil {
		return nil, err
	}
	return c, nil
}

// states are River's job states, the state label values.
var states = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range rivertype.JobStates() {
		m[string(s)] = true
	}
	return m
}()

// collector exports the inbox's Stats on each scrape.
type collector struct {
	core    *promcore.Core
	src     StatsSource
	timeout time.Duration
	now     func() time.Time

	jobs, oldest *prometheus.Desc
	errs         prometheus.Counter
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.jobs
	ch <- c.oldest
	c.errs.Describe(ch)
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	st, err := c.src.Stats(ctx)
	if err != nil {
		c.errs.Inc()
		c.errs.Collect(ch)
		return
	}
	c.errs.Collect(ch)

	type series struct{ provider, state string }
	counts := map[series]int{}
	for _, p := range c.core.Tracked() {
		for s := range states {
			counts[series{p, s}] = 0
		}
	}
	for _, sc := range st.Counts {
		p := c.core.Provider(sc.Provider)
		s := sc.State
		if !states[s] {
			s = promcore.Other
		}
		if _, ok := counts[series{p, s}]; !ok { // a provider not tracked: all its states too
			for rs := range states {
				if _, ok := counts[series{p, rs}]; !ok {
					counts[series{p, rs}] = 0
				}
			}
		}
		counts[series{p, s}] += sc.Jobs
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(n), k.provider, k.state)
	}
	age := 0.0
	if !st.OldestWaiting.IsZero() {
		age = max(c.now().Sub(st.OldestWaiting).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
