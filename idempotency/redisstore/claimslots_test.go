package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/internal/redistest"
)

// held marks the context of a call the hook holds back.
type held struct{}

// holdingHook holds back every command whose context is marked held until release is closed,
// counting how many it holds at once.
type holdingHook struct {
	release       chan struct{}
	entered       chan struct{}
	holding, most atomic.Int32
}

func (h *holdingHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *holdingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (h *holdingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if ctx.Value(held{}) != nil {
			n := h.holding.Add(1)
			for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
			}
			h.entered <- struct{}{}
			<-h.release
			h.holding.Add(-1)
		}
		return next(ctx, cmd)
	}
}

// TestClaimsLeaveConnectionsForRenewals checks that claims never take the last quarter of the
// client's pool: with a pool of 4, at most 3 claims are in progress at once, however many are
// made, and a renewal goes through while they wait.
func TestClaimsLeaveConnectionsForRenewals(t *testing.T) {
	client := redistest.Client(t, &redis.Options{Addr: redistest.Addr(), PoolSize: 4})
	hook := &holdingHook{release: make(chan struct{}), entered: make(chan struct{}, 16)}
	client.AddHook(hook)
	store, err := redisstore.New(client, redisstore.Config{Prefix: redistest.Prefix(t, client)})
	require.NoError(t, err)

	ctx := t.Context()
	first, err := store.Claim(ctx, "held", time.Minute)
	require.NoError(t, err)
	require.Equal(t, idempotency.Claimed, first.State)

	const claims = 8
	marked := context.WithValue(ctx, held{}, true)
	var wg sync.WaitGroup
	for i := range claims {
		wg.Go(func() {
			c, err := store.Claim(marked, fmt.Sprintf("burst-%d", i), time.Minute)
			assert.NoError(t, err)
			assert.Equal(t, idempotency.Claimed, c.State)
		})
	}
	for i := range 3 {
		select {
		case <-hook.entered:
		case <-time.After(10 * time.Second):
			t.Fatalf("claim %d did not start within 10 s", i+1)
		}
	}
	// Three claims are in progress and five wait: the renewal is not among those waiting.
	require.NoError(t, store.Renew(ctx, "held", first.Token, time.Minute))
	close(hook.release)
	wg.Wait()
	assert.Equal(t, int32(3), hook.most.Load(), "claims in progress at once, of a pool of 4")
}
