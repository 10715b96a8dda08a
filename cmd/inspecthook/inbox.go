package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver inboxOpenSQLite opens (inboxsqlite registers it too)

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxpg"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
)

func init() { extraCommands = append(extraCommands, (*app).inboxCommand) }

// envInboxDB is the environment variable --db is read from when it is not given.
const envInboxDB = "INSPECTHOOK_DB"

// inboxOpenTimeout bounds connecting to the database and checking its schema.
const inboxOpenTimeout = 30 * time.Second

// inboxSQLiteBusyTimeout is how long (in milliseconds) a SQLite statement waits for a lock held
// by another process, such as the receiver's workers, as inboxsqlite.OpenDB sets it.
const inboxSQLiteBusyTimeout = 10000

// inboxWaiting is the one --state value that is not a River state: every state of
// inbox.WaitingStates, the jobs that have yet to run.
const inboxWaiting = "waiting"

// inboxStateNames are the values --state takes: River's states, as inbox.States lists them,
// then "waiting".
func inboxStateNames() []string {
	return append(inbox.States(), inboxWaiting)
}

// inboxFinished reports whether state is that of a job that has ended: nothing runs it again
// but a retry.
func inboxFinished(state string) bool {
	switch state {
	case inbox.StateCompleted, inbox.StateDiscarded, inbox.StateCancelled:
		return true
	}
	return false
}

// inboxFlags are the flags every inbox subcommand shares.
type inboxFlags struct {
	db    string // --db, else $INSPECTHOOK_DB
	queue string // --queue
}

