package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/pgstore"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
)

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestConformance(t *testing.T) {
	pool, _ := connect(t, 8, nil)
	schema := freshSchema(t, pool)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) (idempotency.Store, func(time.Duration)) {
			clock := storetest.NewClock(t0)
			s := newStore(t, pool, pgstore.Config{Table: schema + "." + unique("t_"), Now: clock.Now})
			return s, clock.Advance
		},
	})
}

// lazyPool is a pool that has not connected, and never will: New with SkipMigrate runs no
// statement, so it needs no server.
func lazyPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func TestNewConfig(t *testing.T) {
	pool := lazyPool(t)
	for _, c := range []struct {
		name  string
		cfg   pgstore.Config
		table string // the quoted name in the migration, when valid
	}{
		{"Default", pgstore.Config{}, `"inspecthook_idempotency"`},
		{"Plain", pgstore.Config{Table: "webhook_keys"}, `"webhook_keys"`},
		{"Schema", pgstore.Config{Table: "hooks.keys"}, `"hooks"."keys"`},
		{"CaseKept", pgstore.Config{Table: "Hooks.Keys_2"}, `"Hooks"."Keys_2"`},
		{"Underscore", pgstore.Config{Table: "_k"}, `"_k"`},
		{"LongestTable", pgstore.Config{Table: strings.Repeat("s", 63) + "." + strings.Repeat("t", 48)}, `"` + strings.Repeat("s", 63) + `"."` + strings.Repeat("t", 48) + `"`},
		{"Batch", pgstore.Config{CleanupBatch: 1}, `"inspecthook_idempotency"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.SkipMigrate = true
			s, err := pgstore.New(t.Context(), pool, c.cfg)
			require.NoError(t, err)
			defer s.Close()
			assert.Contains(t, s.MigrationSQL(), "CREATE TABLE IF NOT EXISTS "+c.table)
			assert.NotContains(t, s.MigrationSQL(), "{{")
		})
	}
	for _, c := range []struct {
		name string
		pool *pgxpool.Pool
		cfg  pgstore.Config
	}{
		{"NilPool", nil, pgstore.Config{}},
		{"ThreeParts", pool, pgstore.Config{Table: "a.b.c"}},
		{"EmptySchema", pool, pgstore.Config{Table: ".t"}},
		{"EmptyTable", pool, pgstore.Config{Table: "s."}},
		{"Digit", pool, pgstore.Config{Table: "1t"}},
		{"Dash", pool, pgstore.Config{Table: "t-x"}},
		{"Space", pool, pgstore.Config{Table: "t x"}},
		{"Quote", pool, pgstore.Config{Table: `t"; DROP TABLE x; --`}},
		{"NonASCII", pool, pgstore.Config{Table: "clés"}},
		{"TableTooLong", pool, pgstore.Config{Table: strings.Repeat("t", 49)}},
		{"SchemaTooLong", pool, pgstore.Config{Table: strings.Repeat("s", 64) + ".t"}},
		{"NegativeBatch", pool, pgstore.Config{CleanupBatch: -1}},
		{"NegativeInterval", pool, pgstore.Config{CleanupInterval: -time.Second}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.SkipMigrate = true
			s, err := pgstore.New(t.Context(), c.pool, c.cfg)
			require.ErrorIs(t, err, idempotency.ErrConfig)
			assert.Nil(t, s)
			assert.True(t, strings.HasPrefix(err.Error(), "pgstore: "), err.Error())
		})
	}
}

// With SkipMigrate, New needs no server; a call while the server is unreachable returns the
// pool's error, wrapped, which the receiver turns into 503.
func TestServerUnreachable(t *testing.T) {
	s, err := pgstore.New(t.Context(), lazyPool(t), pgstore.Config{SkipMigrate: true})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Claim(t.Context(), "evt_1", time.Minute)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "pgstore: claim: "), err.Error())
	var connectErr *pgconn.ConnectError
	assert.ErrorAs(t, err, &connectErr, "the pool's error is wrapped")

	_, err = pgstore.New(t.Context(), lazyPool(t), pgstore.Config{})
	require.Error(t, err, "the migration needs the server")
	assert.ErrorAs(t, err, &connectErr)
}

