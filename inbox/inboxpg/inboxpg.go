// Package inboxpg keeps an inbox on PostgreSQL, through River's riverpgxv5 driver and pgx v5:
// any number of replicas share the deliveries, new ones are announced to the workers at once
// (LISTEN/NOTIFY), and the database is backed up with the rest of yours.
//
//	pool, err := pgxpool.New(ctx, "postgres://...")
//	ib, err := inbox.Open(ctx, inboxpg.New(pool), inbox.Config{})
//
// River's tables go in the schema of the pool's search_path; inbox.Open creates them (River's
// migrations, idempotent, safe from several replicas at once). Give the pool a few more
// connections than inbox.Config.Workers' handlers use of it: River holds one for LISTEN and
// uses a few for fetching and completing jobs.
//
// Programs that import only this driver package link no SQLite driver.
package inboxpg

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/inspecthook/inspecthook/inbox"
)

// countsSQL counts the jobs of a kind and queue by provider and state.
const countsSQL = `SELECT coalesce(args->>'provider', ''), state::text, count(*)
FROM river_job WHERE kind = $1 AND queue = $2 GROUP BY 1, 2 ORDER BY 1, 2`

// New returns the inbox.Driver of pool, for inbox.Open. The pool stays the caller's to close,
// after the Inbox has stopped.
func New(pool *pgxpool.Pool) inbox.Driver {
	return inbox.NewDriver("postgres", riverpgxv5.New(pool), func(ctx context.Context, kind, queue string) ([]inbox.StateCount, error) {
		rows, err := pool.Query(ctx, countsSQL, kind, queue)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowToStructByPos[inbox.StateCount])
	})
}
