package prom

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/observe/prom/internal/promcore"
)

// DefaultNamespace is the prefix of every metric name unless WithNamespace says otherwise.
const DefaultNamespace = "inspecthook"

// DefaultBuckets returns the upper bounds, in seconds, of the duration histograms unless
// WithBuckets says otherwise: from 1 ms, for a duplicate or a refusal answered from memory,
// to 60 s, above the receiver's 50 s handler deadline, so a handler cut off by its deadline is
// told apart from one that merely took 30 s.
func DefaultBuckets() []float64 {
	return []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
}

// ErrConfig is returned, wrapped, by New for an option that cannot work: a nil registry, a
// namespace that is not a valid metric name prefix, buckets that are empty or not increasing.
var ErrConfig = errors.New("prom: invalid configuration")

// validNamespace matches a namespace that makes valid metric names under Prometheus's classic
// rules, without colons, which are for recording rules.
var validNamespace = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Option configures New.
type Option func(*config)

type config struct {
	namespace string
	buckets   []float64
	providers []events.Provider
}

// WithNamespace sets the prefix of every metric name, "inspecthook" by default. An empty
// namespace leaves the names unprefixed ("deliveries_total").
func WithNamespace(ns string) Option {
	return func(c *config) { c.namespace = ns }
}

// WithBuckets sets the upper bounds, in seconds, of every duration histogram: increasing, at
// least one. The default is DefaultBuckets.
func WithBuckets(b ...float64) Option {
	return func(c *config) { c.buckets = slices.Clone(b) }
}

// WithProviders tracks ps, as Track does, from the start.
func WithProviders(ps ...events.Provider) Option {
	return func(c *config) { c.providers = append(c.providers, ps...) }
}

// Metrics holds the collectors of the receiver's deliveries, registered on one registry. Build
// it with New, and give Observe to receiver.Config.Observer and OnError to
// receiver.Config.OnError. It is safe for concurrent use, and one Metrics serves any number of
// receivers.
type Metrics struct {
	core *promcore.Core

	deliveries      *prometheus.CounterVec
	duplicates      *prometheus.CounterVec
	deliveryTime    *prometheus.HistogramVec
	handlerTime     *prometheus.HistogramVec
	rejections      *prometheus.CounterVec
	unauthenticated *prometheus.CounterVec
	handlerErrors   *prometheus.CounterVec
	storeErrors     *prometheus.CounterVec
	limiterErrors   *prometheus.CounterVec
}

func init() {
	promcore.Of = func(m any) *promcore.Core {
		if m, ok := m.(*Metrics); ok && m != nil {
			return m.core
		}
		return nil
	}
}

// New builds the collectors of the package documentation and registers them on reg. It returns
// an error wrapping ErrConfig for an invalid option, and the registry's error, wrapped, when
// a collector cannot be registered: a second New on one registry with the same namespace
// returns an error wrapping prometheus.AlreadyRegisteredError (test for it with errors.As),
// and nothing of the second is left registered. To count two sets of receivers apart, give each
// its own namespace, or wrap the registry with prometheus.WrapRegistererWith and a constant
// label.
func New(reg prometheus.Registerer, opts ...Option) (*Metrics, error) {
	cfg := config{namespace: DefaultNamespace, buckets: DefaultBuckets()}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case reg == nil:
		return nil, fmt.Errorf("%w: nil registry", ErrConfig)
	case cfg.namespace != "" && !validNamespace.MatchString(cfg.namespace):
		return nil, fmt.Errorf("%w: namespace %q is not a valid metric name prefix", ErrConfig, cfg.namespace)
	case len(cfg.buckets) == 0:
		return nil, fmt.Errorf("%w: no histogram buckets", ErrConfig)
	}
	for i := 1; i < len(cfg.buckets); i++ {
		if !(cfg.buckets[i] > cfg.buckets[i-1]) {
			return nil, fmt.Errorf("%w: histogram buckets %v are not increasing", ErrConfig, cfg.buckets)
		}
	}
	m := &Metrics{core: promcore.NewCore(reg, cfg.namespace, slices.Clone(cfg.buckets))}
	for _, p := range cfg.providers {
		m.core.Track(p)
	}
	ns := cfg.namespace
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: name, Help: help, Buckets: m.core.Buckets}, labels)
	}
	m.deliveries = counter("deliveries_total",
		"Webhook requests answered, by provider, event type, the stage where handling ended and the status code sent.",
		"provider", "event_type", "stage", "status")
	m.duplicates = counter("duplicates_total",
		"Deliveries of an event already received (handled, or with an inbox stored), acknowledged without running a handler.",
		"provider", "event_type")
	m.deliveryTime = histogram("delivery_duration_seconds",
		"Time from receiving a webhook request to answering it, by status class.",
		"provider", "status_class")
	m.handlerTime = histogram("handler_duration_seconds",
		"Time the typed handler ran in the request, by result: ok, error, panic or permanent.",
		"provider", "event_type", "result")
	m.rejections = counter("rejections_total",
		"Webhook requests answered with another status than 200, by reason; scheme is the authentication scheme for reason unauthenticated.",
		"provider", "reason", "scheme")
	m.unauthenticated = counter("unauthenticated_total",
		"Webhook requests refused with 401, by authentication scheme and cause.",
		"provider", "scheme", "cause")
	m.handlerErrors = counter("handler_errors_total",
		"Handler runs that failed, in the request or in an inbox worker, by kind: error (retried), panic or permanent (acknowledged).",
		"provider", "event_type", "kind")
	m.storeErrors = counter("store_errors_total",
		"Failures of the idempotency store or the inbox, by operation.",
		"provider", "operation")
	m.limiterErrors = counter("limiter_errors_total",
		"Requests the rate limiter could not decide on (answered 503).",
		"provider")
	cs := []prometheus.Collector{
		m.deliveries, m.duplicates, m.deliveryTime, m.handlerTime, m.rejections, m.unauthenticated,
		m.handlerErrors, m.storeErrors, m.limiterErrors,
	}
	if err := promcore.Register(reg, cs...); err != nil {
		return nil, err
	}
	return m, nil
}

// Track declares p's event types (p.EventTypes()), so that its deliveries are counted under their
// event type; any other type of p is counted as "unknown". Until p is tracked every event type of
// p is "unknown", and p's name itself is "other" unless it is one of the SDK's providers
// ("inspectorio", "record360", "safetyculture", "vehreports"): label values never come from a
// request body unchecked. Track is safe to call at any time, including while deliveries are
// observed; tracking a provider twice is harmless. See also WithProviders.
func (m *Metrics) Track(p events.Provider) {
	m.core.Track(p)
}
