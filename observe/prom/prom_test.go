package prom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/observe/prom/internal/promcore"
	"github.com/inspecthook/inspecthook/observe/prom/internal/promtest"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// newMetrics returns a Metrics on a registry of its own, tracking Record360.
func newMetrics(t *testing.T, opts ...Option) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	m, err := New(reg, append([]Option{WithProviders(record360.Provider())}, opts...)...)
	require.NoError(t, err)
	return m, reg
}

// series gathers the families named (every family when none is) and returns each series as
// `name{label="value",...}` (labels sorted by name) with its value: a counter's or gauge's
// value, a histogram's sample count.
func series(t *testing.T, g prometheus.Gatherer, names ...string) map[string]float64 {
	t.Helper()
	out, err := promtest.Series(g, names...)
	require.NoError(t, err)
	return out
}

// sum adds up the series of family name whose labels include every one of match ("k=v").
func sum(t *testing.T, g prometheus.Gatherer, name string, match ...string) float64 {
	t.Helper()
	total := 0.0
	for key, v := range series(t, g, name) {
		ok := true
		for _, kv := range match {
			k, val, _ := strings.Cut(kv, "=")
			if !strings.Contains(key, k+"="+strconv.Quote(val)) {
				ok = false
			}
		}
		if ok {
			total += v
		}
	}
	return total
}

// The families Observe and OnError feed, and their help texts as exposed.
var helps = map[string]string{
	"inspecthook_deliveries_total":          "Webhook requests answered, by provider, event type, the stage where handling ended and the status code sent.",
	"inspecthook_duplicates_total":          "Deliveries of an event already received (handled, or with an inbox stored), acknowledged without running a handler.",
	"inspecthook_rejections_total":          "Webhook requests answered with another status than 200, by reason; scheme is the authentication scheme for reason unauthenticated.",
	"inspecthook_unauthenticated_total":     "Webhook requests refused with 401, by authentication scheme and cause.",
	"inspecthook_delivery_duration_seconds": "Time from receiving a webhook request to answering it, by status class.",
	"inspecthook_handler_duration_seconds":  "Time the typed handler ran in the request, by result: ok, error, panic or permanent.",
}

// expo returns the exposition text of one counter family with the given series lines, or ""
// for none.
func expo(name string, lines ...string) string {
	if len(lines) == 0 {
		return ""
	}
	return "# HELP " + name + " " + helps[name] + "\n# TYPE " + name + " counter\n" +
		name + strings.Join(lines, "\n"+name) + "\n"
}

