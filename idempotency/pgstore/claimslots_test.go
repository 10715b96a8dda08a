package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/pgstore"
)

// held marks the context of a statement the tracer holds back.
type held struct{}

// holdingTracer holds back, on its connection, every statement whose context is marked held
// until release is closed, counting how many it holds at once.
type holdingTracer struct {
	release       chan struct{}
	entered       chan struct{}
	holding, most atomic.Int32
}

func (h *holdingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if ctx.Value(held{}) != nil {
		n := h.holding.Add(1)
		for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
		}
		h.entered <- struct{}{}
		<-h.release
		h.holding.Add(-1)
	}
	return ctx
}

func (h *holdingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestClaimsLeaveConnectionsForRenewals checks that claims never take the last quarter of the
// pool: with 4 connections, at most 3 claims hold one at once, however many are made, and a
// renewal gets the fourth while they are held.
func TestClaimsLeaveConnectionsForRenewals(t *testing.T) {
	tracer := &holdingTracer{release: make(chan struct{}), entered: make(chan struct{}, 16)}
	pool, _ := connect(t, 4, func(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = tracer })
	store := newStore(t, pool, pgstore.Config{Table: freshSchema(t, pool) + ".keys"})

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
		case <-tracer.entered:
		case <-time.After(10 * time.Second):
			t.Fatalf("claim %d did not start within 10 s", i+1)
		}
	}
	// Three claims hold three connections and five wait: the renewal takes the fourth.
	renew, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = store.Renew(renew, "held", first.Token, time.Minute)
	close(tracer.release)
	wg.Wait()
	require.NoError(t, err, "the renewal, while the claims hold the pool")
	assert.Equal(t, int32(3), tracer.most.Load(), "claims holding a connection at once, of 4")
}
