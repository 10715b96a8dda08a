package sqlitestore

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Defaults for the zero fields of Config.
const (
	// DefaultCleanupInterval is how often the background cleanup deletes expired rows. At a
	// hundred events a second, ten minutes of expired rows is 60 000 rows, a few MB.
	DefaultCleanupInterval = 10 * time.Minute

	// DefaultCleanupBatch is how many rows one delete of a cleanup removes at most, so that a
	// large backlog is removed in short writes between which claims go ahead.
	DefaultCleanupBatch = 1000

	// DefaultBusyTimeout is how long a write waits for another connection to the same file
	// (another Store, another process) to finish its write before it fails with SQLITE_BUSY.
	DefaultBusyTimeout = 5 * time.Second
)

// Config configures a Store. Zero fields get the documented defaults.
type Config struct {
	// Now is the clock that leases and retention are measured by. Default time.Now. Times
	// are stored in Unix nanoseconds, so the clock must stay within the years 1678 to 2262.
	Now func() time.Time

	// CleanupInterval is how often a background goroutine deletes expired rows (see
	// Store.Cleanup). Default DefaultCleanupInterval (10 minutes); negative disables the
	// goroutine, for a caller that runs Cleanup itself.
	CleanupInterval time.Duration

	// CleanupBatch is how many rows one delete of Cleanup removes at most. Default
	// DefaultCleanupBatch (1000). Negative is an error.
	CleanupBatch int

	// BusyTimeout is how long a write waits for a lock held by another connection to the
	// file before failing (PRAGMA busy_timeout). Default DefaultBusyTimeout (5 s). Open only:
	// New leaves the caller's connections as they are. Negative is an error.
	BusyTimeout time.Duration

	// OnCleanup, when set, is called by the cleanup goroutine after each background cleanup
	// with the number of rows it deleted and its error, if any: for metrics and logs. It is
	// not called for Cleanup called directly, nor for the cleanup Close interrupts, nor after
	// Close has returned.
	OnCleanup func(deleted int, err error)
}

// Store is an idempotency.Store in a SQLite database: durable across restarts of the process,
// for the instances of one machine. Build it with Open (or New) and Close it when done. It is
// safe for concurrent use; the zero Store is not usable.
type Store struct {
	db        *sql.DB
	ownsDB    bool
	now       func() time.Time
	batch     int
	onCleanup func(int, error)

	claim, renew, complete, release, cleanup *sql.Stmt

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	stop      context.CancelFunc // stops the cleanup goroutine; nil when there is none
	stopped   chan struct{}      // closed when the cleanup goroutine has returned

	afterBatch func(n int) // tests only: called after each delete of Cleanup
}

//go:embed schema.sql
var schema string

// The statements of a Store. ?1 is the key, ?2 the token, ?3 the store's time, ?4 the new
// expiry (all times in Unix nanoseconds).
const (
	// Claim inserts the key, or takes over its row if it has expired, and in every case
	// returns the row as it is afterwards: the caller's token if it won, another token
	// (in flight) or NULL (done). One statement, so atomic; it takes the write lock before it
	// reads, so it waits for other writers (busy_timeout) rather than failing on a stale
	// snapshot. In the SET list, expires is the row's value before the update.
	claimSQL = `INSERT INTO inspecthook_idempotency (key, token, expires) VALUES (?1, ?2, ?4)
ON CONFLICT (key) DO UPDATE SET
	token   = iif(expires <= ?3, excluded.token, token),
	expires = iif(expires <= ?3, excluded.expires, expires)
RETURNING token, expires`

	renewSQL = `UPDATE inspecthook_idempotency SET expires = ?4
WHERE key = ?1 AND token = ?2 AND expires > ?3`

	completeSQL = `UPDATE inspecthook_idempotency SET token = NULL, expires = ?4
WHERE key = ?1 AND token = ?2 AND expires > ?3`

	releaseSQL = `DELETE FROM inspecthook_idempotency
WHERE key = ?1 AND token = ?2 AND expires > ?3`

	// Cleanup deletes up to ?2 rows expired at ?1, oldest first, found through the index.
	cleanupSQL = `DELETE FROM inspecthook_idempotency WHERE key IN (
	SELECT key FROM inspecthook_idempotency WHERE expires <= ?1 ORDER BY expires LIMIT ?2)`
)

// Open opens (creating it if needed) the SQLite database file at path and returns a Store on
// it. It sets the file to WAL mode with synchronous=NORMAL and cfg.BusyTimeout, uses a single
// connection so that the Store's own writes never contend with each other, creates the table
// if it is missing, and starts the background cleanup. The file may hold other tables: the
// Store's are named inspecthook_idempotency*.
//
// It returns an error wrapping idempotency.ErrConfig for an empty path or an invalid cfg, and
// the driver's error when the file cannot be opened or migrated.
func Open(path string, cfg Config) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlitestore: %w: empty path", idempotency.ErrConfig)
	}
	if cfg.BusyTimeout < 0 {
		return nil, fmt.Errorf("sqlitestore: %w: BusyTimeout %v is negative", idempotency.ErrConfig, cfg.BusyTimeout)
	}
	if cfg.BusyTimeout == 0 {
		cfg.BusyTimeout = DefaultBusyTimeout
	}
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, cfg.BusyTimeout))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	// One connection, kept for the life of the Store: calls queue for it in the pool instead
	// of taking SQLite's write lock against each other, and the pragmas are set once.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s, err := newStore(db, cfg)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	s.ownsDB = true
	s.start(cfg)
	return s, nil
}