func TestKeyLength(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	s := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	long := strings.Repeat("k", idempotency.MaxKeyLen)
	c, err := s.Claim(t.Context(), long, time.Minute)
	require.NoError(t, err)
	require.Equal(t, idempotency.Claimed, c.State)
	require.NoError(t, s.Complete(t.Context(), long, c.Token, time.Hour))

	tooLong := long + "k"
	_, err = s.Claim(t.Context(), tooLong, time.Minute)
	require.ErrorIs(t, err, idempotency.ErrConfig)
	require.ErrorIs(t, s.Renew(t.Context(), tooLong, c.Token, time.Minute), idempotency.ErrConfig)
	require.ErrorIs(t, s.Complete(t.Context(), tooLong, c.Token, time.Hour), idempotency.ErrConfig)
	require.ErrorIs(t, s.Release(t.Context(), tooLong, c.Token), idempotency.ErrConfig)
}

// Without Config.Now, leases and retention run on the server's clock.
func TestServerClock(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	s := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	ctx := t.Context()

	before := time.Now()
	c, err := s.Claim(ctx, "evt_1", time.Hour)
	require.NoError(t, err)
	require.Equal(t, idempotency.Claimed, c.State)
	assert.WithinDuration(t, before.Add(time.Hour), c.LeaseEnds, 5*time.Second, "the lease ends an hour from the server's now")

	probe, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	require.Equal(t, idempotency.InFlight, probe.State)
	assert.True(t, c.LeaseEnds.Equal(probe.LeaseEnds), "InFlight reports the holder's lease end: %v, want %v", probe.LeaseEnds, c.LeaseEnds)

	require.NoError(t, s.Renew(ctx, "evt_1", c.Token, 2*time.Hour))
	probe, err = s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	assert.True(t, probe.LeaseEnds.After(c.LeaseEnds.Add(59*time.Minute)), "renewed until two hours from now")

	require.NoError(t, s.Complete(ctx, "evt_1", c.Token, time.Hour))
	done, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Claim{State: idempotency.Done}, done)

	// A row whose retention ended on the server's clock is taken over.
	_, err = pool.Exec(ctx, "UPDATE "+schema+".keys SET expires_at = now() - interval '1 second'")
	require.NoError(t, err)
	again, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Claimed, again.State)
	require.NoError(t, s.Release(ctx, "evt_1", again.Token))
}

func TestClose(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	s := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	ctx := t.Context()
	c, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)

	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
	for _, call := range []struct {
		name string
		err  error
	}{
		{"Claim", func() error { _, err := s.Claim(ctx, "evt_2", time.Minute); return err }()},
		{"Renew", s.Renew(ctx, "evt_1", c.Token, time.Minute)},
		{"Complete", s.Complete(ctx, "evt_1", c.Token, time.Hour)},
		{"Release", s.Release(ctx, "evt_1", c.Token)},
		{"Cleanup", func() error { _, err := s.Cleanup(ctx); return err }()},
		{"Migrate", s.Migrate(ctx)},
	} {
		t.Run(call.name, func(t *testing.T) {
			require.ErrorIs(t, call.err, idempotency.ErrClosed)
		})
	}
	require.NoError(t, pool.Ping(ctx), "Close leaves the pool open")
	assert.Equal(t, 1, count(t, pool, schema+".keys"), "Close leaves the table alone")
}

// statements counts the cleanup DELETEs a pool runs, and calls after (when set) with the count
// once each has ended.
type statements struct {
	n     atomic.Int64
	after func(n int64)
}

// cleanupStatement marks the context of a cleanup DELETE.
type cleanupStatement struct{}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if strings.HasPrefix(data.SQL, "DELETE") && strings.Contains(data.SQL, "ctid") {
		return context.WithValue(ctx, cleanupStatement{}, true)
	}
	return ctx
}