// TestObserveExposition checks the counters of one outcome of each kind, as Prometheus
// exposes them.
func TestObserveExposition(t *testing.T) {
	const (
		created = "inspection.created"
		task    = "task.completed"
	)
	r360 := receiver.Delivery{Provider: "record360"}
	typed := func(typ string) receiver.Delivery { d := r360; d.Type = typ; return d }
	tests := []struct {
		name                                     string
		o                                        receiver.Outcome
		deliveries, dups, rejections, unauthLine []string
	}{
		{
			name:       "new",
			o:          receiver.Outcome{Delivery: typed(created), Stage: receiver.StageComplete, Status: 200, Duration: 20 * time.Millisecond, Handled: true, HandlerDuration: 5 * time.Millisecond},
			deliveries: []string{`{event_type="inspection.created",provider="record360",stage="complete",status="200"} 1`},
		},
		{
			name:       "duplicate found before decoding",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageComplete, Status: 200, Duplicate: true},
			deliveries: []string{`{event_type="none",provider="record360",stage="complete",status="200"} 1`},
			dups:       []string{`{event_type="none",provider="record360"} 1`},
		},
		{
			name:       "duplicate found by the claim",
			o:          receiver.Outcome{Delivery: typed(task), Stage: receiver.StageComplete, Status: 200, Duplicate: true},
			deliveries: []string{`{event_type="task.completed",provider="record360",stage="complete",status="200"} 1`},
			dups:       []string{`{event_type="task.completed",provider="record360"} 1`},
		},
		{
			name:       "401 hmac missing",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageVerify, Status: 401, Scheme: "hmac", Err: fmt.Errorf("verify: %w: no X-Signature header", verify.ErrMissing)},
			deliveries: []string{`{event_type="none",provider="record360",stage="verify",status="401"} 1`},
			rejections: []string{`{provider="record360",reason="unauthenticated",scheme="hmac"} 1`},
			unauthLine: []string{`{cause="missing",provider="record360",scheme="hmac"} 1`},
		},
		{
			name:       "401 bearer expired jwt",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageVerify, Status: 401, Scheme: "jwt", Err: fmt.Errorf("verify: jwt: %w", verify.ErrTooOld)},
			deliveries: []string{`{event_type="none",provider="record360",stage="verify",status="401"} 1`},
			rejections: []string{`{provider="record360",reason="unauthenticated",scheme="jwt"} 1`},
			unauthLine: []string{`{cause="too_old",provider="record360",scheme="jwt"} 1`},
		},
		{
			name:       "413",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageBody, Status: 413, Scheme: "hmac", Err: errors.New("verify: http: request body too large")},
			deliveries: []string{`{event_type="none",provider="record360",stage="body",status="413"} 1`},
			rejections: []string{`{provider="record360",reason="too_large",scheme=""} 1`},
		},
		{
			name:       "400 not json",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageDecode, Status: 400, Err: fmt.Errorf("%w: offset 1", events.ErrNotJSON)},
			deliveries: []string{`{event_type="none",provider="record360",stage="decode",status="400"} 1`},
			rejections: []string{`{provider="record360",reason="undecodable",scheme=""} 1`},
		},
		{
			name:       "422",
			o:          receiver.Outcome{Delivery: typed(created), Stage: receiver.StageValidate, Status: 422, Err: fmt.Errorf("%w: id", events.ErrInvalid)},
			deliveries: []string{`{event_type="inspection.created",provider="record360",stage="validate",status="422"} 1`},
			rejections: []string{`{provider="record360",reason="invalid",scheme=""} 1`},
		},
		{
			name:       "429",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageRateLimit, Status: 429, Err: &ratelimit.LimitError{RetryAfter: time.Second}},
			deliveries: []string{`{event_type="none",provider="record360",stage="rate-limit",status="429"} 1`},
			rejections: []string{`{provider="record360",reason="rate_limited",scheme=""} 1`},
		},
		{
			name:       "503 limiter",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageRateLimit, Status: 503, Err: ratelimit.ErrUnavailable},
			deliveries: []string{`{event_type="none",provider="record360",stage="rate-limit",status="503"} 1`},
			rejections: []string{`{provider="record360",reason="limiter_unavailable",scheme=""} 1`},
		},
		{
			name:       "503 store",
			o:          receiver.Outcome{Delivery: typed(task), Stage: receiver.StageClaim, Status: 503, Err: idempotency.ErrUnavailable},
			deliveries: []string{`{event_type="task.completed",provider="record360",stage="claim",status="503"} 1`},
			rejections: []string{`{provider="record360",reason="store_unavailable",scheme=""} 1`},
		},
		{
			name:       "409 in flight",
			o:          receiver.Outcome{Delivery: typed(task), Stage: receiver.StageClaim, Status: 409, Err: idempotency.ErrInFlight},
			deliveries: []string{`{event_type="task.completed",provider="record360",stage="claim",status="409"} 1`},
			rejections: []string{`{provider="record360",reason="in_flight",scheme=""} 1`},
		},
		{
			name:       "503 inbox",
			o:          receiver.Outcome{Delivery: typed(created), Stage: receiver.StageEnqueue, Status: 503, Err: fmt.Errorf("%w: db down", receiver.ErrEnqueue)},
			deliveries: []string{`{event_type="inspection.created",provider="record360",stage="enqueue",status="503"} 1`},
			rejections: []string{`{provider="record360",reason="inbox_unavailable",scheme=""} 1`},
		},
		{
			name:       "500 handler error",
			o:          receiver.Outcome{Delivery: typed(created), Stage: receiver.StageDispatch, Status: 500, Err: errors.New("db down"), Handled: true, HandlerDuration: time.Millisecond},
			deliveries: []string{`{event_type="inspection.created",provider="record360",stage="dispatch",status="500"} 1`},
			rejections: []string{`{provider="record360",reason="handler_failed",scheme=""} 1`},
		},
		{
			name:       "405",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageMethod, Status: 405, Err: errors.New("method GET")},
			deliveries: []string{`{event_type="none",provider="record360",stage="method",status="405"} 1`},
			rejections: []string{`{provider="record360",reason="method",scheme=""} 1`},
		},
		{
			name:       "415",
			o:          receiver.Outcome{Delivery: r360, Stage: receiver.StageMethod, Status: 415, Err: errors.New(`content type "text/plain"`)},
			deliveries: []string{`{event_type="none",provider="record360",stage="method",status="415"} 1`},
			rejections: []string{`{provider="record360",reason="content_type",scheme=""} 1`},
		},
		{
			name:       "permanent error acknowledged",
			o:          receiver.Outcome{Delivery: typed(created), Stage: receiver.StageComplete, Status: 200, Err: receiver.Permanent(errors.New("rejected")), Handled: true, HandlerDuration: time.Millisecond},
			deliveries: []string{`{event_type="inspection.created",provider="record360",stage="complete",status="200"} 1`},
		},
		{
			name:       "queued",
			o:          receiver.Outcome{Delivery: typed(created), Stage: receiver.StageEnqueue, Status: 200},
			deliveries: []string{`{event_type="inspection.created",provider="record360",stage="enqueue",status="200"} 1`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, reg := newMetrics(t)
			m.Observe(t.Context(), tt.o)
			want := expo("inspecthook_deliveries_total", tt.deliveries...) +
				expo("inspecthook_duplicates_total", tt.dups...) +
				expo("inspecthook_rejections_total", tt.rejections...) +
				expo("inspecthook_unauthenticated_total", tt.unauthLine...)
			require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
				"inspecthook_deliveries_total", "inspecthook_duplicates_total",
				"inspecthook_rejections_total", "inspecthook_unauthenticated_total"))
			// Every request is timed, and only those whose handler ran in the handler histogram.
			require.Equal(t, 1, testutil.CollectAndCount(m.deliveryTime))
			require.Equal(t, 1.0, sum(t, reg, "inspecthook_delivery_duration_seconds"))
			wantHandler := 0.0
			if tt.o.Handled {
				wantHandler = 1
			}
			require.Equal(t, wantHandler, sum(t, reg, "inspecthook_handler_duration_seconds"))
		})
	}
}

