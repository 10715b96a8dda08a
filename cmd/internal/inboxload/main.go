// Command inboxload measures the asynchronous mode against the synchronous one over loopback,
// in one run: a vehReports receiver with its inbox on PostgreSQL (a schema of its own, dropped
// at the end) and a synchronous receiver (in-memory store, a handler that does nothing) are
// each sent -rate signed deliveries a second for -duration (after -warmup at that rate). It prints the acknowledgement
// latency (p50, p99) of both, and for the inbox the time from acknowledgement to the start of
// the handler; then it ramps each receiver up (-ramp-step per rate, doubling from -ramp-from up
// to -max-rate) until the p99 exceeds -max-p99 or a delivery fails, and prints the highest rate
// sustained. The inbox's handler takes -work per delivery; after the steady run it prints how
// many deliveries still wait, so a backlog that grows shows. Everything is bounded by -timeout.
//
// With -drain N it measures instead how fast the inbox works off a backlog: N deliveries are
// stored before the workers start, on PostgreSQL and on SQLite (-drivers), and it prints the
// jobs per second from Start until the last handler ran.
//
//	go run ./cmd/internal/inboxload -rate 500 -duration 10s
//	go run ./cmd/internal/inboxload -drain 20000 -work 1ms
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const secret = "inboxload-secret"

// options are the command's flags.
type options struct {
	postgres string
	rate     int
	duration time.Duration
	warmup   time.Duration
	workers  int
	work     time.Duration
	cooldown time.Duration
	poll     time.Duration
	drain    int
	drivers  string
	rampStep time.Duration
	rampFrom int
	maxRate  int
	maxP99   time.Duration
	timeout  time.Duration
}

func main() {
	def := os.Getenv("INSPECTHOOK_POSTGRES_URL")
	if def == "" {
		def = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	var o options
	flag.StringVar(&o.postgres, "postgres", def, "PostgreSQL URL of the inbox")
	flag.IntVar(&o.rate, "rate", 500, "steady deliveries per second")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of the steady run")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured load at -rate before each steady run (pools and caches fill)")
	flag.IntVar(&o.workers, "workers", 0, "inbox workers (0: inbox.DefaultWorkers)")
	flag.DurationVar(&o.cooldown, "fetch-cooldown", 0, "inbox FetchCooldown (0: the default)")
	flag.DurationVar(&o.poll, "fetch-poll", 0, "inbox FetchPollInterval (0: the default)")
	flag.DurationVar(&o.work, "work", time.Millisecond, "time the inbox's handler takes per delivery")
	flag.IntVar(&o.drain, "drain", 0, "measure the drain of a backlog of this many deliveries instead")
	flag.StringVar(&o.drivers, "drivers", "postgres,sqlite", "with -drain: the inbox drivers to measure")
	flag.DurationVar(&o.rampStep, "ramp-step", 2*time.Second, "length of each rate of the ramp (0: no ramp)")
	flag.IntVar(&o.rampFrom, "ramp-from", 125, "first rate of the ramp")
	flag.IntVar(&o.maxRate, "max-rate", 16000, "highest rate of the ramp")
	flag.DurationVar(&o.maxP99, "max-p99", 100*time.Millisecond, "p99 above which a rate is not sustained")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "bound on the whole run")
	flag.Parse()
	runner := run
	if o.drain > 0 {
		runner = runDrain
	}
	if err := runner(context.Background(), os.Stdout, o); err != nil {
		log.Fatal(err)
	}
}

// target is one receiver under load.
type target struct {
	name string
	url  string
	// started records when the handler started for each event id (inbox only).
	started *sync.Map
}

