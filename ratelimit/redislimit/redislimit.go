package redislimit

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/internal/nilcheck"
	"github.com/inspecthook/inspecthook/ratelimit"
)

// Defaults for the zero fields of Config.
const (
	// DefaultPrefix is the default Config.Prefix.
	DefaultPrefix = "inspecthook:ratelimit:"

	// DefaultRetryAfter is the default Config.RetryAfter: the wait a limiter that fails closed
	// gives with its error.
	DefaultRetryAfter = time.Second
)

// MaxRate is the largest Config.Rate: one token per nanosecond, the resolution of the limit
// redis_rate is given.
const MaxRate rate.Limit = 1e9

// Config configures a Limiter. Rate and Burst are required; the other zero fields get the
// documented defaults.
type Config struct {
	// Rate is how many tokens a bucket gains per second, such as 50 or rate.Every(time.Minute):
	// the same type and meaning as ratelimit.Config.Rate. Required: a positive finite number up
	// to MaxRate. rate.Inf is refused: "no limit" is no limiter.
	Rate rate.Limit

	// Burst is the size of a bucket: how many requests of one bucket may come at once after it
	// was idle. Required: at least 1.
	Burst int

	// Bucket returns the bucket of a request. Default ratelimit.ClientIP(): one bucket per peer
	// address (IPv6 by /64), with X-Forwarded-For ignored. Use ratelimit.Global for one bucket
	// shared by every request. Every limiter that shares the buckets must name them alike.
	Bucket ratelimit.BucketFunc

	// Prefix is put before every bucket name: the Redis key of bucket b is "rate:" + Prefix + b,
	// "rate:" being redis_rate's own prefix. Limiters that share a Redis, a Prefix and a bucket
	// name share the bucket, as replicas of one receiver must. Give every other limit its own
	// prefix: a key holds when its bucket is next full, which each limiter reads by its own Rate
	// and Burst. Default DefaultPrefix ("inspecthook:ratelimit:").
	//
	// Every decision touches one key, so Redis Cluster spreads buckets over its slots.
	Prefix string

	// FailClosed chooses what Allow does when Redis cannot decide (unreachable, timed out,
	// the request's context done). False, the default, fails open: the request is allowed and
	// the error goes to OnError, so an outage of Redis does not stop deliveries, which then go
	// unlimited. True fails closed: Allow returns the error with RetryAfter, and
	// ratelimit.Middleware answers 503 Service Unavailable with Retry-After, which providers
	// retry.
	FailClosed bool

	// RetryAfter is the wait Allow returns with its error when it fails closed, which
	// ratelimit.Middleware sends as Retry-After (whole seconds, at least 1). Default
	// DefaultRetryAfter (1 s).
	RetryAfter time.Duration

	// OnError, when set, is called with every error Allow does not return: with FailClosed
	// false, each time Redis could not decide and the request was let through. The error
	// names the bucket and wraps go-redis's. A limiter that fails closed does not call it:
	// ratelimit.Middleware gives its errors to ratelimit.WithOnReject instead. OnError is
	// called on the request's goroutine, concurrently for concurrent requests; it must not
	// write to a response.
	OnError func(r *http.Request, err error)
}

// Limiter is a rate limit kept in Redis, shared by every Limiter on the same Redis with the same
// Prefix: the token buckets of ratelimit.Limiter, decided by GCRA (github.com/go-redis/redis_rate)
// on the Redis server's clock. It is a ratelimit.Allower, for ratelimit.Middleware and
// receiver.Config.Limiter. Build one with New; the zero Limiter is not usable. It is safe for
// concurrent use. It does not own its client: close the client when done with the limiter.
type Limiter struct {
	limiter    *redis_rate.Limiter
	limit      redis_rate.Limit
	bucketOf   ratelimit.BucketFunc
	prefix     string
	failClosed bool
	retryAfter time.Duration
	onError    func(*http.Request, error)
}

