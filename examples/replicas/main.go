// Command replicas runs two replicas of one SafetyCulture receiver that share one Redis, the
// way a service behind a load balancer does, and shows what sharing buys:
//
//	go run ./examples/replicas            # Redis at 127.0.0.1:6379, or REDIS_ADDR
//
// Each replica is its own http.Server on loopback with its own Redis client, idempotency store
// (idempotency/redisstore) and rate limiter (ratelimit/redislimit); only Redis is shared. The
// program then, acting as SafetyCulture:
//
//  1. sends a delivery to replica A, which handles it;
//  2. sends the provider's retry of it to replica B, which answers "already received" without
//     running the handler: the retry landed elsewhere and still ran nothing twice;
//  3. sends 40 identical copies of a new delivery to both replicas at once: one handler run;
//  4. sends a burst of new deliveries alternating between the replicas: the rate limit is one
//     limit for the service, not one per replica.
//
// Keys live under a prefix of their own for each run, so the program can be run again; a
// deployment uses one fixed prefix. It exits 0 when every answer was the one expected, 1
// otherwise, and stops by itself.
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

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/ratelimit/redislimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const (
	// burstLimit is the shared limit of the burst in step 4: that many at once, then one a
	// second, for the whole service.
	burstLimit = 4
	burstSize  = 12
	copies     = 40
)

func main() {
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	flag.StringVar(&addr, "redis", addr, "Redis address (host:port)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, addr, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "replicas:", err)
		os.Exit(1)
	}
}

// replica is one instance of the service: its own server, client, store and limiters. It
// serves /webhooks/safetyculture, and /limited/safetyculture under a tight limit for step 4.
type replica struct {
	name   string
	url    string
	client *redis.Client
	rxs    []*receiver.Receiver
	srv    *http.Server
}

// handled counts handler runs, by replica.
type handled struct {
	mu   sync.Mutex
	runs map[string]int
}

func (h *handled) add(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.runs[name]++
}

func (h *handled) total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, v := range h.runs {
		n += v
	}
	return n
}

func startReplica(name, addr, prefix string, auth *verify.HMAC, runs *handled) (*replica, error) {
	client := redis.NewClient(&redis.Options{Addr: addr})
	r := &replica{name: name, client: client}
	// Every replica's store uses the same prefix: they share their keys.
	store, err := redisstore.New(client, redisstore.Config{Prefix: prefix + "idem:"})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, route := range []struct {
		path  string
		rate  rate.Limit
		burst int
	}{
		{"/webhooks/safetyculture", 100, 200}, // a production-like limit per client address
		{"/limited/safetyculture", 1, burstLimit},
	} {
		// And the same rate-limit prefix: one limit for the service.
		limiter, err := redislimit.New(client, redislimit.Config{
			Rate:       route.rate,
			Burst:      route.burst,
			Prefix:     prefix + "rate" + route.path + ":",
			FailClosed: true, // Redis down: 503, the provider retries
		})
		if err != nil {
			return nil, err
		}
		rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
			Verifier: auth,
			Store:    store,
			Limiter:  limiter,
			Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			return nil, err
		}
		receiver.Handle(rx, safetyculture.ActionCreated, func(context.Context, *safetyculture.ActionEvent) error {
			runs.add(name)
			return nil
		})
		r.rxs = append(r.rxs, rx)
		mux.Handle("POST "+route.path, rx)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	r.url = "http://" + ln.Addr().String()
	return r, nil
}

func (r *replica) close() {
	_ = r.srv.Close()
	for _, rx := range r.rxs {
		_ = rx.Close()
	}
	_ = r.client.Close()
}

// event returns the fixture's action.created delivery as the n-th new event: SafetyCulture's
// idempotency key includes event.date_triggered, so each n is an event of its own.
func event(fixture []byte, run string, n int) []byte {
	when := fmt.Sprintf(`"date_triggered": "2024-06-03T01:%02d:%02dZ"`, n/60%60, n%60)
	body := bytes.Replace(fixture, []byte(`"date_triggered": "2024-06-03T01:12:45Z"`), []byte(when), 1)
	// The run's own resource id keeps events of different runs apart too.
	return bytes.Replace(body, []byte(`"id": "d6658a5a-`), []byte(`"id": "`+run+`-`), 1)
}

// send posts body to url, signed as SafetyCulture signs, and returns the status and answer.
func send(ctx context.Context, url string, body []byte, auth verify.Signer) (int, string, error) {
	resp, err := webhooktest.Send(ctx, nil, url, body, auth)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}

