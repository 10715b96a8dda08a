// Package sqlitestore is an idempotency.Store in a SQLite file, on the pure-Go driver
// modernc.org/sqlite (no cgo): the durable store for one machine. The events a receiver has
// handled survive a restart or a crash of the process, so a provider's retry after the restart
// is still acknowledged without running its handler again, and there is nothing to operate: no
// server, no credentials, one file (with its -wal and -shm companions) on a local disk.
//
// Most callers want [Open], and give the Store to receiver.Config:
//
//	store, err := sqlitestore.Open("/var/lib/myapp/idempotency.db", sqlitestore.Config{})
//	if err != nil { ... }
//	defer store.Close()
//	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: auth, Store: store})
//
// # Model
//
// One row per key in the table inspecthook_idempotency: held (a token and the end of its
// lease) or done (no token and the end of its retention). A row whose time has passed by the
// store's clock ([Config.Now]) is free, as if absent. [Store.Claim] is one statement, an
// INSERT ... ON CONFLICT DO UPDATE ... RETURNING that takes the row over only if it has
// expired and returns it as it then is, so it is atomic without a transaction; Renew,
// Complete and Release are one UPDATE or DELETE each that changes the row only if the token
// still holds it, and report idempotency.ErrLeaseLost otherwise. Keys are stored as BLOBs and
// compared byte for byte; their length is not bounded here (the receiver and
// idempotency.Middleware hash keys longer than idempotency.MaxKeyLen). Open creates the table
// and its index if they are missing, every time, so a new file needs no setup and an existing
// one is left as it is; the file may hold other tables.
//
// # WAL, one writer, durability
//
// Open puts the file in WAL mode, so that reads never wait for the writer, and gives the Store
// one connection: the Store's own calls wait their turn for it instead of contending for
// SQLite's write lock, so they never fail with SQLITE_BUSY. Several Stores on the same file
// (several processes of one machine, say during a rolling restart) do contend; each write then
// waits up to [Config.BusyTimeout] (default 5 s) for the lock, which a write of this package
// holds for well under a millisecond, and exactly one of concurrent claims of a key still wins.
//
// Open sets synchronous=NORMAL: a commit is written to the WAL without waiting for the disk,
// which is synced at checkpoints. A crash of the process loses nothing; a power loss or a crash
// of the operating system can lose the last commits before a checkpoint. For this store that
// means an event completed in the last moments before the machine went down may be handled
// again when its provider retries it, which is the promise webhooks make anyway (at least
// once); a claim lost that way belonged to a process that went down with the machine, so no
// handler runs twice at once. In exchange a claim or a complete is a write to the WAL without
// an fsync: Claim then Complete of a new key took some 0.15 to 0.25 ms on a small virtual
// machine, against 1.2 to 1.5 ms with synchronous=FULL. A caller that needs every Complete on
// disk before the answer opens the database itself with PRAGMA synchronous=FULL and uses
// [New].
//
// # Cleanup
//
// Expired rows are free already; deleting them only keeps the file small. A goroutine started
// by Open deletes them every [Config.CleanupInterval] (default 10 minutes) with
// [Store.Cleanup], in deletes of at most [Config.CleanupBatch] rows (default 1000), each a
// short write of its own, so that claims go ahead between them. The file does not shrink when
// rows are deleted: SQLite reuses the freed pages, so it stays about as large as the most rows
// it ever held: with the default retention of 72 hours, three days of events at 70 to 200
// bytes each, depending on the length of the key (stored in the table and in its index).
// [Store.Close] stops the goroutine.
//
// # When to choose another store
//
// SQLite serves the processes of one machine, on a local file system (WAL needs shared memory,
// which network file systems do not provide). When the deliveries of one provider are spread
// over several replicas or machines, they must share one store so that a handler never runs
// twice at once across them: use the Redis store (idempotency/redisstore) or the PostgreSQL
// store (idempotency/pgstore) instead. For one instance that can afford to forget on restart,
// idempotency.Memory needs no file at all.
//
// # Concurrency and zero value
//
// A Store is safe for concurrent use. The zero Store is not usable: build one with Open, or
// with New on a database the caller owns.
package sqlitestore
