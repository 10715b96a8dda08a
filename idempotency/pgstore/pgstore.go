package pgstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inspecthook/inspecthook/idempotency"
)

// Defaults and limits of a Store.
const (
	// DefaultTable is the table a Store keeps its keys in when Config.Table is empty.
	DefaultTable = "inspecthook_idempotency"

	// DefaultCleanupBatch is how many expired rows one DELETE of Cleanup removes at most when
	// Config.CleanupBatch is zero: enough to keep up with thousands of events a second, few
	// enough that each statement holds its row locks for milliseconds.
	DefaultCleanupBatch = 1000

	// maxTableLen leaves room in PostgreSQL's 63-byte names for the suffix of the index
	// ("_expires_at_idx", 15 bytes), so that the index name is never truncated, and two long table
	// names never share one index name.
	maxTableLen = 63 - len(indexSuffix)
)

// indexSuffix names the expiry index after its table.
const indexSuffix = "_expires_at_idx"

// stateDone is the state column of a completed key; a held one is "claimed".
const stateDone = "done"

// attempts bounds the statements one call runs: a call whose connection broke (see retryable)
// runs its statement again, each time on a connection of the pool, which replaces broken ones.
const attempts = 4

// Config configures a Store. Zero fields get the documented defaults.
type Config struct {
	// Table is the table the keys are kept in: a plain identifier (ASCII letters, digits and
	// underscores, not starting with a digit), optionally qualified by a schema that already
	// exists ("webhooks.idempotency"). Names are quoted, so they are case-sensitive. The table
	// name is at most 48 bytes, the schema's at most 63. Default DefaultTable, in the first schema
	// of the connection's search_path.
	Table string

	// Now is the clock leases and retention are measured by. Default: the database server's
	// clock (now()), which every replica shares. Set it only when one process's clock is the
	// reference, as in tests: replicas that share a table must share a clock.
	Now func() time.Time

	// SkipMigrate, when set, makes New leave the table alone: no statement is run, so New
	// succeeds while the server is unreachable and the store answers once it is back. The table
	// must then be created beforehand, by Migrate or with MigrationSQL in your own migrations.
	// By default New runs Migrate.
	SkipMigrate bool

	// CleanupBatch is how many expired rows one DELETE of Cleanup removes at most. Default
	// DefaultCleanupBatch (1000). Negative is an error.
	CleanupBatch int

	// CleanupInterval, when positive, starts a goroutine that runs Cleanup at that interval until
	// Close. Zero means no background cleanup: call Cleanup yourself (from a cron job, say), or
	// let expired rows stay, which costs only disk: Claim takes over an expired row as if it were
	// absent. Several replicas may clean the same table at once; they skip each other's rows.
	// Negative is an error.
	CleanupInterval time.Duration

	// OnCleanup, when set, is called after each background cleanup with the number of rows it
	// deleted and its error, from the cleanup goroutine: for a log line or a metric. It must not
	// call Close.
	OnCleanup func(deleted int, err error)
}

// Store is an idempotency.Store kept in a PostgreSQL table, shared by every replica that uses
// the same table. Build it with New; the zero Store is not usable. It is safe for concurrent
// use. Claim, Renew, Complete and Release are one statement each, on a connection of the pool,
// but for the exceptions the package documentation describes. Claims never hold the last
// quarter of the pool's connections (at least one): a burst of claims waits for the others, and
// the renewals, completions and releases of the keys already held go through the rest.
type Store struct {
	pool      *pgxpool.Pool
	table     string // the quoted, possibly schema-qualified name
	now       func() time.Time
	batch     int
	q         queries
	onCleanup func(int, error)
	claims    chan struct{} // a slot for each Claim in progress; see claimSlots

	closed    atomic.Bool
	closeOnce sync.Once
	stop      context.CancelFunc // ends the background cleanup; nil without one
	stopped   chan struct{}      // closed when the background cleanup has returned
}

