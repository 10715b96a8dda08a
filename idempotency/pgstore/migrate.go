package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/inspecthook/inspecthook/idempotency"
)

// Migrate creates the table and its expiry index if they do not exist (MigrationSQL), then
// checks that the table has the columns the Store uses. It is idempotent, and safe to run from
// several replicas at once: it runs in a transaction that first takes an advisory lock named
// after the table (pg_advisory_xact_lock), so that concurrent CREATE ... IF NOT EXISTS never
// race, and the lock is released with the transaction, even when the connection is lost. An
// existing table is left as it is, rows included. The schema, when the table name has one, must
// exist. New runs Migrate unless Config.SkipMigrate is set.
func (s *Store) Migrate(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if s.closed.Load() {
		return fmt.Errorf("pgstore: migrate: %w", idempotency.ErrClosed)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL, s.q.lock); err != nil {
			return err
		}
		// No arguments: pgx sends the statements in one simple-protocol query.
		_, err := tx.Exec(ctx, s.q.migrate)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrate %s: %w", s.table, err)
	}
	if _, err := s.pool.Exec(ctx, s.q.probe); err != nil {
		return fmt.Errorf("pgstore: migrate: table %s is not an idempotency table: %w", s.table, err)
	}
	return nil
}
