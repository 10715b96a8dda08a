package redisstore

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMillis(t *testing.T) {
	for _, c := range []struct {
		name         string
		d            time.Duration
		millis, expy string
	}{
		{"Nanosecond", time.Nanosecond, "1", "1001"},
		{"Millisecond", time.Millisecond, "1", "1001"},
		{"RoundedUp", 1500 * time.Microsecond, "2", "1002"},
		{"Minute", time.Minute, "60000", "61000"},
		{"Max", math.MaxInt64, "9223372036855", "9223372036855"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.millis, millis(c.d), "millis")
			assert.Equal(t, c.expy, expiry(c.d), "expiry")
		})
	}
}