func run(ctx context.Context, addr string, out io.Writer) error {
	probe := redis.NewClient(&redis.Options{Addr: addr})
	err := probe.Ping(ctx).Err()
	_ = probe.Close()
	if err != nil {
		return fmt.Errorf("no Redis at %s: %w (start one, or set REDIS_ADDR)", addr, err)
	}
	runID := strings.ToLower(rand.Text()[:8])
	prefix := "inspecthook-example:" + runID + ":"
	auth, err := verify.NewHMAC(verify.SafetyCulture(rand.Text())) // demo-only secret
	if err != nil {
		return err
	}
	fixture, err := fs.ReadFile(inspecthook.Fixtures(), "safetyculture/newer_action_created.json")
	if err != nil {
		return err
	}
	runs := &handled{runs: map[string]int{}}
	var replicas []*replica
	defer func() {
		for _, r := range replicas {
			r.close()
		}
	}()
	for _, name := range []string{"A", "B"} {
		r, err := startReplica(name, addr, prefix, auth, runs)
		if err != nil {
			return err
		}
		replicas = append(replicas, r)
	}
	a, b := replicas[0], replicas[1]
	fmt.Fprintf(out, "two replicas of one SafetyCulture receiver, sharing Redis at %s under %q\n", addr, prefix)
	fmt.Fprintf(out, "  replica A: %s\n  replica B: %s\n\n", a.url, b.url)

	var failures []string
	expect := func(what string, ok bool) {
		mark := "ok"
		if !ok {
			mark = "UNEXPECTED"
			failures = append(failures, what)
		}
		fmt.Fprintf(out, "   %s: %s\n", mark, what)
	}

	// 1 and 2: a delivery, and its retry on the other replica.
	first := event(fixture, runID, 1)
	status, answer, err := send(ctx, a.url+"/webhooks/safetyculture", first, auth)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "1. a delivery to replica A -> %d %s\n", status, answer)
	expect("A ran the handler", status == http.StatusOK && runs.total() == 1)
	status, answer, err = send(ctx, b.url+"/webhooks/safetyculture", first, auth)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "2. SafetyCulture's retry of it, landing on replica B -> %d %s\n", status, answer)
	expect("B knew it was done: no second run", status == http.StatusOK && answer == "ok: already received" && runs.total() == 1)

	// 3: identical copies at once, spread over both replicas.
	copyBody := event(fixture, runID, 2)
	var statuses sync.Map
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range copies {
		target := replicas[i%2]
		wg.Go(func() {
			st, _, err := send(ctx, target.url+"/webhooks/safetyculture", copyBody, auth)
			if err != nil {
				failed.Add(1)
				return
			}
			n, _ := statuses.LoadOrStore(st, new(atomic.Int32))
			n.(*atomic.Int32).Add(1)
		})
	}
	wg.Wait()
	var counts []string
	statuses.Range(func(k, v any) bool {
		counts = append(counts, fmt.Sprintf("%d x %d", v.(*atomic.Int32).Load(), k))
		return true
	})
	slices.Sort(counts)
	fmt.Fprintf(out, "3. %d identical copies of a new delivery, half to A, half to B, at once -> %s\n", copies, strings.Join(counts, ", "))
	// A copy that arrives while the first is being handled gets 409 (retry later); the others
	// come after it was done and get 200 without a run.
	answered := 0
	for _, st := range []int{http.StatusOK, http.StatusConflict} {
		if n, ok := statuses.Load(st); ok {
			answered += int(n.(*atomic.Int32).Load())
		}
	}
	expect("one handler run for all of them; each copy answered 200, or 409 while the first ran",
		failed.Load() == 0 && runs.total() == 2 && answered == copies)

	// 4: the shared rate limit.
	accepted, limited := 0, 0
	for i := range burstSize {
		st, _, err := send(ctx, replicas[i%2].url+"/limited/safetyculture", event(fixture, runID, 10+i), auth)
		if err != nil {
			return err
		}
		switch st {
		case http.StatusOK:
			accepted++
		case http.StatusTooManyRequests:
			limited++
		}
	}
	fmt.Fprintf(out, "4. a burst of %d new deliveries, alternating A and B, under a shared limit of %d at once -> %d accepted, %d refused with 429\n",
		burstSize, burstLimit, accepted, limited)
	// The burst may gain a token or two while it is sent (one a second).
	expect("one limit for the service, not one per replica", accepted >= burstLimit && accepted <= burstLimit+2 && accepted+limited == burstSize)

	fmt.Fprintf(out, "\nhandler runs: A %d, B %d\n", runs.runs["A"], runs.runs["B"])
	if len(failures) > 0 {
		return errors.New("unexpected: " + strings.Join(failures, "; "))
	}
	return nil
}
