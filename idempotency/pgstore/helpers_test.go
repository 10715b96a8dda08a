package pgstore_test

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/idempotency/pgstore"
)

// postgresURL is the server the tests use: INSPECTHOOK_POSTGRES_URL, or the local one.
func postgresURL() string {
	if u := os.Getenv("INSPECTHOOK_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// unique returns prefix followed by random lower-case letters and digits: a name no other test
// uses, valid as an identifier and as an application_name.
func unique(prefix string) string {
	return prefix + strings.ToLower(rand.Text()[:16])
}

// connect returns a pool of at most maxConns connections to the test server, each with a unique
// application_name (the second result), closed when the test ends. tweak, when not nil, edits the
// pool's configuration first. It skips the test when the server is unreachable, and fails it
// instead when CI is "true".
func connect(t testing.TB, maxConns int32, tweak func(*pgxpool.Config)) (*pgxpool.Pool, string) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(postgresURL())
	require.NoError(t, err, "INSPECTHOOK_POSTGRES_URL")
	app := unique("pgstore_test_")
	cfg.MaxConns = maxConns
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	if tweak != nil {
		tweak(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := pool.Ping(ctx); err != nil {
		where := postgresURL()
		if u, perr := url.Parse(where); perr == nil {
			where = u.Redacted() // no password in the test's output
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable (CI=true, so this fails instead of skipping): %v", where, err)
		}
		t.Skipf("PostgreSQL at %s is unreachable; set INSPECTHOOK_POSTGRES_URL to run this test: %v", where, err)
	}
	return pool, app
}

// warm opens every connection the pool may hold, so that a test's first deliveries do not wait
// for new connections, which can take a good part of a short lease on a loaded machine.
func warm(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	n := int(pool.Config().MaxConns)
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range n {
		c, err := pool.Acquire(t.Context())
		require.NoError(t, err)
		conns = append(conns, c)
	}
}

// freshSchema creates a schema of its own for the test, dropped with everything in it when the
// test ends, and returns its name.
func freshSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	schema := unique("pgstore_test_")
	_, err := pool.Exec(t.Context(), "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := pool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// newStore builds a store on table, closed when the test ends.
func newStore(t testing.TB, pool *pgxpool.Pool, cfg pgstore.Config) *pgstore.Store {
	t.Helper()
	s, err := pgstore.New(t.Context(), pool, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// count returns the number of rows of table.
func count(t testing.TB, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n)
	require.NoError(t, err)
	return n
}
