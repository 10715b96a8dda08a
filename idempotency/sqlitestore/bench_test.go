package sqlitestore_test

import (
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/idempotency/sqlitestore"
)

// benchStore opens a Store on a new file for b, without the background cleanup.
func benchStore(b *testing.B) *sqlitestore.Store {
	b.Helper()
	s, err := sqlitestore.Open(filepath.Join(b.TempDir(), "idempotency.db"), sqlitestore.Config{CleanupInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// claimComplete claims a new key and completes it: what one new delivery costs the store.
func claimComplete(b *testing.B, s *sqlitestore.Store, key string) {
	c, err := s.Claim(b.Context(), key, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	if c.State != idempotency.Claimed {
		b.Fatalf("Claim(%q) = %v", key, c.State)
	}
	if err := s.Complete(b.Context(), key, c.Token, idempotency.DefaultRetention); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkClaimComplete measures Claim then Complete of a new key, one goroutine.
func BenchmarkClaimComplete(b *testing.B) {
	s := benchStore(b)
	i := 0
	for b.Loop() {
		claimComplete(b, s, "record360:evt_"+strconv.Itoa(i))
		i++
	}
}

// BenchmarkClaimCompleteParallel measures Claim then Complete of new keys from GOMAXPROCS
// goroutines on one Store, which share its one connection.
func BenchmarkClaimCompleteParallel(b *testing.B) {
	s := benchStore(b)
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			claimComplete(b, s, "record360:evt_"+strconv.FormatInt(n.Add(1), 10))
		}
	})
}

// BenchmarkClaimDone measures the Claim of a duplicate: a key already done.
func BenchmarkClaimDone(b *testing.B) {
	s := benchStore(b)
	claimComplete(b, s, "record360:evt_1")
	for b.Loop() {
		c, err := s.Claim(b.Context(), "record360:evt_1", time.Minute)
		if err != nil || c.State != idempotency.Done {
			b.Fatal(c.State, err)
		}
	}
}
