// Command limitaccuracy measures how closely replicas sharing a Redis rate limit keep to it: it
// serves -replicas HTTP servers on loopback, each a handler behind ratelimit.Middleware with its
// own redislimit.Limiter on its own Redis client, all on one bucket (ratelimit.Global) under a
// fresh prefix; sends -load requests a second, spread over the servers in turn, for -duration;
// and prints how many were accepted against what the limit allows over the time the limiters
// decided, from the first decision to the last: -burst plus -rate a second. (The decisions, not
// the sends, make the window: a loaded machine answers late, and a request decided after the
// last one was sent still finds the tokens that arrived in between.) It stops by itself within -timeout and deletes its key.
//
//	go run ./cmd/internal/limitaccuracy -rate 50 -burst 50 -load 500 -duration 10s
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/ratelimit/redislimit"
)

// maxRequests bounds a run.
const maxRequests = 1_000_000

// options are the command's flags.
type options struct {
	redisAddr string
	replicas  int
	rate      float64
	burst     int
	load      float64
	duration  time.Duration
	timeout   time.Duration
}

// result is what a run measured.
type result struct {
	Sent       int           // requests sent
	Sending    time.Duration // from the first request sent to the last
	Window     time.Duration // from the first decision to the last
	Accepted   int           // answered 204
	PerReplica []int         // accepted, by server
	Refused    int           // answered 429
	Failed     int           // anything else: transport errors, 503
	Expected   float64       // burst + rate × Window
	ErrorPct   float64       // (Accepted - Expected) / Expected, in %
}

func main() {
	addr := os.Getenv("INSPECTHOOK_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	var o options
	flag.StringVar(&o.redisAddr, "redis", addr, "Redis address (default $INSPECTHOOK_REDIS_ADDR or 127.0.0.1:6379)")
	flag.IntVar(&o.replicas, "replicas", 3, "servers, each with its own limiter and Redis client")
	flag.Float64Var(&o.rate, "rate", 50, "limit: tokens a second")
	flag.IntVar(&o.burst, "burst", 50, "limit: bucket size")
	flag.Float64Var(&o.load, "load", 500, "requests a second, over all the servers")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long to send")
	flag.DurationVar(&o.timeout, "timeout", 0, "give up after this long (default duration + 30s)")
	flag.Parse()
	if o.timeout == 0 {
		o.timeout = o.duration + 30*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if _, err := run(ctx, os.Stdout, o); err != nil {
		log.Fatal(err)
	}
}

// run does one measurement and prints its figures to out.
func run(ctx context.Context, out io.Writer, o options) (result, error) {
	n := int(o.load * o.duration.Seconds())
	switch {
	case o.replicas < 1:
		return result{}, fmt.Errorf("limitaccuracy: -replicas %d is under 1", o.replicas)
	case !(o.load > 0) || n < 2:
		return result{}, fmt.Errorf("limitaccuracy: -load %v for -duration %v is under 2 requests", o.load, o.duration)
	case n > maxRequests:
		return result{}, fmt.Errorf("limitaccuracy: -load %v for -duration %v is over %d requests", o.load, o.duration, maxRequests)
	}

	prefix := "inspecthook-limitaccuracy:" + rand.Text() + ":"
	decisions := &window{}
	urls := make([]string, o.replicas)
	for i := range urls {
		client := redis.NewClient(&redis.Options{Addr: o.redisAddr})
		defer client.Close()
		if err := client.Ping(ctx).Err(); err != nil {
			return result{}, fmt.Errorf("limitaccuracy: Redis at %s: %w", o.redisAddr, err)
		}
		if i == 0 {
			defer func() {
				// The one bucket's key; it would expire by itself once the bucket refilled.
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_ = client.Del(ctx, "rate:"+prefix).Err()
			}()
		}
		lim, err := redislimit.New(client, redislimit.Config{
			Rate:       rate.Limit(o.rate),
			Burst:      o.burst,
			Bucket:     ratelimit.Global,
			Prefix:     prefix,
			FailClosed: true,
		})
		if err != nil {
			return result{}, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return result{}, err
		}
		srv := &http.Server{
			Handler: ratelimit.Middleware(timed{lim, decisions})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			})),
			ReadHeaderTimeout: 5 * time.Second,
		}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		urls[i] = "http://" + ln.Addr().String() + "/webhooks"
	}

	res, err := drive(ctx, urls, o.load, n)
	if err != nil {
		return res, err
	}
	if res.Failed > 0 {
		err = fmt.Errorf("limitaccuracy: %d requests failed", res.Failed)
	}
	res.Window = decisions.length()
	res.Expected = float64(o.burst) + o.rate*res.Window.Seconds()
	res.ErrorPct = (float64(res.Accepted) - res.Expected) / res.Expected * 100
	per := make([]string, len(res.PerReplica))
	for i, a := range res.PerReplica {
		per[i] = fmt.Sprint(a)
	}
	fmt.Fprintf(out, "%d replicas on one Redis bucket, rate %v/s, burst %d\n", o.replicas, o.rate, o.burst)
	fmt.Fprintf(out, "sent %d requests in %v (%.1f/s), decided in %v\n", res.Sent, res.Sending.Round(time.Millisecond),
		float64(res.Sent-1)/res.Sending.Seconds(), res.Window.Round(time.Millisecond))
	fmt.Fprintf(out, "accepted %d (per replica %s), refused %d, failed %d\n", res.Accepted, strings.Join(per, " "), res.Refused, res.Failed)
	fmt.Fprintf(out, "expected %.1f (burst %d + %v/s × %.3fs): error %+.2f%%\n", res.Expected, o.burst, o.rate, res.Window.Seconds(), res.ErrorPct)
	return res, err
}

