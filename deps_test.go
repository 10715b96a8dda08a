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

// TestProgramsLinkOnlyWhatTheyUse builds up a program a piece at a time (a receiver with one
// provider; then an idempotency store in Redis; then Prometheus metrics; then the page of
// recent deliveries) and checks that each links what it uses and nothing it does not: no River,
// pgx or SQLite without the inbox or a store on them, no Redis without the Redis store, no
// Prometheus without the metrics, and no part of the inbox for the page without its inbox view.
// The last program shows the inbox on the page (pageinbox) and must link River and SQLite, so
// that the check can fail. Each program is one go list call.
func TestProgramsLinkOnlyWhatTheyUse(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped with -short")
	}
	const (
		mod        = "github.com/inspecthook/inspecthook/"
		river      = "github.com/riverqueue/"
		pgx        = "github.com/jackc/"
		sqlite     = "modernc.org/sqlite"
		redis      = "github.com/redis/go-redis/"
		redisRate  = "github.com/go-redis/"
		prometheus = "github.com/prometheus/"
		inboxCore  = mod + "inbox"
	)
	// A piece of a program: its imports and its lines of main, which add to cfg (the receiver's
	// configuration), observers (its observers) and mux.
	type piece struct {
		imports []string
		code    string
	}
	var (
		receiverPiece = piece{
			[]string{mod + "events/record360", mod + "verify"},
			`v, _ := verify.NewBearer("token")
	cfg.Verifier = v`,
		}
		redisPiece = piece{
			[]string{"github.com/redis/go-redis/v9", mod + "idempotency/redisstore"},
			`store, _ := redisstore.New(redis.NewClient(&redis.Options{}), redisstore.Config{})
	cfg.Store = store`,
		}
		promPiece = piece{
			[]string{"github.com/prometheus/client_golang/prometheus", mod + "observe/prom"},
			`m, _ := prom.New(prometheus.NewRegistry(), prom.WithProviders(record360.Provider()))
	observers = append(observers, m.Observe)
	cfg.OnError = m.OnError`,
		}
		pagePiece = piece{
			[]string{mod + "observe/page"},
			`p, _ := page.New(page.Config{})
	observers = append(observers, p.Observe)
	mux.Handle("/deliveries/", p)`,
		}
		pageInboxPiece = piece{
			[]string{mod + "observe/page", mod + "observe/page/pageinbox", mod + "inbox", mod + "inbox/inboxsqlite"},
			`db, _ := inboxsqlite.OpenDB("inbox.db")
	ib, _ := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{})
	cfg.Inbox = ib
	p, _ := page.New(page.Config{Inbox: pageinbox.New(ib)})
	observers = append(observers, p.Observe)
	mux.Handle("/deliveries/", p)`,
		}
	)
	const program = `package main

import (
%s)

func main() {
	ctx := context.Background()
	mux := http.NewServeMux()
	var cfg receiver.Config
	var observers []func(context.Context, receiver.Outcome)
	%s
	cfg.Observer = receiver.Observers(observers...)
	rx, _ := receiver.New(record360.Provider(), cfg)
	mux.Handle("POST /webhooks/record360", rx)
	server := &http.Server{Addr: "127.0.0.1:8080", Handler: mux, BaseContext: func(net.Listener) context.Context { return ctx }}
	_ = server.ListenAndServe()
}
`
	tests := []struct {
		name      string
		pieces    []piece
		required  []string // a package, or the start of its path
		forbidden []string // the start of a package path
	}{
		{
			name:      "receiver",
			pieces:    []piece{receiverPiece},
			required:  []string{mod + "receiver", mod + "events/record360"},
			forbidden: []string{river, pgx, sqlite, redis, redisRate, prometheus, inboxCore, mod + "observe/"},
		},
		{
			name:      "receiver+redisstore",
			pieces:    []piece{receiverPiece, redisPiece},
			required:  []string{redis},
			forbidden: []string{river, pgx, sqlite, redisRate, prometheus, inboxCore, mod + "observe/"},
		},
		{
			name:      "receiver+redisstore+prom",
			pieces:    []piece{receiverPiece, redisPiece, promPiece},
			required:  []string{redis, prometheus + "client_golang/prometheus"},
			forbidden: []string{river, pgx, sqlite, redisRate, inboxCore, mod + "observe/page"},
		},
		{
			name:      "receiver+redisstore+prom+page",
			pieces:    []piece{receiverPiece, redisPiece, promPiece, pagePiece},
			required:  []string{redis, prometheus + "client_golang/prometheus", mod + "observe/page"},
			forbidden: []string{river, pgx, sqlite, redisRate, inboxCore},
		},
		{
			name:      "receiver+page",
			pieces:    []piece{receiverPiece, pagePiece},
			required:  []string{mod + "observe/page"},
			forbidden: []string{river, pgx, sqlite, redis, redisRate, prometheus, inboxCore},
		},
		{
			name:      "receiver+page+pageinbox",
			pieces:    []piece{receiverPiece, pageInboxPiece},
			required:  []string{river + "river", sqlite, inboxCore, mod + "observe/page/pageinbox"},
			forbidden: []string{pgx, redis, redisRate, prometheus},
		},
	}
	// The programs live in a hidden folder of the module, which ./... patterns pass over, one
	// folder each. They are vetted in one go vet call, so that go list, which does not compile
	// them, does not list the imports of a program that no longer builds.
	dir, err := os.MkdirTemp(".", ".depcheck-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	pkgs := make([]string, len(tests))
	for i, tt := range tests {
		imports := []string{"context", "net", "net/http", mod + "events/record360", mod + "receiver"}
		var code []string
		for _, p := range tt.pieces {
			imports = append(imports, p.imports...)
			code = append(code, p.code)
		}
		slices.Sort(imports)
		var imp strings.Builder
		for _, path := range slices.Compact(imports) {
			fmt.Fprintf(&imp, "\t%q\n", path)
		}
		src := fmt.Sprintf(program, imp.String(), strings.Join(code, "\n\t"))
		pkg := filepath.Join(dir, strings.ReplaceAll(tt.name, "+", "_"))
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs[i] = "./" + filepath.ToSlash(pkg)
	}
	if out, err := exec.Command("go", append([]string{"vet"}, pkgs...)...).CombinedOutput(); err != nil {
		t.Fatalf("go vet of the programs: %v\n%s", err, out)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			deps := goListDeps(t, pkgs[i])
			for _, req := range tt.required {
				if !slices.ContainsFunc(deps, func(d string) bool { return strings.HasPrefix(d, req) }) {
					t.Errorf("the program does not link %s: go list saw %d packages", req, len(deps))
				}
			}
			for _, f := range tt.forbidden {
				var linked []string
				for _, dep := range deps {
					if strings.HasPrefix(dep, f) {
						linked = append(linked, dep)
					}
				}
				if len(linked) > 0 {
					t.Errorf("the program links %d packages of %s, which it does not use: %s", len(linked), f, strings.Join(linked[:min(len(linked), 5)], ", "))
				}
			}
		})
	}
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
