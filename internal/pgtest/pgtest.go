// Package pgtest gives tests the PostgreSQL server they use: skipped without it on a
// developer's machine, failed in CI.
package pgtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

// DefaultURL is the local server's test database, used when INSPECTHOOK_POSTGRES_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL returns the test server's URL, INSPECTHOOK_POSTGRES_URL or DefaultURL, once it has
// answered a connection; it skips the test when the server is unreachable, and fails it when
// CI is "true".
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("INSPECTHOOK_POSTGRES_URL")
	if url == "" {
		url = DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		redistest.Unavailable(tb, "PostgreSQL is unreachable (set INSPECTHOOK_POSTGRES_URL): %v", err)
	}
	_ = conn.Close(ctx)
	return url
}
