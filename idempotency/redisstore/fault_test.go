package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
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

// TestRedisDownAndBack kills a private redis-server under a receiver while it runs, then
// starts it again on the same port. Deliveries during the outage get 503 with Retry-After and
// run nothing; their retries after the restart run once; no event's handler runs twice.
//
// After the restart the test waits for the client to reconnect, as a sender's retry would
// come later. The private server keeps nothing on disk, so the restart forgets what was done before it.
// The events acknowledged before the outage are therefore not delivered again after it, as a
// sender that got its 200 would not; a Redis whose done keys must survive a restart needs
// persistence (appendonly yes).
func TestRedisDownAndBack(t *testing.T) {
	srv := redistest.StartServer(t)
	client := redis.NewClient(&redis.Options{
		Addr:            srv.Addr(),
		DialTimeout:     time.Second,
		MaxRetries:      1,
		MaxRetryBackoff: 20 * time.Millisecond,
		// Fail fast while the server is down: by default the client dials 5 times, 100 ms
		// apart, per attempt, so each 503 would take about a second.
		DialerRetries:      1,
		DialerRetryTimeout: 10 * time.Millisecond,
	})
	t.Cleanup(func() { _ = client.Close() })
	store, err := redisstore.New(client, redisstore.Config{})
	require.NoError(t, err)

	var ran runs
	var errs errorLog
	started, finish := make(chan struct{}), make(chan struct{})
	rx := newReceiver(t, receiver.Config{Store: store, Logger: webhooktest.Logger(t), OnError: errs.onError},
		func(ctx context.Context) error {
			id := receiver.FromContext(ctx).EventID
			ran.add(id)
			if id == "running" {
				close(started)
				<-finish // Redis is killed while this handler runs
			}
			return nil
		})
	auth := bearer(t)
	deliver := func(t *testing.T, id string) *http.Response {
		t.Helper()
		return webhooktest.Replay(t, rx, "/", eventBody(id), auth).Result()
	}
	ids := func(prefix string) []string {
		out := make([]string, 10)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}

	for _, step := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"Up", func(t *testing.T) {
			for _, id := range ids("before_") {
				assert.Equal(t, http.StatusOK, deliver(t, id).StatusCode, id)
			}
			for _, id := range ids("before_") {
				resp := deliver(t, id)
				assert.Equal(t, http.StatusOK, resp.StatusCode, "%s again: a duplicate", id)
			}
		}},
		{"KilledWhileAHandlerRuns", func(t *testing.T) {
			status := make(chan int, 1)
			go func() { status <- webhooktest.Replay(t, rx, "/", eventBody("running"), auth).Code }()
			within(t, started, 10*time.Second, "the handler to start")
			srv.Kill()
			close(finish)
			// The handler's answer stands; its Complete failed and was reported.
			assert.Equal(t, http.StatusOK, within(t, status, 10*time.Second, "the response"))
		}},
		{"Down", func(t *testing.T) {
			for _, id := range ids("during_") {
				resp := deliver(t, id)
				assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, id)
				assert.Equal(t, "60", resp.Header.Get("Retry-After"), id)
			}
		}},
		{"Restarted", func(t *testing.T) {
			srv.Start()
			// After failed dials the client answers with its last dial error until its own
			// background dial succeeds, up to a second later: the receiver answers 503 until
			// then, as it would for the outage itself.
			redistest.WaitFor(t, 10*time.Second, "the client to reconnect", func() bool {
				return client.Ping(t.Context()).Err() == nil
			})
			for _, id := range ids("during_") {
				assert.Equal(t, http.StatusOK, deliver(t, id).StatusCode, "%s retried: processed", id)
			}
			for _, id := range ids("during_") {
				assert.Equal(t, http.StatusOK, deliver(t, id).StatusCode, "%s again: a duplicate", id)
			}
			for _, id := range ids("after_") {
				assert.Equal(t, http.StatusOK, deliver(t, id).StatusCode, id)
			}
		}},
	} {
		if !t.Run(step.name, step.run) {
			t.FailNow()
		}
	}

	want := map[string]int{"running": 1}
	for _, prefix := range []string{"before_", "during_", "after_"} {
		for _, id := range ids(prefix) {
			want[id] = 1
		}
	}
	assert.Equal(t, want, ran.counts(), "every event ran once; none twice, none during the outage")

	var claims, completes int
	for _, err := range errs.all() {
		switch {
		case errors.Is(err, idempotency.ErrUnavailable):
			claims++
		case errors.Is(err, idempotency.ErrLeaseLost):
			t.Errorf("a lease was lost: %v", err)
		default:
			completes++
		}
	}
	assert.Equal(t, 10, claims, "one claim error per delivery during the outage: %v", errs.all())
	assert.Equal(t, 1, completes, "the Complete of the handler that ran through the kill: %v", errs.all())
}
