package redisstore_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"

	"github.com/inspecthook/inspecthook/internal/redistest"
)

// BenchmarkNewDelivery measures what a new delivery costs the store, a Claim and a Complete
// of a new key, beside the floor of the same work done with raw commands and no checks: SET NX
// PX to take the key, SET PX to mark it done. Both use the shared Redis, on one client, one
// goroutine at a time (Serial) and from GOMAXPROCS×8 goroutines (Parallel).
//
//	go test -run '^$' -bench NewDelivery -benchtime 5000x -count 3 ./idempotency/redisstore/
func BenchmarkNewDelivery(b *testing.B) {
	const lease, retention = time.Minute, time.Hour
	client := redistest.Shared(b)
	for _, c := range []struct {
		name    string
		deliver func(ctx context.Context, s *redisstore.Store, prefix, key string) error
	}{
		{"Store", func(ctx context.Context, s *redisstore.Store, _, key string) error {
			c, err := s.Claim(ctx, key, lease)
			if err != nil {
				return err
			}
			if c.State != idempotency.Claimed {
				b.Fatalf("Claim(%q) = %v, want Claimed", key, c.State)
			}
			return s.Complete(ctx, key, c.Token, retention)
		}},
		{"FloorSetNX", func(ctx context.Context, _ *redisstore.Store, prefix, key string) error {
			ok, err := client.SetNX(ctx, prefix+key, "h", lease).Result()
			if err != nil {
				return err
			}
			if !ok {
				b.Fatalf("SET NX %q found the key", key)
			}
			return client.Set(ctx, prefix+key, "d", retention).Err()
		}},
	} {
		for _, mode := range []string{"Serial", "Parallel"} {
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				prefix := redistest.Prefix(b, client)
				s, err := redisstore.New(client, redisstore.Config{Prefix: prefix})
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				var next atomic.Int64
				b.ReportAllocs()
				if mode == "Serial" {
					for b.Loop() {
						if err := c.deliver(ctx, s, prefix, strconv.FormatInt(next.Add(1), 10)); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := c.deliver(ctx, s, prefix, strconv.FormatInt(next.Add(1), 10)); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
