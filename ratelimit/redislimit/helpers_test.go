package redislimit_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// fastClient returns a client of addr, closed at the end of the test, that gives up quickly
// when the server is down: by default go-redis dials 5 times, 100 ms apart, per attempt.
func fastClient(tb testing.TB, addr string) *redis.Client {
	client := redis.NewClient(&redis.Options{
		Addr:               addr,
		DialTimeout:        time.Second,
		MaxRetries:         -1,
		DialerRetries:      1,
		DialerRetryTimeout: 10 * time.Millisecond,
	})
	tb.Cleanup(func() { _ = client.Close() })
	return client
}