func run(ctx context.Context, w io.Writer, o options) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	v, err := verify.NewHMAC(verify.VehReports(secret))
	if err != nil {
		return err
	}

	// The inbox on PostgreSQL, in a schema of its own.
	driver, closeDB, err := openPostgres(ctx, o.postgres)
	if err != nil {
		return err
	}
	defer closeDB()
	ib, err := inbox.Open(ctx, driver, o.inboxConfig(quiet))
	if err != nil {
		return err
	}
	async, err := receiver.New(vehreports.Provider(), receiver.Config{Verifier: v, Inbox: ib, Logger: quiet})
	if err != nil {
		return err
	}
	started := &sync.Map{}
	receiver.Handle(async, vehreports.ReportCompleted, func(ctx context.Context, _ *vehreports.Report) error {
		started.LoadOrStore(receiver.FromContext(ctx).EventID, time.Now())
		return work(ctx, o.work)
	})
	ib.Register(async)
	if err := ib.Start(ctx); err != nil {
		return err
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = ib.Stop(sctx)
	}()

	// The synchronous receiver.
	syncRx, err := receiver.New(vehreports.Provider(), receiver.Config{Verifier: v, Logger: quiet})
	if err != nil {
		return err
	}
	defer syncRx.Close()
	receiver.Handle(syncRx, vehreports.ReportCompleted, func(context.Context, *vehreports.Report) error { return nil })

	targets := []target{{name: "inbox (PostgreSQL)", started: started}, {name: "synchronous (memory)"}}
	for i, h := range []http.Handler{async, syncRx} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		targets[i].url = "http://" + ln.Addr().String()
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512, DisableCompression: true},
	}
	var next atomic.Int64
	l := &loader{client: client, signer: v, next: &next}

	fmt.Fprintf(w, "steady: %d deliveries/s for %v after %v of warm-up, inbox handler %v, %d inbox workers (0: the default)\n",
		o.rate, o.duration, o.warmup, o.work, o.workers)
	for _, tg := range targets {
		if o.warmup > 0 {
			warm := l.load(ctx, tg.url, o.rate, o.warmup)
			if tg.started != nil {
				handlerDelays(ctx, tg.started, warm.acked, 2*time.Minute) // drain the warm-up
			}
		}
		res := l.load(ctx, tg.url, o.rate, o.duration)
		fmt.Fprintf(w, "  %-22s %s\n", tg.name+":", res)
		if tg.started == nil {
			continue
		}
		backlog, err := waiting(ctx, ib)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-22s %d deliveries waiting as the last was acknowledged\n", "", backlog)
		delays, waited := handlerDelays(ctx, tg.started, res.acked, 2*time.Minute)
		fmt.Fprintf(w, "  %-22s ack to handler start p50 %v p99 %v max %v (%d of %d started, drained %v after the last send)\n",
			"", pct(delays, 50), pct(delays, 99), pct(delays, 100), len(delays), len(res.acked), waited.Round(time.Millisecond))
	}

	if o.rampStep <= 0 {
		return nil
	}
	fmt.Fprintf(w, "ramp: %v per rate, doubling from %d/s up to %d/s, until p99 > %v, an error or less than 95%% of the rate sent\n",
		o.rampStep, o.rampFrom, o.maxRate, o.maxP99)
	for _, tg := range targets {
		best := 0
		for rate := max(o.rampFrom, 1); rate <= o.maxRate && ctx.Err() == nil; rate *= 2 {
			res := l.load(ctx, tg.url, rate, o.rampStep)
			fmt.Fprintf(w, "  %-22s %6d/s: %s\n", tg.name+":", rate, res)
			if res.errors > 0 || pct(res.latencies, 99) > o.maxP99 || float64(res.sent) < 0.95*float64(rate)*o.rampStep.Seconds() {
				break
			}
			best = rate
		}
		fmt.Fprintf(w, "  %-22s max sustained %d/s\n", tg.name+":", best)
	}
	return nil
}

// loader sends signed vehReports deliveries with distinct event ids.
type loader struct {
	client *http.Client
	signer verify.Signer
	next   *atomic.Int64
}

// result is the outcome of one load.
type result struct {
	sent, errors int
	latencies    []time.Duration
	acked        map[string]time.Time // event id: when its 200 arrived
	firstErr     error
}

func (r result) String() string {
	s := fmt.Sprintf("%d sent, %d errors, ack p50 %v p99 %v", r.sent, r.errors, pct(r.latencies, 50), pct(r.latencies, 99))
	if r.firstErr != nil {
		s += " (first error: " + r.firstErr.Error() + ")"
	}
	return s
}