func (s *statements) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if ctx.Value(cleanupStatement{}) != nil {
		n := s.n.Add(1)
		if s.after != nil {
			s.after(n)
		}
	}
}

func TestCleanup(t *testing.T) {
	trace := &statements{}
	pool, _ := connect(t, 4, func(c *pgxpool.Config) { c.ConnConfig.Tracer = trace })
	schema := freshSchema(t, pool)
	const lease, retention = time.Minute, time.Hour
	for _, c := range []struct {
		name       string
		expired    int // claims whose lease lapsed
		batch      int
		cancelAt   int64 // cancel the context after this many statements; 0 for never
		deleted    int
		statements int64
		err        error
	}{
		{"Batches", 50, 7, 0, 50, 8, nil},
		{"ExactMultiple", 21, 7, 0, 21, 4, nil},
		{"NoneExpired", 0, 7, 0, 0, 1, nil},
		{"DefaultBatch", 50, 0, 0, 50, 1, nil},
		{"ContextEnds", 50, 7, 2, 14, 2, context.Canceled},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := storetest.NewClock(t0)
			table := schema + "." + unique("t_")
			s := newStore(t, pool, pgstore.Config{Table: table, Now: clock.Now, CleanupBatch: c.batch})
			ctx := t.Context()
			claim := func(key string) string {
				t.Helper()
				cl, err := s.Claim(ctx, key, lease)
				require.NoError(t, err)
				require.Equal(t, idempotency.Claimed, cl.State, key)
				return cl.Token
			}
			for i := range c.expired {
				claim("expired_" + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
			}
			var done []string
			for i := range 5 {
				key := "done_" + string(rune('a'+i))
				require.NoError(t, s.Complete(ctx, key, claim(key), retention))
				done = append(done, key)
			}
			clock.Advance(lease + time.Second) // the claims lapse; the done keys are retained
			var live []string
			for i := range 5 {
				key := "live_" + string(rune('a'+i))
				claim(key)
				live = append(live, key)
			}
			require.Equal(t, c.expired+10, count(t, pool, table))

			run, cancel := context.WithCancel(ctx)
			defer cancel()
			trace.n.Store(0)
			trace.after = func(n int64) {
				if n == c.cancelAt {
					cancel()
				}
			}
			defer func() { trace.after = nil }()
			deleted, err := s.Cleanup(run)
			if c.err != nil {
				require.ErrorIs(t, err, c.err)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, c.deleted, deleted, "rows deleted")
			assert.Equal(t, c.statements, trace.n.Load(), "DELETE statements")
			assert.Equal(t, c.expired-c.deleted+10, count(t, pool, table), "rows left")

			// The live keys are untouched.
			for _, key := range done {
				got, err := s.Claim(ctx, key, lease)
				require.NoError(t, err)
				assert.Equal(t, idempotency.Done, got.State, key)
			}
			for _, key := range live {
				got, err := s.Claim(ctx, key, lease)
				require.NoError(t, err)
				assert.Equal(t, idempotency.InFlight, got.State, key)
			}
		})
	}
}

func TestBackgroundCleanup(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	table := schema + ".keys"
	clock := storetest.NewClock(t0)
	var closed atomic.Bool
	reports := make(chan int, 100)
	s, err := pgstore.New(t.Context(), pool, pgstore.Config{
		Table: table, Now: clock.Now, CleanupInterval: 5 * time.Millisecond,
		OnCleanup: func(deleted int, err error) {
			if closed.Load() {
				t.Error("OnCleanup called after Close returned")
			}
			if err != nil {
				t.Errorf("background cleanup: %v", err)
			}
			select {
			case reports <- deleted:
			default:
			}
		},
	})
	require.NoError(t, err)
	for i := range 10 {
		key := "evt_" + string(rune('a'+i))
		c, err := s.Claim(t.Context(), key, time.Minute)
		require.NoError(t, err)
		require.NoError(t, s.Complete(t.Context(), key, c.Token, time.Hour))
	}
	clock.Advance(time.Hour + time.Second)

	deadline := time.After(10 * time.Second)
	for total := 0; total < 10; {
		select {
		case n := <-reports:
			total += n
		case <-deadline:
			t.Fatalf("the background cleanup deleted %d rows of 10 within 10 s", total)
		}
	}
	assert.Equal(t, 0, count(t, pool, table))
	require.NoError(t, s.Close())
	closed.Store(true)
}

