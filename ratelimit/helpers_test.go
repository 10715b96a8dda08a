package ratelimit_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/ratelimit"
)

// t0 is the fixed start of the tests' clocks.
var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// fakeClock is a clock the test moves by hand; safe for concurrent use.
type fakeClock struct{ offset atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return t0.Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
func (c *fakeClock) Set(d time.Duration)     { c.offset.Store(int64(d)) }

func mustNew(t testing.TB, cfg ratelimit.Config) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.New(cfg)
	require.NoError(t, err)
	return l
}
