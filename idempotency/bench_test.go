package idempotency_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/inspecthook/inspecthook/idempotency"
)

// benchKeys returns n distinct keys shaped like a provider's ("safetyculture:" and an id).
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "safetyculture:audit_" + strconv.Itoa(1_000_000+i)
	}
	return keys
}

// fill claims and completes n keys of keys, from the end, so that the store starts full.
func fill(b *testing.B, m *idempotency.Memory, keys []string, n int) {
	b.Helper()
	ctx := b.Context()
	for _, k := range keys[len(keys)-n:] {
		c, err := m.Claim(ctx, k, idempotency.DefaultLease)
		if err != nil || c.State != idempotency.Claimed {
			b.Fatal(c.State, err)
		}
		if err := m.Complete(ctx, k, c.Token, idempotency.DefaultRetention); err != nil {
			b.Fatal(err)
		}
	}
}

// full returns a store of the default bound, full of done keys: the last DefaultMaxEntries of
// keys.
func full(b *testing.B, keys []string) *idempotency.Memory {
	b.Helper()
	m, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = m.Close() })
	fill(b, m, keys, idempotency.DefaultMaxEntries)
	return m
}

// BenchmarkMemoryClaimComplete claims a fresh key and completes it, on a store already holding
// n done keys, n up to the default bound: once full, every claim also evicts the oldest done
// key, as it would under sustained traffic. The time should grow with log n only.
func BenchmarkMemoryClaimComplete(b *testing.B) {
	for _, n := range []int{1_000, 10_000, idempotency.DefaultMaxEntries} {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			m, err := idempotency.NewMemory(idempotency.MemoryConfig{MaxEntries: n})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			// More keys than the bound: by the time a key comes round again it was evicted.
			keys := benchKeys(n + n/2)
			fill(b, m, keys, n)
			ctx := b.Context()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				k := keys[i%len(keys)]
				i++
				c, err := m.Claim(ctx, k, idempotency.DefaultLease)
				if err != nil || c.State != idempotency.Claimed {
					b.Fatal(k, c.State, err)
				}
				if err := m.Complete(ctx, k, c.Token, idempotency.DefaultRetention); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMemoryClaimDone claims a completed key, the path of every duplicate delivery, on a
// full store.
func BenchmarkMemoryClaimDone(b *testing.B) {
	keys := benchKeys(idempotency.DefaultMaxEntries)
	m := full(b, keys)
	ctx := b.Context()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		c, err := m.Claim(ctx, keys[i%len(keys)], idempotency.DefaultLease)
		i++
		if err != nil || c.State != idempotency.Done {
			b.Fatal(c.State, err)
		}
	}
}

// BenchmarkMemoryClaimCompleteParallel is BenchmarkMemoryClaimComplete on a full store of the
// default bound, from GOMAXPROCS goroutines.
func BenchmarkMemoryClaimCompleteParallel(b *testing.B) {
	keys := benchKeys(idempotency.DefaultMaxEntries * 3 / 2)
	m := full(b, keys)
	ctx := b.Context()
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := keys[next.Add(1)%uint64(len(keys))]
			c, err := m.Claim(ctx, k, idempotency.DefaultLease)
			if err != nil {
				b.Error(err)
				return
			}
			if c.State != idempotency.Claimed {
				continue // only if a key came round while its earlier claim was live
			}
			if err := m.Complete(ctx, k, c.Token, idempotency.DefaultRetention); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkMemoryClaimDoneParallel is BenchmarkMemoryClaimDone from GOMAXPROCS goroutines.
func BenchmarkMemoryClaimDoneParallel(b *testing.B) {
	keys := benchKeys(idempotency.DefaultMaxEntries)
	m := full(b, keys)
	ctx := b.Context()
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c, err := m.Claim(ctx, keys[next.Add(1)%uint64(len(keys))], idempotency.DefaultLease)
			if err != nil || c.State != idempotency.Done {
				b.Error(c.State, err)
				return
			}
		}
	})
}