// New returns a Store that keeps its keys in cfg.Table through pool, and, unless cfg.SkipMigrate
// is set, creates the table if it does not exist (Migrate), with ctx bounding that. The pool
// stays the caller's: Close does not close it, and it must outlive the Store. A small pool is
// enough: each call holds a connection for one statement.
//
// New returns an error wrapping idempotency.ErrConfig when pool is nil, the table name is not
// valid, or a number is negative, and the migration's error when it fails.
func New(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("pgstore: %w: no pool", idempotency.ErrConfig)
	}
	if cfg.Table == "" {
		cfg.Table = DefaultTable
	}
	ident, err := parseTable(cfg.Table)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.CleanupBatch < 0:
		return nil, fmt.Errorf("pgstore: %w: CleanupBatch %d is negative", idempotency.ErrConfig, cfg.CleanupBatch)
	case cfg.CleanupBatch == 0:
		cfg.CleanupBatch = DefaultCleanupBatch
	}
	if cfg.CleanupInterval < 0 {
		return nil, fmt.Errorf("pgstore: %w: CleanupInterval %v is negative", idempotency.ErrConfig, cfg.CleanupInterval)
	}
	s := &Store{
		pool:      pool,
		table:     ident.Sanitize(),
		now:       cfg.Now,
		batch:     cfg.CleanupBatch,
		q:         newQueries(ident),
		onCleanup: cfg.OnCleanup,
		claims:    make(chan struct{}, claimSlots(int(pool.Config().MaxConns))),
	}
	if !cfg.SkipMigrate {
		if err := s.Migrate(ctx); err != nil {
			return nil, err
		}
	}
	if cfg.CleanupInterval > 0 {
		s.startCleanup(cfg.CleanupInterval)
	}
	return s, nil
}

// identifier is a plain PostgreSQL identifier, which needs no quoting to be read the same way
// everywhere (though it is quoted all the same).
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseTable splits name into an optional schema and a table, and checks both.
func parseTable(name string) (pgx.Identifier, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return nil, fmt.Errorf("pgstore: %w: table %q: at most a schema and a table", idempotency.ErrConfig, name)
	}
	for _, p := range parts {
		if !identifier.MatchString(p) || len(p) > 63 {
			return nil, fmt.Errorf("pgstore: %w: table %q: %q is not a plain identifier of at most 63 bytes", idempotency.ErrConfig, name, p)
		}
	}
	if table := parts[len(parts)-1]; len(table) > maxTableLen {
		return nil, fmt.Errorf("pgstore: %w: table %q: the table name is longer than %d bytes", idempotency.ErrConfig, name, maxTableLen)
	}
	return pgx.Identifier(parts), nil
}

// Claim takes key for lease if it is free, and otherwise reports InFlight, with the holder's
// LeaseEnds, or Done; see idempotency.Store. It is one statement, one round trip: it reads the
// key, and unless the key is live inserts its row, or takes over an expired one, with INSERT ...
// ON CONFLICT. Only when a concurrent claim changes the key in between does it run a second
// statement, which locks the row and always answers. A key longer than idempotency.MaxKeyLen
// bytes (one idempotency.BoundKey did not bound) is an error wrapping idempotency.ErrConfig; an error of PostgreSQL's is wrapped, so that the
// receiver answers 503.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	if err := checkKey(ctx, "claim", key); err != nil {
		return idempotency.Claim{}, err
	}
	if lease <= 0 {
		return idempotency.Claim{}, fmt.Errorf("pgstore: claim: %w: lease %v is not positive", idempotency.ErrConfig, lease)
	}
	if s.closed.Load() {
		return idempotency.Claim{}, fmt.Errorf("pgstore: claim: %w", idempotency.ErrClosed)
	}
	select {
	case s.claims <- struct{}{}:
		defer func() { <-s.claims }()
	case <-ctx.Done():
		return idempotency.Claim{}, fmt.Errorf("pgstore: claim: waiting for a connection: %w", ctx.Err())
	}
	token := rand.Text()
	k := []byte(key)
	sql := s.q.claim
	for attempt := 1; ; attempt++ {
		var (
			won   bool
			state string
			ends  time.Time
		)
		err := s.pool.QueryRow(ctx, sql, k, token, micros(lease), s.nowArg()).Scan(&won, &state, &ends)
		switch {
		case err == nil && won:
			return idempotency.Claim{State: idempotency.Claimed, Token: token, LeaseEnds: ends}, nil
		case err == nil && state == stateDone:
			return idempotency.Claim{State: idempotency.Done}, nil
		case err == nil:
			return idempotency.Claim{State: idempotency.InFlight, LeaseEnds: ends}, nil
		case errors.Is(err, pgx.ErrNoRows) && sql == s.q.claim:
			// The key changed between the statement's snapshot and its insert: a concurrent
			// claim. Ask again with the statement that always answers (see claimSQL).
			sql = s.q.claimLocked
			continue
		case retryable(err) && attempt < attempts && ctx.Err() == nil:
			continue
		}
		return idempotency.Claim{}, fmt.Errorf("pgstore: claim: %w", err)
	}
}

// Renew renews the lease held by token for lease from now, or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store. It is one UPDATE.
func (s *Store) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	if err := checkToken(ctx, "renew", key, token); err != nil {
		return err
	}
	if lease <= 0 {
		return fmt.Errorf("pgstore: renew: %w: lease %v is not positive", idempotency.ErrConfig, lease)
	}
	return s.held(ctx, "renew", key, s.q.renew, []byte(key), token, micros(lease), s.nowArg())
}