// New returns a Limiter on client: a *redis.Client (one node, or Sentinel through
// redis.NewFailoverClient), a *redis.ClusterClient, or the result of redis.NewUniversalClient.
// It returns an error wrapping ratelimit.ErrConfig when client is nil, Rate is not a positive
// finite number up to MaxRate (or so small that a token takes longer than a time.Duration can
// hold, about 292 years), Burst is under 1, or RetryAfter is negative. New does not contact
// Redis.
//
// The client's timeouts bound how long a decision may take when Redis does not answer, before
// Allow fails open or closed: go-redis dials for up to DialTimeout (5 s by default), reads for
// up to ReadTimeout (3 s), and retries up to MaxRetries times (3). A limiter in front of
// webhook handlers wants a client with short ones, or ContextTimeoutEnabled so that a
// request's deadline bounds its decision.
func New(client redis.UniversalClient, cfg Config) (*Limiter, error) {
	if nilcheck.Is(client) {
		return nil, fmt.Errorf("redislimit: %w: no client", ratelimit.ErrConfig)
	}
	switch r := float64(cfg.Rate); {
	case cfg.Rate == rate.Inf || math.IsInf(r, 1):
		return nil, fmt.Errorf("redislimit: %w: Rate is rate.Inf; to stop limiting, leave the limiter out", ratelimit.ErrConfig)
	case !(r > 0): // also NaN
		return nil, fmt.Errorf("redislimit: %w: Rate %v is not positive", ratelimit.ErrConfig, r)
	case cfg.Rate > MaxRate:
		return nil, fmt.Errorf("redislimit: %w: Rate %v is above MaxRate (%v)", ratelimit.ErrConfig, r, float64(MaxRate))
	}
	if cfg.Burst < 1 {
		return nil, fmt.Errorf("redislimit: %w: Burst %d is under 1", ratelimit.ErrConfig, cfg.Burst)
	}
	if cfg.RetryAfter < 0 {
		return nil, fmt.Errorf("redislimit: %w: RetryAfter %v is negative", ratelimit.ErrConfig, cfg.RetryAfter)
	}
	limit, ok := limitOf(float64(cfg.Rate), cfg.Burst)
	if !ok {
		return nil, fmt.Errorf("redislimit: %w: Rate %v is too small: a token would take longer than %v", ratelimit.ErrConfig, float64(cfg.Rate), time.Duration(math.MaxInt64))
	}
	l := &Limiter{
		limiter:    redis_rate.NewLimiter(client),
		limit:      limit,
		bucketOf:   cfg.Bucket,
		prefix:     cfg.Prefix,
		failClosed: cfg.FailClosed,
		retryAfter: cfg.RetryAfter,
		onError:    cfg.OnError,
	}
	if l.bucketOf == nil {
		l.bucketOf = ratelimit.ClientIP()
	}
	if l.prefix == "" {
		l.prefix = DefaultPrefix
	}
	if l.retryAfter == 0 {
		l.retryAfter = DefaultRetryAfter
	}
	return l, nil
}

// Allow takes a token from the request's bucket (Config.Bucket), in one round trip to Redis
// under r's context. When the bucket is empty it returns false and how long until it holds a
// token again (at least a microsecond, the resolution of the server's clock), and the bucket is
// left as it was: a rejected request takes no token. When ok is true, retryAfter is zero.
//
// When Redis cannot decide, Allow fails open (ok true, err nil, the error to Config.OnError)
// or, with Config.FailClosed, returns false, Config.RetryAfter and the error, which names the
// bucket and wraps go-redis's (and the context's, when r's context is done).
func (l *Limiter) Allow(r *http.Request) (ok bool, retryAfter time.Duration, err error) {
	name := l.bucketOf(r)
	// redis_rate's script refuses without writing: when the request does not fit, the key,
	// which holds when the bucket is next full, is not changed.
	res, err := l.limiter.Allow(r.Context(), l.prefix+name, l.limit)
	if err != nil {
		err = fmt.Errorf("redislimit: bucket %q: %w", name, err)
		if l.failClosed {
			return false, l.retryAfter, err
		}
		if l.onError != nil {
			l.onError(r, err)
		}
		return true, 0, nil
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	// The wait is computed in floating-point seconds from a clock read in microseconds: rounding
	// it to the microsecond drops the noise (2.0000000000003 s is 2 s, so Retry-After "2").
	return false, max(res.RetryAfter.Round(time.Microsecond), time.Microsecond), nil
}

// limitOf expresses perSecond tokens a second, with burst, as redis_rate's Rate events per
// Period, which its script turns into one token every Period/Rate seconds.
//
// A whole number of tokens a second is exactly that: 50 is {Rate: 50, Period: time.Second}.
// Otherwise the period is the first n/perSecond seconds, for n from 1 to 1000, that is a whole
// number of nanoseconds, the resolution of a time.Duration: rate.Every(30*time.Second) is
// {Rate: 1, Period: 30 s}, 2.5 is {1, 400 ms}, 7.0/3 is {7, 3 s}. Failing that, n is 1000,
// or a smaller power of ten for rates so small that 1000 tokens would take longer than a
// time.Duration holds, and the period is rounded to the nanosecond: the token interval is then
// off by at most half a nanosecond in n tokens. ok is false when even one token would take
// longer than a time.Duration holds.
func limitOf(perSecond float64, burst int) (limit redis_rate.Limit, ok bool) {
	if perSecond == math.Trunc(perSecond) { // at most MaxRate, so it fits an int
		return redis_rate.Limit{Rate: int(perSecond), Burst: burst, Period: time.Second}, true
	}
	const maxNanos = float64(math.MaxInt64)
	if 1e9/perSecond >= maxNanos {
		return redis_rate.Limit{}, false
	}
	for n := 1; n <= 1000; n++ {
		ns := float64(n) * 1e9 / perSecond
		if ns >= maxNanos {
			break
		}
		// Allow for the floating-point error of a rate such as 1/30, whose reciprocal comes out
		// as 3.0000000000000004e10 nanoseconds.
		if whole := math.Round(ns); math.Abs(ns-whole) <= ns*1e-15 {
			return redis_rate.Limit{Rate: n, Burst: burst, Period: time.Duration(whole)}, true
		}
	}
	n := 1000
	for float64(n)*1e9/perSecond >= maxNanos {
		n /= 10
	}
	return redis_rate.Limit{Rate: n, Burst: burst, Period: time.Duration(math.Round(float64(n) * 1e9 / perSecond))}, true
}