func TestMigrateIdempotent(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	s := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	ctx := t.Context()
	c, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, s.Migrate(ctx))
	}
	probe, err := s.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.InFlight, probe.State, "Migrate keeps the rows")
	require.NoError(t, s.Complete(ctx, "evt_1", c.Token, time.Hour))

	// A second store on the table migrates too, and sees the same keys.
	s2 := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	done, err := s2.Claim(ctx, "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Done, done.State)
}

// Replicas starting at once all migrate the same table. Without the advisory lock, concurrent
// CREATE TABLE IF NOT EXISTS fail now and then on a unique violation in the catalog.
func TestMigrateConcurrent(t *testing.T) {
	const replicas, rounds = 8, 5
	pool, _ := connect(t, replicas, nil)
	schema := freshSchema(t, pool)
	for round := range rounds {
		table := schema + "." + unique("t_")
		start := make(chan struct{})
		errs := make([]error, replicas)
		var wg sync.WaitGroup
		for i := range replicas {
			wg.Go(func() {
				<-start
				s, err := pgstore.New(t.Context(), pool, pgstore.Config{Table: table})
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "round %d, replica %d", round, i)
		}
		var tables, indexes int
		require.NoError(t, pool.QueryRow(t.Context(),
			"SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = $2",
			schema, strings.TrimPrefix(table, schema+".")).Scan(&tables))
		require.NoError(t, pool.QueryRow(t.Context(),
			"SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
			schema, strings.TrimPrefix(table, schema+".")).Scan(&indexes))
		assert.Equal(t, 1, tables)
		assert.Equal(t, 2, indexes, "the primary key and the expiry index")
	}
}

// Migrate refuses a table of the same name that is not an idempotency table, and a schema that
// does not exist.
func TestMigrateConflicts(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	_, err := pool.Exec(t.Context(), "CREATE TABLE "+schema+".other (id int PRIMARY KEY, expires_at timestamptz)")
	require.NoError(t, err)
	for _, c := range []struct {
		name  string
		table string
		code  string // SQLSTATE
	}{
		{"OtherTable", schema + ".other", "42703"},                  // undefined_column
		{"NoSchema", unique("pgstore_missing_") + ".keys", "3F000"}, // invalid_schema_name
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := pgstore.New(t.Context(), pool, pgstore.Config{Table: c.table})
			var pgErr *pgconn.PgError
			require.ErrorAs(t, err, &pgErr)
			assert.Equal(t, c.code, pgErr.Code, pgErr.Message)
			assert.True(t, strings.HasPrefix(err.Error(), "pgstore: migrate"), err.Error())
		})
	}
}

// With SkipMigrate, New runs nothing: the store fails until the table exists.
func TestSkipMigrate(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	s := newStore(t, pool, pgstore.Config{Table: schema + ".keys", SkipMigrate: true})
	_, err := s.Claim(t.Context(), "evt_1", time.Minute)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "42P01", pgErr.Code, "undefined_table")

	_, err = pool.Exec(t.Context(), s.MigrationSQL())
	require.NoError(t, err, "MigrationSQL runs as it is")
	c, err := s.Claim(t.Context(), "evt_1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, idempotency.Claimed, c.State)
}

