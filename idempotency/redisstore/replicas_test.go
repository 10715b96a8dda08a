package redisstore_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/webhooktest"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

// deliveries is how many identical deliveries race across the replicas.
const deliveries = 1000

// renewSignal is a Store that signals each successful lease renewal.
type renewSignal struct {
	*redisstore.Store
	renewals chan<- struct{}
}

func (s renewSignal) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	err := s.Store.Renew(ctx, key, token, lease)
	if err == nil {
		select {
		case s.renewals <- struct{}{}:
		default:
		}
	}
	return err
}

var _ idempotency.Store = renewSignal{}

// TestReplicas runs three receivers, each its own HTTP server with its own Redis client,
// sharing the shared Redis under one prefix, and sends 1,000 identical signed deliveries at
// once, spread across them: the handler runs once. With a handler that outlives two of its
// leases, the renewals keep the key held: one run still, never two at once.
func TestReplicas(t *testing.T) {
	// A lease long enough that a loaded machine, the race detector on, does not delay a
	// renewal by a whole lease: each renewal may take until the lease would lapse, seconds.
	const lease = 3 * time.Second
	for _, c := range []struct {
		name string
		cfg  receiver.Config
		// poolSize is each replica's Redis pool: large enough that no claim waits long for a
		// connection (the client's PoolTimeout is 4 s), 0 for the client's default.
		poolSize int
		// conns bounds the connections, and so the requests served at once, per replica; 0
		// for no bound.
		conns int
		// work is what the handler does once it runs; renewals delivers the lease renewals.
		work func(t *testing.T, renewals <-chan struct{})
	}{
		{
			name:     "Fast",
			poolSize: deliveries / 2,
			work:     func(*testing.T, <-chan struct{}) {},
		},
		{
			name: "TwiceTheLease",
			cfg:  receiver.Config{Lease: lease, HandlerTimeout: lease / 3},
			// 16 connections per replica keep the load on the store rather than on the
			// scheduler of one process on two cores serving 1,000 requests at once.
			conns: 16,
			work: func(t *testing.T, renewals <-chan struct{}) {
				// Renewals come every third of the lease: six of them span two leases.
				for i := range 6 {
					select {
					case <-renewals:
					case <-time.After(10 * time.Second):
						t.Errorf("renewal %d did not come", i+1)
						return
					}
				}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			prefix := redistest.Prefix(t, redistest.Shared(t))
			renewals := make(chan struct{}, 64)
			var calls, running, maxRunning atomic.Int32
			var errs errorLog
			handle := func(context.Context) error {
				calls.Add(1)
				n := running.Add(1)
				defer running.Add(-1)
				for m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n); m = maxRunning.Load() {
				}
				c.work(t, renewals)
				return nil
			}
			var urls []string
			for range 3 {
				rc := redistest.Client(t, &redis.Options{Addr: redistest.Addr(), PoolSize: c.poolSize})
				store, err := redisstore.New(rc, redisstore.Config{Prefix: prefix})
				require.NoError(t, err)
				cfg := c.cfg
				cfg.Store, cfg.Logger, cfg.OnError = renewSignal{store, renewals}, discard(), errs.onError
				srv := httptest.NewServer(newReceiver(t, cfg, handle))
				t.Cleanup(srv.Close)
				urls = append(urls, srv.URL)
			}
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: deliveries, MaxConnsPerHost: c.conns}}
			t.Cleanup(hc.CloseIdleConnections)
			body := eventBody("evt_replicas_" + c.name)

			statuses := sendAll(t, hc, urls, body)
			t.Logf("statuses: %v", statuses)
			assert.Equal(t, int32(1), calls.Load(), "one handler call: %v", statuses)
			assert.Equal(t, int32(1), maxRunning.Load(), "never two at once")
			assert.Equal(t, deliveries, statuses[http.StatusOK]+statuses[http.StatusConflict],
				"every delivery answered 200 (run or duplicate) or 409 (in flight): %v", statuses)
			assert.Empty(t, errs.all(), "no store error, no lease lost")

			// Afterwards every replica knows the event is done.
			for _, url := range urls {
				status, text := send(t, hc, url, body)
				assert.Equal(t, http.StatusOK, status)
				assert.Equal(t, "ok: already received\n", text)
			}
			assert.Equal(t, int32(1), calls.Load())
		})
	}
}

// sendAll sends body to urls, deliveries times in all, round robin, all at once, and counts
// the statuses.
func sendAll(t *testing.T, hc *http.Client, urls []string, body []byte) map[int]int {
	t.Helper()
	auth := bearer(t)
	start := make(chan struct{})
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range deliveries {
		wg.Go(func() {
			<-start
			resp, err := webhooktest.Send(t.Context(), hc, urls[i%len(urls)], body, auth)
			if !assert.NoError(t, err) {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// send sends one delivery and returns its status and body.
func send(t *testing.T, hc *http.Client, url string, body []byte) (int, string) {
	t.Helper()
	resp, err := webhooktest.Send(t.Context(), hc, url, body, bearer(t))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}
