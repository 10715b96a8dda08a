package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
)

// Cleanup deletes the expired rows, those whose lease lapsed or whose retention ended by the
// Store's clock, and returns how many it deleted. It deletes in batches of at most
// Config.CleanupBatch rows, one short statement each, until a batch finds fewer than that or
// ctx ends; then it returns the rows deleted so far with ctx's error, wrapped. Rows that are
// live, or that a Claim is taking over, are never deleted.
//
// Expired rows cost only disk, since Claim treats them as absent; Cleanup keeps the table, and
// its indexes, the size of one retention's events. Run it from several replicas at once if you
// like: each skips the rows another is deleting. Config.CleanupInterval runs it in the
// background.
func (s *Store) Cleanup(ctx context.Context) (deleted int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("pgstore: cleanup: %w", err)
	}
	if s.closed.Load() {
		return 0, fmt.Errorf("pgstore: cleanup: %w", idempotency.ErrClosed)
	}
	for {
		tag, err := s.pool.Exec(ctx, s.q.cleanup, s.nowArg(), s.batch)
		if err != nil {
			return deleted, fmt.Errorf("pgstore: cleanup: %w", err)
		}
		n := int(tag.RowsAffected())
		deleted += n
		if n < s.batch {
			return deleted, nil
		}
		if err := ctx.Err(); err != nil {
			return deleted, fmt.Errorf("pgstore: cleanup: %w", err)
		}
	}
}

// startCleanup runs Cleanup every interval until Close.
func (s *Store) startCleanup(interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.stopped = cancel, make(chan struct{})
	go func() {
		defer close(s.stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			n, err := s.Cleanup(ctx)
			if ctx.Err() != nil {
				return // closed while cleaning: not a failure to report
			}
			if s.onCleanup != nil {
				s.onCleanup(n, err)
			}
		}
	}()
}
