// Package inbox is the asynchronous mode of the receiver, on River (github.com/riverqueue/river):
// a delivery that passes verification and validation is stored as a River job and answered
// 200 at once, and workers run its typed handler later, with retries.
//
// # Model
//
// Open an Inbox on a database, give it to receiver.New as Config.Inbox, Register the receiver
// with the Inbox and Start it:
//
//	ib, err := inbox.Open(ctx, inbox.Config{Pool: pool})
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
// receiver.FromContext. River's own job timeout is off.
//
// # Guarantees
//
// Delivery is at-least-once, deduplicated within Retention: the job is unique by idempotency
// key in every state (waiting, running, retryable, completed, dead, cancelled), and finished
// jobs are kept for Retention (default 72 h, longer than any provider retries), so a provider's
// retry of a delivery the Inbox holds is answered "already received" and runs nothing. A
// handler can still run more than once for one delivery: a process that dies while a handler
// runs leaves its job running until River rescues it (after an hour) and runs it again, so a
// handler's effects should be idempotent or keyed by Delivery.IdempotencyKey.
//
// # Retries and dead letters
//
// A handler's error is retried with River's backoff (DefaultClientRetryPolicy: attempt^4
// seconds, so 1 s, 16 s, 81 s, 4 min 16 s, ...; 25 attempts span about three weeks) unless
// Config.RetryPolicy says otherwise. An error wrapped with receiver.Permanent is not retried:
// the job is cancelled. A job that fails MaxAttempts times is discarded: a dead letter, kept
// for Retention. List(ctx, ListParams{States: []string{"discarded"}}) shows them with their
// errors and bodies; after fixing the cause, Retry runs one again and RetryDeadLetters runs all
// of a provider's. Cancel keeps a waiting job from running. OnError sees every failed attempt.
//
// # Throughput and crashes
//
// Config.Workers bounds how many handlers run at once (default 10). On a small machine 10
// workers ran about 100 short jobs a second, so a steady 500 deliveries a second built a
// backlog (20 s from acknowledgement to handler start at the median), while 100 workers kept
// up (86 ms median, 801 ms p99): size Workers to your rate and your handlers' time. A process
// killed mid-handler leaves its jobs running; they run again once Config.RescueAfter has
// passed (DefaultRescueAfter, 110 s), by any process on the same database.
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
// Config.Pool (PostgreSQL through riverpgxv5) suits production: any number of replicas share
// the jobs, new jobs are fetched at once through LISTEN/NOTIFY, and the database is backed up
// with the rest of yours. Config.DB (SQLite through riversqlite and modernc.org/sqlite, no cgo)
// suits one process with a local disk, such as a single VM or a development machine: no server
// to run; give the *sql.DB SetMaxOpenConns(1). Open runs River's migrations (rivermigrate)
// either way; they are idempotent and may run from several replicas at once. River's tables go
// in the schema of the connection's search_path.
//
// # Zero value and concurrency
//
// The zero Inbox is not usable: build it with Open. An Inbox is safe for concurrent use;
// Register receivers before Start. Most callers want Open, Register, Start and Stop, and List
// with Retry when something went wrong.
package inbox