// maxInFlight bounds the requests open at once, so an overloaded receiver shows as errors
// rather than as an unbounded pile of goroutines.
const maxInFlight = 2000

// load sends rate deliveries a second to url for d, open loop: each at its scheduled time,
// whatever the answers to the earlier ones.
func (l *loader) load(ctx context.Context, url string, rate int, d time.Duration) result {
	var (
		mu  sync.Mutex
		res = result{acked: map[string]time.Time{}}
		wg  sync.WaitGroup
		sem = make(chan struct{}, maxInFlight)
	)
	fail := func(err error) {
		mu.Lock()
		res.errors++
		if res.firstErr == nil {
			res.firstErr = err
		}
		mu.Unlock()
	}
	total := int(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := 0; i < total && ctx.Err() == nil; i++ {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
		select {
		case sem <- struct{}{}:
		default:
			fail(errors.New("too many requests in flight"))
			continue
		}
		res.sent++
		id := "evt_" + strconv.FormatInt(l.next.Add(1), 10)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			body := fmt.Appendf(nil, `{"id":%q,"type":"report.completed","created_at":"2026-11-27T12:00:00Z","data":{"id":"rpt"}}`, id)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/", strings.NewReader(string(body)))
			if err != nil {
				fail(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			if err := l.signer.Sign(req, body); err != nil {
				fail(err)
				return
			}
			t0 := time.Now()
			resp, err := l.client.Do(req)
			if err != nil {
				fail(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			now := time.Now()
			if resp.StatusCode != http.StatusOK {
				fail(fmt.Errorf("status %d", resp.StatusCode))
				return
			}
			mu.Lock()
			res.latencies = append(res.latencies, now.Sub(t0))
			res.acked[id] = now
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(res.latencies)
	return res
}

// handlerDelays waits, up to limit, until the handler has started for every acknowledged
// event, and returns the sorted delays from acknowledgement to handler start, and how long it
// waited.
func handlerDelays(ctx context.Context, started *sync.Map, acked map[string]time.Time, limit time.Duration) ([]time.Duration, time.Duration) {
	begin := time.Now()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		n := 0
		for id := range acked {
			if _, ok := started.Load(id); ok {
				n++
			}
		}
		if n == len(acked) {
			break
		}
		select {
		case <-ctx.Done():
		case <-deadline.C:
		case <-tick.C:
			continue
		}
		break
	}
	waited := time.Since(begin)
	var out []time.Duration
	for id, at := range acked {
		if s, ok := started.Load(id); ok {
			d := s.(time.Time).Sub(at)
			if d < 0 {
				d = 0 // the handler started before the client read the answer
			}
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out, waited
}

// pct is the p-th percentile of sorted, rounded for printing.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	d := sorted[i]
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

// work waits d, or until ctx ends: a handler's time.
func work(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waiting is how many deliveries of ib have not started yet.
func waiting(ctx context.Context, ib *inbox.Inbox) (int, error) {
	st, err := ib.Stats(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range st.Counts {
		if slices.Contains(inbox.WaitingStates(), c.State) {
			n += c.Jobs
		}
	}
	return n, nil
}

// openPostgres returns the inbox driver of a pool on url whose search_path is a schema of its
// own, and the function that drops the schema and closes the pool.
func openPostgres(ctx context.Context, url string) (inbox.Driver, func(), error) {
	schema := "inboxload_" + strings.ToLower(rand.Text()[:12])
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return inbox.Driver{}, nil, err
	}
	pc.ConnConfig.RuntimeParams["search_path"] = schema
	pc.MaxConns = 32
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return inbox.Driver{}, nil, err
	}
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		pool.Close()
		return inbox.Driver{}, nil, fmt.Errorf("inboxload: %w", err)
	}
	return inboxpg.New(pool), func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		_, _ = pool.Exec(dctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		pool.Close()
	}, nil
}

// openSQLite returns the inbox driver of a SQLite file in a temporary folder, and the function
// that closes and removes it.
func openSQLite() (inbox.Driver, func(), error) {
	dir, err := os.MkdirTemp("", "inboxload-")
	if err != nil {
		return inbox.Driver{}, nil, err
	}
	db, err := inboxsqlite.OpenDB(filepath.Join(dir, "inbox.db"))
	if err != nil {
		_ = os.RemoveAll(dir)
		return inbox.Driver{}, nil, err
	}
	return inboxsqlite.New(db), func() { _ = db.Close(); _ = os.RemoveAll(dir) }, nil
}

// runDrain stores o.drain deliveries in an inbox of each of o.drivers before its workers start,
// then starts them and prints how fast the handlers (each taking o.work) work off the backlog.
func runDrain(ctx context.Context, w io.Writer, o options) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	fmt.Fprintf(w, "drain: %d stored deliveries, handler %v, %d workers (0: the default)\n", o.drain, o.work, o.workers)
	for _, name := range strings.Split(o.drivers, ",") {
		var (
			driver  inbox.Driver
			closeDB func()
			err     error
		)
		switch name {
		case "postgres":
			driver, closeDB, err = openPostgres(ctx, o.postgres)
		case "sqlite":
			driver, closeDB, err = openSQLite()
		default:
			err = fmt.Errorf("inboxload: unknown driver %q", name)
		}
		if err != nil {
			return err
		}
		rate, err := drain(ctx, driver, o)
		closeDB()
		if err != nil {
			return fmt.Errorf("inboxload: %s: %w", name, err)
		}
		fmt.Fprintf(w, "  %-9s %s\n", name+":", rate)
	}
	return nil
}

// drain stores o.drain deliveries in a new inbox on driver, starts it, and describes how fast
// the backlog was worked off.
func drain(ctx context.Context, driver inbox.Driver, o options) (string, error) {
	quiet := slog.New(slog.DiscardHandler)
	ib, err := inbox.Open(ctx, driver, o.inboxConfig(quiet))
	if err != nil {
		return "", err
	}
	v, err := verify.NewHMAC(verify.VehReports(secret))
	if err != nil {
		return "", err
	}
	rx, err := receiver.New(vehreports.Provider(), receiver.Config{Verifier: v, Inbox: ib, Logger: quiet})
	if err != nil {
		return "", err
	}
	var ran atomic.Int64
	done := make(chan struct{})
	receiver.Handle(rx, vehreports.ReportCompleted, func(ctx context.Context, _ *vehreports.Report) error {
		err := work(ctx, o.work)
		if ran.Add(1) == int64(o.drain) {
			close(done)
		}
		return err
	})
	ib.Register(rx)

	// Store the backlog from a few goroutines: one insert per delivery, as requests would.
	stored := time.Now()
	keys := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range keys {
				id := "evt_" + strconv.Itoa(i)
				_, err := ib.Enqueue(ctx, receiver.InboxDelivery{
					Provider:       vehreports.Provider().Name(),
					IdempotencyKey: "vehreports:" + id,
					Body:           fmt.Appendf(nil, `{"id":%q,"type":"report.completed","created_at":"2026-11-27T12:00:00Z","data":{"id":"rpt"}}`, id),
					ReceivedAt:     time.Now(),
				})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for i := range o.drain {
		keys <- i
	}
	close(keys)
	wg.Wait()
	select {
	case err := <-errs:
		return "", err
	default:
	}
	storing := time.Since(stored)

	start := time.Now()
	if err := ib.Start(ctx); err != nil {
		return "", err
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = ib.Stop(sctx)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return "", fmt.Errorf("%d of %d ran before the timeout", ran.Load(), o.drain)
	}
	took := time.Since(start)
	return fmt.Sprintf("%d jobs in %v: %.0f jobs/s (storing them took %v: %.0f/s)",
		o.drain, took.Round(time.Millisecond), float64(o.drain)/took.Seconds(),
		storing.Round(time.Millisecond), float64(o.drain)/storing.Seconds()), nil
}

// inboxConfig is the inbox's configuration the flags ask for.
func (o options) inboxConfig(log *slog.Logger) inbox.Config {
	return inbox.Config{Workers: o.workers, FetchCooldown: o.cooldown, FetchPollInterval: o.poll, Logger: log}
}
