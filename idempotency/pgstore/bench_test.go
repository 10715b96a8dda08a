package pgstore_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/pgstore"
)

// benchOp is one operation measured, on a key of its own unless it says otherwise.
type benchOp struct {
	name string
	op   func(ctx context.Context, key string) error
}

// benchOps returns the operations measured, on a fresh table of the store's and a floor table
// of the same shape (the store's own migration) in a schema of their own:
//
//   - ClaimComplete: a delivery's two statements, Claim of a new key then Complete;
//   - Claim: Claim of a new key alone;
//   - Duplicate: Claim of a done key, the answer to a provider's retry;
//   - Floor: a bare INSERT ... ON CONFLICT DO NOTHING of a new key into the floor table, the
//     least one statement that records a key can cost;
//   - FloorTwice: Floor's INSERT followed by a bare UPDATE of the row, the floor of
//     ClaimComplete's two round trips.
func benchOps(b *testing.B, pool *pgxpool.Pool) []benchOp {
	b.Helper()
	schema := freshSchema(b, pool)
	store := newStore(b, pool, pgstore.Config{Table: schema + ".keys"})
	floor := newStore(b, pool, pgstore.Config{Table: schema + ".floor"}) // creates the same table
	_ = floor.Close()
	insertSQL := "INSERT INTO " + schema + ".floor (key, token, state, expires_at) VALUES ($1, $2, 'claimed', now() + interval '1 minute') ON CONFLICT DO NOTHING"
	updateSQL := "UPDATE " + schema + ".floor SET state = 'done', token = NULL, expires_at = now() + interval '1 hour' WHERE key = $1 AND token = $2"
	const token = "AAAAAAAAAAAAAAAAAAAAAAAAAA" // as long as a real token

	const done = "done_key"
	c, err := store.Claim(context.Background(), done, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.Complete(context.Background(), done, c.Token, time.Hour); err != nil {
		b.Fatal(err)
	}
	return []benchOp{
		{"ClaimComplete", func(ctx context.Context, key string) error {
			c, err := store.Claim(ctx, key, time.Minute)
			if err != nil {
				return err
			}
			if c.State != idempotency.Claimed {
				return fmt.Errorf("claim of new key %q: %v", key, c.State)
			}
			return store.Complete(ctx, key, c.Token, time.Hour)
		}},
		{"Claim", func(ctx context.Context, key string) error {
			c, err := store.Claim(ctx, key, time.Minute)
			if err == nil && c.State != idempotency.Claimed {
				return fmt.Errorf("claim of new key %q: %v", key, c.State)
			}
			return err
		}},
		{"Duplicate", func(ctx context.Context, _ string) error {
			c, err := store.Claim(ctx, done, time.Minute)
			if err == nil && c.State != idempotency.Done {
				return fmt.Errorf("claim of a done key: %v", c.State)
			}
			return err
		}},
		{"Floor", func(ctx context.Context, key string) error {
			_, err := pool.Exec(ctx, insertSQL, []byte(key), token)
			return err
		}},
		{"FloorTwice", func(ctx context.Context, key string) error {
			if _, err := pool.Exec(ctx, insertSQL, []byte(key), token); err != nil {
				return err
			}
			_, err := pool.Exec(ctx, updateSQL, []byte(key), token)
			return err
		}},
	}
}

// BenchmarkClaim measures each operation of benchOps alone, from one goroutine (Serial, one
// round trip at a time: latency) and from 8 (Parallel, on a pool of 8 connections: throughput).
func BenchmarkClaim(b *testing.B) {
	pool, _ := connect(b, 8, nil)
	warm(b, pool)
	ops := benchOps(b, pool)
	for _, o := range ops {
		b.Run("Serial/"+o.name, func(b *testing.B) {
			prefix := unique("")
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if err := o.op(ctx, prefix+strconv.Itoa(i)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
	for _, o := range ops {
		b.Run("Parallel/"+o.name, func(b *testing.B) {
			prefix := unique("")
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0))) // 8 goroutines, one per connection
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := o.op(ctx, prefix+strconv.FormatInt(n.Add(1), 10)); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkInterleaved runs every operation of benchOps once per iteration, one after the other
// from one goroutine, and reports the median and the 90th percentile of each (µs): on a server
// shared with other work, whose commit latency drifts, operations measured side by side compare
// better than operations measured one run after another. ns/op is the sum of them all.
func BenchmarkInterleaved(b *testing.B) {
	pool, _ := connect(b, 2, nil)
	warm(b, pool)
	ops := benchOps(b, pool)
	took := make([][]time.Duration, len(ops))
	prefix := unique("")
	ctx := context.Background()
	i := 0
	for b.Loop() {
		for j, o := range ops {
			start := time.Now()
			if err := o.op(ctx, prefix+strconv.Itoa(i)+"_"+o.name); err != nil {
				b.Fatal(err)
			}
			took[j] = append(took[j], time.Since(start))
		}
		i++
	}
	for j, o := range ops {
		d := took[j]
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds()), o.name+"-p50-µs")
		b.ReportMetric(float64(d[len(d)*9/10].Microseconds()), o.name+"-p90-µs")
	}
}
