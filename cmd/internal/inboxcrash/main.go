// Command inboxcrash serves a vehReports receiver in the asynchronous mode, its inbox on
// PostgreSQL (-postgres, in -schema) or SQLite (-sqlite), so that a test can kill it with
// SIGKILL while deliveries are being processed and start it again on the same database. Its
// handler records each event id in crash_done (UNIQUE, INSERT ... ON CONFLICT DO NOTHING) and
// every run in crash_runs, taking -work per run. GET /crash/status reports the counts as JSON.
// It prints "inboxcrash listening on http://ADDR" once it serves.
//
//	go run ./cmd/internal/inboxcrash -postgres "postgres://postgres@127.0.0.1:5432/test?sslmode=disable" -schema crash_demo
//
// Jobs left running by a killed process are recovered by River's own rescuer only, as in
// production: the elected leader runs again the jobs running for longer than -rescue-after
// (inbox.Config.RescueAfter). The handler's deadline (-handler-timeout,
// receiver.Config.HandlerTimeout) is below it, so a live handler is never taken for a dead one.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Secret is the signing secret of the deliveries the receiver accepts.
const Secret = "inboxcrash-test-secret"

// options are the command's flags.
type options struct {
	pgURL, sqlitePath, schema, addr string
	workers                         int
	work                            time.Duration
	rescueAfter                     time.Duration // inbox.Config.RescueAfter
	handlerTimeout                  time.Duration // receiver.Config.HandlerTimeout
}

