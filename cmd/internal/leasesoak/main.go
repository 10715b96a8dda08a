// Command leasesoak checks the promise of one handler run per event under load. For each of
// -runs runs it starts -replicas receivers on loopback, each a process of its own (this
// program, run again, as a deployment runs replicas) with its own client of one shared store
// (-store redis or postgres) under a fresh prefix or table, a lease of -lease and a handler
// timeout of -handler-timeout, and sends -deliveries identical deliveries of one new event to
// them at once, round robin; the handler takes -work. It prints for each run how many times the
// handler ran, the most runs at one moment (from the replicas' clocks, one machine's), the
// answers by status and the store errors the replicas reported (and, with -trace, the store
// calls of the claims that won, for a run that broke), and exits 1 when a run ran the handler
// other than once, or twice at once. Each run stops by itself within -timeout.
//
// Run it built with the race detector, beside CPU-burning processes, to check the promise on a
// saturated machine:
//
//	go build -race -o /tmp/leasesoak ./cmd/internal/leasesoak
//	/tmp/leasesoak -store redis -runs 10 -lease 1.5s -handler-timeout 1s -work 900ms
//	/tmp/leasesoak -store postgres -runs 10 -lease 1.5s -handler-timeout 1s -work 900ms
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
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
	pool           int  // connections per replica's client; 0 for the client's default
	trace          bool // print the store calls of the claims that won, for a run that broke
}

// result is what one run measured.
type result struct {
	Runs       int32       // handler runs
	MaxAtOnce  int32       // the most handler runs at one moment
	Statuses   map[int]int // answers by status; 0 counts transport errors
	StoreErrs  []error     // what the receivers reported to OnError
	Trace      []string    // the store calls of the claims that won, with -trace
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
	if opts := os.Getenv(childEnv); opts != "" {
		var o replicaOptions
		if err := json.Unmarshal([]byte(opts), &o); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := serveReplica(o); err != nil {
			fmt.Fprintln(os.Stderr, "leasesoak replica:", err)
			os.Exit(2)
		}
		return
	}
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
	flag.BoolVar(&o.trace, "trace", false, "print the store calls of the claims that won, for a run that broke")
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
		if !res.ok() {
			for _, line := range res.Trace {
				fmt.Fprintln(out, "  "+line)
			}
		}
	}
	fmt.Fprintf(out, "%d of %d runs kept the promise\n", o.runs-failed, o.runs)
	return failed, nil
}

// runOnce starts the replicas, each a process of its own, sends the deliveries and counts.
func runOnce(ctx context.Context, o options) (result, error) {
	name := "leasesoak_" + strings.ToLower(rand.Text()[:12])
	cleanup, err := prepare(ctx, o, name)
	if err != nil {
		return result{}, err
	}
	defer cleanup()

	var replicas []*replica
	defer func() {
		for _, r := range replicas {
			r.kill()
		}
	}()
	urls := make([]string, o.replicas)
	for i := range urls {
		r, err := startReplica(ctx, o, name, i)
		if err != nil {
			return result{}, err
		}
		replicas = append(replicas, r)
		urls[i] = r.url
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
	var runs []span
	for _, r := range replicas {
		sum, err := r.finish()
		if err != nil {
			return result{}, err
		}
		runs = append(runs, sum.Runs...)
		for _, e := range sum.Errors {
			res.StoreErrs = append(res.StoreErrs, errors.New(e))
		}
		res.Trace = append(res.Trace, sum.Trace...)
	}
	res.Runs, res.MaxAtOnce = int32(len(runs)), maxOverlap(runs)
	return res, nil
}

// prepare makes the shared store ready for name (PostgreSQL: the table, which the replicas
// do not migrate, so that they cannot race to create it) and returns a cleanup that removes
// what the run left.
func prepare(ctx context.Context, o options, name string) (cleanup func(), err error) {
	switch o.store {
	case "redis":
		client := redis.NewClient(&redis.Options{Addr: o.redisAddr})
		if err := client.Ping(ctx).Err(); err != nil {
			_ = client.Close()
			return nil, fmt.Errorf("redis at %s: %w", o.redisAddr, err)
		}
		return func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if keys, err := client.Keys(ctx, name+":*").Result(); err == nil && len(keys) > 0 {
				_ = client.Del(ctx, keys...).Err()
			}
			_ = client.Close()
		}, nil
	default:
		pool, err := pgxpool.New(ctx, o.postgresURL)
		if err != nil {
			return nil, err
		}
		if _, err := pgstore.New(ctx, pool, pgstore.Config{Table: name}); err != nil {
			pool.Close()
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, _ = pool.Exec(ctx, "DROP TABLE IF EXISTS "+name)
			pool.Close()
		}, nil
	}
}

// childEnv, set in a process's environment, makes it a replica (serveReplica) rather than the
// soak; its value is the replica's options, as JSON.
const childEnv = "LEASESOAK_REPLICA"

// replicaOptions are what a replica process is given.
type replicaOptions struct {
	Store, RedisAddr, PostgresURL, Name string
	Index, Pool                         int
	Lease, HandlerTimeout, Work         time.Duration
	Trace                               bool
}

// span is one handler run, in Unix nanoseconds.
type span struct{ Start, End int64 }

// summary is what a replica reports once told to stop.
type summary struct {
	Runs   []span
	Errors []string
	Trace  []string
}

// replica is a running replica process.
type replica struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	url   string
}