// Complete marks the claim done for retention from now, or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store. It is one UPDATE.
func (s *Store) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	if err := checkToken(ctx, "complete", key, token); err != nil {
		return err
	}
	if retention <= 0 {
		return fmt.Errorf("pgstore: complete: %w: retention %v is not positive", idempotency.ErrConfig, retention)
	}
	return s.held(ctx, "complete", key, s.q.complete, []byte(key), token, micros(retention), s.nowArg())
}

// Release frees the key, or returns an error wrapping idempotency.ErrLeaseLost; see
// idempotency.Store. It is one DELETE.
func (s *Store) Release(ctx context.Context, key, token string) error {
	if err := checkToken(ctx, "release", key, token); err != nil {
		return err
	}
	return s.held(ctx, "release", key, s.q.release, []byte(key), token, s.nowArg())
}

// MigrationSQL returns the statements Migrate runs, with the table's name in them: for a
// migration tool of your own, with Config.SkipMigrate.
func (s *Store) MigrationSQL() string { return s.q.migrate }

// Close stops the background cleanup, if any, and waits for it to return. Later calls of the
// Store's methods return an error wrapping idempotency.ErrClosed; calls already running finish.
// Close does not close the pool, which is the caller's. It can be called again and returns nil.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			s.stop()
			<-s.stopped
		}
		s.closed.Store(true)
	})
	return nil
}

// held runs sql, an UPDATE or DELETE guarded by the token, and returns ErrLeaseLost when it
// matched no row. A statement whose connection broke is run again (see retryable).
func (s *Store) held(ctx context.Context, op, key, sql string, args ...any) error {
	if s.closed.Load() {
		return fmt.Errorf("pgstore: %s: %w", op, idempotency.ErrClosed)
	}
	tag, err := s.pool.Exec(ctx, sql, args...)
	for attempt := 2; err != nil && retryable(err) && attempt <= attempts && ctx.Err() == nil; attempt++ {
		tag, err = s.pool.Exec(ctx, sql, args...)
	}
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgstore: %s: %w: key %q", op, idempotency.ErrLeaseLost, key)
	}
	return nil
}

// retryable reports whether err says the statement's connection is gone: pgx knows the
// statement never reached the server, or the server ended the session (a FATAL error, such as
// 57P01 when a backend is terminated or the server shuts down, which reaches a pooled connection
// on its next statement). Running the statement again on another connection is harmless even in
// the unlikely case it ran before the session ended: a repeated Claim finds its own claim and
// reports InFlight, so the sender retries once the lease ends; a repeated Renew renews again;
// a repeated Complete or Release reports ErrLeaseLost for a key it did complete or release.
func retryable(err error) bool {
	if pgconn.SafeToRetry(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	severity := pgErr.SeverityUnlocalized // empty before PostgreSQL 9.6
	if severity == "" {
		severity = pgErr.Severity
	}
	return severity == "FATAL" || severity == "PANIC"
}

// nowArg is the value of the queries' clock parameter: the configured clock's time, or NULL
// for the server's clock.
func (s *Store) nowArg() any {
	if s.now == nil {
		return nil
	}
	return s.now()
}

// claimSlots is how many Claims may run at once on a pool of size connections: all but a
// quarter of them (at least one), which are kept for Renew, Complete and Release, so that a
// burst of deliveries, each claiming, cannot queue the renewal of a held key behind it until
// its lease lapses.
func claimSlots(size int) int {
	return max(1, size-max(1, size/4))
}

// micros is d in whole microseconds, PostgreSQL's resolution, rounded up so that a positive
// duration never becomes an empty one.
func micros(d time.Duration) int64 {
	us := int64(d / time.Microsecond)
	if d%time.Microsecond != 0 {
		us++
	}
	return us
}

// checkKey validates the arguments every method shares, in the order idempotency.Store
// documents: the context first.
func checkKey(ctx context.Context, op, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	if key == "" {
		return fmt.Errorf("pgstore: %s: %w: empty key", op, idempotency.ErrConfig)
	}
	if len(key) > idempotency.MaxKeyLen {
		return fmt.Errorf("pgstore: %s: %w: key of %d bytes, longer than idempotency.MaxKeyLen (%d); see idempotency.BoundKey",
			op, idempotency.ErrConfig, len(key), idempotency.MaxKeyLen)
	}
	return nil
}

// checkToken is checkKey with a token.
func checkToken(ctx context.Context, op, key, token string) error {
	if err := checkKey(ctx, op, key); err != nil {
		return err
	}
	if token == "" {
		return fmt.Errorf("pgstore: %s: %w: empty token", op, idempotency.ErrConfig)
	}
	return nil
}

var _ idempotency.Store = (*Store)(nil)
