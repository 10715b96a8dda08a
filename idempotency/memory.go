package idempotency

import (
	"container/heap"
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultMaxEntries is the default bound of a Memory store. An entry takes about 50 bytes plus
// its key's, so a full store of 50-byte keys holds some 12 MB.
const DefaultMaxEntries = 100_000

// purgeBatch is how many expired entries an operation removes at most, on top of the one it may
// need to make room, so that expired entries are removed faster than keys are added (one per
// operation at most) while no single call pays for a large backlog.
const purgeBatch = 8

// MemoryConfig configures a Memory store. Zero fields get the documented defaults.
type MemoryConfig struct {
	// MaxEntries bounds the number of keys held, live claims and done keys together.
	// Default DefaultMaxEntries (100 000). Negative is an error; above 1<<30 (some billion
	// keys, far beyond any memory) it is taken as 1<<30.
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
// Each operation takes amortised O(log n) time for n entries, so that neither expiry nor
// eviction scans: keys are in a hash table, live claims in a heap ordered by the end of their
// lease, and done keys in a queue in the order their retention ends. With one retention for
// every key that is the order they complete in, so a done key costs O(1); a key whose retention
// ends before that of a key completed earlier goes to a heap instead. The table doubles in one
// call when it is three quarters full, which takes some milliseconds at a million keys. Memory
// keeps its own copy of each key, never the caller's string, but does not bound a key's length:
// Middleware gives it keys of at most MaxKeyLen bytes (see BoundKey). Memory is safe for
// concurrent use; one mutex guards it. The zero Memory is an empty store with the default
// configuration, ready to use; it must not be copied after first use.
type Memory struct {
	mu  sync.Mutex
	max int
	now func() time.Time

	// base is the clock's reading that the ends of retention are counted from, in ticks (see
	// tick).
	base time.Time

	seed    maphash.Seed           // of the hashes of keys in the table
	entries slab                   // every key, a claim or done, and dead entries still in done
	table   keyTable               // the index of the keys to their entries
	claims  map[string]*claimEntry // the claims, live or with their lease ended but not removed
	leases  leaseHeap              // the claims, by the end of their lease
	done    doneOrder              // the done keys' entries, by the end of their retention
	claimed uint64                 // how many claims were made: the last claim's token
	closed  bool
}

// maxTableEntries is the most keys a Memory store holds, whatever MaxEntries says: the hash
// table stores 32 bits of each key's hash.
const maxTableEntries = 1 << 30

// claimEntry is a claimed key of a Memory store.
type claimEntry struct {
	token   string    // the holder's token
	expires time.Time // the end of the lease
	entry   uint32    // its entry in the slab, which holds the key
	index   int       // position in Memory.leases
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
	m.max = min(m.max, maxTableEntries)
	if m.now == nil {
		m.now = time.Now
	}
	m.base = m.now()
	m.seed = maphash.MakeSeed()
	m.entries = slab{free: noEntry}
	m.table = keyTable{slots: make([]uint64, minTableSlots)}
	m.claims = make(map[string]*claimEntry)
}

// nextToken returns the token of a new claim: the count of claims, which no other claim of m
// holds. The caller holds mu.
func (m *Memory) nextToken() string {
	m.claimed++
	return strconv.FormatUint(m.claimed, 36)
}

// lock takes mu and returns ErrClosed, with mu released, if the store is closed.
func (m *Memory) lock() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	if m.table.slots == nil {
		m.init()
	}
	return nil
}

// tick returns now as a duration since m.base in nanoseconds, saturated at the bounds of int64
// (some 292 years either side of base). Like time.Time.Before, it uses the monotonic clock
// when both readings have it, so that ticks compare as the times do.
func (m *Memory) tick(now time.Time) int64 {
	return int64(now.Sub(m.base))
}

// hash returns key's hash in the table.
func (m *Memory) hash(key string) uint32 {
	return uint32(maphash.String(m.seed, key) >> 32)
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
	h := m.hash(key)
	slot, i, found := m.table.find(&m.entries, key, h)
	var c *claimEntry
	switch {
	case found && m.entries.at(i).expires == heldMark:
		c = m.claims[key]
		if now.Before(c.expires) {
			return Claim{State: InFlight, LeaseEnds: c.expires}, nil
		}
		// The lease ended but the claim is not removed yet: take it over.
		c.token, c.expires = m.nextToken(), now.Add(lease)
		heap.Fix(&m.leases, c.index)
		return Claim{State: Claimed, Token: c.token, LeaseEnds: c.expires}, nil
	case found:
		e := m.entries.at(i)
		if m.tick(now) < e.expires {
			return Claim{State: Done}, nil
		}
		// The retention ended but the key is not removed yet: take it over, in an entry of its
		// own, since this one stays in done until it comes first. Dead, it keeps its expiry,
		// which orders it there, and gives up its key.
		j, err := m.entries.alloc(e.key, heldMark)
		if err != nil {
			return Claim{}, err
		}
		c = &claimEntry{entry: j}
		m.claims[e.key] = c
		e.key = ""
		m.table.set(slot, h, j)
	default:
		if m.table.count >= m.max {
			if err := m.makeRoom(now); err != nil {
				return Claim{}, err
			}
		}
		// A copy, so that a key sliced from a larger string (a header, a body) does not keep
		// that string alive for the retention.
		k := strings.Clone(key)
		j, err := m.entries.alloc(k, heldMark)
		if err != nil {
			return Claim{}, err
		}
		m.table.insert(h, j)
		c = &claimEntry{entry: j}
		m.claims[k] = c
	}
	c.token, c.expires = m.nextToken(), now.Add(lease)
	heap.Push(&m.leases, c)
	return Claim{State: Claimed, Token: c.token, LeaseEnds: c.expires}, nil
}

// Renew renews the lease held by token for lease from now, or returns ErrLeaseLost; see Store.
func (m *Memory) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	if err := checkToken(ctx, "renew", key, token); err != nil {
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
	c, err := m.held(now, key, token)
	if err != nil {
		return err
	}
	c.expires = now.Add(lease)
	heap.Fix(&m.leases, c.index)
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
	c, err := m.held(now, key, token)
	if err != nil {
		return err
	}
	m.unlinkClaim(c)
	expires := m.tick(now)
	if expires > math.MaxInt64-int64(retention) {
		expires = math.MaxInt64
	} else {
		expires += int64(retention)
	}
	m.entries.at(c.entry).expires = expires
	m.done.push(&m.entries, c.entry)
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

	c, err := m.held(m.now(), key, token)
	if err != nil {
		return err
	}
	m.unlinkClaim(c)
	m.drop(c.entry)
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
	m.purge(m.now(), m.table.count)
	return m.table.count
}

// Close drops every entry. Later calls of Claim, Renew, Complete and Release return ErrClosed; Close
// itself can be called again and returns nil.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.entries, m.table, m.claims, m.leases, m.done = slab{}, keyTable{}, nil, nil, doneOrder{}
	return nil
}