// inboxCommand is "inspecthook inbox" and its subcommands.
func (a *app) inboxCommand() *cobra.Command {
	f := &inboxFlags{}
	cmd := &cobra.Command{
		Use:   "inbox",
		Short: "Work the asynchronous inbox: list, show, retry and cancel stored deliveries",
		Long: `inbox works the asynchronous inbox of package inbox: the deliveries a receiver stored as River
jobs on PostgreSQL or SQLite, to be run by its workers with retries. It lists them by state,
shows one with its attempts, errors and body, replays dead letters and keeps waiting jobs from
running. It never runs a handler itself: the workers of your receiver do.

--db names the database, else the INSPECTHOOK_DB environment variable does:

  postgres://user:password@host:5432/db?sslmode=disable   PostgreSQL (also postgresql://); River's
                                                          tables are found through the URL's
                                                          search_path, as the receiver's pool has it
  sqlite:PATH, file:PATH or PATH                          a SQLite file, which must exist

A SQLite file that does not exist is an error, never created, and a database without River's
tables is refused. A password in the URL is never printed.

States are River's, and the command prints and takes them by River's names: available,
scheduled, retryable and pending jobs wait for a worker (retryable ones after a failed attempt),
running ones are being handled, completed ones succeeded, discarded ones (the dead letters)
failed every attempt, cancelled ones were cancelled, or failed with an error wrapped in
receiver.Permanent. Finished jobs are kept for the inbox's retention (72 h by default) and their
keys deduplicate deliveries until then.`,
		Example: `  export INSPECTHOOK_DB=postgres://postgres@127.0.0.1:5432/app?sslmode=disable
  inspecthook inbox ls --state discarded --newest --limit 10
  inspecthook inbox ls --key 'safetyculture:...'
  inspecthook inbox show 42
  inspecthook inbox retry 42
  inspecthook inbox retry --discarded --provider safetyculture
  inspecthook inbox cancel 43
  inspecthook inbox ls --db ./inbox.db --json | jq '.[] | select(.state == "discarded") | .id'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q: one of ls, show, retry, cancel", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&f.db, "db", "", "the inbox's database: a postgres:// URL, or a SQLite file as sqlite:PATH, file:PATH or PATH (default $"+envInboxDB+")")
	cmd.PersistentFlags().StringVar(&f.queue, "queue", inbox.DefaultQueue, "the River queue of the deliveries, as the inbox's Config.Queue names it")
	cmd.AddCommand(
		a.inboxLsCommand(f),
		a.inboxShowCommand(f),
		a.inboxRetryCommand(f),
		a.inboxCancelCommand(f),
	)
	return cmd
}

// inboxLsCommand is "inbox ls".
func (a *app) inboxLsCommand(f *inboxFlags) *cobra.Command {
	var (
		states   []string
		provider string
		key      string
		limit    int
		newest   bool
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List stored deliveries, oldest first",
		Long: `ls lists the deliveries the inbox holds, oldest first (--newest turns the order round): their job ID, state, provider, attempts
made of the most allowed, when they were received, their idempotency key and the last error.
Long keys and errors are cut short: "inbox show ID" prints them whole.

--state selects states by River's names, repeated or separated by commas:
` + strings.Join(inboxStateNames(), ", ") + `.
"discarded" are the dead letters (deliveries that failed every attempt); "waiting" is any of
` + strings.Join(inbox.WaitingStates(), ", ") + `. --json prints one JSON array of the jobs,
without their bodies.

When nothing is selected, "no deliveries" is printed on stderr ("[]" with --json), and ls
succeeds.`,
		Example: `  inspecthook inbox ls
  inspecthook inbox ls --state discarded --newest --limit 10
  inspecthook inbox ls --key 'safetyculture:...'
  inspecthook inbox ls --state waiting --provider record360 --limit 20
  inspecthook inbox ls --state discarded --json | jq -r '.[].id'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			riverStates, err := inboxParseStates(states)
			if err != nil {
				return err
			}
			if limit < 1 {
				return usagef("--limit must be at least 1 (got %d)", limit)
			}
			ib, err := a.openInbox(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer ib.close()
			jobs, err := ib.List(cmd.Context(), inbox.ListParams{
				States: riverStates, Provider: inboxProviderName(provider), Key: key, NewestFirst: newest, Limit: limit,
			})
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]inboxJobJSON, len(jobs))
				for i, j := range jobs {
					out[i] = inboxJSONOf(j, false)
				}
				return writeJSON(a.stdout, out)
			}
			if len(jobs) == 0 {
				fmt.Fprintln(a.stderr, "no deliveries")
				return nil
			}
			if err := a.printInboxJobs(jobs, time.Now()); err != nil {
				return err
			}
			if len(jobs) == limit {
				which := "oldest"
				if newest {
					which = "newest"
				}
				fmt.Fprintf(a.stderr, "showing the %d %s; raise --limit for more\n", limit, which)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&states, "state", nil, "only jobs in these states: "+strings.Join(inboxStateNames(), ", ")+"; discarded are the dead letters (default all)")
	fl.StringVar(&provider, "provider", "", "only deliveries of this provider")
	fl.StringVar(&key, "key", "", "only the delivery of this idempotency key, as ls and show print it")
	fl.BoolVar(&newest, "newest", false, "the newest deliveries first")
	fl.IntVar(&limit, "limit", 100, "list at most this many jobs")
	fl.BoolVar(&asJSON, "json", false, "print a JSON array of the jobs (without bodies)")
	_ = cmd.RegisterFlagCompletionFunc("state", completeInboxStates)
	_ = cmd.RegisterFlagCompletionFunc("provider", completeInboxProviders)
	return cmd
}

