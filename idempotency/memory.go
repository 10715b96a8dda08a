package idempotency

import (
	"container/heap"
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DefaultMaxEntries is the default bound of a Memory store. An entry takes about 100 bytes plus
// its key's, so a full store of 50-byte keys holds some 15 MB.
const DefaultMaxEntries = 100_000

// purgeBatch is how many expired entries an operation removes at most, on top of the one it may
// need to make room, so that expired entries are removed faster than keys are added (one per
// operation at most) while no single call pays for a large backlog.
const purgeBatch = 8

// MemoryConfig configures a Memory store. Zero fields get the documented defaults.
type MemoryConfig struct {
	// MaxEntries bounds the number of keys held, live claims and done keys together.
	// Default DefaultMaxEntries (100 000). Negative is an error.
	MaxEntries int

	// Now is the clock that leases and retention are measured by. Default time.Now.
	Now func() time.Time
}

// Memory is a Store held in the process's memory: the default, for a single instance. It is
// lost when the process exits, so a delivery completed just before a restart can be processed
// again if the sender retries it; use a durable or shared store where that matters.
//
// Memory holds at most MaxEntries keys. Expired entries are removed lazily, a few by each
// operation; no goroutine runs. When the bound is reached and a new key is claimed, Memory first
// drops an expired entry, then the done entry closest to the end of its retention, and returns
// ErrFull only if every entry is a live claim. Live claims are never dropped, so the guarantee
// that a handler never runs twice at once holds however full the store is. With one retention
// for every key, the done entry closest to expiry is the oldest, so losing it can only let a
// very old duplicate through: size the bound to hold more than a retry window of events (at 100
// events a second, the default holds the last 16 minutes).
//
// Each operation takes amortised O(log n) time for n entries: keys are in a map, and live
// claims and done entries each in a heap ordered by expiry, so that neither expiry nor eviction
// scans. Memory keeps its own copy of each key, never the caller's string, but does not bound a
// key's length: Middleware gives it keys of at most MaxKeyLen bytes (see BoundKey). Memory is
// safe for concurrent use; one mutex guards it. The zero Memory is an empty store with the
// default configuration, ready to use; it must not be copied after first use.
type Memory struct {
	mu      sync.Mutex
	max     int
	now     func() time.Time
	entries map[string]*entry
	claims  expiryHeap // entries with a lease, by the end of the lease
	done    expiryHeap // completed entries, by the end of their retention
	closed  bool
}

// entry is one key of a Memory store. It is in the claims heap while token is set, and in the
// done heap once token is empty.
type entry struct {
	key     string
	token   string    // the holder's token; empty once done
	expires time.Time // the end of the lease, or of the retention once done
	index   int       // position in its heap
}

// NewMemory returns an empty Memory store. It returns an error wrapping ErrConfig if
// cfg.MaxEntries is negative.
func NewMemory(cfg MemoryConfig) (*Memory, error) {
	if cfg.MaxEntries < 0 {
		return nil, fmt.Errorf("%w: MaxEntries %d is negative", ErrConfig, cfg.MaxEntries)
	}
	m := &Memory{max: cfg.MaxEntries, now: cfg.Now}
	m.init()
	return m, nil
}

// init fills in the defaults of a zero or new Memory. The caller holds mu or owns m.
func (m *Memory) init() {
	if m.max == 0 {
		m.max = DefaultMaxEntries
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.entries = make(map[string]*entry)
}

// lock takes mu and returns ErrClosed, with mu released, if the store is closed.
func (m *Memory) lock() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	if m.entries == nil {
		m.init()
	}
	return nil
}

// Claim takes key for lease if it is free, and otherwise reports InFlight or Done; see Store.
// When the store holds MaxEntries keys it makes room as described on Memory, or returns ErrFull.
func (m *Memory) Claim(ctx context.Context, key string, lease time.Duration) (Claim, error) {
	if err := checkClaim(ctx, key, lease); err != nil {
		return Claim{}, err
	}
	if err := m.lock(); err != nil {
		return Claim{}, err
	}
	defer m.mu.Unlock()

	now := m.now()
	m.purge(now, purgeBatch)
	e, ok := m.entries[key]
	if ok && now.Before(e.expires) {
		if e.token == "" {
			return Claim{State: Done}, nil
		}
		return Claim{State: InFlight, LeaseEnds: e.expires}, nil
	}
	if ok {
		m.unlink(e) // expired but not removed yet: take it over
	} else {
		if len(m.entries) >= m.max {
			if err := m.makeRoom(now); err != nil {
				return Claim{}, err
			}
		}
		// A copy, so that a key sliced from a larger string (a header, a body) does not keep
		// that string alive for the retention.
		e = &entry{key: strings.Clone(key)}
		m.entries[e.key] = e
	}
	e.token, e.expires = rand.Text(), now.Add(lease)
	heap.Push(&m.claims, e)
	return Claim{State: Claimed, Token: e.token, LeaseEnds: e.expires}, nil
}

// Extend renews the lease held by token for lease from now, or returns ErrLeaseLost; see Store.
func (m *Memory) Extend(ctx context.Context, key, token string, lease time.Duration) error {
	if err := checkToken(ctx, "extend", key, token); err != nil {
		return err
	}
	if lease <= 0 {
		return fmt.Errorf("%w: lease %v is not positive", ErrConfig, lease)
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()

	now := m.now()
	e, err := m.held(now, key, token)
	if err != nil {
		return err
	}
	e.expires = now.Add(lease)
	heap.Fix(&m.claims, e.index)
	return nil
}

// Complete marks the claim done for retention, or returns ErrLeaseLost; see Store.
func (m *Memory) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	if err := checkToken(ctx, "complete", key, token); err != nil {
		return err
	}
	if retention <= 0 {
		return fmt.Errorf("%w: retention %v is not positive", ErrConfig, retention)
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()

	now := m.now()
	e, err := m.held(now, key, token)
	if err != nil {
		return err
	}
	heap.Remove(&m.claims, e.index)
	e.token, e.expires = "", now.Add(retention)
	heap.Push(&m.done, e)
	return nil
}

// Release frees the key, or returns ErrLeaseLost; see Store.
func (m *Memory) Release(ctx context.Context, key, token string) error {
	if err := checkToken(ctx, "release", key, token); err != nil {
		return err
	}
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()

	e, err := m.held(m.now(), key, token)
	if err != nil {
		return err
	}
	m.drop(e)
	return nil
}

// Len reports how many keys the store holds that have not expired: live claims and done keys
// within their retention. It removes every expired entry first, so a call can take
// O(k log n) for k expired entries. It returns 0 once the store is closed.
func (m *Memory) Len() int {
	if m.lock() != nil {
		return 0
	}
	defer m.mu.Unlock()
	m.purge(m.now(), len(m.entries))
	return len(m.entries)
}

// Close drops every entry. Later calls of Claim, Extend, Complete and Release return ErrClosed; Close
// itself can be called again and returns nil.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.entries, m.claims, m.done = nil, nil, nil
	return nil
}

// held returns key's entry if token holds it at now, and otherwise an error wrapping
// ErrLeaseLost. It purges first, which can only remove entries that are not held.
func (m *Memory) held(now time.Time, key, token string) (*entry, error) {
	m.purge(now, purgeBatch)
	e, ok := m.entries[key]
	if !ok || e.token != token || !now.Before(e.expires) {
		return nil, fmt.Errorf("%w: key %q", ErrLeaseLost, key)
	}
	return e, nil
}

// purge removes up to n expired entries, those that expired first first.
func (m *Memory) purge(now time.Time, n int) {
	for ; n > 0; n-- {
		e := m.expired(now)
		if e == nil {
			return
		}
		m.drop(e)
	}
}

// expired returns an expired entry, the first to have expired in one of the heaps, or nil.
func (m *Memory) expired(now time.Time) *entry {
	if len(m.claims) > 0 && !now.Before(m.claims[0].expires) {
		return m.claims[0]
	}
	if len(m.done) > 0 && !now.Before(m.done[0].expires) {
		return m.done[0]
	}
	return nil
}

// makeRoom removes one entry: an expired one, else the done entry closest to expiry. It
// returns ErrFull if every entry is a live claim.
func (m *Memory) makeRoom(now time.Time) error {
	e := m.expired(now)
	if e == nil && len(m.done) > 0 {
		e = m.done[0]
	}
	if e == nil {
		return fmt.Errorf("%w: %d live claims", ErrFull, len(m.claims))
	}
	m.drop(e)
	return nil
}

// unlink removes e from its heap, leaving it in the map.
func (m *Memory) unlink(e *entry) {
	if e.token != "" {
		heap.Remove(&m.claims, e.index)
	} else {
		heap.Remove(&m.done, e.index)
	}
}

// drop removes e from its heap and from the map.
func (m *Memory) drop(e *entry) {
	m.unlink(e)
	delete(m.entries, e.key)
}

// expiryHeap is a container/heap of entries, earliest expiry first. Each entry records its
// index so that it can be removed or moved in O(log n).
type expiryHeap []*entry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }

func (h expiryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *expiryHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *expiryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.index = -1
	return e
}

var _ Store = (*Memory)(nil)