// held returns key's claim if token holds it at now, and otherwise an error wrapping
// ErrLeaseLost. It purges first, which can only remove entries that are not held.
func (m *Memory) held(now time.Time, key, token string) (*claimEntry, error) {
	m.purge(now, purgeBatch)
	c, ok := m.claims[key]
	if !ok || c.token != token || !now.Before(c.expires) {
		return nil, fmt.Errorf("%w: key %q", ErrLeaseLost, key)
	}
	return c, nil
}

// purge removes up to n expired entries, those that expired first first.
func (m *Memory) purge(now time.Time, n int) {
	t := m.tick(now)
	for ; n > 0 && m.dropExpired(now, t); n-- {
	}
}

// dropExpired removes an expired entry, the first to have expired of the claims or else of
// the done keys, and reports whether there was one. t is m.tick(now). It frees the dead entries
// it meets on the way.
func (m *Memory) dropExpired(now time.Time, t int64) bool {
	if len(m.leases) > 0 && !now.Before(m.leases[0].expires) {
		c := m.leases[0]
		m.unlinkClaim(c)
		m.drop(c.entry)
		return true
	}
	i, ok := m.firstDone()
	if !ok || t < m.entries.at(i).expires {
		return false
	}
	m.done.pop(&m.entries)
	m.drop(i)
	return true
}

