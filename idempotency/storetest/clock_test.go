package storetest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/stretchr/testify/assert"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		advance []time.Duration
		want    time.Time
	}{
		{"Start", nil, start},
		{"Forward", []time.Duration{time.Second, time.Hour}, start.Add(time.Hour + time.Second)},
		{"Back", []time.Duration{time.Minute, -2 * time.Minute}, start.Add(-time.Minute)},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := storetest.NewClock(start)
			for _, d := range c.advance {
				clock.Advance(d)
			}
			assert.Equal(t, c.want, clock.Now())
		})
	}
}

func TestClockConcurrent(t *testing.T) {
	clock := storetest.NewClock(time.Time{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(2)
		go func() { defer wg.Done(); clock.Advance(time.Second) }()
		go func() { defer wg.Done(); _ = clock.Now() }()
	}
	wg.Wait()
	assert.Equal(t, time.Time{}.Add(10*time.Second), clock.Now())
}
