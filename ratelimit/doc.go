// Package ratelimit limits webhook deliveries with token buckets (golang.org/x/time/rate), one
// shared bucket or one per client IP (or per whatever a [BucketFunc] groups requests by), and
// says when to retry.
//
// A [Limiter] holds the buckets. Each starts full with Config.Burst tokens and gains
// Config.Rate tokens per second up to Burst; an allowed request takes one token and a rejected
// one takes none, so a client retrying too early does not push its next chance further away.
// A rejection comes with the time until the bucket holds a token again, and [RetryAfter]
// turns it into a Retry-After header value.
//
// Most callers want [Middleware], which answers 429 Too Many Requests with Retry-After and the
// body "rate limit exceeded" before the request body is read, and tells [WithOnReject] about
// each refusal with a [*LimitError] (errors.Is [ErrLimited]; errors.As for the wait).
// [Limiter.Middleware] is the same with no options, as a method value for router chains:
//
//	l, err := ratelimit.New(ratelimit.Config{Rate: 5, Burst: 20}) // per client IP
//	if err != nil { ... }
//	limit := ratelimit.Middleware(l, ratelimit.WithOnReject(countRefusal))
//	http.Handle("POST /webhooks/safetyculture", limit(handler))
//
// Code that writes its own responses calls [Limiter.Allow] (or [Limiter.AllowBucket] with a
// bucket of its own, such as an account id). Config.Bucket chooses the bucket of a request:
// [ClientIP] by default, with X-Forwarded-For trusted only from the proxies you name and IPv6
// clients grouped by /64 ([ClientIPv6Prefix] chooses another size); [Global] for one bucket.
//
// Middleware takes any [Allower]: a *Limiter holds its buckets in this process, which is right
// for one instance; ratelimit/redislimit keeps them in Redis, so that several replicas share
// one limit. An Allower that cannot decide (its server is down and it fails closed) gets the
// request 503 with Retry-After, reported to WithOnReject with [ErrUnavailable].
//
// Memory stays bounded with no goroutine: a bucket that has refilled is the same as a fresh
// one, so each call drops a few least recently used buckets that are full; and no more than
// Config.MaxBuckets buckets ([DefaultMaxBuckets], 100,000, by default) are ever tracked.
//
// Config's zero fields get documented defaults except Rate and Burst, which New requires:
// there is no "unlimited" Limiter, leave the limiter out instead. The zero Limiter is not
// usable; build one with New. A Limiter, and the handler Middleware returns, is safe for
// concurrent use. Time comes from Config.Now or, for [Limiter.AllowBucketAt], from the caller,
// so tests need no sleeping.
package ratelimit
