package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/inspecthook/inspecthook"
)

// buildCommand builds the command into dir, with the race detector when the tests have it, so
// that the scripts run the real binary as a user would.
func buildCommand(t *testing.T, dir string) {
	t.Helper()
	args := []string{"build", "-o", filepath.Join(dir, "inspecthook")}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("building inspecthook: %v\n%s", err, out)
	}
}

// scriptCmds are the scripts' own commands beside testscript's; files of the package add theirs
// in init.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"waitlisten": cmdWaitListen,
	"app":        cmdApp,
	"fixture":    cmdFixture,
	"exits":      cmdExits,
}

// scriptSetups run at the start of every script, after the common setup.
var scriptSetups []func(env *testscript.Env) error

// TestScripts runs testdata/script/*.txtar against the built binary. Each script gets a free
// loopback address in $LISTEN_ADDR, PostgreSQL's URL in $PG_URL, and the commands of scriptCmds:
//
//	waitlisten ADDR             wait (at most 20 s) until ADDR accepts connections
//	app start NAME [STATUS]     start an HTTP server answering STATUS (default 200) "app ok",
//	                            its URL in $NAME_URL (NAME upper-cased)
//	app body NAME N FILE        write the body of the Nth request NAME received to FILE
//	app headers NAME N FILE     write its method, path and headers, one "Name: value" a line, sorted
//	app count NAME N            check NAME received N requests
//	fixture PROVIDER FILE OUT   write the embedded fixture PROVIDER/FILE to OUT
//	exits STATUS PROG ARGS...   run PROG as exec does and check its exit status is STATUS
//
// The condition [postgres] holds when PostgreSQL answers at $PG_URL; when it does not and CI is
// "true", the script fails instead of being skipped.
func TestScripts(t *testing.T) {
	binDir := t.TempDir()
	buildCommand(t, binDir)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			addr, err := freeAddr()
			if err != nil {
				return err
			}
			env.Setenv("LISTEN_ADDR", addr)
			env.Setenv("PG_URL", postgresURL())
			env.Setenv("CI", os.Getenv("CI"))
			for _, f := range scriptSetups {
				if err := f(env); err != nil {
					return err
				}
			}
			return nil
		},
		Cmds:      scriptCmds,
		Condition: scriptCondition,
	})
}

// postgresURL is the server the scripts use: INSPECTHOOK_POSTGRES_URL, or the local one.
func postgresURL() string {
	if u := os.Getenv("INSPECTHOOK_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

func scriptCondition(cond string) (bool, error) {
	switch cond {
	case "postgres":
		pgOnce.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, postgresURL())
			if err == nil {
				err = conn.Ping(ctx)
				conn.Close(ctx)
			}
			pgErr = err
		})
		if pgErr != nil && os.Getenv("CI") == "true" {
			return false, fmt.Errorf("PostgreSQL is unreachable (CI=true, so this fails instead of skipping): %v", pgErr)
		}
		return pgErr == nil, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func cmdWaitListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlisten ADDR")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", args[0], time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("nothing listens on %s: %v", args[0], err)
		}
		time.Sleep(50 * time.Millisecond) // polling another process: no clock to inject
	}
}

// appServer is a stand-in for the user's application: it records every request.
type appServer struct {
	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	method, path string
	header       http.Header
	body         []byte
}

var (
	appsMu sync.Mutex
	apps   = map[*testscript.TestScript]map[string]*appServer{}
)

func cmdApp(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: app start|body|headers|count NAME ...")
	}
	name := args[1]
	appsMu.Lock()
	if apps[ts] == nil {
		apps[ts] = map[string]*appServer{}
	}
	a := apps[ts][name]
	appsMu.Unlock()
	if args[0] != "start" && a == nil {
		ts.Fatalf("no app %q started", name)
	}
	switch args[0] {
	case "start":
		status := http.StatusOK
		if len(args) > 2 {
			var err error
			if status, err = strconv.Atoi(args[2]); err != nil {
				ts.Fatalf("status %q: %v", args[2], err)
			}
		}
		a = &appServer{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			a.mu.Lock()
			a.requests = append(a.requests, recorded{r.Method, r.URL.RequestURI(), r.Header.Clone(), body})
			a.mu.Unlock()
			w.WriteHeader(status)
			io.WriteString(w, "app ok")
		}))
		ts.Defer(srv.Close)
		appsMu.Lock()
		apps[ts][name] = a
		appsMu.Unlock()
		ts.Defer(func() { appsMu.Lock(); delete(apps, ts); appsMu.Unlock() })
		ts.Setenv(strings.ToUpper(name)+"_URL", srv.URL)
	case "body", "headers":
		if len(args) != 4 {
			ts.Fatalf("usage: app %s NAME N FILE", args[0])
		}
		r := a.request(ts, args[2])
		out := r.body
		if args[0] == "headers" {
			var lines []string
			for k, vs := range r.header {
				for _, v := range vs {
					lines = append(lines, k+": "+v)
				}
			}
			slices.Sort(lines)
			out = []byte(r.method + " " + r.path + "\n" + strings.Join(lines, "\n") + "\n")
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[3]), out, 0o644))
	case "count":
		if len(args) != 3 {
			ts.Fatalf("usage: app count NAME N")
		}
		a.mu.Lock()
		n := len(a.requests)
		a.mu.Unlock()
		if (strconv.Itoa(n) == args[2]) == neg {
			ts.Fatalf("app %s received %d requests", name, n)
		}
	default:
		ts.Fatalf("unknown app command %q", args[0])
	}
}

func (a *appServer) request(ts *testscript.TestScript, nth string) recorded {
	n, err := strconv.Atoi(nth)
	if err != nil {
		ts.Fatalf("request number %q: %v", nth, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if n < 1 || n > len(a.requests) {
		ts.Fatalf("request %d of %d", n, len(a.requests))
	}
	return a.requests[n-1]
}

func cmdFixture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: fixture PROVIDER FILE OUT")
	}
	fixtures, err := inspecthook.LoadFixtures(args[0])
	ts.Check(err)
	for _, f := range fixtures {
		if f.File == args[0]+"/"+args[1] {
			body, err := f.Body()
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(args[2]), body, 0o644))
			return
		}
	}
	ts.Fatalf("no fixture %s/%s", args[0], args[1])
}

// cmdExits runs a program as exec does (with the stdin of a preceding stdin command, its
// output kept for stdout and stderr) and checks its exit status:
//
//	exits STATUS PROGRAM [ARGS...]
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exit status %q: %v", args[0], err)
	}
	got := 0
	var ee *exec.ExitError
	switch err := ts.Exec(args[1], args[2:]...); {
	case err == nil:
	case errors.As(err, &ee):
		got = ee.ExitCode()
	default:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