// startReplica starts replica i of the run name and waits for its URL.
func startReplica(ctx context.Context, o options, name string, i int) (*replica, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(replicaOptions{Store: o.store, RedisAddr: o.redisAddr, PostgresURL: o.postgresURL, Name: name,
		Index: i, Pool: o.pool, Lease: o.lease, HandlerTimeout: o.handlerTimeout, Work: o.work, Trace: o.trace})
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), childEnv+"="+string(opts))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &replica{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	r.out.Buffer(nil, 16<<20)
	if !r.out.Scan() {
		r.kill()
		return nil, fmt.Errorf("replica %d did not start: %v", i, r.out.Err())
	}
	r.url, _ = strings.CutPrefix(r.out.Text(), "listening ")
	return r, nil
}

// finish tells the replica to stop and returns its summary.
func (r *replica) finish() (summary, error) {
	_ = r.stdin.Close()
	var sum summary
	if !r.out.Scan() {
		return sum, fmt.Errorf("replica gave no summary: %v", r.out.Err())
	}
	if err := json.Unmarshal(r.out.Bytes(), &sum); err != nil {
		return sum, fmt.Errorf("replica summary: %w", err)
	}
	return sum, r.cmd.Wait()
}

// kill ends a replica that has not finished.
func (r *replica) kill() {
	if r.cmd.ProcessState == nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
}

// maxOverlap is the most spans that cover one moment.
func maxOverlap(spans []span) int32 {
	type edge struct {
		t     int64
		delta int32
	}
	var edges []edge
	for _, s := range spans {
		edges = append(edges, edge{s.Start, 1}, edge{s.End, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if a.t != b.t {
			return cmp.Compare(a.t, b.t)
		}
		return cmp.Compare(a.delta, b.delta) // an end before a start at the same moment
	})
	var n, most int32
	for _, e := range edges {
		n += e.delta
		most = max(most, n)
	}
	return most
}

// serveReplica is a replica process: one receiver with its own client of the shared store, on
// loopback. It prints "listening <url>", serves until its standard input ends, then prints its
// summary as one JSON line.
func serveReplica(o replicaOptions) error {
	ctx := context.Background()
	var store idempotency.Store
	switch o.Store {
	case "redis":
		client := redis.NewClient(&redis.Options{Addr: o.RedisAddr, PoolSize: o.Pool})
		defer client.Close()
		s, err := redisstore.New(client, redisstore.Config{Prefix: o.Name + ":"})
		if err != nil {
			return err
		}
		store = s
	default:
		cfg, err := pgxpool.ParseConfig(o.PostgresURL)
		if err != nil {
			return err
		}
		if o.Pool > 0 {
			cfg.MaxConns = int32(o.Pool)
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return err
		}
		defer pool.Close()
		s, err := pgstore.New(ctx, pool, pgstore.Config{Table: o.Name, SkipMigrate: true})
		if err != nil {
			return err
		}
		store = s
	}
	tr := &tracer{start: time.Now()}
	if o.Trace {
		store = tracedStore{Store: store, t: tr, replica: o.Index}
	}
	var mu sync.Mutex
	var sum summary
	auth, err := verify.NewBearer(token)
	if err != nil {
		return err
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier:       auth,
		Store:          store,
		Lease:          o.Lease,
		HandlerTimeout: o.HandlerTimeout,
		Logger:         slog.New(slog.DiscardHandler),
		OnError: func(_ context.Context, _ receiver.Delivery, err error) {
			mu.Lock()
			sum.Errors = append(sum.Errors, err.Error())
			mu.Unlock()
		},
	})
	if err != nil {
		return err
	}
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, _ *record360.Inspection) error {
		s := span{Start: time.Now().UnixNano()}
		if o.Work > 0 {
			t := time.NewTimer(o.Work)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		}
		s.End = time.Now().UnixNano()
		mu.Lock()
		sum.Runs = append(sum.Runs, s)
		mu.Unlock()
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rx, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println("listening http://" + ln.Addr().String() + path)
	_, _ = io.Copy(io.Discard, os.Stdin)
	shut, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	mu.Lock()
	sum.Trace = tr.lines()
	line, err := json.Marshal(sum)
	mu.Unlock()
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}

// tracer records the store calls of the claims that won, by token, with their times since the
// replica started.
type tracer struct {
	start time.Time
	mu    sync.Mutex
	log   []string
}

func (t *tracer) add(replica int, op, token string, began time.Time, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log = append(t.log, fmt.Sprintf("replica %d %-8s %s at %6dms took %5dms err=%v", replica, op, token,
		began.Sub(t.start).Milliseconds(), time.Since(began).Milliseconds(), err))
}

func (t *tracer) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.log)
}

// tracedStore records Claims that won and every Renew, Complete and Release.
type tracedStore struct {
	idempotency.Store
	t       *tracer
	replica int
}

func (s tracedStore) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	began := time.Now()
	c, err := s.Store.Claim(ctx, key, lease)
	if err != nil || c.State == idempotency.Claimed {
		s.t.add(s.replica, "claim", c.Token, began, err)
	}
	return c, err
}

func (s tracedStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	began := time.Now()
	err := s.Store.Renew(ctx, key, token, lease)
	s.t.add(s.replica, "renew", token, began, err)
	return err
}

func (s tracedStore) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	began := time.Now()
	err := s.Store.Complete(ctx, key, token, retention)
	s.t.add(s.replica, "complete", token, began, err)
	return err
}

func (s tracedStore) Release(ctx context.Context, key, token string) error {
	began := time.Now()
	err := s.Store.Release(ctx, key, token)
	s.t.add(s.replica, "release", token, began, err)
	return err
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
