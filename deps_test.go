package inspecthook_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCorePackagesImportNoDrivers checks that the core packages never pull in a database or
// Redis driver, so that a team that uses only them builds none: the drivers live in their own
// packages (idempotency/redisstore, idempotency/pgstore, idempotency/sqlitestore,
// ratelimit/redislimit).
func TestCorePackagesImportNoDrivers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped with -short")
	}
	core := []string{
		"github.com/inspecthook/inspecthook",
		"github.com/inspecthook/inspecthook/verify",
		"github.com/inspecthook/inspecthook/events/...",
		"github.com/inspecthook/inspecthook/ratelimit",
		"github.com/inspecthook/inspecthook/idempotency",
		"github.com/inspecthook/inspecthook/idempotency/storetest",
		"github.com/inspecthook/inspecthook/receiver",
		"github.com/inspecthook/inspecthook/webhooktest",
	}
	forbidden := []string{
		"github.com/redis/go-redis",
		"github.com/go-redis/redis_rate",
		"github.com/jackc/pgx",
		"modernc.org/sqlite",
		"github.com/riverqueue/river",
	}
	out, err := exec.Command("go", append([]string{"list", "-deps"}, core...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < len(core) {
		t.Fatalf("go list -deps listed %d packages: %s", len(deps), out)
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("a core package depends on %s", dep)
			}
		}
	}
}

// TestInboxLinksOnlyItsDriver checks that the inbox's core links no database driver and that a
// program keeping its inbox on one database links only that database's driver: a SQLite-only
// program no pgx, a PostgreSQL-only program no SQLite.
func TestInboxLinksOnlyItsDriver(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped with -short")
	}
	const prelude = `package main

import (
	"context"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	%s
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

func main() {
	ctx := context.Background()
	%s
	ib, _ := inbox.Open(ctx, driver, inbox.Config{})
	v, _ := verify.NewBearer("token")
	rx, _ := receiver.New(record360.Provider(), receiver.Config{Verifier: v, Inbox: ib})
	ib.Register(rx)
}
`
	tests := []struct {
		name, imports, open string
		forbidden           []string
		required            string
	}{
		{
			name:      "sqlite",
			imports:   `"github.com/inspecthook/inspecthook/inbox/inboxsqlite"`,
			open:      `db, _ := inboxsqlite.OpenDB("inbox.db"); driver := inboxsqlite.New(db)`,
			forbidden: []string{"github.com/jackc/", "riverpgxv5"},
			required:  "modernc.org/sqlite",
		},
		{
			name:      "postgres",
			imports:   `"github.com/jackc/pgx/v5/pgxpool"; "github.com/inspecthook/inspecthook/inbox/inboxpg"`,
			open:      `pool, _ := pgxpool.New(ctx, ""); driver := inboxpg.New(pool)`,
			forbidden: []string{"sqlite"},
			required:  "github.com/jackc/pgx/v5",
		},
	}
	// The programs live in a hidden folder of the module, which ./... patterns pass over.
	dir, err := os.MkdirTemp(".", ".depcheck-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, tt.name+".go")
			src := fmt.Sprintf(prelude, tt.imports, tt.open)
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			deps := goListDeps(t, "./"+filepath.ToSlash(file))
			if !slices.Contains(deps, tt.required) {
				t.Fatalf("the program does not link %s: go list saw %d packages", tt.required, len(deps))
			}
			for _, dep := range deps {
				for _, f := range tt.forbidden {
					if strings.Contains(dep, f) {
						t.Errorf("a %s-only program links %s", tt.name, dep)
					}
				}
			}
		})
	}
	t.Run("core", func(t *testing.T) {
		for _, dep := range goListDeps(t, "github.com/inspecthook/inspecthook/inbox") {
			if strings.Contains(dep, "github.com/jackc/") || strings.Contains(dep, "sqlite") {
				t.Errorf("the inbox core links %s", dep)
			}
		}
	})
}

// goListDeps returns what go list -deps prints for args.
func goListDeps(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-deps"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}