// drive sends n requests at load a second, to urls in turn, each from its own goroutine at its
// time, and counts the answers.
func drive(ctx context.Context, urls []string, load float64, n int) (result, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	interval := time.Duration(float64(time.Second) / load)

	var (
		mu  sync.Mutex
		res = result{PerReplica: make([]int, len(urls))}
		wg  sync.WaitGroup
	)
	send := func(i int) {
		status := 0
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, urls[i%len(urls)], nil)
		if err == nil {
			var resp *http.Response
			if resp, err = client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				status = resp.StatusCode
			}
		}
		mu.Lock()
		defer mu.Unlock()
		switch status {
		case http.StatusNoContent:
			res.Accepted++
			res.PerReplica[i%len(urls)]++
		case http.StatusTooManyRequests:
			res.Refused++
		default:
			res.Failed++
		}
	}

	timer := time.NewTimer(0)
	defer timer.Stop()
	var first, last time.Time
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				wg.Wait()
				return res, fmt.Errorf("limitaccuracy: stopped after %d requests: %w", i, ctx.Err())
			}
		}
		last = time.Now()
		if i == 0 {
			first = last
		}
		wg.Go(func() { send(i) })
	}
	wg.Wait()
	res.Sent, res.Sending = n, last.Sub(first)
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("limitaccuracy: %w", err)
	}
	return res, nil
}

// window is the span of the decisions: from the first to the last, each taken at the middle of
// its Allow call (a round trip to Redis, where the decision is made). Safe for concurrent use.
type window struct {
	mu          sync.Mutex
	first, last time.Time
}

func (w *window) add(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first.IsZero() || t.Before(w.first) {
		w.first = t
	}
	if t.After(w.last) {
		w.last = t
	}
}

func (w *window) length() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last.Sub(w.first)
}

// timed is a limiter that adds the time of each decision to a window.
type timed struct {
	limiter ratelimit.Allower
	window  *window
}

func (t timed) Allow(r *http.Request) (bool, time.Duration, error) {
	start := time.Now()
	ok, retryAfter, err := t.limiter.Allow(r)
	t.window.add(start.Add(time.Since(start) / 2))
	return ok, retryAfter, err
}
