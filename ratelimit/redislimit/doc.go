// Package redislimit is a rate limit shared by the replicas of a receiver: the token buckets of
// package ratelimit, kept in Redis (github.com/redis/go-redis/v9) and decided by GCRA
// (github.com/go-redis/redis_rate), so that N replicas together let through Rate requests a
// second per bucket, not N times that.
//
// A [Limiter] is a [ratelimit.Allower]. Most callers build one with [New] and give it to
// receiver.Config.Limiter or to [ratelimit.Middleware], which answer 429 Too Many Requests with
// Retry-After when a bucket is empty:
//
//	client := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	limit, err := redislimit.New(client, redislimit.Config{Rate: 5, Burst: 20}) // per client IP
//	if err != nil { ... }
//	rx, err := receiver.New(provider, receiver.Config{Verifier: auth, Limiter: limit})
//
// The model is ratelimit's: a bucket starts full with Config.Burst tokens and gains Config.Rate
// tokens per second up to Burst; an allowed request takes one token and a rejected one takes
// none. Config.Bucket names the bucket of a request ([ratelimit.ClientIP] by default, IPv6
// clients by /64), and each bucket is one Redis key holding when the bucket will next be full
// (GCRA's theoretical arrival time). Every decision is one script, one round trip, atomic on
// the server: concurrent requests on any number of replicas never take more tokens than there
// are. Time is the Redis server's clock, one clock for every replica, whatever their own clocks
// say. A key expires when its bucket has refilled, so Redis holds only the buckets in use.
//
// When Redis cannot decide, a Limiter fails open by default: the request goes on and the error
// goes to Config.OnError. With Config.FailClosed it returns the error instead, and
// ratelimit.Middleware answers 503 Service Unavailable with Retry-After (Config.RetryAfter):
// the provider retries later, nothing is lost, nothing goes unlimited.
//
// The zero Limiter is not usable; build one with New. A Limiter is safe for concurrent use, and
// so are Limiters on several clients and processes sharing one Redis and Prefix. It does not
// own its client.
package redislimit