// New returns a Store on a database the caller opened with the "sqlite" driver and keeps
// owning: Close leaves db open. It creates the table if it is missing. The caller configures
// the connections: set PRAGMA busy_timeout on each (or the _busy_timeout DSN parameter), or
// concurrent writes fail with SQLITE_BUSY; WAL mode and db.SetMaxOpenConns(1) are advised, as
// Open does. cfg.BusyTimeout is not used.
//
// It returns an error wrapping idempotency.ErrConfig for a nil db or an invalid cfg, and the
// driver's error when the schema cannot be created.
func New(db *sql.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("sqlitestore: %w: nil db", idempotency.ErrConfig)
	}
	if err := checkConfig(cfg); err != nil {
		return nil, err
	}
	s, err := newStore(db, cfg)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %w", err)
	}
	s.start(cfg)
	return s, nil
}

// checkConfig returns an error wrapping idempotency.ErrConfig for a cfg no store accepts.
func checkConfig(cfg Config) error {
	if cfg.CleanupBatch < 0 {
		return fmt.Errorf("sqlitestore: %w: CleanupBatch %d is negative", idempotency.ErrConfig, cfg.CleanupBatch)
	}
	return nil
}

// dsn is the driver's name for the file at path with the Store's pragmas. The path goes into
// a file: URI, where '%', '?' and '#' must be escaped. The busy timeout is rounded up to whole
// milliseconds, since 0 would turn it off.
func dsn(path string, busy time.Duration) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	ms := (busy + time.Millisecond - 1) / time.Millisecond
	return "file:" + escaped +
		"?_busy_timeout=" + strconv.FormatInt(int64(ms), 10) +
		"&_journal_mode=WAL&_synchronous=NORMAL"
}

// newStore migrates db and prepares the statements.
func newStore(db *sql.DB, cfg Config) (*Store, error) {
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	s := &Store{db: db, now: cfg.Now, batch: cfg.CleanupBatch, onCleanup: cfg.OnCleanup}
	if s.now == nil {
		s.now = time.Now
	}
	if s.batch == 0 {
		s.batch = DefaultCleanupBatch
	}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&s.claim, claimSQL}, {&s.renew, renewSQL}, {&s.complete, completeSQL},
		{&s.release, releaseSQL}, {&s.cleanup, cleanupSQL},
	} {
		stmt, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			s.closeStmts()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		*p.stmt = stmt
	}
	return s, nil
}

// start starts the cleanup goroutine, unless cfg disables it.
func (s *Store) start(cfg Config) {
	every := cfg.CleanupInterval
	if every < 0 {
		return
	}
	if every == 0 {
		every = DefaultCleanupInterval
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop, s.stopped = stop, make(chan struct{})
	go s.cleanupLoop(ctx, every)
}

// Claim takes key for lease if it is free, and otherwise reports InFlight or Done; see
// idempotency.Store. One SQL statement decides, so of concurrent claims on any number of
// Stores on the file exactly one is Claimed.
func (s *Store) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	if err := ctx.Err(); err != nil {
		return idempotency.Claim{}, fmt.Errorf("sqlitestore: claim: %w", err)
	}
	if err := checkKey(key); err != nil {
		return idempotency.Claim{}, err
	}
	if err := checkDuration("lease", lease); err != nil {
		return idempotency.Claim{}, err
	}
	if s.closed.Load() {
		return idempotency.Claim{}, fmt.Errorf("sqlitestore: claim: %w", idempotency.ErrClosed)
	}
	now := s.now()
	token := rand.Text()
	var got sql.NullString
	var expires int64
	err := s.claim.QueryRowContext(ctx, []byte(key), token, now.UnixNano(), deadline(now, lease)).Scan(&got, &expires)
	if err != nil {
		return idempotency.Claim{}, s.fail("claim", err)
	}
	ends := time.Unix(0, expires).In(now.Location())
	switch {
	case !got.Valid:
		return idempotency.Claim{State: idempotency.Done}, nil
	case got.String == token:
		return idempotency.Claim{State: idempotency.Claimed, Token: token, LeaseEnds: ends}, nil
	default:
		return idempotency.Claim{State: idempotency.InFlight, LeaseEnds: ends}, nil
	}
}

