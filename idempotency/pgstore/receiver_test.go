package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/pgstore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const bearerToken = "pgstore-test-token-5c1e"

// inspection is a Record360 inspection.created delivery of event id.
func inspection(id string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"inspection.created","created_at":"2024-10-09-19:00:00Z",` +
		`"data":{"object":"inspection","id":430,"unit":{"id":43,"reference_number":"WMWRF33519TW73378"}}}`)
}

func bearer(t testing.TB) *verify.Bearer {
	t.Helper()
	v, err := verify.NewBearer(bearerToken)
	require.NoError(t, err)
	return v
}

// calls records the handler's runs: per event id, and how many ran at once.
type calls struct {
	mu                  sync.Mutex
	byID                map[string]int
	running, maxRunning int
}

func (c *calls) start(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[string]int{}
	}
	c.byID[id]++
	c.running++
	c.maxRunning = max(c.maxRunning, c.running)
}

func (c *calls) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running--
}

// snapshot returns the runs per event id, their total, and the most that ran at once.
func (c *calls) snapshot() (byID map[string]int, total, maxRunning int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	byID = map[string]int{}
	for id, n := range c.byID {
		byID[id] = n
		total += n
	}
	return byID, total, c.maxRunning
}

// newReceiver returns a Record360 receiver with a Bearer token that runs handle for
// inspection.created, and collects the errors it reports.
func newReceiver(t testing.TB, cfg receiver.Config, handle func(ctx context.Context, insp *record360.Inspection) error) (*receiver.Receiver, func() []error) {
	t.Helper()
	var mu sync.Mutex
	var errs []error
	cfg.Verifier = bearer(t)
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.OnError = func(_ context.Context, _ receiver.Delivery, err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	rx, err := receiver.New(record360.Provider(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	receiver.Handle(rx, record360.InspectionCreated, handle)
	return rx, func() []error {
		mu.Lock()
		defer mu.Unlock()
		return append([]error(nil), errs...)
	}
}

// newClient returns an HTTP client whose connections are closed when the test ends.
func newClient(t testing.TB) *http.Client {
	tr := &http.Transport{MaxConnsPerHost: 100, MaxIdleConnsPerHost: 100}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// answer is a receiver's response to one delivery.
type answer struct {
	status     int
	retryAfter string
	body       string
}

// post sends body to url, signed as Record360 does.
func post(ctx context.Context, client *http.Client, url string, body []byte) (answer, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+bearerToken)
	resp, err := client.Do(r)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("Retry-After"), strings.TrimSpace(string(b))}, err
}

// The store's connections are killed while a receiver runs on it. Deliveries during the outage
// answer 503 with Retry-After, or are processed when the pool reconnects at once; every event is
// processed exactly once in the end, as its sender retries until it is acknowledged.
func TestOutage(t *testing.T) {
	for _, c := range []struct {
		name   string
		refuse bool
	}{
		// The connections are killed before and during the second phase; the pool opens new ones.
		{"Reconnect", false},
		// The connections are killed, and new ones refused until the senders have seen 503s.
		{"Down", true},
	} {
		t.Run(c.name, func(t *testing.T) { testOutage(t, c.refuse) })
	}
}

func testOutage(t *testing.T, refuse bool) {
	const perPhase, senders = 20, 4
	var refusing atomic.Bool
	pool, app := connect(t, 4, func(c *pgxpool.Config) {
		c.BeforeConnect = func(context.Context, *pgx.ConnConfig) error {
			if refusing.Load() {
				return errors.New("test outage: connection refused")
			}
			return nil
		}
	})
	admin, _ := connect(t, 2, nil)
	schema := freshSchema(t, admin)
	store := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	var runs calls
	rx, reported := newReceiver(t, receiver.Config{Store: store, Lease: 20 * time.Second, HandlerTimeout: 5 * time.Second},
		func(ctx context.Context, _ *record360.Inspection) error {
			runs.start(receiver.FromContext(ctx).EventID)
			defer runs.end()
			return nil
		})
	srv := httptest.NewServer(rx)
	t.Cleanup(srv.Close)
	client := newClient(t)
	ctx, cancel := context.WithTimeout(t.Context(), 40*time.Second)
	defer cancel()

	// kill terminates the store's connections, and only those: the filter is in the WHERE
	// clause, evaluated before the select list, never beside a call of pg_terminate_backend that
	// the planner could run first.
	kill := func() int {
		t.Helper()
		rows, err := admin.Query(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", app)
		require.NoError(t, err)
		killed, err := pgx.CollectRows(rows, pgx.RowTo[bool])
		require.NoError(t, err)
		n := 0
		for _, ok := range killed {
			if ok {
				n++
			}
		}
		return n
	}

	var unavailable, withoutRetryAfter atomic.Int64
	// deliver sends each event until it is acknowledged with 200, from several senders, as a
	// provider retries.
	deliver := func(from, to int) {
		work := make(chan string)
		var wg sync.WaitGroup
		for range senders {
			wg.Go(func() {
				for id := range work {
					for ctx.Err() == nil {
						a, err := post(ctx, client, srv.URL, inspection(id))
						if !assert.NoError(t, err, "event %s", id) {
							return
						}
						if a.status == http.StatusOK {
							break
						}
						if a.status == http.StatusServiceUnavailable {
							unavailable.Add(1)
							if a.retryAfter == "" {
								withoutRetryAfter.Add(1)
							}
							continue
						}
						if !assert.Equal(t, http.StatusConflict, a.status, "event %s: %s", id, a.body) {
							return
						}
					}
				}
			})
		}
		for i := from; i < to; i++ {
			work <- "evt_" + strconv.Itoa(i)
		}
		close(work)
		wg.Wait()
	}

	// Before the outage.
	deliver(0, perPhase)
	_, total, _ := runs.snapshot()
	require.Equal(t, perPhase, total)

	// During the outage.
	refusing.Store(refuse)
	killed := kill()
	require.Positive(t, killed, "the pool had connections to kill")
	during := make(chan struct{})
	go func() {
		defer close(during)
		deliver(perPhase, 2*perPhase)
	}()
	if refuse {
		require.Eventually(t, func() bool { return unavailable.Load() >= 10 }, 20*time.Second, time.Millisecond,
			"deliveries while connections are refused answer 503")
		refusing.Store(false)
	} else {
		require.Eventually(t, func() bool { _, n, _ := runs.snapshot(); return n >= perPhase+perPhase/2 }, 20*time.Second, time.Millisecond)
		killed += kill()
	}
	<-during

	// After the outage.
	deliver(2*perPhase, 3*perPhase)
	require.NoError(t, ctx.Err(), "every event acknowledged in time")

	// The senders' duplicates: acknowledged (200), or turned away while a claim whose Complete
	// failed in the outage holds the key (409); never processed again.
	for i := range 3 * perPhase {
		a, err := post(ctx, client, srv.URL, inspection("evt_"+strconv.Itoa(i)))
		require.NoError(t, err)
		assert.Contains(t, []int{http.StatusOK, http.StatusConflict}, a.status, a.body)
		if a.status == http.StatusOK {
			assert.Equal(t, "ok: already received", a.body)
		}
	}

	byID, total, _ := runs.snapshot()
	assert.Equal(t, 3*perPhase, total, "handler runs")
	for i := range 3 * perPhase {
		id := "evt_" + strconv.Itoa(i)
		assert.Equal(t, 1, byID[id], "runs of %s", id)
	}
	assert.Zero(t, withoutRetryAfter.Load(), "every 503 carries Retry-After")
	errs := reported()
	for _, err := range errs {
		assert.True(t, strings.HasPrefix(err.Error(), "receiver: "), err.Error())
		assert.Contains(t, err.Error(), "pgstore: ")
	}
	t.Logf("connections killed: %d; 503 answers: %d; errors reported: %d", killed, unavailable.Load(), len(errs))
	if len(errs) > 0 {
		t.Logf("first error: %v", errs[0])
	}
}

// startReplicas starts three receivers on cfg, each an http.Server on loopback with a pool of its
// own, all on table, and returns their URLs.
func startReplicas(t *testing.T, table string, cfg receiver.Config, handle func(context.Context, *record360.Inspection) error) (urls []string, reported func() []error) {
	t.Helper()
	var all []func() []error
	for range 3 {
		pool, _ := connect(t, 4, nil)
		warm(t, pool)
		cfg.Store = newStore(t, pool, pgstore.Config{Table: table})
		rx, errs := newReceiver(t, cfg, handle)
		all = append(all, errs)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		srv := &http.Server{Handler: rx, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
		urls = append(urls, "http://"+ln.Addr().String()+"/webhooks/record360")
	}
	return urls, func() []error {
		var errs []error
		for _, f := range all {
			errs = append(errs, f()...)
		}
		return errs
	}
}

// Three replicas, each with its own pool, share one table.
func TestReplicas(t *testing.T) {
	admin, _ := connect(t, 1, nil)
	schema := freshSchema(t, admin)
	table := schema + ".keys"
	client := newClient(t)

	// A burst of identical deliveries spread across the replicas runs the handler once.
	t.Run("Burst", func(t *testing.T) {
		const deliveries = 1000
		var runs calls
		urls, reported := startReplicas(t, table, receiver.Config{}, func(ctx context.Context, _ *record360.Inspection) error {
			runs.start(receiver.FromContext(ctx).EventID)
			defer runs.end()
			return nil
		})
		answers := make([]answer, deliveries)
		errs := make([]error, deliveries)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range deliveries {
			wg.Go(func() {
				<-start
				answers[i], errs[i] = post(t.Context(), client, urls[i%len(urls)], inspection("evt_burst"))
			})
		}
		close(start)
		wg.Wait()

		statuses := map[int]int{}
		processed := 0
		for i, a := range answers {
			require.NoError(t, errs[i])
			statuses[a.status]++
			if a.status == http.StatusOK && a.body == "ok" {
				processed++
			}
		}
		_, total, _ := runs.snapshot()
		assert.Equal(t, 1, total, "handler runs")
		assert.Equal(t, 1, processed, "deliveries answered by the handler")
		assert.Equal(t, deliveries, statuses[http.StatusOK]+statuses[http.StatusConflict], "statuses: %v", statuses)
		for _, u := range urls {
			a, err := post(t.Context(), client, u, inspection("evt_burst"))
			require.NoError(t, err)
			assert.Equal(t, answer{http.StatusOK, "", "ok: already received"}, a)
		}
		assert.Empty(t, reported())
		t.Logf("statuses: %v", statuses)
	})

	// A handler that runs for twice the lease keeps its key, renewed on the shared table, while
	// deliveries keep arriving at every replica: it runs once, and never beside itself.
	t.Run("SlowHandler", func(t *testing.T) {
		// Renewals run every third of the lease, each allowed until the lease would lapse: on a
		// loaded machine of two cores shared with other tests, under the race detector, a
		// statement now and then takes hundreds of milliseconds, which would lose a short lease
		// without anything being wrong with the store.
		const lease = 3 * time.Second
		var runs calls
		started, finished := make(chan time.Time, 1), make(chan struct{})
		var startOnce, finishOnce sync.Once
		urls, reported := startReplicas(t, table, receiver.Config{Lease: lease, HandlerTimeout: 4 * lease},
			func(ctx context.Context, _ *record360.Inspection) error {
				runs.start(receiver.FromContext(ctx).EventID)
				defer runs.end()
				startOnce.Do(func() { started <- time.Now() })
				select {
				case <-time.After(2 * lease): // the work: twice the lease
				case <-ctx.Done():
					return ctx.Err()
				}
				finishOnce.Do(func() { close(finished) })
				return nil
			})
		first := make(chan answer, 1)
		go func() {
			a, err := post(t.Context(), client, urls[0], inspection("evt_slow"))
			assert.NoError(t, err)
			first <- a
		}()
		var startedAt time.Time
		select {
		case startedAt = <-started:
		case <-time.After(10 * time.Second):
			t.Fatal("the handler did not start within 10 s")
		}

		const senders = 3
		var late, conflicts atomic.Int64
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range senders {
			wg.Go(func() {
				for {
					select {
					case <-finished:
						return
					default:
					}
					sent := time.Now()
					a, err := post(t.Context(), client, urls[i%len(urls)], inspection("evt_slow"))
					if !assert.NoError(t, err) {
						return
					}
					mu.Lock()
					statuses[a.status]++
					mu.Unlock()
					if a.status == http.StatusConflict {
						conflicts.Add(1)
						if sent.Sub(startedAt) > lease {
							late.Add(1)
						}
					}
				}
			})
		}
		wg.Wait()
		assert.Equal(t, answer{http.StatusOK, "", "ok"}, <-first)

		_, total, maxRunning := runs.snapshot()
		assert.Equal(t, 1, total, "handler runs")
		assert.Equal(t, 1, maxRunning, "runs at once")
		assert.Positive(t, late.Load(), "deliveries sent after the first lease would have ended were turned away")
		for status := range statuses {
			assert.Contains(t, []int{http.StatusOK, http.StatusConflict}, status, "statuses: %v", statuses)
		}
		for _, u := range urls {
			a, err := post(t.Context(), client, u, inspection("evt_slow"))
			require.NoError(t, err)
			assert.Equal(t, answer{http.StatusOK, "", "ok: already received"}, a)
		}
		for _, err := range reported() {
			assert.NotErrorIs(t, err, idempotency.ErrLeaseLost)
		}
		t.Logf("statuses: %v; 409s to deliveries sent after the first lease: %d of %d", statuses, late.Load(), conflicts.Load())
	})
}
