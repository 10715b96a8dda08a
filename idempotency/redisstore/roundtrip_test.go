package redisstore_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/webhooktest"
)

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

// TestRoundTripsPerDelivery counts, with INFO commandstats on a private redis-server, the
// commands that new deliveries cost: a Claim and a Complete, one script each.
func TestRoundTripsPerDelivery(t *testing.T) {
	const n = 100
	srv := startRedis(t)
	// One connection, opened before the count starts, so that no handshake is counted.
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), PoolSize: 1, DisableIdentity: true})
	t.Cleanup(func() { _ = client.Close() })
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
			c.deliver(t, c.name+"_first")
			first := commandStats(t, client)
			t.Logf("first delivery after SCRIPT FLUSH: %v", first)
			assert.Equal(t, map[string]int{"evalsha": 2, "eval": 2}, first)

			require.NoError(t, client.ConfigResetStat(t.Context()).Err())
			for i := range n {
				c.deliver(t, fmt.Sprintf("%s_%d", c.name, i))
			}
			stats := commandStats(t, client)
			total := 0
			for _, calls := range stats {
				total += calls
			}
			t.Logf("%d new deliveries: %v, %.2f commands per delivery", n, stats, float64(total)/n)
			assert.Equal(t, map[string]int{"evalsha": 2 * n}, stats, "one EVALSHA to claim, one to complete")
			assert.LessOrEqual(t, total, 2*n, "at most 2 commands per new delivery")
		})
	}
}
