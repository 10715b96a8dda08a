package redislimit

import (
	"math"
	"testing"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/stretchr/testify/assert"
	"golang.org/x/time/rate"
)

func TestLimitOf(t *testing.T) {
	tests := []struct {
		name string
		rate rate.Limit
		want redis_rate.Limit
	}{
		{"50 a second", 50, redis_rate.Limit{Rate: 50, Burst: 7, Period: time.Second}},
		{"1 a second", 1, redis_rate.Limit{Rate: 1, Burst: 7, Period: time.Second}},
		{"MaxRate", MaxRate, redis_rate.Limit{Rate: 1e9, Burst: 7, Period: time.Second}},
		{"2.5 a second", 2.5, redis_rate.Limit{Rate: 1, Burst: 7, Period: 400 * time.Millisecond}},
		{"0.1 a second", 0.1, redis_rate.Limit{Rate: 1, Burst: 7, Period: 10 * time.Second}},
		{"every 30 s", rate.Every(30 * time.Second), redis_rate.Limit{Rate: 1, Burst: 7, Period: 30 * time.Second}},
		{"every 1.5 s", rate.Every(1500 * time.Millisecond), redis_rate.Limit{Rate: 1, Burst: 7, Period: 1500 * time.Millisecond}},
		{"every day", rate.Every(24 * time.Hour), redis_rate.Limit{Rate: 1, Burst: 7, Period: 24 * time.Hour}},
		{"every 7 ns", rate.Every(7), redis_rate.Limit{Rate: 1, Burst: 7, Period: 7}},
		{"0.3 a second", 0.3, redis_rate.Limit{Rate: 3, Burst: 7, Period: 10 * time.Second}},
		{"1/7 a second", 1.0 / 7, redis_rate.Limit{Rate: 1, Burst: 7, Period: 7 * time.Second}},
		{"every 333 ms", rate.Every(333 * time.Millisecond), redis_rate.Limit{Rate: 1, Burst: 7, Period: 333 * time.Millisecond}},
		{"7/3 a second", 7.0 / 3, redis_rate.Limit{Rate: 7, Burst: 7, Period: 3 * time.Second}},
		{"100/3 a second", 100.0 / 3, redis_rate.Limit{Rate: 1, Burst: 7, Period: 30 * time.Millisecond}},
		{"1000/7 a second", 1000.0 / 7, redis_rate.Limit{Rate: 1, Burst: 7, Period: 7 * time.Millisecond}},
		// No n up to 1000 gives a whole number of nanoseconds: 1000 tokens in a rounded period.
		{"pi a second", math.Pi, redis_rate.Limit{Rate: 1000, Burst: 7, Period: 318309886184}}, // 1000/pi s
		// A token takes about 32 years: 10 would not fit a time.Duration.
		{"pi a century", rate.Limit(math.Pi / (100 * 365 * 86400)), redis_rate.Limit{Rate: 1, Burst: 7, Period: 1003822057069202304}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := limitOf(float64(tt.rate), 7)
			assert.True(t, ok)
			assert.Equal(t, tt.want.Rate, got.Rate)
			assert.Equal(t, tt.want.Burst, got.Burst)
			assert.InDelta(t, float64(tt.want.Period), float64(got.Period), 1, "period %v", got.Period)
			// The token interval is the rate's, to the nanosecond.
			interval := float64(got.Period) / float64(got.Rate)
			assert.InEpsilon(t, 1e9/float64(tt.rate), interval, 1e-9)
		})
	}
	_, ok := limitOf(1e-11, 1)
	assert.False(t, ok, "a token every 3,000 years")
}