// inboxShowCommand is "inbox show".
func (a *app) inboxShowCommand(f *inboxFlags) *cobra.Command {
	var asJSON, raw bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one stored delivery: its attempts, errors and body",
		Long: `show prints everything the inbox holds of one delivery: its provider, idempotency key, state,
attempts made of the most allowed, when it was received, stored, scheduled to run (the next
retry of a retryable job) and finished, the error of each failed attempt, oldest first, and the
body, indented when it is JSON, else as it is.

--raw writes only the body, byte for byte as the provider sent it, for "inspecthook verify" or
"inspecthook trigger --file -". --json prints the job as one JSON object: the body under "body"
when it is JSON, else under "body_text" (UTF-8) or "body_base64".

An ID the inbox does not hold (never stored, or removed after the retention) fails with
"no job ID".`,
		Example: `  inspecthook inbox show 42
  inspecthook inbox show 42 --json | jq -r '.errors[-1]'
  inspecthook inbox show 42 --raw > body.json`,
		Args: exactArgs(1, "one job ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && raw {
				return usagef("--json and --raw do not go together")
			}
			ids, err := inboxParseIDs(args)
			if err != nil {
				return err
			}
			ib, err := a.openInbox(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer ib.close()
			j, err := ib.job(cmd.Context(), ids[0])
			if err != nil {
				return err
			}
			switch {
			case raw:
				_, err = a.stdout.Write(j.Body)
				return err
			case asJSON:
				return writeJSON(a.stdout, inboxJSONOf(j, true))
			}
			return a.printInboxJob(j, time.Now())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the job as a JSON object")
	cmd.Flags().BoolVar(&raw, "raw", false, "write only the body, exactly as received")
	return cmd
}

// inboxRetryCommand is "inbox retry".
func (a *app) inboxRetryCommand(f *inboxFlags) *cobra.Command {
	var (
		discarded bool
		provider  string
	)
	cmd := &cobra.Command{
		Use:   "retry ID... | --discarded [--provider P]",
		Short: "Run stored deliveries again: discarded (dead letters), cancelled or completed jobs",
		Long: `retry makes jobs run again, once, as soon as a worker of the inbox is free: a discarded job (a
dead letter) after the cause of its failures was fixed, a cancelled job, a completed one (its
handler runs a second time), or a waiting one sooner. A discarded job that had used all its
attempts gets one more. The jobs run only where the receiver's workers run: retry changes the
database, it runs no handler.

A running job is left alone: retry it once it has finished (a job left running by a process
that died is run again by the workers on their own, after the inbox's RescueAfter).
--discarded retries every discarded job (every dead letter), of one provider with --provider,
and prints how many it retried.

The exit status is 1 when a job was not found or was running, after the others were retried.`,
		Example: `  inspecthook inbox retry 42
  inspecthook inbox retry 42 43 44
  inspecthook inbox retry --discarded
  inspecthook inbox retry --discarded --provider vehreports`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case discarded && len(args) > 0:
				return usagef("%s takes job IDs or --discarded, not both", cmd.CommandPath())
			case !discarded && len(args) == 0:
				return usagef("%s takes job IDs, or --discarded for every dead letter", cmd.CommandPath())
			case !discarded && provider != "":
				return usagef("--provider goes with --discarded")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.onInboxJobs(cmd, f, args, func(ctx context.Context, ib *openedInbox, ids []int64) error {
				if discarded {
					return a.retryDiscarded(ctx, ib, inboxProviderName(provider))
				}
				return a.eachInboxJob(ids, func(id int64) error { return a.retryInboxJob(ctx, ib, id) })
			})
		},
	}
	cmd.Flags().BoolVar(&discarded, "discarded", false, "retry every discarded job (every dead letter)")
	cmd.Flags().StringVar(&provider, "provider", "", "with --discarded: only the dead letters of this provider")
	_ = cmd.RegisterFlagCompletionFunc("provider", completeInboxProviders)
	return cmd
}

// inboxCancelCommand is "inbox cancel".
func (a *app) inboxCancelCommand(f *inboxFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cancel ID...",
		Short: "Keep waiting deliveries from running: cancel them",
		Long: `cancel keeps waiting jobs (` + strings.Join(inbox.WaitingStates(), ", ") + `) from running: it cancels
them (the inbox's Cancel). A cancelled job is not removed: it stays in the inbox as cancelled
until the inbox's retention (72 h by default) has passed; its idempotency key still deduplicates
deliveries until then, so a provider's retry of the same delivery is answered "already
received" and runs nothing. "inspecthook inbox retry ID" runs it after all.

A running job is asked to stop: its handler's context is cancelled when the worker running it
learns of it (within seconds), and it is not retried; a handler that ignores its context or
succeeds first completes as usual.

A job that has already finished (completed, discarded or cancelled) is refused, with
"job ID is already completed; nothing to cancel" and exit status 1; the others given are
still cancelled.`,
		Example: `  inspecthook inbox cancel 43
  inspecthook inbox ls --state waiting --provider vehreports --json | jq -r '.[].id' | xargs -r inspecthook inbox cancel`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("%s takes one or more job IDs", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.onInboxJobs(cmd, f, args, func(ctx context.Context, ib *openedInbox, ids []int64) error {
				return a.eachInboxJob(ids, func(id int64) error { return a.cancelInboxJob(ctx, ib, id) })
			})
		},
	}
	return cmd
}

