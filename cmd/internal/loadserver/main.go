// Command loadserver serves, on loopback, either a bare handler that reads the body and answers
// 200 (-mode bare) or the whole SafetyCulture receiver (-mode full: rate limit, HMAC
// verification, decoding, the in-memory store and a no-op typed handler), for a load tool such
// as wrk to compare the two. The receiver takes its idempotency key from the header named by
// -key-header, so a load tool makes every request a new event by sending a new value each
// time; both modes are given the same request: SafetyCulture's legacy inspection fixture,
// signed as SafetyCulture signs it, with an API key in X-Load-Key. SafetyCulture's HMAC signs
// the body alone, so the receiver trusts the key header only because the API key
// authenticates the sender (the verifier is the HMAC and the API key, both checked).
//
// It prints the URL and the headers of a valid request, writes a wrk script that sends it with a
// new key each time to the path given by -lua, and stops by itself after -duration, printing
// how the requests were answered. See README.md for the wrk commands.
//
//	GOMAXPROCS=1 go run ./cmd/internal/loadserver -mode full -lua /tmp/sc.lua
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const (
	fixture = "safetyculture/legacy_inspection_started.json"
	secret  = "loadserver-secret"
	path    = "/webhooks/safetyculture"

	// apiKeyHeader carries apiKey, which authenticates the load tool, and with it the key header.
	apiKeyHeader = "X-Load-Key"
	apiKey       = "loadserver-key"
)

type options struct {
	mode       string
	addr       string
	duration   time.Duration
	lua        string
	keyHeader  string
	cpuProfile string
	logLines   bool
}

func main() {
	var o options
	flag.StringVar(&o.mode, "mode", "full", "bare: read the body and answer 200; full: the SafetyCulture receiver")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8090", "address to listen on (loopback)")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "stop after this long")
	flag.StringVar(&o.lua, "lua", "", "write a wrk script sending the request, a new key each time, to this path")
	flag.StringVar(&o.keyHeader, "key-header", "Webhook-Id", "the receiver's IdempotencyKeyHeader")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run to this path")
	flag.BoolVar(&o.logLines, "log", false, "log one line per delivery to stderr (full mode; off: discarded)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, o, nil); err != nil {
		log.Fatal(err)
	}
}

