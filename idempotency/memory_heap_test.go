package idempotency_test

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/inspecthook/inspecthook/idempotency"
)

// millionKeyLen is the length of the keys of BenchmarkMemoryMillionKeys.
const millionKeyLen = 78

// BenchmarkMemoryMillionKeys measures the live heap of a Memory store holding a million done
// keys of millionKeyLen bytes each: MB-heap in all, bytes-per-key beyond the key's own bytes.
// Every iteration fills a fresh store; run it once with -benchtime 1x. The keys are built one
// at a time and dropped after their Claim, so only the store's copies are counted.
func BenchmarkMemoryMillionKeys(b *testing.B) {
	const n = 1_000_000
	ctx := b.Context()
	prefix := "safetyculture:audit_"
	var total uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&before)

		m, err := idempotency.NewMemory(idempotency.MemoryConfig{MaxEntries: 2 * n})
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, millionKeyLen)
		for i := range n {
			// prefix, then i zero-padded to the end of the key.
			copy(buf, prefix)
			for j := len(prefix); j < len(buf); j++ {
				buf[j] = '0'
			}
			s := strconv.Itoa(i)
			copy(buf[len(buf)-len(s):], s)
			key := string(buf)
			c, err := m.Claim(ctx, key, idempotency.DefaultLease)
			if err != nil || c.State != idempotency.Claimed {
				b.Fatal(key, c.State, err)
			}
			if err := m.Complete(ctx, key, c.Token, idempotency.DefaultRetention); err != nil {
				b.Fatal(err)
			}
		}

		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&after)
		if got := m.Len(); got != n {
			b.Fatalf("the store holds %d keys, want %d", got, n)
		}
		runtime.KeepAlive(m)
		total += after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
		_ = m.Close()
	}
	bytes := float64(total) / float64(b.N)
	b.ReportMetric(bytes/1e6, "MB-heap")
	b.ReportMetric(bytes/n-millionKeyLen, "bytes-per-key")
}