// inboxParseStates turns --state values into River's states: each is one of inbox.States, or
// "waiting" for every state of inbox.WaitingStates. An unknown state is a usage error that lists
// the valid ones.
func inboxParseStates(values []string) ([]string, error) {
	var states []string
	add := func(ss ...string) {
		for _, s := range ss {
			if !slices.Contains(states, s) {
				states = append(states, s)
			}
		}
	}
	for _, v := range values {
		s := strings.ToLower(strings.TrimSpace(v))
		switch {
		case s == inboxWaiting:
			add(inbox.WaitingStates()...)
		case inbox.IsState(s):
			add(s)
		case s == "dead":
			return nil, usagef("unknown state %q: dead letters are River's %q jobs (--state %s); one of %s",
				v, inbox.StateDiscarded, inbox.StateDiscarded, strings.Join(inboxStateNames(), ", "))
		default:
			return nil, usagef("unknown state %q: one of %s", v, strings.Join(inboxStateNames(), ", "))
		}
	}
	return states, nil
}

// inboxParseIDs parses job IDs: anything but a positive integer is a usage error. Repeated IDs
// count once.
func inboxParseIDs(args []string) ([]int64, error) {
	var ids []int64
	for _, s := range args {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			return nil, usagef("%q is not a job ID: IDs are positive integers, as \"inbox ls\" lists them", s)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// inboxProviderName is a --provider value as the inbox stores it: a known provider's name
// whatever its case, else the value as it is (a provider of the user's own).
func inboxProviderName(name string) string {
	if p, err := lookupProvider(name); err == nil {
		return p.name
	}
	return name
}

// paintState colours a state label (padded or not) by the state: discarded (a dead letter) red,
// completed green, retryable yellow, cancelled faint.
func (p palette) paintState(state, label string) string {
	switch state {
	case inbox.StateDiscarded:
		return p.red(label)
	case inbox.StateCompleted:
		return p.green(label)
	case inbox.StateRetryable:
		return p.yellow(label)
	case inbox.StateCancelled:
		return p.dim(label)
	}
	return label
}

// openedInbox is an inbox opened for administration: no receiver is registered and its workers
// are never started.
type openedInbox struct {
	*inbox.Inbox
	where string // the database as messages name it: a path, or a URL without its password
	close func()
}

// job is Inbox.Job with the command's messages: "no job N" for an ID the inbox does not hold,
// and a refusal of a job of River that is not an inspecthook delivery.
func (ib *openedInbox) job(ctx context.Context, id int64) (inbox.Job, error) {
	j, err := ib.Job(ctx, id)
	if errors.Is(err, inbox.ErrNotFound) {
		return j, fmt.Errorf("no job %d", id)
	}
	if err != nil {
		return j, err
	}
	if j.Provider == "" && j.IdempotencyKey == "" {
		// inbox.Job reads any River job; one of another kind has none of a delivery's fields.
		return j, fmt.Errorf("job %d is not a delivery of the inbox (a River job of another kind)", id)
	}
	return j, nil
}

// inboxDBSpec returns the database the flags name: --db, else $INSPECTHOOK_DB.
func (a *app) inboxDBSpec(f *inboxFlags) (string, error) {
	spec := f.db
	if spec == "" {
		spec = a.getenv(envInboxDB)
	}
	if spec == "" {
		return "", usagef("no inbox database: pass --db or set %s (a postgres:// URL or a SQLite file)", envInboxDB)
	}
	return spec, nil
}

// openInbox opens the inbox of the database the flags name, without starting its workers.
func (a *app) openInbox(ctx context.Context, f *inboxFlags) (*openedInbox, error) {
	spec, err := a.inboxDBSpec(f)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, inboxOpenTimeout)
	defer cancel()
	cfg := inbox.Config{Queue: f.queue, Logger: slog.New(slog.DiscardHandler)}
	var (
		ib     openedInbox
		driver inbox.Driver
	)
	if inboxIsPostgres(spec) {
		ib.where = inboxRedact(spec)
		pool, err := inboxOpenPostgres(ctx, spec, ib.where)
		if err != nil {
			return nil, err
		}
		driver, ib.close = inboxpg.New(pool), pool.Close
	} else {
		path, db, err := inboxOpenSQLite(ctx, spec)
		if err != nil {
			return nil, err
		}
		ib.where = path
		driver, ib.close = inboxsqlite.New(db), func() { _ = db.Close() }
	}
	ib.Inbox, err = inbox.Open(ctx, driver, cfg)
	if err != nil {
		ib.close()
		return nil, fmt.Errorf("opening the inbox at %s: %w", ib.where, err)
	}
	return &ib, nil
}

// inboxIsPostgres reports whether spec is a PostgreSQL URL.
func inboxIsPostgres(spec string) bool {
	s := strings.ToLower(spec)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// inboxRedact is a PostgreSQL URL fit to print: its passwords (of the user, and the password
// and sslpassword parameters pgx reads) replaced with "xxxxx".
func inboxRedact(spec string) string {
	u, err := url.Parse(spec)
	if err != nil {
		return "the PostgreSQL URL of --db" // unparsable: it might hold a password anywhere
	}
	if q := u.Query(); q.Has("password") || q.Has("sslpassword") {
		for _, k := range []string{"password", "sslpassword"} {
			if q.Has(k) {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// inboxOpenPostgres connects to the PostgreSQL URL spec and checks that it holds River's
// tables, so that a wrong database or search_path is reported rather than migrated.
func inboxOpenPostgres(ctx context.Context, spec, where string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(spec) // its errors redact the password
	if err != nil {
		return nil, usagef("--db %s: %v", where, err)
	}
	pc.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", where, err)
	}
	var found bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('river_job') IS NOT NULL").Scan(&found); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to %s: %w", where, err)
	}
	if !found {
		pool.Close()
		return nil, fmt.Errorf("no inbox at %s: no river_job table in its search_path (set search_path in the URL to the receiver's schema)", where)
	}
	return pool, nil
}

// inboxOpenSQLite opens the SQLite database spec names (sqlite:PATH, file:PATH or PATH), which
// must exist and hold River's tables; it returns the file's path and the database, with one
// connection as River advises and the busy timeout examples/async sets.
func inboxOpenSQLite(ctx context.Context, spec string) (string, *sql.DB, error) {
	path, query := spec, ""
	for _, prefix := range []string{"sqlite://", "sqlite:", "file:"} {
		if len(spec) >= len(prefix) && strings.EqualFold(spec[:len(prefix)], prefix) {
			path, query, _ = strings.Cut(spec[len(prefix):], "?")
			break
		}
	}
	if path == "" {
		return "", nil, usagef("--db %q names no SQLite file", spec)
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, nil, fmt.Errorf("no inbox database at %s", path)
	case err != nil:
		return path, nil, err
	case info.IsDir():
		return path, nil, fmt.Errorf("no inbox database at %s: a directory", path)
	}
	// mode=rw: SQLite never creates the file, should it vanish after the check above.
	params := []string{fmt.Sprintf("_pragma=busy_timeout(%d)", inboxSQLiteBusyTimeout)}
	if !strings.Contains(query, "mode=") {
		params = append(params, "mode=rw")
	}
	if query != "" {
		params = append(params, query)
	}
	db, err := sql.Open("sqlite", "file:"+inboxURIPath(path)+"?"+strings.Join(params, "&"))
	if err != nil {
		return path, nil, fmt.Errorf("opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // as River advises for SQLite
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'").Scan(&n); err != nil {
		_ = db.Close()
		return path, nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if n == 0 {
		_ = db.Close()
		return path, nil, fmt.Errorf("no inbox in %s: it has no river_job table", path)
	}
	return path, db, nil
}

// inboxURIPath escapes the characters that end or escape the path of a SQLite URI filename.
func inboxURIPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// onInboxJobs checks the job IDs of args (before the database is opened: a bad ID is a usage
// error), opens the inbox and runs do with them.
func (a *app) onInboxJobs(cmd *cobra.Command, f *inboxFlags, args []string, do func(ctx context.Context, ib *openedInbox, ids []int64) error) error {
	ids, err := inboxParseIDs(args)
	if err != nil {
		return err
	}
	ib, err := a.openInbox(cmd.Context(), f)
	if err != nil {
		return err
	}
	defer ib.close()
	return do(cmd.Context(), ib, ids)
}

// eachInboxJob runs do for each ID; a failure is printed and the next ID is done. It returns
// errReported when one failed, so the exit status is 1.
func (a *app) eachInboxJob(ids []int64, do func(id int64) error) error {
	failed := false
	for _, id := range ids {
		if err := do(id); err != nil {
			fmt.Fprintln(a.stderr, "inspecthook:", err)
			failed = true
		}
	}
	if failed {
		return errReported
	}
	return nil
}

// retryInboxJob retries one job and says what became of it.
func (a *app) retryInboxJob(ctx context.Context, ib *openedInbox, id int64) error {
	j, err := ib.job(ctx, id)
	if err != nil {
		return err
	}
	if j.State == inbox.StateRunning {
		return fmt.Errorf("job %d is running: left alone; retry it once it has finished", id)
	}
	if err := ib.Retry(ctx, id); err != nil {
		if errors.Is(err, inbox.ErrNotFound) {
			return fmt.Errorf("no job %d", id)
		}
		return err
	}
	now, err := ib.Job(ctx, id)
	if err != nil {
		fmt.Fprintf(a.stdout, "job %d retried: was %s\n", id, j.State)
		return nil
	}
	note := ""
	if j.State == inbox.StateCompleted {
		note = " (its handler runs a second time)"
	}
	fmt.Fprintf(a.stdout, "job %d retried: was %s, now %s%s\n", id, j.State, now.State, note)
	return nil
}

// retryDiscarded retries every discarded job, every dead letter, of provider (every provider's
// when empty).
func (a *app) retryDiscarded(ctx context.Context, ib *openedInbox, provider string) error {
	n, err := ib.RetryDiscarded(ctx, provider)
	of := ""
	if provider != "" {
		of = " of " + provider
	}
	if err != nil {
		if n > 0 {
			fmt.Fprintf(a.stdout, "retried %d dead letter%s%s before an error\n", n, inboxPlural(n), of)
		}
		return err
	}
	if n == 0 {
		fmt.Fprintf(a.stdout, "no dead letters%s\n", of)
		return nil
	}
	fmt.Fprintf(a.stdout, "retried %d dead letter%s%s\n", n, inboxPlural(n), of)
	return nil
}

// inboxPlural is "s" unless n is 1.
func inboxPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// cancelInboxJob cancels one job that has not finished and says what became of it.
func (a *app) cancelInboxJob(ctx context.Context, ib *openedInbox, id int64) error {
	j, err := ib.job(ctx, id)
	if err != nil {
		return err
	}
	if inboxFinished(j.State) {
		return fmt.Errorf("job %d is already %s; nothing to cancel", id, j.State)
	}
	if err := ib.Cancel(ctx, id); err != nil {
		if errors.Is(err, inbox.ErrNotFound) {
			return fmt.Errorf("no job %d", id)
		}
		return err
	}
	now, err := ib.Job(ctx, id)
	switch {
	case err != nil:
		fmt.Fprintf(a.stdout, "job %d cancelled: was %s\n", id, j.State)
	case now.State == inbox.StateCancelled:
		fmt.Fprintf(a.stdout, "job %d cancelled: was %s; its key still deduplicates deliveries\n", id, j.State)
	case now.State == inbox.StateRunning:
		fmt.Fprintf(a.stdout, "job %d is running: asked to stop; it will not be retried\n", id)
	default:
		// It finished between the look and the cancellation.
		return fmt.Errorf("job %d is already %s; nothing to cancel", id, now.State)
	}
	return nil
}

// Widths of the cut-short columns of "inbox ls".
const (
	inboxKeyWidth   = 28
	inboxErrorWidth = 60
)

// printInboxJobs writes jobs as the table of "inbox ls".
func (a *app) printInboxJobs(jobs []inbox.Job, now time.Time) error {
	pal := a.palette(a.stdout)
	header := []string{"ID", "STATE", "PROVIDER", "ATTEMPTS", "RECEIVED", "KEY", "LAST ERROR"}
	rows := make([][]string, len(jobs))
	for i, j := range jobs {
		lastErr := ""
		if len(j.Errors) > 0 {
			lastErr = inboxCut(inboxOneLine(j.Errors[len(j.Errors)-1]), inboxErrorWidth)
		}
		rows[i] = []string{
			strconv.FormatInt(j.ID, 10),
			j.State,
			j.Provider,
			fmt.Sprintf("%d/%d", j.Attempt, j.MaxAttempts),
			inboxAge(inboxReceived(j), now),
			inboxCut(j.IdempotencyKey, inboxKeyWidth),
			lastErr,
		}
	}
	return inboxTable(a.stdout, header, rows, func(row, col int, cell string) string {
		switch {
		case row < 0:
			return pal.bold(cell)
		case col == 1:
			return pal.paintState(jobs[row].State, cell)
		case col == 6:
			return pal.red(cell)
		}
		return cell
	})
}

// inboxTable writes a header and rows in columns two spaces apart. paint colours a cell (row -1
// is the header) after it was padded, so that colour codes do not shift the columns.
func inboxTable(w io.Writer, header []string, rows [][]string, paint func(row, col int, cell string) string) error {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for c, cell := range r {
			widths[c] = max(widths[c], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	line := func(row int, cells []string) {
		var l strings.Builder
		for c, cell := range cells {
			if c > 0 {
				l.WriteString("  ")
			}
			if c < len(cells)-1 {
				cell += strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell))
			}
			l.WriteString(paint(row, c, cell))
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(-1, header)
	for i, r := range rows {
		line(i, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// inboxReceived is when a job's delivery came in: its receipt time, else when it was stored.
func inboxReceived(j inbox.Job) time.Time {
	if j.ReceivedAt.IsZero() {
		return j.CreatedAt
	}
	return j.ReceivedAt
}

// inboxAge says how long ago t was, for the last two days; earlier, or in the future, it is
// the local date and time.
func inboxAge(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0 || d >= 48*time.Hour:
		return t.Local().Format("2006-01-02 15:04")
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh ago", int(d.Hours()))
}

// inboxWhen is t in full, local, with how long ago or ahead it is.
func inboxWhen(t, now time.Time) string {
	d := now.Sub(t).Round(time.Second)
	rel := d.String() + " ago"
	switch {
	case d < 0:
		rel = "in " + (-d).String()
	case d == 0:
		rel = "now"
	}
	return t.Local().Format(time.RFC3339) + " (" + rel + ")"
}

// inboxOneLine joins the lines of s with spaces.
func inboxOneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// inboxCut cuts s to n characters, the last one an ellipsis when something was cut.
func inboxCut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// printInboxJob writes one job as "inbox show" prints it.
func (a *app) printInboxJob(j inbox.Job, now time.Time) error {
	pal := a.palette(a.stdout)
	var b strings.Builder
	field := func(name, value string) {
		fmt.Fprintf(&b, "%-11s %s\n", name+":", value)
	}
	fmt.Fprintf(&b, "%s\n", pal.bold(fmt.Sprintf("job %d", j.ID)))
	field("provider", j.Provider)
	field("key", j.IdempotencyKey)
	state := j.State
	if j.State == inbox.StateDiscarded {
		state += " (a dead letter: failed every attempt)"
	}
	field("state", pal.paintState(j.State, state))
	field("attempts", fmt.Sprintf("%d of %d", j.Attempt, j.MaxAttempts))
	if !j.ReceivedAt.IsZero() {
		field("received", inboxWhen(j.ReceivedAt, now))
	}
	field("created", inboxWhen(j.CreatedAt, now))
	if j.State == inbox.StateRetryable {
		field("next retry", inboxWhen(j.ScheduledAt, now))
	} else {
		field("scheduled", inboxWhen(j.ScheduledAt, now))
	}
	if j.FinalizedAt != nil {
		field("finalized", inboxWhen(*j.FinalizedAt, now))
	}
	if len(j.Errors) == 0 {
		b.WriteString("errors:     none\n")
	} else {
		fmt.Fprintf(&b, "errors:     %d\n", len(j.Errors))
		for i, e := range j.Errors {
			prefix := fmt.Sprintf("  %d. ", i+1)
			lines := strings.Split(strings.TrimRight(e, "\n"), "\n")
			for k, l := range lines {
				if k > 0 {
					prefix = strings.Repeat(" ", len(prefix))
				}
				b.WriteString(prefix + pal.red(l) + "\n")
			}
		}
	}
	fmt.Fprintf(&b, "body:       %d byte%s\n", len(j.Body), inboxPlural(len(j.Body)))
	if _, err := io.WriteString(a.stdout, b.String()); err != nil {
		return err
	}
	body := j.Body
	var indented bytes.Buffer
	if json.Indent(&indented, j.Body, "", "  ") == nil {
		body = indented.Bytes()
	}
	if len(body) == 0 {
		return nil
	}
	if body[len(body)-1] != '\n' {
		body = append(slices.Clip(body), '\n')
	}
	_, err := a.stdout.Write(body)
	return err
}

// inboxJobJSON is a job as --json prints it, its state by River's name, as ls prints it.
type inboxJobJSON struct {
	ID          int64           `json:"id"`
	Provider    string          `json:"provider"`
	Key         string          `json:"key"`
	State       string          `json:"state"`
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	Errors      []string        `json:"errors"`
	ReceivedAt  *time.Time      `json:"received_at,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	ScheduledAt time.Time       `json:"scheduled_at"`
	FinalizedAt *time.Time      `json:"finalized_at,omitempty"`
	Body        json.RawMessage `json:"body,omitempty"`        // a JSON body, as it is
	BodyText    *string         `json:"body_text,omitempty"`   // a body that is not JSON but UTF-8
	BodyBase64  []byte          `json:"body_base64,omitempty"` // any other body
}

// inboxJSONOf describes j for --json, with its body when withBody.
func inboxJSONOf(j inbox.Job, withBody bool) inboxJobJSON {
	out := inboxJobJSON{
		ID: j.ID, Provider: j.Provider, Key: j.IdempotencyKey, State: j.State,
		Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, Errors: j.Errors,
		CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt, FinalizedAt: j.FinalizedAt,
	}
	if out.Errors == nil {
		out.Errors = []string{}
	}
	if !j.ReceivedAt.IsZero() {
		t := j.ReceivedAt
		out.ReceivedAt = &t
	}
	if !withBody || len(j.Body) == 0 {
		return out
	}
	switch {
	case json.Valid(j.Body):
		out.Body = json.RawMessage(j.Body)
	case utf8.Valid(j.Body):
		s := string(j.Body)
		out.BodyText = &s
	default:
		out.BodyBase64 = j.Body
	}
	return out
}

// completeInboxStates completes --state values.
func completeInboxStates(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return inboxStateNames(), cobra.ShellCompDirectiveNoFileComp
}

// completeInboxProviders completes --provider values.
func completeInboxProviders(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return providerNames(), cobra.ShellCompDirectiveNoFileComp
}
