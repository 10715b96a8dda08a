// Package pgstore is an idempotency.Store kept in PostgreSQL, through a pgx connection pool, for
// replicas that receive the same provider's deliveries: a key claimed on one replica is in
// flight, then done, on all of them, so a handler never runs twice at once, nor twice for one
// event, wherever the deliveries land.
//
// Most callers want [New], with the pool the application already has, and the store given to
// the receiver (see the Example):
//
//	store, err := pgstore.New(ctx, pool, pgstore.Config{CleanupInterval: time.Hour})
//	rx, err := receiver.New(provider, receiver.Config{Verifier: v, Store: store})
//
// # Model
//
// One table (default [DefaultTable]) holds a row per key: the key as bytea, compared byte for
// byte; the holder's token; the state, "claimed" or "done"; and expires_at, the end of the lease
// while claimed and of the retention once done. A row whose expires_at has passed counts as
// absent. Leases and retention are measured by the database server's clock (now()), which every
// replica shares, so the replicas' own clocks do not matter; Config.Now replaces it, for tests.
// Tokens are 128 random bits from crypto/rand, made by the replica that claims. Keys are at most
// idempotency.MaxKeyLen bytes, the bound idempotency.BoundKey gives every key Middleware and the
// receiver claim; a longer key is refused, not truncated.
//
// # One statement per call
//
// Claim is one statement, hence one round trip. It reads the key's row; a live row is the answer,
// InFlight with the holder's LeaseEnds or Done, with nothing locked or written, so duplicates,
// however many, never queue behind each other nor hold up the holder. Otherwise it inserts the
// row, or takes over a row whose lease lapsed or whose retention ended, with INSERT ... ON
// CONFLICT (key) DO UPDATE ... WHERE expired, and returns the new lease (Claimed). PostgreSQL's
// unique index makes exactly one of any number of concurrent claims win, across replicas; the
// losers wait for the winner's row only as long as its statement runs. A loser's read, taken
// when its statement started, can miss the row the winner inserted meanwhile, and then the
// statement answers nothing: Claim asks again with a second statement that locks the row and
// always answers (the comments on the queries explain why). That happens to a few of a burst of
// identical deliveries, and never otherwise.
//
// Renew, Complete and Release are one UPDATE or DELETE each, matched on the key, the token, the
// claimed state and a live lease: when no row matches, the token no longer holds the key and they
// return idempotency.ErrLeaseLost, having changed nothing. A statement whose connection broke
// (pgx knows it never reached the server, or the server ended the session: a restart, a
// terminated backend) runs again on another connection of the pool, up to three times more.
//
// # Cleanup
//
// Expired rows cost only disk: Claim takes them over as if they were absent. [Store.Cleanup]
// deletes them in bounded batches (Config.CleanupBatch rows, [DefaultCleanupBatch] by default),
// each a short DELETE that skips rows other transactions hold, until none is left or its context
// ends. Config.CleanupInterval runs it in a goroutine until [Store.Close]; replicas may all do so.
//
// # Migration
//
// [Store.Migrate] runs the embedded migration ([Store.MigrationSQL]): CREATE TABLE and CREATE
// INDEX IF NOT EXISTS, in a transaction holding an advisory lock named after the table, so any
// number of replicas starting at once create the table exactly once, and a table that exists is
// left as it is. New runs it, which needs the server to be reachable and the right to create the
// table; set Config.SkipMigrate to create the table with your own migrations instead, and New
// then runs no statement at all.
//
// # When PostgreSQL is down
//
// A call that cannot reach the server returns its error, wrapped with a "pgstore: " prefix: the
// pool's error, or the server's (test for them with errors.As, as *pgconn.PgError, or errors.Is).
// A failed Claim makes the receiver answer 503 with Retry-After, before the handler runs: the
// provider retries later and nothing is lost. A lease renewal that fails is tried again at the
// next renewal. A Complete that fails leaves the key claimed until its lease ends, then free
// rather than done, so a duplicate of the event that arrives after that runs the handler again:
// processing is at least once, and never twice at the same time. pgx replaces broken
// connections, so the store answers again as soon as the server does; when the server restarts,
// or a backend is terminated, the statement that finds its session gone runs again on a new
// connection, and the receiver does not notice.
//
// # Connections
//
// The pool is the caller's: [Store.Close] stops the background cleanup and makes later calls
// return idempotency.ErrClosed, but does not close the pool. Each call holds one connection for
// one statement, so a pool of a few connections serves many deliveries; when the pool is
// exhausted, calls wait for a connection until their context ends. The zero Store is not usable;
// a Store from New is safe for concurrent use.
package pgstore
