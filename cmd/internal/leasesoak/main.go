// Command leasesoak checks the promise of one handler run per event under load. For each of
// -runs runs it starts -replicas receivers on loopback, each with its own client of one shared
// store (-store redis or postgres) under a fresh prefix or table, with a lease of -lease and a
// handler timeout of -handler-timeout, and sends -deliveries identical deliveries of one new
// event to them at once, round robin; the handler takes -work. It prints for each run how many
// times the handler ran, the most runs at one moment, the answers by status and the store
// errors the receivers reported, and exits 1 when a run ran the handler other than once, or
// twice at once. Each run stops by itself within -timeout.
//
// Run it built with the race detector, beside CPU-burning processes, to check the promise on a
// saturated machine:
//
//	go run -race ./cmd/internal/leasesoak -store redis -runs 10
//	go run -race ./cmd/internal/leasesoak -store postgres -runs 10
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/pgstore"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const (
	fixture = "record360/v3_inspection_created.json"
	token   = "leasesoak-token"
	path    = "/webhooks/record360"
)

// options are the command's flags.
type options struct {
	store          string // "redis" or "postgres"
	redisAddr      string
	postgresURL    string
	runs           int
	replicas       int
	deliveries     int
	lease          time.Duration
	handlerTimeout time.Duration
	work           time.Duration
	timeout        time.Duration
	pool           int // connections per replica's client; 0 for the client's default
}

// result is what one run measured.
type result struct {
	Runs       int32       // handler runs
	MaxAtOnce  int32       // the most handler runs at one moment
	Statuses   map[int]int // answers by status; 0 counts transport errors
	StoreErrs  []error     // what the receivers reported to OnError
	Duration   time.Duration
	Deliveries int
}

// ok reports whether the run kept the promise: one handler run, never two at once, and no
// delivery answered other than 200 (run or duplicate) or 409 (in flight), transport errors
// aside.
func (r result) ok() bool {
	return r.Runs == 1 && r.MaxAtOnce == 1 && r.Statuses[http.StatusOK]+r.Statuses[http.StatusConflict]+r.Statuses[0] == r.Deliveries
}