// TestHistograms checks the duration histograms' exposition with buckets of the test's own: the
// delivery's by status class, the handler's only for requests whose handler ran, by result.
func TestHistograms(t *testing.T) {
	m, reg := newMetrics(t, WithBuckets(0.01, 1))
	d := receiver.Delivery{Provider: "record360", Type: "inspection.created"}
	for _, o := range []receiver.Outcome{
		{Delivery: d, Stage: receiver.StageComplete, Status: 200, Duration: 5 * time.Millisecond, Handled: true, HandlerDuration: 2 * time.Millisecond},
		{Delivery: d, Stage: receiver.StageComplete, Status: 200, Duration: 500 * time.Millisecond}, // no handler registered
		{Delivery: d, Stage: receiver.StageDispatch, Status: 500, Duration: 3 * time.Second, Handled: true, HandlerDuration: 2 * time.Second, Err: errors.New("slow and failed")},
		{Delivery: d, Stage: receiver.StageDispatch, Status: 500, Duration: time.Millisecond, Handled: true, HandlerDuration: time.Millisecond, Err: fmt.Errorf("%w: boom", receiver.ErrPanic)},
		{Delivery: d, Stage: receiver.StageComplete, Status: 200, Duration: time.Millisecond, Handled: true, HandlerDuration: time.Millisecond, Err: receiver.Permanent(errors.New("no"))},
		{Delivery: receiver.Delivery{Provider: "record360"}, Stage: receiver.StageVerify, Status: 401, Duration: 100 * time.Microsecond},
	} {
		m.Observe(t.Context(), o)
	}
	want := `# HELP inspecthook_delivery_duration_seconds ` + helps["inspecthook_delivery_duration_seconds"] + `
# TYPE inspecthook_delivery_duration_seconds histogram
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="2xx",le="0.01"} 2
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="2xx",le="1"} 3
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="2xx",le="+Inf"} 3
inspecthook_delivery_duration_seconds_sum{provider="record360",status_class="2xx"} 0.506
inspecthook_delivery_duration_seconds_count{provider="record360",status_class="2xx"} 3
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="4xx",le="0.01"} 1
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="4xx",le="1"} 1
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="4xx",le="+Inf"} 1
inspecthook_delivery_duration_seconds_sum{provider="record360",status_class="4xx"} 0.0001
inspecthook_delivery_duration_seconds_count{provider="record360",status_class="4xx"} 1
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="5xx",le="0.01"} 1
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="5xx",le="1"} 1
inspecthook_delivery_duration_seconds_bucket{provider="record360",status_class="5xx",le="+Inf"} 2
inspecthook_delivery_duration_seconds_sum{provider="record360",status_class="5xx"} 3.001
inspecthook_delivery_duration_seconds_count{provider="record360",status_class="5xx"} 2
# HELP inspecthook_handler_duration_seconds ` + helps["inspecthook_handler_duration_seconds"] + `
# TYPE inspecthook_handler_duration_seconds histogram
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="error",le="0.01"} 0
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="error",le="1"} 0
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="error",le="+Inf"} 1
inspecthook_handler_duration_seconds_sum{event_type="inspection.created",provider="record360",result="error"} 2
inspecthook_handler_duration_seconds_count{event_type="inspection.created",provider="record360",result="error"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="ok",le="0.01"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="ok",le="1"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="ok",le="+Inf"} 1
inspecthook_handler_duration_seconds_sum{event_type="inspection.created",provider="record360",result="ok"} 0.002
inspecthook_handler_duration_seconds_count{event_type="inspection.created",provider="record360",result="ok"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="panic",le="0.01"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="panic",le="1"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="panic",le="+Inf"} 1
inspecthook_handler_duration_seconds_sum{event_type="inspection.created",provider="record360",result="panic"} 0.001
inspecthook_handler_duration_seconds_count{event_type="inspection.created",provider="record360",result="panic"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="permanent",le="0.01"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="permanent",le="1"} 1
inspecthook_handler_duration_seconds_bucket{event_type="inspection.created",provider="record360",result="permanent",le="+Inf"} 1
inspecthook_handler_duration_seconds_sum{event_type="inspection.created",provider="record360",result="permanent"} 0.001
inspecthook_handler_duration_seconds_count{event_type="inspection.created",provider="record360",result="permanent"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want),
		"inspecthook_delivery_duration_seconds", "inspecthook_handler_duration_seconds"))
}

// TestLabelsAreBounded checks event types outside the tracked provider's, every type of a
// provider never tracked, and providers outside the SDK's, are counted under fixed values, however
// many distinct values the requests carry.
func TestLabelsAreBounded(t *testing.T) {
	m, reg := newMetrics(t)
	observe := func(provider, typ string) {
		m.Observe(t.Context(), receiver.Outcome{Delivery: receiver.Delivery{Provider: provider, Type: typ}, Stage: receiver.StageComplete, Status: 200})
	}
	for i := range 500 {
		observe("record360", "made.up."+strconv.Itoa(i))           // tracked provider, unknown types
		observe("safetyculture", "TRIGGER_EVENT_"+strconv.Itoa(i)) // an SDK provider never tracked
		observe("acme-"+strconv.Itoa(i), "anything")               // not a provider of the SDK
	}
	observe("record360", "inspection.created")
	observe("safetyculture", "TRIGGER_EVENT_INSPECTION_COMPLETED") // known to the package, not tracked
	observe("record360", "")

	require.Equal(t, map[string]float64{
		`inspecthook_deliveries_total{event_type="unknown",provider="record360",stage="complete",status="200"}`:            500,
		`inspecthook_deliveries_total{event_type="unknown",provider="safetyculture",stage="complete",status="200"}`:        501,
		`inspecthook_deliveries_total{event_type="unknown",provider="other",stage="complete",status="200"}`:                500,
		`inspecthook_deliveries_total{event_type="inspection.created",provider="record360",stage="complete",status="200"}`: 1,
		`inspecthook_deliveries_total{event_type="none",provider="record360",stage="complete",status="200"}`:               1,
	}, series(t, reg, "inspecthook_deliveries_total"))

	// Tracking SafetyCulture later counts its known types under their names from then on.
	m.Track(safetyculture.Provider())
	observe("safetyculture", "TRIGGER_EVENT_INSPECTION_COMPLETED")
	observe("safetyculture", "TRIGGER_EVENT_NOT_A_TYPE")
	got := series(t, reg, "inspecthook_deliveries_total")
	require.Equal(t, 1.0, got[`inspecthook_deliveries_total{event_type="TRIGGER_EVENT_INSPECTION_COMPLETED",provider="safetyculture",stage="complete",status="200"}`])
	require.Equal(t, 502.0, got[`inspecthook_deliveries_total{event_type="unknown",provider="safetyculture",stage="complete",status="200"}`])

	// Values outside the receiver's sets: a stage, a status and a scheme it never gives.
	m.Observe(t.Context(), receiver.Outcome{Delivery: receiver.Delivery{Provider: "record360"}, Stage: receiver.Stage(99), Status: 999, Scheme: "rot13"})
	m.Observe(t.Context(), receiver.Outcome{Delivery: receiver.Delivery{Provider: "record360"}, Stage: receiver.StageVerify, Status: 401, Scheme: "rot13", Err: errors.New("custom verifier says no")})
	got = series(t, reg, "inspecthook_deliveries_total", "inspecthook_rejections_total", "inspecthook_unauthenticated_total")
	require.Equal(t, 1.0, got[`inspecthook_deliveries_total{event_type="none",provider="record360",stage="other",status="other"}`])
	require.Equal(t, 1.0, got[`inspecthook_rejections_total{provider="record360",reason="other",scheme=""}`])
	require.Equal(t, 1.0, got[`inspecthook_unauthenticated_total{cause="other",provider="record360",scheme="other"}`])
}

// TestBuiltinProviders checks the provider names kept without tracking are the SDK's packages'.
func TestBuiltinProviders(t *testing.T) {
	want := []string{inspectorio.Name, record360.Name, safetyculture.Name, vehreports.Name}
	sort.Strings(want)
	require.Equal(t, want, promcore.BuiltinProviders)
}

// TestLint checks every metric, fed with every kind of outcome and error, passes promlint and
// that the metric names are exactly the documented ones.
func TestLint(t *testing.T) {
	m, reg := newMetrics(t)
	feedEverything(t, m)
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)

	mfs, err := reg.Gather()
	require.NoError(t, err)
	var names []string
	for _, mf := range mfs {
		names = append(names, mf.GetName())
	}
	require.Equal(t, []string{
		"inspecthook_deliveries_total",
		"inspecthook_delivery_duration_seconds",
		"inspecthook_duplicates_total",
		"inspecthook_handler_duration_seconds",
		"inspecthook_handler_errors_total",
		"inspecthook_limiter_errors_total",
		"inspecthook_rejections_total",
		"inspecthook_store_errors_total",
		"inspecthook_unauthenticated_total",
	}, names)
}

// feedEverything gives m an outcome of every kind and an error of every source.
func feedEverything(t *testing.T, m *Metrics) {
	d := receiver.Delivery{Provider: "record360", Type: "inspection.created"}
	for _, o := range []receiver.Outcome{
		{Delivery: d, Stage: receiver.StageComplete, Status: 200, Duration: time.Millisecond, Handled: true, HandlerDuration: time.Microsecond},
		{Delivery: d, Stage: receiver.StageComplete, Status: 200, Duplicate: true},
		{Delivery: d, Stage: receiver.StageVerify, Status: 401, Scheme: "bearer", Err: verify.ErrInvalid},
	} {
		m.Observe(t.Context(), o)
	}
	for _, err := range []error{
		errors.New("handler failed"),
		fmt.Errorf("receiver: %w", &idempotency.OpError{Op: idempotency.OpClaim, Key: "k", Err: idempotency.ErrUnavailable}),
		fmt.Errorf("receiver: rate limit: %w", ratelimit.ErrUnavailable),
	} {
		m.OnError(t.Context(), d, err)
	}
}

// TestNamespaceAndOptions checks WithNamespace and the errors of New.
func TestNamespaceAndOptions(t *testing.T) {
	t.Run("namespace", func(t *testing.T) {
		m, reg := newMetrics(t, WithNamespace("acme_webhooks"))
		feedEverything(t, m)
		got := series(t, reg)
		require.Contains(t, got, `acme_webhooks_deliveries_total{event_type="inspection.created",provider="record360",stage="complete",status="200"}`)
		problems, err := testutil.GatherAndLint(reg)
		require.NoError(t, err)
		require.Empty(t, problems)
	})
	t.Run("no namespace", func(t *testing.T) {
		m, reg := newMetrics(t, WithNamespace(""))
		feedEverything(t, m)
		require.Contains(t, series(t, reg), `limiter_errors_total{provider="record360"}`)
	})
	t.Run("invalid", func(t *testing.T) {
		for name, opts := range map[string][]Option{
			"namespace with a dash":  {WithNamespace("inspect-hook")},
			"namespace with colon":   {WithNamespace("a:b")},
			"no buckets":             {WithBuckets()},
			"buckets not increasing": {WithBuckets(1, 0.5)},
			"buckets repeated":       {WithBuckets(1, 1)},
		} {
			_, err := New(prometheus.NewRegistry(), opts...)
			require.ErrorIs(t, err, ErrConfig, name)
		}
		_, err := New(nil)
		require.ErrorIs(t, err, ErrConfig)
	})
	t.Run("twice on one registry", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		_, err := New(reg)
		require.NoError(t, err)
		_, err = New(reg)
		var are prometheus.AlreadyRegisteredError
		require.ErrorAs(t, err, &are)
		// Another namespace on the same registry is fine.
		_, err = New(reg, WithNamespace("second"))
		require.NoError(t, err)
	})
	t.Run("nothing left half registered", func(t *testing.T) {
		reg := prometheus.NewRegistry()
		// A collector of the user's takes the name of the last of New's collectors.
		require.NoError(t, reg.Register(prometheus.NewCounter(prometheus.CounterOpts{Name: "inspecthook_limiter_errors_total", Help: "mine"})))
		_, err := New(reg)
		require.Error(t, err)
		// The collectors registered before it were unregistered: the first can be registered again.
		require.NoError(t, reg.Register(prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "inspecthook", Name: "deliveries_total", Help: helps["inspecthook_deliveries_total"],
		}, []string{"provider", "event_type", "stage", "status"})))
	})
}

// TestClassify checks the source of each error the receiver reports to OnError, as the receiver
// wraps it (receiver_test's end-to-end cases check the wrapping itself).
func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		source int
		detail string
	}{
		{"handler error", errors.New("db down"), sourceHandler, "error"},
		{"handler error wrapping a store sentinel", fmt.Errorf("my cache: %w", idempotency.ErrLeaseLost), sourceHandler, "error"},
		{"panic", fmt.Errorf("%w: nil map", receiver.ErrPanic), sourceHandler, "panic"},
		{"permanent", receiver.Permanent(errors.New("no such site")), sourceHandler, "permanent"},
		{"permanent decoding in a worker", receiver.Permanent(fmt.Errorf("receiver: decoding a stored delivery: %w", events.ErrShape)), sourceHandler, "permanent"},
		{"limiter", fmt.Errorf("receiver: rate limit: %w", fmt.Errorf("%w: redis down", ratelimit.ErrUnavailable)), sourceLimiter, ""},
		{"claim", fmt.Errorf("receiver: %w", &idempotency.OpError{Op: idempotency.OpClaim, Key: "k", Err: fmt.Errorf("%w: conn refused", idempotency.ErrUnavailable)}), sourceStore, "claim"},
		{"renew", fmt.Errorf("receiver: %w", &idempotency.OpError{Op: idempotency.OpRenew, Key: "k", Err: errors.New("timeout")}), sourceStore, "renew"},
		{"complete", fmt.Errorf("receiver: %w", &idempotency.OpError{Op: idempotency.OpComplete, Key: "release-1", Err: idempotency.ErrLeaseLost}), sourceStore, "complete"},
		{"release", fmt.Errorf("receiver: %w", &idempotency.OpError{Op: idempotency.OpRelease, Key: "complete", Err: errors.New("conn reset")}), sourceStore, "release"},
		{"an operation of the future", &idempotency.OpError{Op: "compact", Err: errors.New("x")}, sourceStore, "other"},
		{"release", fmt.Errorf("receiver: releasing the claim: %w", &idempotency.OpError{Op: idempotency.OpRelease, Key: "k", Err: errors.New("down")}), sourceStore, "release"},
		{"enqueue", fmt.Errorf("%w: %w", receiver.ErrEnqueue, errors.New("inbox: insert: down")), sourceStore, "enqueue"},
		{"a handler's error that reads like the receiver's", errors.New("receiver: claim: not ours"), sourceHandler, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			source, detail := classify(tt.err)
			require.Equal(t, tt.source, source)
			require.Equal(t, tt.detail, detail)
		})
	}
}

// --- End to end: real receivers ---

const bearerToken = "r360-metrics-token-8d2f"

func bearer(t *testing.T) *verify.Bearer {
	t.Helper()
	b, err := verify.NewBearer(bearerToken)
	require.NoError(t, err)
	return b
}

// inspectionBody is Record360's v3 inspection.created fixture.
func inspectionBody(t *testing.T) []byte {
	return webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
}

// flakyStore is an in-memory store whose operations fail when told to.
type flakyStore struct {
	idempotency.Store
	mu                                sync.Mutex
	claimErr, completeErr, releaseErr error
	renewErr                          error // returned by the first Renew only
	renewed                           chan struct{}
}

// set changes the store's errors under its lock.
func (s *flakyStore) set(f func(s *flakyStore)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func newFlakyStore(t *testing.T) *flakyStore {
	mem, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = mem.Close() })
	return &flakyStore{Store: mem, renewed: make(chan struct{}, 1)}
}

func (s *flakyStore) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	s.mu.Lock()
	err := s.claimErr
	s.mu.Unlock()
	if err != nil {
		return idempotency.Claim{}, err
	}
	return s.Store.Claim(ctx, key, lease)
}

func (s *flakyStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	s.mu.Lock()
	err := s.renewErr
	s.renewErr = nil
	s.mu.Unlock()
	if err != nil {
		select {
		case s.renewed <- struct{}{}:
		default:
		}
		return err
	}
	return s.Store.Renew(ctx, key, token, lease)
}

func (s *flakyStore) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	s.mu.Lock()
	err := s.completeErr
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.Store.Complete(ctx, key, token, retention)
}

func (s *flakyStore) Release(ctx context.Context, key, token string) error {
	s.mu.Lock()
	err := s.releaseErr
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.Store.Release(ctx, key, token)
}

type allowerFunc func(*http.Request) (bool, time.Duration, error)

func (f allowerFunc) Allow(r *http.Request) (bool, time.Duration, error) { return f(r) }

type failingInbox struct{}

func (failingInbox) Enqueue(context.Context, receiver.InboxDelivery) (bool, error) {
	return false, errors.New("inbox: insert: database is locked")
}

// TestReceiverErrorsEndToEnd runs real receivers into each error the receiver reports, and
// checks each is counted where the documentation says, and nowhere else.
func TestReceiverErrorsEndToEnd(t *testing.T) {
	type env struct {
		t      *testing.T
		store  *flakyStore
		fail   atomic.Value // func(ctx) error the handler runs
		rx     *receiver.Receiver
		signer *verify.Bearer
	}
	post := func(e *env, body []byte, header ...string) int {
		r := webhooktest.NewRequest(e.t, "/webhooks/record360", body, e.signer)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		e.rx.ServeHTTP(w, r)
		return w.Code
	}
	tests := []struct {
		name string
		cfg  func(e *env, cfg *receiver.Config)
		run  func(e *env)
		want map[string]float64
	}{
		{
			name: "limiter cannot decide",
			cfg: func(e *env, cfg *receiver.Config) {
				cfg.Limiter = allowerFunc(func(*http.Request) (bool, time.Duration, error) {
					return false, 0, errors.New("redis: connection refused")
				})
			},
			run: func(e *env) { require.Equal(e.t, 503, post(e, inspectionBody(e.t))) },
			want: map[string]float64{
				`inspecthook_limiter_errors_total{provider="record360"}`:                                    1,
				`inspecthook_rejections_total{provider="record360",reason="limiter_unavailable",scheme=""}`: 1,
			},
		},
		{
			name: "rate limited",
			cfg: func(e *env, cfg *receiver.Config) {
				cfg.Limiter = allowerFunc(func(*http.Request) (bool, time.Duration, error) { return false, time.Second, nil })
			},
			run: func(e *env) { require.Equal(e.t, 429, post(e, inspectionBody(e.t))) },
			want: map[string]float64{
				`inspecthook_rejections_total{provider="record360",reason="rate_limited",scheme=""}`: 1,
			},
		},
		{
			name: "claim fails",
			run: func(e *env) {
				e.store.set(func(s *flakyStore) { s.claimErr = errors.New("dial tcp: connection refused") })
				require.Equal(e.t, 503, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_store_errors_total{operation="claim",provider="record360"}`:                  1,
				`inspecthook_rejections_total{provider="record360",reason="store_unavailable",scheme=""}`: 1,
			},
		},
		{
			name: "complete fails, the store names it",
			run: func(e *env) {
				e.store.set(func(s *flakyStore) {
					s.completeErr = fmt.Errorf("sqlitestore: complete: %w", errors.New("disk I/O error"))
				})
				require.Equal(e.t, 200, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_store_errors_total{operation="complete",provider="record360"}`: 1,
			},
		},
		{
			name: "complete fails, with an error that does not name the operation",
			run: func(e *env) {
				e.store.set(func(s *flakyStore) { s.completeErr = fmt.Errorf("%w: key %q", idempotency.ErrLeaseLost, "k") })
				require.Equal(e.t, 200, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_store_errors_total{operation="complete",provider="record360"}`: 1,
			},
		},
		{
			name: "handler fails, then release fails",
			run: func(e *env) {
				e.fail.Store(func(context.Context) error { return errors.New("downstream 502") })
				e.store.set(func(s *flakyStore) { s.releaseErr = fmt.Errorf("pgstore: release: %w", errors.New("conn reset")) })
				require.Equal(e.t, 500, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_handler_errors_total{event_type="inspection.created",kind="error",provider="record360"}`: 1,
				`inspecthook_store_errors_total{operation="release",provider="record360"}`:                            1,
				`inspecthook_rejections_total{provider="record360",reason="handler_failed",scheme=""}`:                1,
			},
		},
		{
			name: "lease renewal fails",
			cfg: func(e *env, cfg *receiver.Config) {
				cfg.Lease = 30 * time.Millisecond // renewed every 10 ms
			},
			run: func(e *env) {
				e.store.set(func(s *flakyStore) { s.renewErr = errors.New("redis: i/o timeout") })
				e.fail.Store(func(context.Context) error {
					select { // the handler returns once a renewal has failed
					case <-e.store.renewed:
						return nil
					case <-time.After(10 * time.Second):
						return errors.New("no renewal within 10 s")
					}
				})
				require.Equal(e.t, 200, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_store_errors_total{operation="renew",provider="record360"}`: 1,
			},
		},
		{
			name: "a header-keyed claim not released after a body that does not decode",
			cfg: func(e *env, cfg *receiver.Config) {
				cfg.IdempotencyKeyHeader = "X-Key"
			},
			run: func(e *env) {
				e.store.set(func(s *flakyStore) { s.releaseErr = errors.New("conn reset") })
				require.Equal(e.t, 400, post(e, []byte(`{"truncated":`), "X-Key", "k1"))
			},
			want: map[string]float64{
				`inspecthook_store_errors_total{operation="release",provider="record360"}`:          1,
				`inspecthook_rejections_total{provider="record360",reason="undecodable",scheme=""}`: 1,
			},
		},
		{
			name: "inbox cannot store",
			cfg: func(e *env, cfg *receiver.Config) {
				cfg.Inbox = failingInbox{}
			},
			run: func(e *env) { require.Equal(e.t, 503, post(e, inspectionBody(e.t))) },
			want: map[string]float64{
				`inspecthook_store_errors_total{operation="enqueue",provider="record360"}`:                1,
				`inspecthook_rejections_total{provider="record360",reason="inbox_unavailable",scheme=""}`: 1,
			},
		},
		{
			name: "handler panics",
			run: func(e *env) {
				e.fail.Store(func(context.Context) error { panic("nil map") })
				require.Equal(e.t, 500, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_handler_errors_total{event_type="inspection.created",kind="panic",provider="record360"}`: 1,
				`inspecthook_rejections_total{provider="record360",reason="handler_failed",scheme=""}`:                1,
			},
		},
		{
			name: "permanent error",
			run: func(e *env) {
				e.fail.Store(func(context.Context) error { return receiver.Permanent(errors.New("unknown site")) })
				require.Equal(e.t, 200, post(e, inspectionBody(e.t)))
			},
			want: map[string]float64{
				`inspecthook_handler_errors_total{event_type="inspection.created",kind="permanent",provider="record360"}`: 1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, reg := newMetrics(t)
			e := &env{t: t, store: newFlakyStore(t), signer: bearer(t)}
			e.fail.Store(func(context.Context) error { return nil })
			cfg := receiver.Config{
				Verifier: e.signer, Store: e.store, Logger: webhooktest.Logger(t),
				Observer: m.Observe, OnError: m.OnError,
			}
			if tt.cfg != nil {
				tt.cfg(e, &cfg)
			}
			rx, err := receiver.New(record360.Provider(), cfg)
			require.NoError(t, err)
			t.Cleanup(func() { _ = rx.Close() })
			receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
				return e.fail.Load().(func(context.Context) error)(ctx)
			})
			e.rx = rx
			tt.run(e)
			require.Equal(t, tt.want, series(t, reg,
				"inspecthook_handler_errors_total", "inspecthook_store_errors_total",
				"inspecthook_limiter_errors_total",
				"inspecthook_rejections_total"))
		})
	}
}

// TestRecord360EndToEnd sends real requests of every kind to a Record360 receiver and checks
// every series of the delivery counters.
func TestRecord360EndToEnd(t *testing.T) {
	m, reg := newMetrics(t)
	signer := bearer(t)
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: signer, Logger: webhooktest.Logger(t), MaxBodyBytes: 64 << 10,
		Observer: m.Observe, OnError: m.OnError,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	calls := webhooktest.Record(rx, record360.InspectionCreated)
	wrong, err := verify.NewBearer("not-the-token")
	require.NoError(t, err)

	body := inspectionBody(t)
	send := func(r *http.Request) int {
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, r)
		return w.Code
	}
	steps := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"new", func() *http.Request { return webhooktest.NewRequest(t, "/", body, signer) }, 200},
		{"duplicate", func() *http.Request { return webhooktest.NewRequest(t, "/", body, signer) }, 200},
		{"unsigned", func() *http.Request { return webhooktest.NewRequest(t, "/", body, nil) }, 401},
		{"wrong token", func() *http.Request { return webhooktest.NewRequest(t, "/", body, wrong) }, 401},
		{"too large", func() *http.Request {
			big := []byte(`{"pad":"` + strings.Repeat("x", 100<<10) + `"}`)
			return webhooktest.NewRequest(t, "/", big, signer)
		}, 413},
		{"not json", func() *http.Request { return webhooktest.NewRequest(t, "/", []byte(`{"id":`), signer) }, 400},
		{"missing id", func() *http.Request {
			return webhooktest.NewRequest(t, "/", webhooktest.FixtureBody(t, "record360", "bad_v3_missing_id.json"), signer)
		}, 422},
		{"unknown type", func() *http.Request {
			return webhooktest.NewRequest(t, "/", webhooktest.FixtureBody(t, "record360", "unknown_v3_unit_created.json"), signer)
		}, 200},
		{"GET", func() *http.Request {
			r := webhooktest.NewRequest(t, "/", body, signer)
			r.Method = http.MethodGet
			return r
		}, 405},
		{"text", func() *http.Request {
			r := webhooktest.NewRequest(t, "/", body, signer)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, 415},
	}
	for _, s := range steps {
		require.Equal(t, s.want, send(s.req()), s.name)
	}
	require.Equal(t, 1, calls.Len())

	require.Equal(t, map[string]float64{
		`inspecthook_deliveries_total{event_type="inspection.created",provider="record360",stage="complete",status="200"}`: 2, // with the duplicate, found before decoding
		`inspecthook_deliveries_total{event_type="none",provider="record360",stage="verify",status="401"}`:                 2,
		`inspecthook_deliveries_total{event_type="none",provider="record360",stage="body",status="413"}`:                   1,
		`inspecthook_deliveries_total{event_type="none",provider="record360",stage="decode",status="400"}`:                 1,
		`inspecthook_deliveries_total{event_type="inspection.created",provider="record360",stage="validate",status="422"}`: 1, // decoded, then invalid
		`inspecthook_deliveries_total{event_type="unknown",provider="record360",stage="complete",status="200"}`:            1,
		`inspecthook_deliveries_total{event_type="none",provider="record360",stage="method",status="405"}`:                 1,
		`inspecthook_deliveries_total{event_type="none",provider="record360",stage="method",status="415"}`:                 1,
		`inspecthook_duplicates_total{event_type="inspection.created",provider="record360"}`:                               1,
		`inspecthook_rejections_total{provider="record360",reason="unauthenticated",scheme="bearer"}`:                      2,
		`inspecthook_rejections_total{provider="record360",reason="too_large",scheme=""}`:                                  1,
		`inspecthook_rejections_total{provider="record360",reason="undecodable",scheme=""}`:                                1,
		`inspecthook_rejections_total{provider="record360",reason="invalid",scheme=""}`:                                    1,
		`inspecthook_rejections_total{provider="record360",reason="method",scheme=""}`:                                     1,
		`inspecthook_rejections_total{provider="record360",reason="content_type",scheme=""}`:                               1,
		`inspecthook_unauthenticated_total{cause="missing",provider="record360",scheme="bearer"}`:                          1,
		`inspecthook_unauthenticated_total{cause="invalid",provider="record360",scheme="bearer"}`:                          1,
		// Only the one request whose handler ran is in the handler histogram.
		`inspecthook_handler_duration_seconds{event_type="inspection.created",provider="record360",result="ok"}`: 1,
		`inspecthook_delivery_duration_seconds{provider="record360",status_class="2xx"}`:                         3,
		`inspecthook_delivery_duration_seconds{provider="record360",status_class="4xx"}`:                         7,
	}, series(t, reg,
		"inspecthook_deliveries_total", "inspecthook_duplicates_total", "inspecthook_rejections_total",
		"inspecthook_unauthenticated_total", "inspecthook_handler_duration_seconds", "inspecthook_delivery_duration_seconds"))
	require.Equal(t, 2.0, testutil.ToFloat64(m.deliveries.WithLabelValues("record360", "inspection.created", "complete", "200")))
}

// TestSafetyCultureReplayAll replays every SafetyCulture fixture, signed with HMAC, through a
// receiver and checks the counters agree with the answers, fixture by fixture.
func TestSafetyCultureReplayAll(t *testing.T) {
	m, reg := newMetrics(t, WithProviders(safetyculture.Provider()))
	auth, err := verify.NewHMAC(verify.SafetyCulture("sc-metrics-secret"))
	require.NoError(t, err)
	var handled atomic.Int64
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
		Verifier: auth, Logger: webhooktest.Logger(t),
		Observer: receiver.Observers(m.Observe), OnError: receiver.OnErrors(m.OnError),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	receiver.HandleUnknown(rx, func(context.Context, *events.Envelope) error {
		handled.Add(1)
		return nil
	})

	results := webhooktest.ReplayAll(t, rx, "/webhooks/safetyculture", "safetyculture", auth)
	known := map[string]bool{}
	for _, typ := range safetyculture.Provider().EventTypes() {
		known[typ] = true
	}
	byStatus := map[string]float64{}
	accepted := map[string]float64{} // event_type label of the 200s
	var dups, fresh float64
	for _, r := range results {
		byStatus[strconv.Itoa(r.Status)]++
		if r.Status != 200 {
			continue
		}
		label := "unknown"
		if known[r.Fixture.Event] {
			label = r.Fixture.Event
		}
		accepted[label]++
		if strings.Contains(r.Body, "already received") {
			dups++
		} else {
			fresh++
		}
	}
	require.Positive(t, dups, "the corpus has variants that repeat an event")
	require.Positive(t, accepted["unknown"], "the corpus has unknown events")

	require.Equal(t, float64(len(results)), sum(t, reg, "inspecthook_deliveries_total"))
	for status, n := range byStatus {
		require.Equal(t, n, sum(t, reg, "inspecthook_deliveries_total", "status="+status), "status %s", status)
	}
	gotAccepted := map[string]float64{}
	for key, v := range series(t, reg, "inspecthook_deliveries_total") {
		if strings.Contains(key, `status="200"`) {
			typ := strings.TrimPrefix(key, `inspecthook_deliveries_total{event_type="`)
			typ, _, _ = strings.Cut(typ, `"`)
			gotAccepted[typ] += v
		}
	}
	require.Equal(t, accepted, gotAccepted)
	require.Equal(t, dups, sum(t, reg, "inspecthook_duplicates_total"))
	require.Equal(t, byStatus["400"], sum(t, reg, "inspecthook_rejections_total", "reason=undecodable"))
	require.Equal(t, byStatus["422"], sum(t, reg, "inspecthook_rejections_total", "reason=invalid"))
	require.Equal(t, byStatus["400"]+byStatus["422"], sum(t, reg, "inspecthook_rejections_total"))
	// Every fresh 200 ran the handler once, and only those are in the handler histogram.
	require.Equal(t, float64(handled.Load()), fresh)
	require.Equal(t, fresh, sum(t, reg, "inspecthook_handler_duration_seconds", "result=ok"))
	require.Equal(t, fresh, sum(t, reg, "inspecthook_handler_duration_seconds"))
	require.Zero(t, sum(t, reg, "inspecthook_handler_errors_total")+sum(t, reg, "inspecthook_store_errors_total"))

	// A forged delivery: 401, counted under the HMAC scheme with its cause.
	body := webhooktest.FixtureBody(t, "safetyculture", "legacy_inspection_completed.json")
	r := webhooktest.NewRequest(t, "/webhooks/safetyculture", body, auth)
	r.Header.Set("X-Safetyculture-Signature", strings.Repeat("0", 64))
	w := httptest.NewRecorder()
	rx.ServeHTTP(w, r)
	require.Equal(t, 401, w.Code)
	require.Equal(t, 1.0, sum(t, reg, "inspecthook_rejections_total", "reason=unauthenticated", "scheme=hmac"))
	require.Equal(t, 1.0, sum(t, reg, "inspecthook_unauthenticated_total", "scheme=hmac"))

	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

// TestConcurrentUse observes and tracks from many goroutines at once (run with -race) and checks
// no delivery is lost.
func TestConcurrentUse(t *testing.T) {
	m, reg := newMetrics(t)
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if i%50 == 0 {
					m.Track(safetyculture.Provider())
				}
				d := receiver.Delivery{Provider: "record360", Type: "inspection.created"}
				m.Observe(t.Context(), receiver.Outcome{Delivery: d, Stage: receiver.StageComplete, Status: 200, Handled: true, HandlerDuration: time.Millisecond})
				m.OnError(t.Context(), d, fmt.Errorf("worker %d: %w", w, errors.New("failed")))
			}
		})
	}
	wg.Wait()
	require.Equal(t, float64(workers*each), sum(t, reg, "inspecthook_deliveries_total", "event_type=inspection.created"))
	require.Equal(t, float64(workers*each), sum(t, reg, "inspecthook_handler_errors_total", "kind=error"))
}
