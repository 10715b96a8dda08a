// Command async shows the asynchronous mode: a Record360 receiver whose deliveries are stored in
// an inbox and answered "ok: queued" at once, while workers run the handler in the background,
// retry a failure, keep a delivery that fails every attempt as a dead letter, and replay it.
//
// It runs on SQLite with no setup (a file in a temporary directory, or -db path), and on
// PostgreSQL when -postgres or INSPECTHOOK_POSTGRES_URL is set (River's tables go in the
// connection's search_path, public by default):
//
//	go run ./examples/async
//	go run ./examples/async -postgres postgres://postgres@127.0.0.1:5432/test?sslmode=disable
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// keyHeader carries each demo delivery's idempotency key, so one fixture makes several deliveries.
const keyHeader = "X-Delivery-Id"

const token = "r360-demo-token-2d9c"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "async:", err)
		os.Exit(1)
	}
}

// printer writes lines from several goroutines.
type printer struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *printer) printf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", a...)
}

// run is the whole demonstration; it returns when the inbox has stopped.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fl := flag.NewFlagSet("async", flag.ContinueOnError)
	dbPath := fl.String("db", "", "SQLite file (default: one in a temporary directory)")
	pgURL := fl.String("postgres", getenv("INSPECTHOOK_POSTGRES_URL"), "PostgreSQL URL (default $INSPECTHOOK_POSTGRES_URL); SQLite when empty")
	if err := fl.Parse(args); err != nil {
		return err
	}
	p := &printer{w: out}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil)) // River's own lines are not the point here

	cfg := inbox.Config{MaxAttempts: 2, Logger: logger}
	var driver inbox.Driver
	if *pgURL != "" {
		pool, err := pgxpool.New(ctx, *pgURL)
		if err != nil {
			return err
		}
		defer pool.Close()
		driver = inboxpg.New(pool)
		p.printf("inbox on PostgreSQL")
	} else {
		path := *dbPath
		if path == "" {
			dir, err := os.MkdirTemp("", "inspecthook-async-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "inbox.db")
		}
		db, err := inboxsqlite.OpenDB(path)
		if err != nil {
			return err
		}
		defer db.Close()
		driver = inboxsqlite.New(db)
		p.printf("inbox on SQLite")
	}
	ib, err := inbox.Open(ctx, driver, cfg)
	if err != nil {
		return err
	}

	signer, err := verify.NewBearer(token)
	if err != nil {
		return err
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: signer, Inbox: ib, IdempotencyKeyHeader: keyHeader, Logger: logger,
	})
	if err != nil {
		return err
	}
	var fixed atomic.Bool // the "downstream" that rejects the broken delivery until it is fixed
	done := make(chan string, 10)
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		d := receiver.FromContext(ctx)
		name := d.IdempotencyKey[strings.LastIndex(d.IdempotencyKey, "-")+1:]
		switch {
		case name == "flaky" && d.Attempt == 1:
			p.printf("  worker: %s attempt %d fails (downstream timeout)", name, d.Attempt)
			return errors.New("downstream timeout")
		case name == "broken" && !fixed.Load():
			p.printf("  worker: %s attempt %d fails (downstream rejects it)", name, d.Attempt)
			return errors.New("downstream rejects it")
		}
		p.printf("  worker: %s attempt %d handled inspection %s", name, d.Attempt, insp.ID)
		done <- name
		return nil
	})
	ib.Register(rx)
	if err := ib.Start(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rx, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String() + "/webhooks/record360"

	body, err := fs.ReadFile(inspecthook.Fixtures(), "record360/v3_inspection_created.json")
	if err != nil {
		return err
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano()) // a fresh key per run, for a -db file kept between runs
	for _, name := range []string{"ok", "flaky", "broken", "ok"} {
		status, answer, err := send(ctx, url, run+"-"+name, body, signer)
		if err != nil {
			return err
		}
		p.printf("POST %-6s -> %d %s", name, status, answer)
	}

	if err := wait(ctx, done, "ok", "flaky"); err != nil {
		return err
	}
	dead, err := waitDead(ctx, ib)
	if err != nil {
		return err
	}
	for _, j := range dead {
		p.printf("dead letter: job %d, %d attempts, last error %q", j.ID, j.Attempt, j.Errors[len(j.Errors)-1])
	}
	fixed.Store(true)
	n, err := ib.RetryDiscarded(ctx, record360.Provider().Name())
	if err != nil {
		return err
	}
	p.printf("replayed %d dead letter(s)", n)
	if err := wait(ctx, done, "broken"); err != nil {
		return err
	}

	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		return err
	}
	if err := ib.Stop(stopCtx); err != nil {
		return err
	}
	p.printf("stopped")
	return nil
}

// send posts body with key, signed, and returns the answer.
func send(ctx context.Context, url, key string, body []byte, signer verify.Signer) (int, string, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(keyHeader, key)
	if err := signer.Sign(r, body); err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}

// wait waits for the handler to succeed with each of names, for at most a minute.
func wait(ctx context.Context, done <-chan string, names ...string) error {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	timeout := time.After(time.Minute)
	for len(want) > 0 {
		select {
		case n := <-done:
			delete(want, n)
		case <-timeout:
			return fmt.Errorf("handlers did not finish: %v", want)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// waitDead waits for a dead letter, for at most a minute.
func waitDead(ctx context.Context, ib *inbox.Inbox) ([]inbox.Job, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(time.Minute)
	for {
		jobs, err := ib.List(ctx, inbox.ListParams{States: []string{"discarded"}, Provider: record360.Provider().Name()})
		if err != nil {
			return nil, err
		}
		if len(jobs) > 0 {
			return jobs, nil
		}
		select {
		case <-tick.C:
		case <-timeout:
			return nil, errors.New("no dead letter within a minute")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