func main() {
	redisAddr := os.Getenv("INSPECTHOOK_REDIS_ADDR")
	if redisAddr == "" {
		redisAddr = "127.0.0.1:6379"
	}
	pgURL := os.Getenv("INSPECTHOOK_POSTGRES_URL")
	if pgURL == "" {
		pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	var o options
	flag.StringVar(&o.store, "store", "redis", "the shared store: redis or postgres")
	flag.StringVar(&o.redisAddr, "redis", redisAddr, "Redis address (default $INSPECTHOOK_REDIS_ADDR or 127.0.0.1:6379)")
	flag.StringVar(&o.postgresURL, "postgres", pgURL, "PostgreSQL URL (default $INSPECTHOOK_POSTGRES_URL or the local server's test database)")
	flag.IntVar(&o.runs, "runs", 10, "runs, each with a new event and fresh replicas")
	flag.IntVar(&o.replicas, "replicas", 2, "receivers sharing the store, each with its own client")
	flag.IntVar(&o.deliveries, "deliveries", 1000, "identical deliveries sent at once in each run")
	flag.DurationVar(&o.lease, "lease", 1500*time.Millisecond, "the receivers' Lease")
	flag.DurationVar(&o.handlerTimeout, "handler-timeout", time.Second, "the receivers' HandlerTimeout")
	flag.DurationVar(&o.work, "work", 0, "how long the handler works (it stops early when its context ends)")
	flag.DurationVar(&o.timeout, "timeout", 2*time.Minute, "give up on a run after this long")
	flag.IntVar(&o.pool, "pool", 0, "connections in each replica's pool (0: the client's default)")
	flag.Parse()
	failed, err := soak(context.Background(), os.Stdout, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// soak does o.runs runs, printing each, and returns how many broke the promise.
func soak(ctx context.Context, out io.Writer, o options) (failed int, err error) {
	switch {
	case o.store != "redis" && o.store != "postgres":
		return 0, fmt.Errorf("leasesoak: -store %q: want redis or postgres", o.store)
	case o.runs < 1, o.replicas < 1, o.deliveries < 1:
		return 0, errors.New("leasesoak: -runs, -replicas and -deliveries must be at least 1")
	case o.lease <= 0, o.handlerTimeout <= 0, o.work < 0, o.timeout <= 0:
		return 0, errors.New("leasesoak: -lease, -handler-timeout and -timeout must be positive, -work not negative")
	}
	fmt.Fprintf(out, "leasesoak: %s, %d replicas, %d identical deliveries a run, lease %s, handler timeout %s, work %s\n",
		o.store, o.replicas, o.deliveries, o.lease, o.handlerTimeout, o.work)
	for i := range o.runs {
		runCtx, cancel := context.WithTimeout(ctx, o.timeout)
		res, err := runOnce(runCtx, o)
		cancel()
		if err != nil {
			return failed, fmt.Errorf("leasesoak: run %d: %w", i+1, err)
		}
		verdict := "ok"
		if !res.ok() {
			verdict, failed = "BROKEN", failed+1
		}
		fmt.Fprintf(out, "run %d: %s: %d handler run(s), at most %d at once, answers %s, %d store error(s)%s, %s\n",
			i+1, verdict, res.Runs, res.MaxAtOnce, statusText(res.Statuses), len(res.StoreErrs), firstErrors(res.StoreErrs),
			res.Duration.Round(time.Millisecond))
	}
	fmt.Fprintf(out, "%d of %d runs kept the promise\n", o.runs-failed, o.runs)
	return failed, nil
}

// runOnce starts the replicas, sends the deliveries and counts.
func runOnce(ctx context.Context, o options) (result, error) {
	name := "leasesoak_" + strings.ToLower(rand.Text()[:12])
	stores, cleanup, err := openStores(ctx, o, name)
	if err != nil {
		return result{}, err
	}
	defer cleanup()

	var calls, running, maxRunning atomic.Int32
	var mu sync.Mutex
	var storeErrs []error
	handle := func(ctx context.Context, _ *record360.Inspection) error {
		calls.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
		}
		if o.work > 0 {
			t := time.NewTimer(o.work)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		}
		return nil
	}
	auth, err := verify.NewBearer(token)
	if err != nil {
		return result{}, err
	}
	urls := make([]string, len(stores))
	for i, store := range stores {
		rx, err := receiver.New(record360.Provider(), receiver.Config{
			Verifier:       auth,
			Store:          store,
			Lease:          o.lease,
			HandlerTimeout: o.handlerTimeout,
			Logger:         slog.New(slog.DiscardHandler),
			OnError: func(_ context.Context, _ receiver.Delivery, err error) {
				mu.Lock()
				storeErrs = append(storeErrs, err)
				mu.Unlock()
			},
		})
		if err != nil {
			return result{}, err
		}
		receiver.Handle(rx, record360.InspectionCreated, handle)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return result{}, err
		}
		srv := &http.Server{Handler: rx, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		urls[i] = "http://" + ln.Addr().String() + path
	}

	body, err := eventBody(name)
	if err != nil {
		return result{}, err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.deliveries}}
	defer hc.CloseIdleConnections()
	start := time.Now()
	statuses := sendAll(ctx, hc, urls, body, o.deliveries)
	res := result{Statuses: statuses, Duration: time.Since(start), Deliveries: o.deliveries}
	res.Runs, res.MaxAtOnce = calls.Load(), maxRunning.Load()
	mu.Lock()
	res.StoreErrs = slices.Clone(storeErrs)
	mu.Unlock()
	return res, nil
}

// openStores opens one store client per replica, all sharing name (a key prefix or a table),
// and returns a cleanup that closes them and removes what the run left.
func openStores(ctx context.Context, o options, name string) ([]idempotency.Store, func(), error) {
	var stores []idempotency.Store
	var closers []func()
	cleanup := func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}
	for range o.replicas {
		switch o.store {
		case "redis":
			client := redis.NewClient(&redis.Options{Addr: o.redisAddr, PoolSize: o.pool})
			closers = append(closers, func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if keys, err := client.Keys(ctx, name+":*").Result(); err == nil && len(keys) > 0 {
					_ = client.Del(ctx, keys...).Err()
				}
				_ = client.Close()
			})
			if err := client.Ping(ctx).Err(); err != nil {
				cleanup()
				return nil, nil, fmt.Errorf("redis at %s: %w", o.redisAddr, err)
			}
			store, err := redisstore.New(client, redisstore.Config{Prefix: name + ":"})
			if err != nil {
				cleanup()
				return nil, nil, err
			}
			stores = append(stores, store)
		case "postgres":
			cfg, err := pgxpool.ParseConfig(o.postgresURL)
			if err != nil {
				cleanup()
				return nil, nil, err
			}
			if o.pool > 0 {
				cfg.MaxConns = int32(o.pool)
			}
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				cleanup()
				return nil, nil, err
			}
			closers = append(closers, func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_, _ = pool.Exec(ctx, "DROP TABLE IF EXISTS "+name)
				pool.Close()
			})
			store, err := pgstore.New(ctx, pool, pgstore.Config{Table: name})
			if err != nil {
				cleanup()
				return nil, nil, fmt.Errorf("postgres: %w", err)
			}
			stores = append(stores, store)
		}
	}
	return stores, cleanup, nil
}

// eventBody is the fixture with id as the inspection's id: a new event.
func eventBody(id string) ([]byte, error) {
	template, err := fs.ReadFile(inspecthook.Fixtures(), fixture)
	if err != nil {
		return nil, err
	}
	const old = `"id": "12"`
	if !bytes.Contains(template, []byte(old)) {
		return nil, fmt.Errorf("%s: no %s", fixture, old)
	}
	return bytes.Replace(template, []byte(old), []byte(`"id": "`+id+`"`), 1), nil
}

// sendAll sends body n times, round robin over urls, all at once, and counts the answers by
// status (0 for a transport error).
func sendAll(ctx context.Context, hc *http.Client, urls []string, body []byte, n int) map[int]int {
	start := make(chan struct{})
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			status := 0
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, urls[i%len(urls)], bytes.NewReader(body))
			if err == nil {
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				var resp *http.Response
				if resp, err = hc.Do(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					status = resp.StatusCode
				}
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// statusText writes statuses in order: "200:612 409:388".
func statusText(statuses map[int]int) string {
	var codes []int
	for c := range statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d:%d", c, statuses[c])
	}
	return b.String()
}

// firstErrors quotes the first few store errors.
func firstErrors(errs []error) string {
	if len(errs) == 0 {
		return ""
	}
	var parts []string
	for _, err := range errs[:min(len(errs), 3)] {
		parts = append(parts, err.Error())
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