// makeRoom removes one entry: an expired one, else the done entry closest to expiry. It
// returns ErrFull if every entry is a live claim.
func (m *Memory) makeRoom(now time.Time) error {
	if m.dropExpired(now, m.tick(now)) {
		return nil
	}
	i, ok := m.firstDone()
	if !ok {
		return fmt.Errorf("%w: %d live claims", ErrFull, len(m.claims))
	}
	m.done.pop(&m.entries)
	m.drop(i)
	return nil
}

// firstDone returns the done entry closest to expiry, and false if there is none. It frees the
// dead entries that come before it.
func (m *Memory) firstDone() (uint32, bool) {
	for {
		i, ok := m.done.first(&m.entries)
		if !ok || m.entries.at(i).key != "" {
			return i, ok
		}
		m.done.pop(&m.entries)
		m.entries.release(i)
	}
}

// drop removes entry i, a claim unlinked or a done key out of done, from the table and frees
// it.
func (m *Memory) drop(i uint32) {
	m.table.remove(m.hash(m.entries.at(i).key), i)
	m.entries.release(i)
}

// unlinkClaim removes c from claims and leases, leaving its entry.
func (m *Memory) unlinkClaim(c *claimEntry) {
	heap.Remove(&m.leases, c.index)
	delete(m.claims, m.entries.at(c.entry).key)
}

// leaseHeap is a container/heap of claims, earliest end of lease first. Each claim records
// its index so that it can be removed or moved in O(log n).
type leaseHeap []*claimEntry

func (h leaseHeap) Len() int           { return len(h) }
func (h leaseHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }

func (h leaseHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *leaseHeap) Push(x any) {
	c := x.(*claimEntry)
	c.index = len(*h)
	*h = append(*h, c)
}

func (h *leaseHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	c.index = -1
	return c
}

// heldMark is the expiry of a claim's entry. No retention ends at it: a tick is never less,
// as tick saturates there, and a retention is positive.
const heldMark = math.MinInt64

// noEntry is the index of no entry: the end of the free list. The table's 32-bit indexes
// leave it unused, as maxTableEntries keeps the live entries far below it.
const noEntry = math.MaxUint32

// entry is a key of a Memory store, in one of four states:
//   - a claim: key set and expires heldMark; the claim's lease and token are in Memory.claims;
//   - done: key set, and expires the tick at which its retention ends; it is in Memory.done;
//   - dead: key empty and expires kept; it is still in Memory.done, where its key was done
//     before a new claim took the key over, and is freed when it comes first;
//   - free: key empty, and expires the index of the next free entry, or noEntry.
//
// A key is never empty (Claim refuses it), so an empty key tells the dead and free entries.
type entry struct {
	key     string
	expires int64
}

// slabBlockLen is the number of entries in a block of a slab: 24 KiB a block.
const slabBlockLen = 1024

// slab holds the entries of a Memory store, indexed by uint32, in blocks that are never moved,
// so that it grows without copying and takes little more memory than its entries. Freed
// entries are reused first.
type slab struct {
	blocks []*[slabBlockLen]entry
	n      uint32 // the entries used so far, free ones included
	free   uint32 // the first free entry, or noEntry
}

// at returns entry i.
func (s *slab) at(i uint32) *entry {
	return &s.blocks[i/slabBlockLen][i%slabBlockLen]
}

