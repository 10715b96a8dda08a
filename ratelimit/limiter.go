package ratelimit

import (
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxBuckets is the number of buckets a Limiter tracks when Config.MaxBuckets is zero.
const DefaultMaxBuckets = 100_000

// sweepBatch is how many least recently used buckets one call may examine, and drop when they
// have refilled. It bounds the work of a single call; since every call adds at most one bucket,
// idle buckets are still dropped faster than new ones arrive.
const sweepBatch = 32

// Config configures a Limiter. Rate and Burst are required; the other zero fields get the
// documented defaults.
type Config struct {
	// Rate is how many tokens a bucket gains per second, such as 10 or rate.Every(time.Minute).
	// Required: a positive finite number. rate.Inf is refused: "no limit" is no limiter.
	Rate rate.Limit

	// Burst is the size of a bucket: how many requests of one bucket may come at once after
	// it was idle. Required: at least 1.
	Burst int

	// Bucket returns the bucket of a request. Default ClientIP(): one bucket per peer address
	// (IPv6 addresses grouped by /64), with X-Forwarded-For ignored. Use Global for one bucket
	// shared by every request.
	Bucket BucketFunc

	// MaxBuckets bounds how many buckets are tracked at once. When a new bucket would exceed
	// it, the least recently used bucket is dropped first. Default DefaultMaxBuckets (100,000).
	MaxBuckets int

	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Limiter holds token buckets, one per name a BucketFunc returns (a client IP address, say).
// Build one with New; it is safe for concurrent use.
//
// A bucket starts full with Burst tokens, gains Rate tokens per second up to Burst, and each
// allowed request takes one token. A rejected request takes nothing.
//
// Buckets are kept in a map and in a list ordered from the most to the least recently used.
// A bucket that has refilled is the same as a fresh one, so each call drops the least recently
// used buckets that are full at the call's time (a few per call, so that no call pays for
// many): memory follows the buckets active within about the last Burst/Rate, with no
// goroutine. When a new bucket would make more than MaxBuckets, the least recently used bucket
// is dropped even if it is not full; it starts again full when it comes back, so MaxBuckets
// should exceed the number of buckets you expect to be active at once.
type Limiter struct {
	limit      rate.Limit
	burst      int
	bucketOf   BucketFunc
	maxBuckets int
	now        func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	// lru is the sentinel of a circular list: lru.next is the most recently used bucket,
	// lru.prev the least recently used.
	lru bucket
}

// bucket is one bucket's tokens and its place in the Limiter's list.
type bucket struct {
	name       string
	tokens     *rate.Limiter
	prev, next *bucket
}

// New builds a Limiter. It returns an error wrapping ErrConfig when Rate is not a positive
// finite number, Burst is under 1 or MaxBuckets is negative.
func New(cfg Config) (*Limiter, error) {
	switch r := float64(cfg.Rate); {
	case cfg.Rate == rate.Inf || math.IsInf(r, 1):
		return nil, fmt.Errorf("%w: Rate is rate.Inf; to stop limiting, leave the limiter out", ErrConfig)
	case !(r > 0): // also NaN
		return nil, fmt.Errorf("%w: Rate %v is not positive", ErrConfig, r)
	}
	if cfg.Burst < 1 {
		return nil, fmt.Errorf("%w: Burst %d is under 1", ErrConfig, cfg.Burst)
	}
	if cfg.MaxBuckets < 0 {
		return nil, fmt.Errorf("%w: MaxBuckets %d is negative", ErrConfig, cfg.MaxBuckets)
	}
	l := &Limiter{
		limit:      cfg.Rate,
		burst:      cfg.Burst,
		bucketOf:   cfg.Bucket,
		maxBuckets: cfg.MaxBuckets,
		now:        cfg.Now,
		buckets:    make(map[string]*bucket),
	}
	if l.bucketOf == nil {
		l.bucketOf = ClientIP()
	}
	if l.maxBuckets == 0 {
		l.maxBuckets = DefaultMaxBuckets
	}
	if l.now == nil {
		l.now = time.Now
	}
	l.lru.next, l.lru.prev = &l.lru, &l.lru
	return l, nil
}

// Allow takes a token from the request's bucket (Config.Bucket) at the clock's time. When the
// bucket is empty it returns false and how long until it holds a token again. err is always
// nil: an in-process limiter can always decide. Allow makes *Limiter an Allower.
func (l *Limiter) Allow(r *http.Request) (ok bool, retryAfter time.Duration, err error) {
	ok, retryAfter = l.AllowBucketAt(l.bucketOf(r), l.now())
	return ok, retryAfter, nil
}

// AllowBucket is Allow for a bucket named by the caller, such as an account id.
func (l *Limiter) AllowBucket(name string) (ok bool, retryAfter time.Duration) {
	return l.AllowBucketAt(name, l.now())
}

// AllowBucketAt takes a token from the bucket name at time t. When the bucket is empty it
// returns false and the wait until the bucket holds a token again, at least one nanosecond,
// and the bucket is left as it was. When ok is true, retryAfter is zero.
func (l *Limiter) AllowBucketAt(name string, t time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()

	b := l.buckets[name]
	if b != nil {
		l.unlink(b)
	}
	l.sweep(t)
	if b == nil {
		if len(l.buckets) >= l.maxBuckets {
			l.drop(l.lru.prev)
		}
		b = &bucket{name: name, tokens: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[name] = b
	}
	l.pushFront(b)

	// AllowN changes nothing when it refuses, so a rejected request costs the bucket no token;
	// the same lock covers the refusal and the reading below, so they see one state.
	if b.tokens.AllowN(t, 1) {
		return true, 0
	}
	return false, l.wait(b.tokens, t)
}

// wait returns how long after t lim, unchanged, holds a whole token: the time its missing
// fraction of a token takes to arrive, rounded up to the nanosecond. Floating-point rounding
// can put the computed figure a nanosecond off either way, so it is checked on the bucket
// itself and corrected. (If t is before the bucket's last update, which a clock that steps
// back can cause, the bucket does not refill until that update's time and the result is a
// lower bound.)
func (l *Limiter) wait(lim *rate.Limiter, t time.Time) time.Duration {
	ns := math.Ceil((1 - lim.TokensAt(t)) / float64(l.limit) * float64(time.Second))
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	d := max(time.Duration(ns), 1)
	for range 4 {
		if lim.TokensAt(t.Add(d)) >= 1 {
			break
		}
		d++
	}
	for range 4 {
		if d == 1 || lim.TokensAt(t.Add(d-1)) < 1 {
			break
		}
		d--
	}
	return d
}

// Len returns the number of buckets currently tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// sweep drops, from the least recently used end, the buckets that are full at t, examining at
// most sweepBatch of them and stopping at the first one still refilling. With the clock moving
// forward, buckets further along were used later and refill no sooner.
func (l *Limiter) sweep(t time.Time) {
	full := float64(l.burst)
	for range sweepBatch {
		b := l.lru.prev
		if b == &l.lru || b.tokens.TokensAt(t) < full {
			return
		}
		l.drop(b)
	}
}

func (l *Limiter) drop(b *bucket) {
	l.unlink(b)
	delete(l.buckets, b.name)
}

func (l *Limiter) unlink(b *bucket) {
	b.prev.next = b.next
	b.next.prev = b.prev
	b.prev, b.next = nil, nil
}

func (l *Limiter) pushFront(b *bucket) {
	b.prev = &l.lru
	b.next = l.lru.next
	l.lru.next.prev = b
	l.lru.next = b
}
