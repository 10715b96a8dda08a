// Package redisstore is an idempotency.Store kept in Redis, for a receiver that runs as several
// replicas: a delivery that any replica has handled is a duplicate for all of them, and a
// handler never runs on two replicas at once for one event.
//
// Most callers want [New], with the go-redis client they already have, and give the Store to
// receiver.Config.Store:
//
//	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	store, err := redisstore.New(client, redisstore.Config{})
//	rx, err := receiver.New(provider, receiver.Config{Verifier: v, Store: store})
//
// # Model
//
// Each idempotency key k is one Redis string at Prefix+k ([DefaultPrefix] by default) holding
// the state, held or done, the end of the lease or of the retention in Unix milliseconds, and,
// while held, the holder's token: 128 random bits from crypto/rand, made by Claim. A key that
// does not exist is free. A done key takes about 90 bytes of Redis memory plus its name.
//
// # One script per operation
//
// Claim, Renew, Complete and Release are each one Lua script, sent with EVALSHA (and EVAL when
// the server answers NOSCRIPT, after a restart or SCRIPT FLUSH), so each is one round trip and
// a new delivery costs two: Claim, then Complete. Redis runs a script to its end before any
// other command, so reading the key, checking the lease and the token, and writing the key are
// one atomic step: of any number of concurrent claims of a free key, from any number of
// replicas, exactly one is Claimed, and a token that no longer holds its key (its lease
// expired, it was completed or released) changes nothing and gets idempotency.ErrLeaseLost.
//
// # Time, and expiries as garbage collection
//
// Leases and retention are decided by one clock: by default the Redis server's, read with TIME
// inside each script, so replicas whose clocks disagree still agree on when a lease ends.
// Config.Now replaces it with the caller's clock, sent with every call; tests use it to move
// time with a fake clock (see the storetest package).
//
// Every write also sets the key's Redis expiry (PX) to the lease or retention plus a second, so
// Redis drops ended claims and forgotten events by itself: there is no sweeper, and the memory
// held is bounded by the keys claimed within a retention. The expiry is never shorter than the
// store's own reckoning, so Redis never frees a key the store still counts as held or done.
//
// # Cluster and Sentinel
//
// New takes a redis.UniversalClient: a single node, a Sentinel failover client or a Cluster
// client. Every script touches one key, so in Cluster it runs on the node owning that key's
// slot and keys spread over the slots. Avoid a hash tag in Prefix ("{idem}:"), which would put
// every key in one slot. Replication in Redis is asynchronous: after a failover, or a restart
// of a server that does not persist (appendonly no), writes acknowledged just before can be
// lost, and a delivery whose claim or Complete was lost can run again when the sender retries.
// Where that matters, persist (appendonly yes) and keep the servers' clocks synchronised, since
// a failover also changes the clock that TIME reads.
//
// # When Redis is down
//
// A call that cannot reach Redis returns an error wrapping the client's, prefixed
// "redisstore: "; never ErrLeaseLost. The receiver turns a failed Claim into 503 with
// Retry-After: the handler does not run, nothing is recorded, and the sender's retry is
// processed once Redis is back, so nothing is lost. A failed Renew is reported and tried
// again at the next renewal; a failed Complete leaves the claim to expire with its lease,
// after which a retry of the delivery runs the handler again. The client's settings bound how
// long a call waits before failing: DialTimeout, DialerRetries (5 dials, 100 ms apart, by
// default), MaxRetries and PoolTimeout. Renewals share the client's pool with the claims, so
// size PoolSize for the deliveries a replica serves at once.
//
// # Errors and concurrency
//
// Every method returns the context's error first, wrapped, if ctx is already done, and an error
// wrapping idempotency.ErrConfig for an empty key or token or a duration that is not positive;
// durations are rounded up to whole milliseconds. A key that holds a value this store did not
// write (another program sharing the prefix) is an error, and is left alone. A Store is safe
// for concurrent use. The zero Store is not usable (its methods return ErrConfig): build one
// with New. The Store does not own its client: close the client when done.
package redisstore