// run serves until ctx ends or o.duration has passed. When ready is not nil it receives the
// URL once the server listens.
func run(ctx context.Context, out io.Writer, o options, ready chan<- string) error {
	if o.mode != "bare" && o.mode != "full" {
		return fmt.Errorf("loadserver: -mode %q: want bare or full", o.mode)
	}
	body, err := fs.ReadFile(inspecthook.Fixtures(), fixture)
	if err != nil {
		return err
	}
	auth, err := verify.NewHMAC(verify.SafetyCulture(secret))
	if err != nil {
		return err
	}
	sig := auth.Signature("", body)

	var c counts
	var h http.Handler
	switch o.mode {
	case "bare":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			w.WriteHeader(http.StatusOK)
			c.add(http.StatusOK, false)
		})
	case "full":
		rx, err := newReceiver(auth, o, &c)
		if err != nil {
			return err
		}
		defer rx.Close()
		h = rx
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String() + path
	mux := http.NewServeMux()
	mux.Handle("POST "+path, h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	fmt.Fprintf(out, "loadserver: mode %s, GOMAXPROCS %d, %s for %s\n", o.mode, runtime.GOMAXPROCS(0), url, o.duration)
	fmt.Fprintf(out, "POST %s\nContent-Type: application/json\nX-Safetyculture-Signature: %s\n%s: %s\n%s: <a new value for each request>\n(body: %s, %d bytes)\n",
		url, sig, apiKeyHeader, apiKey, o.keyHeader, fixture, len(body))
	if o.lua != "" {
		if err := os.WriteFile(o.lua, []byte(wrkScript(body, sig, o.keyHeader)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrk script: %s\n", o.lua)
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready <- url
	}
	start, cpu0 := time.Now(), cpuTime()
	timer := time.NewTimer(o.duration)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	case err := <-errc:
		return err
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	fmt.Fprintf(out, "loadserver: stopped after %s; answered %s\n", time.Since(start).Round(time.Millisecond), c.String())
	if n := c.total(); n > 0 && cpuTime() > 0 {
		// Under a load tool that keeps the server busy, requests per second are 1 / this: a
		// figure that other processes on the machine disturb less than the rate.
		used := cpuTime() - cpu0
		fmt.Fprintf(out, "loadserver: CPU %s (user+system), %.2f µs per request\n",
			used.Round(time.Millisecond), float64(used.Nanoseconds())/float64(n)/1e3)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newReceiver is the full stack: a limiter that never refuses, HMAC verification, decoding,
// the in-memory store, a no-op handler; each outcome counted.
func newReceiver(auth *verify.HMAC, o options, c *counts) (*receiver.Receiver, error) {
	lim, err := ratelimit.New(ratelimit.Config{Rate: 1e9, Burst: 1 << 30})
	if err != nil {
		return nil, err
	}
	key, err := verify.NewAPIKey(apiKeyHeader, apiKey)
	if err != nil {
		return nil, err
	}
	both, err := verify.All(key, auth)
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.DiscardHandler)
	if o.logLines {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
		Verifier:             both,
		Limiter:              lim,
		IdempotencyKeyHeader: o.keyHeader,
		Logger:               logger,
		Observer:             func(_ context.Context, out receiver.Outcome) { c.add(out.Status, out.Duplicate) },
	})
	if err != nil {
		return nil, err
	}
	receiver.Handle(rx, safetyculture.InspectionStarted, func(context.Context, *safetyculture.InspectionEvent) error { return nil })
	return rx, nil
}

// wrkScript is a wrk script that posts body with its signature and a new value of keyHeader
// for each request: a new event each time, for this run of wrk.
func wrkScript(body []byte, sig, keyHeader string) string {
	return fmt.Sprintf(`-- Written by cmd/internal/loadserver: the SafetyCulture fixture %s, signed, with a new
-- %s for each request, so that each one is a new event for the receiver.
wrk.method = "POST"
wrk.body = [==[%s]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Safetyculture-Signature"] = "%s"
wrk.headers["%s"] = "%s"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local prefix, counter
function init(args)
  math.randomseed(os.time())
  prefix = string.format("evt-%%d-%%d-%%d-", os.time(), math.random(1000000000), tid or 0)
  counter = 0
end

function request()
  counter = counter + 1
  wrk.headers["%s"] = prefix .. counter
  return wrk.format()
end
`, fixture, keyHeader, body, sig, apiKeyHeader, apiKey, keyHeader)
}

// counts counts the answers by status, duplicates apart.
type counts struct {
	mu         sync.Mutex
	byStatus   map[int]int64
	duplicates atomic.Int64
}

func (c *counts) add(status int, duplicate bool) {
	if duplicate {
		c.duplicates.Add(1)
	}
	c.mu.Lock()
	if c.byStatus == nil {
		c.byStatus = map[int]int64{}
	}
	c.byStatus[status]++
	c.mu.Unlock()
}

func (c *counts) total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var n int64
	for _, v := range c.byStatus {
		n += v
	}
	return n
}

func (c *counts) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var statuses []int
	var total int64
	for s, n := range c.byStatus {
		statuses = append(statuses, s)
		total += n
	}
	sort.Ints(statuses)
	parts := []string{fmt.Sprintf("%d requests", total)}
	for _, s := range statuses {
		parts = append(parts, fmt.Sprintf("%d: %d", s, c.byStatus[s]))
	}
	parts = append(parts, fmt.Sprintf("duplicates: %d", c.duplicates.Load()))
	return strings.Join(parts, ", ")
}
