package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantLines are what every run prints, whatever the database.
var wantLines = []string{
	"POST ok     -> 200 ok: queued",
	"POST ok     -> 200 ok: already received",
	"worker: flaky attempt 1 fails",
	"worker: flaky attempt 2 handled",
	"dead letter: job",
	"replayed 1 dead letter(s)",
	"worker: broken attempt 3 handled",
	"stopped",
}

// TestRunPostgres runs the program on PostgreSQL, in a schema of its own dropped at the end. It
// skips when the server is unreachable, and fails instead when CI is "true".
func TestRunPostgres(t *testing.T) {
	base := os.Getenv("INSPECTHOOK_POSTGRES_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is unreachable (CI=true, so this fails instead of skipping): %v", err)
		}
		t.Skipf("PostgreSQL is unreachable; set INSPECTHOOK_POSTGRES_URL to run this test: %v", err)
	}
	schema := "async_example_" + strings.ToLower(rand.Text()[:12])
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := conn.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		assert.NoError(t, err)
		_ = conn.Close(context.Background())
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	var out bytes.Buffer
	env := func(string) string { return "" }
	require.NoError(t, run(ctx, []string{"-postgres", u.String()}, env, &out))
	assert.Contains(t, out.String(), "inbox on PostgreSQL")
	for _, want := range wantLines {
		assert.Contains(t, out.String(), want)
	}
}

func TestRunSQLite(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"TempFile", nil},
		{"DBFlag", []string{"-db", t.TempDir() + "/inbox.db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
			defer cancel()
			var out bytes.Buffer
			noPostgres := func(string) string { return "" }
			require.NoError(t, run(ctx, tt.args, noPostgres, &out))
			got := out.String()
			assert.Contains(t, got, "inbox on SQLite")
			for _, want := range wantLines {
				assert.Contains(t, got, want)
			}
		})
	}
}