// alloc returns the index of a new entry holding key and expires. It fails with ErrFull only if
// the uint32 indexes are exhausted, which takes some 4 billion entries.
func (s *slab) alloc(key string, expires int64) (uint32, error) {
	i := s.free
	if i != noEntry {
		s.free = uint32(s.at(i).expires)
	} else {
		if s.n == noEntry {
			return 0, fmt.Errorf("%w: %d entries", ErrFull, s.n)
		}
		i = s.n
		if i%slabBlockLen == 0 {
			s.blocks = append(s.blocks, new([slabBlockLen]entry))
		}
		s.n++
	}
	*s.at(i) = entry{key: key, expires: expires}
	return i, nil
}

// release frees entry i, which nothing refers to any longer.
func (s *slab) release(i uint32) {
	*s.at(i) = entry{expires: int64(s.free)}
	s.free = i
}

// minTableSlots is the size of an empty keyTable.
const minTableSlots = 8

// keyTable is a hash table of the entries with a key, open addressing with linear probing.
// Each slot is 0 when empty, and otherwise holds the key's 32-bit hash in its high half and the
// index of its entry plus 1 in its low half: a lookup compares keys only when the hashes
// match, and a growing table places the slots again without hashing keys. The table is at most
// three quarters full; removal moves later slots of the run back (backward shift), so that
// there are no tombstones. The caller computes the hashes, with a random seed, so that keys a
// sender chooses cannot be made to collide.
type keyTable struct {
	slots []uint64 // a power of two of them
	count int      // the slots in use
}

// slotOf returns the slot of hash h and entry i.
func slotOf(h, i uint32) uint64 { return uint64(h)<<32 | uint64(i+1) }

// find returns the slot of key, of hash h, and its entry in s, or the empty slot where key
// would go and false.
func (t *keyTable) find(s *slab, key string, h uint32) (slot int, i uint32, ok bool) {
	mask := len(t.slots) - 1
	for slot = int(h) & mask; ; slot = (slot + 1) & mask {
		v := t.slots[slot]
		if v == 0 {
			return slot, 0, false
		}
		if uint32(v>>32) == h && s.at(uint32(v)-1).key == key {
			return slot, uint32(v) - 1, true
		}
	}
}

// set points slot, which holds a key of hash h, at entry i.
func (t *keyTable) set(slot int, h, i uint32) {
	t.slots[slot] = slotOf(h, i)
}

// insert adds entry i, whose key is of hash h and not in the table, growing the table if it
// would be more than three quarters full.
func (t *keyTable) insert(h, i uint32) {
	if 4*(t.count+1) > 3*len(t.slots) {
		t.grow()
	}
	t.place(slotOf(h, i))
	t.count++
}

// place puts v in the first empty slot from its hash's.
func (t *keyTable) place(v uint64) {
	mask := len(t.slots) - 1
	slot := int(v>>32) & mask
	for t.slots[slot] != 0 {
		slot = (slot + 1) & mask
	}
	t.slots[slot] = v
}

// grow doubles the table.
func (t *keyTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	for _, v := range old {
		if v != 0 {
			t.place(v)
		}
	}
}

// remove removes entry i, whose key is of hash h, and shifts back the later slots of its run
// that may move closer to their hash's slot.
func (t *keyTable) remove(h, i uint32) {
	mask := len(t.slots) - 1
	want := slotOf(h, i)
	hole := int(h) & mask
	for t.slots[hole] != want {
		hole = (hole + 1) & mask
	}
	for next := (hole + 1) & mask; t.slots[next] != 0; next = (next + 1) & mask {
		// The slot at next may fill the hole unless its home lies cyclically in (hole, next].
		home := int(t.slots[next]>>32) & mask
		if (hole < next && hole < home && home <= next) || (next < hole && (hole < home || home <= next)) {
			continue
		}
		t.slots[hole] = t.slots[next]
		hole = next
	}
	t.slots[hole] = 0
	t.count--
}