// Renew renews the lease held by token for lease from now, or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store.
func (s *Store) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	if err := s.checkToken(ctx, "renew", key, token); err != nil {
		return err
	}
	if err := checkDuration("lease", lease); err != nil {
		return err
	}
	now := s.now()
	return s.update(ctx, "renew", s.renew, key, []byte(key), token, now.UnixNano(), deadline(now, lease))
}

// Complete marks the claim done for retention from now, or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store.
func (s *Store) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	if err := s.checkToken(ctx, "complete", key, token); err != nil {
		return err
	}
	if err := checkDuration("retention", retention); err != nil {
		return err
	}
	now := s.now()
	return s.update(ctx, "complete", s.complete, key, []byte(key), token, now.UnixNano(), deadline(now, retention))
}

// Release frees the key (its row is deleted), or returns an error wrapping
// idempotency.ErrLeaseLost; see idempotency.Store.
func (s *Store) Release(ctx context.Context, key, token string) error {
	if err := s.checkToken(ctx, "release", key, token); err != nil {
		return err
	}
	return s.update(ctx, "release", s.release, key, []byte(key), token, s.now().UnixNano())
}

// update runs stmt, one of renew, complete and release, with args: it changes the row of key
// only if the token holds it. It returns ErrLeaseLost when no row changed.
func (s *Store) update(ctx context.Context, op string, stmt *sql.Stmt, key string, args ...any) error {
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return s.fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.fail(op, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlitestore: %s: %w: key %q", op, idempotency.ErrLeaseLost, key)
	}
	return nil
}

// Cleanup deletes the rows that have expired by the store's clock (leases that ended without
// Complete or Release, and done keys past their retention), in deletes of at most
// Config.CleanupBatch rows, each its own short write, until none is left. It returns how many
// rows it deleted, with the context's error if ctx ends first. Expired rows are already free
// for Claim; deleting them only keeps the file from growing. The background goroutine calls it
// every Config.CleanupInterval; a caller that disabled it calls it instead.
func (s *Store) Cleanup(ctx context.Context) (int, error) {
	now := s.now().UnixNano()
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("sqlitestore: cleanup: %w", err)
		}
		if s.closed.Load() {
			return total, fmt.Errorf("sqlitestore: cleanup: %w", idempotency.ErrClosed)
		}
		res, err := s.cleanup.ExecContext(ctx, now, s.batch)
		if err != nil {
			return total, s.fail("cleanup", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, s.fail("cleanup", err)
		}
		total += int(n)
		if s.afterBatch != nil {
			s.afterBatch(int(n))
		}
		if n < int64(s.batch) {
			return total, nil
		}
	}
}

// cleanupLoop runs Cleanup every interval until ctx ends.
func (s *Store) cleanupLoop(ctx context.Context, every time.Duration) {
	defer close(s.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.Cleanup(ctx)
			if ctx.Err() != nil {
				return // Close interrupted it
			}
			if s.onCleanup != nil {
				s.onCleanup(n, err)
			}
		}
	}
}

// Close stops the background cleanup, waiting for a cleanup under way to stop, and closes the
// database if Open opened it. Later calls of the Store's methods return an error wrapping
// idempotency.ErrClosed. Close can be called again and returns what the first call returned.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		if s.stop != nil {
			s.stop()
			<-s.stopped
		}
		s.closeStmts()
		if s.ownsDB {
			s.closeErr = s.db.Close()
			if s.closeErr != nil {
				s.closeErr = fmt.Errorf("sqlitestore: close: %w", s.closeErr)
			}
		}
	})
	return s.closeErr
}

func (s *Store) closeStmts() {
	for _, stmt := range []*sql.Stmt{s.claim, s.renew, s.complete, s.release, s.cleanup} {
		if stmt != nil {
			_ = stmt.Close()
		}
	}
}

// checkToken validates the arguments of Renew, Complete and Release, in the order
// idempotency.Store documents, then that the store is open.
func (s *Store) checkToken(ctx context.Context, op, key, token string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	if err := checkKey(key); err != nil {
		return err
	}
	if token == "" {
		return fmt.Errorf("sqlitestore: %w: empty token", idempotency.ErrConfig)
	}
	if s.closed.Load() {
		return fmt.Errorf("sqlitestore: %s: %w", op, idempotency.ErrClosed)
	}
	return nil
}

func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("sqlitestore: %w: empty key", idempotency.ErrConfig)
	}
	return nil
}

func checkDuration(name string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("sqlitestore: %w: %s %v is not positive", idempotency.ErrConfig, name, d)
	}
	return nil
}

// fail wraps an error of the database, as ErrClosed when the store was closed meanwhile.
func (s *Store) fail(op string, err error) error {
	if s.closed.Load() && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sqlitestore: %s: %w (%w)", op, idempotency.ErrClosed, err)
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// deadline is now plus d in Unix nanoseconds, saturating instead of overflowing for a d far
// beyond any retention (d is positive).
func deadline(now time.Time, d time.Duration) int64 {
	n := now.UnixNano()
	if n > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return n + int64(d)
}

var _ idempotency.Store = (*Store)(nil)
