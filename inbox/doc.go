// Package inbox is the asynchronous mode of the receiver, on River (github.com/riverqueue/river):
// a delivery that passes verification and validation is stored as a River job and answered
// 200 at once, and workers run its typed handler later, with retries.
//
// # Model
//
// Open an Inbox on a database, give it to receiver.New as Config.Inbox, Register the receiver
// with the Inbox and Start it:
//
//	ib, err := inbox.Open(ctx, inboxpg.New(pool), inbox.Config{})
//	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: v, Inbox: ib})
//	receiver.Handle(rx, record360.InspectionCreated, onInspection)
//	ib.Register(rx)
//	err = ib.Start(ctx)
//	...
//	err = ib.Stop(shutdownCtx)
//
// A request runs the receiver's stages up to validation, then Enqueue inserts one job of kind
// "inspecthook_delivery" holding the provider, the idempotency key, the raw body and the
// receipt time, and the provider gets 200 "ok: queued" ("ok: already received" for a key the
// Inbox holds; 503 with Retry-After when the database cannot store it, so the provider retries
// and nothing is lost). A worker decodes the body again and calls receiver.Process, which runs
// the handler under the receiver's HandlerTimeout with the attempt number (1, 2, ...) in
// receiver.FromContext.
//
// # Guarantees
//
// Delivery is at-least-once, deduplicated within Retention: the job is unique by idempotency
// key in every state (waiting, running, retryable, completed, dead, cancelled), and finished
// jobs are kept for Retention (default 72 h, longer than any provider retries), so a provider's
// retry of a delivery the Inbox holds is answered "already received" and runs nothing. A
// handler can still run more than once for one delivery: a process that dies while a handler
// runs, or after it returned but before River recorded the job as completed, leaves its job
// running until River's rescuer runs it again (after Config.RescueAfter), so a handler's
// effects should be idempotent or keyed by Delivery.IdempotencyKey.
//
// Nothing acknowledged is lost to a crash: the job is committed before the provider gets its
// 200, and a job left running by a killed process is run again by River's own rescuer, on the
// elected leader among the processes sharing the database, once it has been running for
// RescueAfter (default 110 s; the rescuer looks every 30 s, and a killed leader's place is
// taken within about 15 s). RescueAfter is also each job's timeout: keep it above the
// receivers' HandlerTimeout, so a live handler is never run twice at once; Start refuses, with
// ErrConfig, a registered receiver whose HandlerTimeout is not below it.
//
// # Retries and dead letters
//
// A handler's error is retried with River's backoff (DefaultClientRetryPolicy: attempt^4
// seconds, so 1 s, 16 s, 81 s, 4 min 16 s, ...; 25 attempts span about three weeks) unless
// Config.RetryPolicy says otherwise. An error wrapped with receiver.Permanent is not retried:
// the job is cancelled (StateCancelled). A job that fails MaxAttempts times is discarded
// (StateDiscarded): a dead letter, kept for Retention. List(ctx, ListParams{States:
// []string{inbox.StateDiscarded}}) shows them with their errors and bodies; after fixing the
// cause, Retry runs one again and RetryDiscarded runs all of a provider's. Cancel keeps a
// waiting job from running. OnError sees every failed attempt. The states are River's, by
// River's names: StateAvailable, ..., StateDiscarded; WaitingStates are those not run to an
// end yet.
//
// # Throughput
//
// River fetches at most as many jobs as there are free workers, and waits FetchCooldown
// between two fetches, so Workers / FetchCooldown bounds the rate of short jobs: River's own
// defaults (10 workers, 100 ms) run about 100 a second. The defaults here, DefaultWorkers (100)
// and DefaultFetchCooldown (10 ms), were chosen from measurements on a 2-core machine with
// PostgreSQL on it (cmd/internal/inboxload): a backlog of 1 ms handlers drained at about
// 6,000 jobs a second on PostgreSQL (River's defaults: 99) and 1,200 on SQLite; at a steady
// 500 deliveries a second the acknowledgement p99 stayed under 10 ms and the handlers started
// about 7 ms after it, with no backlog (River's defaults: 4,000 waiting after 10 s). Size Workers to
// the handlers' concurrency (a handler that waits 1 s on an API needs rate × 1 s workers, and
// the database pool a connection for each that uses it); lower FetchCooldown only for short
// handlers at high rates, as each fetch is a query. On PostgreSQL new jobs are announced to the
// workers at once (LISTEN/NOTIFY); SQLite is polled every FetchPollInterval (default 100 ms),
// the longest a new delivery waits for an idle worker there.
//
// # Stopping
//
// Stop stops fetching jobs and waits for the running ones until its context ends; then it
// cancels them and returns the context's error. A job cut off this way is retried later. A
// handler sees the cancellation through its context (receiver.Process runs it under the
// worker's context and HandlerTimeout), as it does for Cancel of a running job; one that
// ignores its context runs until it returns, so give Stop a deadline above the time your
// handlers need.
//
// # Drivers
//
// The core links no database driver: Open takes a Driver from a package of its own, so a
// program links only the one it uses. inboxpg.New (PostgreSQL through River's riverpgxv5 and
// pgx) suits production: any number of replicas share the jobs, and the database is backed up
// with the rest of yours. inboxsqlite.New (SQLite through River's riversqlite and
// modernc.org/sqlite, no cgo, registered by that package) suits one process with a local disk,
// such as a single VM or a development machine: no server to run; inboxsqlite.OpenDB opens the
// file with the settings River advises. Open runs River's migrations (rivermigrate) either
// way; they are idempotent and may run from several replicas at once. River's tables go in the
// schema of the connection's search_path.
//
// # Traces
//
// Config.Tracer (observe/tracing's Tracing) keeps the trace context of the request that stored a
// delivery with its job, and gives each attempt a span linked to that request's span.
//
// # Logs
//
// River's own records go to Config.Logger from Config.LogLevel up, by default slog.LevelWarn:
// its start-up lines and periodic job counts (Info) are dropped unless asked for.
//
// # Zero value and concurrency
//
// The zero Inbox is not usable: build it with Open. An Inbox is safe for concurrent use;
// Register receivers before Start. Most callers want Open, Register, Start and Stop, and List
// with Retry when something went wrong.
package inbox