// doneOrder orders the entries of done keys, and of dead ones, by their expiry, earliest first.
// An entry whose expiry is no earlier than that of the entry pushed last goes to a queue, which
// stays in order at a cost of O(1) and 4 bytes an entry; the others go to a heap. The first
// entry is the first of either.
type doneOrder struct {
	queue indexQueue
	last  int64 // the expiry of the entry pushed to the queue last
	heap  []uint32
}

// push adds entry i of s.
func (d *doneOrder) push(s *slab, i uint32) {
	if expires := s.at(i).expires; d.queue.empty() || expires >= d.last {
		d.queue.push(i)
		d.last = expires
		return
	}
	// Up the heap.
	d.heap = append(d.heap, i)
	h := d.heap
	expires := s.at(i).expires
	j := len(h) - 1
	for j > 0 {
		parent := (j - 1) / 2
		if s.at(h[parent]).expires <= expires {
			break
		}
		h[j] = h[parent]
		j = parent
	}
	h[j] = i
}

// fromHeap reports whether the first entry is the heap's rather than the queue's.
func (d *doneOrder) fromHeap(s *slab) bool {
	return len(d.heap) > 0 && (d.queue.empty() || s.at(d.heap[0]).expires < s.at(d.queue.first()).expires)
}

// first returns the entry with the earliest expiry, and false if there is none.
func (d *doneOrder) first(s *slab) (uint32, bool) {
	switch {
	case d.fromHeap(s):
		return d.heap[0], true
	case d.queue.empty():
		return 0, false
	}
	return d.queue.first(), true
}

// pop removes the entry first returns. There must be one.
func (d *doneOrder) pop(s *slab) {
	if !d.fromHeap(s) {
		d.queue.pop()
		return
	}
	h := d.heap
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	if n == 0 {
		if cap(h) > slabBlockLen {
			h = nil // drained: let a large array go
		}
		d.heap = h
		return
	}
	d.heap = h
	// Down the heap.
	expires := s.at(last).expires
	j := 0
	for {
		c := 2*j + 1
		if c >= n {
			break
		}
		if c+1 < n && s.at(h[c+1]).expires < s.at(h[c]).expires {
			c++
		}
		if expires <= s.at(h[c]).expires {
			break
		}
		h[j] = h[c]
		j = c
	}
	h[j] = last
}

// queueBlockLen is the number of indexes in a block of an indexQueue: 4 KiB a block.
const queueBlockLen = 1024

// indexQueue is a FIFO queue of entry indexes in fixed-size blocks, so that it grows without
// copying and takes little more memory than its indexes.
type indexQueue struct {
	blocks []*[queueBlockLen]uint32 // from blocks[0][head] to blocks[len-1][tail-1]
	head   int                      // the first index's position in blocks[0]
	tail   int                      // the number of indexes in the last block
	spare  *[queueBlockLen]uint32   // an emptied block kept for the next, so that a steady queue allocates nothing
}

// empty reports whether the queue is empty.
func (q *indexQueue) empty() bool { return len(q.blocks) == 0 }

// first returns the first index. The queue must not be empty.
func (q *indexQueue) first() uint32 { return q.blocks[0][q.head] }

// push adds i at the end.
func (q *indexQueue) push(i uint32) {
	if len(q.blocks) == 0 || q.tail == queueBlockLen {
		b := q.spare
		q.spare = nil
		if b == nil {
			b = new([queueBlockLen]uint32)
		}
		q.blocks = append(q.blocks, b)
		q.tail = 0
	}
	q.blocks[len(q.blocks)-1][q.tail] = i
	q.tail++
}

// pop removes the first index. The queue must not be empty.
func (q *indexQueue) pop() {
	q.head++
	switch {
	case len(q.blocks) == 1 && q.head == q.tail:
		q.spare = q.blocks[0]
		q.blocks[0] = nil
		q.blocks, q.head, q.tail = q.blocks[:0], 0, 0
	case q.head == queueBlockLen:
		q.spare = q.blocks[0]
		q.blocks[0] = nil
		q.blocks, q.head = q.blocks[1:], 0
	}
}

var _ Store = (*Memory)(nil)