// A PostgreSQL error reaches the caller wrapped, with the package's prefix.
func TestErrorsWrapped(t *testing.T) {
	pool, _ := connect(t, 2, nil)
	schema := freshSchema(t, pool)
	s := newStore(t, pool, pgstore.Config{Table: schema + ".keys"})
	_, err := pool.Exec(t.Context(), "DROP TABLE "+schema+".keys")
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		err  error
	}{
		{"claim", func() error { _, err := s.Claim(t.Context(), "evt_1", time.Minute); return err }()},
		{"renew", s.Renew(t.Context(), "evt_1", "tok", time.Minute)},
		{"complete", s.Complete(t.Context(), "evt_1", "tok", time.Hour)},
		{"release", s.Release(t.Context(), "evt_1", "tok")},
		{"cleanup", func() error { _, err := s.Cleanup(t.Context()); return err }()},
	} {
		t.Run(c.name, func(t *testing.T) {
			var pgErr *pgconn.PgError
			require.ErrorAs(t, c.err, &pgErr)
			assert.Equal(t, "42P01", pgErr.Code)
			assert.True(t, strings.HasPrefix(c.err.Error(), "pgstore: "+c.name+": "), c.err.Error())
			assert.False(t, errors.Is(c.err, idempotency.ErrLeaseLost))
		})
	}
}

// A Claim whose statement started before a concurrent transaction changed the key, and waited
// for it, answers from the key as that transaction left it.
func TestClaimRace(t *testing.T) {
	pool, app := connect(t, 2, nil)
	other, _ := connect(t, 2, nil) // one for the transaction, one to watch
	schema := freshSchema(t, other)
	for _, c := range []struct {
		name   string
		before string // run and committed first
		during string // run in the concurrent transaction
		commit bool   // whether it commits, or rolls back
		want   idempotency.State
	}{
		{"Insert", "", `INSERT INTO %s VALUES ('evt_1', 'other', 'claimed', now() + interval '1 hour')`, true, idempotency.InFlight},
		{"InsertRolledBack", "", `INSERT INTO %s VALUES ('evt_1', 'other', 'claimed', now() + interval '1 hour')`, false, idempotency.Claimed},
		{"Takeover",
			`INSERT INTO %s VALUES ('evt_1', 'old', 'claimed', now() - interval '1 second')`,
			`UPDATE %s SET token = 'other', expires_at = now() + interval '1 hour'`, true, idempotency.InFlight},
		{"RetentionTakeover",
			`INSERT INTO %s VALUES ('evt_1', NULL, 'done', now() - interval '1 second')`,
			`UPDATE %s SET token = 'other', state = 'claimed', expires_at = now() + interval '1 hour'`, true, idempotency.InFlight},
		{"Completed",
			`INSERT INTO %s VALUES ('evt_1', 'old', 'claimed', now() - interval '1 second')`,
			`UPDATE %s SET token = NULL, state = 'done', expires_at = now() + interval '1 hour'`, true, idempotency.Done},
	} {
		t.Run(c.name, func(t *testing.T) {
			table := schema + "." + unique("t_")
			s := newStore(t, pool, pgstore.Config{Table: table})
			ctx := t.Context()
			if c.before != "" {
				_, err := other.Exec(ctx, fmt.Sprintf(c.before, table))
				require.NoError(t, err)
			}
			tx, err := other.Begin(ctx)
			require.NoError(t, err)
			defer tx.Rollback(context.Background())
			_, err = tx.Exec(ctx, fmt.Sprintf(c.during, table))
			require.NoError(t, err)

			type result struct {
				claim idempotency.Claim
				err   error
			}
			got := make(chan result, 1)
			go func() {
				cl, err := s.Claim(ctx, "evt_1", time.Minute)
				got <- result{cl, err}
			}()
			// The Claim's statement has started, and waits for the transaction's row.
			require.Eventually(t, func() bool {
				var waiting int
				err := other.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", app).Scan(&waiting)
				return err == nil && waiting == 1
			}, 10*time.Second, time.Millisecond)
			if c.commit {
				require.NoError(t, tx.Commit(ctx))
			} else {
				require.NoError(t, tx.Rollback(ctx))
			}
			r := <-got
			require.NoError(t, r.err)
			assert.Equal(t, c.want, r.claim.State)
			assert.Equal(t, c.want == idempotency.Claimed, r.claim.Token != "")
			assert.Equal(t, c.want == idempotency.Done, r.claim.LeaseEnds.IsZero())
		})
	}
}