func main() {
	var o options
	flag.StringVar(&o.pgURL, "postgres", "", "PostgreSQL URL (exclusive with -sqlite)")
	flag.StringVar(&o.sqlitePath, "sqlite", "", "SQLite database file (exclusive with -postgres)")
	flag.StringVar(&o.schema, "schema", "inboxcrash", "PostgreSQL schema of the inbox and the tables")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen address")
	flag.IntVar(&o.workers, "workers", 0, "inbox workers (0: inbox.DefaultWorkers)")
	flag.DurationVar(&o.work, "work", time.Millisecond, "time each handler run takes")
	flag.DurationVar(&o.rescueAfter, "rescue-after", 3*time.Second,
		"how long a job may stay running before River's rescuer runs it again (inbox.Config.RescueAfter)")
	flag.DurationVar(&o.handlerTimeout, "handler-timeout", time.Second,
		"deadline of a handler run (receiver.Config.HandlerTimeout); below -rescue-after")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

// store is the database of the inbox and of the handler's records.
type store struct {
	exec  func(ctx context.Context, q string, args ...any) error
	count func(ctx context.Context, q string) (int64, error)
	ph    func(n int) string // placeholder n
	// rescued counts the jobs whose errors record a rescue by River's JobRescuer.
	rescued string
}

// rescuedError is the error River's rescuer records in a job it runs again.
const rescuedError = "Stuck job rescued by JobRescuer"

func run(o options) error {
	if o.rescueAfter <= 0 || o.handlerTimeout <= 0 || o.handlerTimeout >= o.rescueAfter {
		return fmt.Errorf("inboxcrash: -handler-timeout (%v) must be above zero and below -rescue-after (%v)", o.handlerTimeout, o.rescueAfter)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	var (
		st     store
		driver inbox.Driver
	)
	switch {
	case o.pgURL != "" && o.sqlitePath == "":
		pc, err := pgxpool.ParseConfig(o.pgURL)
		if err != nil {
			return err
		}
		pc.ConnConfig.RuntimeParams["search_path"] = o.schema
		pc.ConnConfig.RuntimeParams["application_name"] = "inboxcrash"
		pc.MaxConns = 20 // handlers wait for a connection rather than exhaust the server's
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			return err
		}
		defer pool.Close()
		if _, err := pool.Exec(ctx, fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %q", o.schema)); err != nil {
			return err
		}
		st = store{
			exec: func(ctx context.Context, q string, args ...any) error {
				_, err := pool.Exec(ctx, q, args...)
				return err
			},
			count: func(ctx context.Context, q string) (n int64, err error) {
				err = pool.QueryRow(ctx, q).Scan(&n)
				return n, err
			},
			ph:      func(n int) string { return fmt.Sprintf("$%d", n) },
			rescued: "SELECT count(*) FROM river_job WHERE errors::text LIKE '%" + rescuedError + "%'",
		}
		driver = inboxpg.New(pool)
	case o.sqlitePath != "" && o.pgURL == "":
		// OpenDB keeps SQLite's default synchronous FULL: an acknowledged delivery is on disk.
		db, err := inboxsqlite.OpenDB(o.sqlitePath)
		if err != nil {
			return err
		}
		defer db.Close()
		st = store{
			exec: func(ctx context.Context, q string, args ...any) error {
				_, err := db.ExecContext(ctx, q, args...)
				return err
			},
			count: func(ctx context.Context, q string) (n int64, err error) {
				err = db.QueryRowContext(ctx, q).Scan(&n)
				return n, err
			},
			ph: func(int) string { return "?" },
			// River keeps the errors as JSONB: json() makes them text.
			rescued: "SELECT count(*) FROM river_job WHERE errors IS NOT NULL AND json(errors) LIKE '%" + rescuedError + "%'",
		}
		driver = inboxsqlite.New(db)
	default:
		return errors.New("inboxcrash: exactly one of -postgres and -sqlite")
	}
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS crash_done (event_id TEXT PRIMARY KEY)",
		"CREATE TABLE IF NOT EXISTS crash_runs (event_id TEXT NOT NULL)",
	} {
		if err := st.exec(ctx, q); err != nil {
			return fmt.Errorf("inboxcrash: %s: %w", q, err)
		}
	}

	ib, err := inbox.Open(ctx, driver, inbox.Config{Workers: o.workers, RescueAfter: o.rescueAfter, Logger: logger})
	if err != nil {
		return err
	}

	v, err := verify.NewHMAC(verify.VehReports(Secret))
	if err != nil {
		return err
	}
	rx, err := receiver.New(vehreports.Provider(), receiver.Config{
		Verifier:       v,
		Inbox:          ib,
		Logger:         logger,
		HandlerTimeout: o.handlerTimeout,
	})
	if err != nil {
		return err
	}
	insRun := "INSERT INTO crash_runs (event_id) VALUES (" + st.ph(1) + ")"
	insDone := "INSERT INTO crash_done (event_id) VALUES (" + st.ph(1) + ") ON CONFLICT DO NOTHING"
	receiver.Handle(rx, vehreports.ReportCompleted, func(ctx context.Context, _ *vehreports.Report) error {
		id := receiver.FromContext(ctx).EventID
		if err := st.exec(ctx, insRun, id); err != nil {
			return err
		}
		t := time.NewTimer(o.work)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		return st.exec(ctx, insDone, id)
	})
	ib.Register(rx)
	if err := ib.Start(ctx); err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("/webhooks/vehreports", rx)
	mux.HandleFunc("GET /crash/status", func(w http.ResponseWriter, r *http.Request) {
		var s Status
		var err error
		for _, c := range []struct {
			dst *int64
			q   string
		}{
			{&s.Done, "SELECT count(*) FROM crash_done"},
			{&s.Runs, "SELECT count(*) FROM crash_runs"},
			{&s.Twice, "SELECT count(*) FROM (SELECT event_id FROM crash_runs GROUP BY event_id HAVING count(*) > 1) AS t"},
			{&s.Jobs, "SELECT count(*) FROM river_job"},
			{&s.Unfinished, "SELECT count(*) FROM river_job WHERE finalized_at IS NULL"},
			{&s.Running, "SELECT count(*) FROM river_job WHERE state = 'running'"},
			{&s.Rescued, st.rescued},
		} {
			if *c.dst, err = st.count(r.Context(), c.q); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		}
		_ = json.NewEncoder(w).Encode(s)
	})
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("inboxcrash listening on http://%s\n", ln.Addr())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		_ = ib.Stop(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-stopped
	return nil
}

// Status is what GET /crash/status answers.
type Status struct {
	Done       int64 `json:"done"`       // distinct event ids handled to the end
	Runs       int64 `json:"runs"`       // handler runs started
	Twice      int64 `json:"twice"`      // event ids whose handler started more than once
	Jobs       int64 `json:"jobs"`       // jobs in the inbox
	Unfinished int64 `json:"unfinished"` // jobs not yet completed, cancelled or discarded
	Running    int64 `json:"running"`    // jobs in River's running state
	Rescued    int64 `json:"rescued"`    // jobs River's rescuer has run again at least once
}
