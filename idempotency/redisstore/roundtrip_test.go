package redisstore_test

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
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

// sentCommands counts, by name, the commands a client sends: the round trips. It is a
// redis.Hook.
type sentCommands struct {
	mu   sync.Mutex
	sent map[string]int
}

func (h *sentCommands) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *sentCommands) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.mu.Lock()
		h.sent[cmd.Name()]++
		h.mu.Unlock()
		return next(ctx, cmd)
	}
}

func (h *sentCommands) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.mu.Lock()
		for _, cmd := range cmds {
			h.sent[cmd.Name()]++
		}
		h.mu.Unlock()
		return next(ctx, cmds)
	}
}

// reset empties the counts.
func (h *sentCommands) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sent = map[string]int{}
}

// counts returns the counts since reset.
func (h *sentCommands) counts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.sent)
}

// commandStats returns the commands a server has run since its statistics were reset, by
// name, from INFO commandstats: calls plus rejected calls, each a round trip. It leaves out
// the INFO and CONFIG RESETSTAT of the measurement itself.
func commandStats(t *testing.T, client *redis.Client) map[string]int {
	t.Helper()
	info, err := client.Info(t.Context(), "commandstats").Result()
	require.NoError(t, err)
	stats := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		name, fields, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		name, isCmd := strings.CutPrefix(name, "cmdstat_")
		if !ok || !isCmd || name == "info" || strings.HasPrefix(name, "config") {
			continue
		}
		for _, f := range strings.Split(fields, ",") {
			k, v, _ := strings.Cut(f, "=")
			if k == "calls" || k == "rejected_calls" {
				n, err := strconv.Atoi(v)
				require.NoError(t, err, "INFO commandstats: %s", sc.Text())
				stats[name] += n
			}
		}
	}
	return stats
}

// TestRoundTripsPerDelivery counts the commands that new deliveries cost: a Claim and a
// Complete, one script each. It counts them twice: as the client sends them (a hook), and as a
// private redis-server runs them (INFO commandstats), where the commands the scripts call
// (TIME, GET, SET) are listed too, though they cost no round trip.
func TestRoundTripsPerDelivery(t *testing.T) {
	const n = 100
	srv := redistest.StartServer(t)
	// One connection, opened before the count starts, so that no handshake is counted.
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 1, DisableIdentity: true})
	t.Cleanup(func() { _ = client.Close() })
	sent := &sentCommands{sent: map[string]int{}}
	client.AddHook(sent)
	store, err := redisstore.New(client, redisstore.Config{})
	require.NoError(t, err)

	direct := func(t *testing.T, id string) {
		c, err := store.Claim(t.Context(), id, time.Minute)
		require.NoError(t, err)
		require.Equal(t, idempotency.Claimed, c.State)
		require.NoError(t, store.Complete(t.Context(), id, c.Token, time.Hour))
	}
	rx := newReceiver(t, receiver.Config{Store: store, Logger: discard()}, func(context.Context) error { return nil })
	auth := bearer(t)
	viaReceiver := func(t *testing.T, id string) {
		w := webhooktest.Replay(t, rx, "/", eventBody(id), auth)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}

	for _, c := range []struct {
		name    string
		deliver func(t *testing.T, id string)
	}{
		{"Store", direct},
		{"Receiver", viaReceiver},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The first delivery after the script cache is emptied (a new or restarted server)
			// loads each script: EVALSHA answers NOSCRIPT, then EVAL.
			require.NoError(t, client.ScriptFlush(t.Context()).Err())
			require.NoError(t, client.ConfigResetStat(t.Context()).Err())
			sent.reset()
			c.deliver(t, c.name+"_first")
			sentFirst := sent.counts()
			t.Logf("first delivery after SCRIPT FLUSH: sent %v; server ran %v", sentFirst, commandStats(t, client))
			assert.Equal(t, map[string]int{"evalsha": 2, "eval": 2}, sentFirst)

			require.NoError(t, client.ConfigResetStat(t.Context()).Err())
			sent.reset()
			for i := range n {
				c.deliver(t, fmt.Sprintf("%s_%d", c.name, i))
			}
			sentNow, ran := sent.counts(), commandStats(t, client)
			total := 0
			for _, k := range sentNow {
				total += k
			}
			t.Logf("%d new deliveries: sent %v, %.2f round trips per delivery; server ran %v", n, sentNow, float64(total)/n, ran)
			assert.Equal(t, map[string]int{"evalsha": 2 * n}, sentNow, "one EVALSHA to claim, one to complete")
			assert.LessOrEqual(t, total, 2*n, "at most 2 round trips per new delivery")
			assert.Equal(t, 2*n, ran["evalsha"], "the server ran what was sent")
			for name := range ran {
				assert.Contains(t, []string{"evalsha", "time", "get", "set"}, name, "the server ran no other command but those of the scripts")
			}
		})
	}
}
