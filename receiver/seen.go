package receiver

import (
	"hash/maphash"
	"strings"
	"sync"
)

// seenCapacity is how many bodies a Receiver remembers having decoded: a few minutes of
// deliveries at a hundred a second, longer than the gap between a provider's retries
// (SafetyCulture: 100 s; Inspectorio: 60 s). An entry holds a fingerprint, a length and the
// idempotency key (at most idempotency.MaxKeyLen bytes, about 80 in practice), so a full set
// holds about 1 MB.
const seenCapacity = 8192

// seenBodies remembers the last seenCapacity bodies that decoded and validated, by fingerprint
// (a 64-bit maphash of the bytes with a seed of the process's, and the length), with the
// idempotency key each decoded to. A body whose bytes are remembered is known to decode, to that
// key, without decoding it again: a provider's retry resends the same bytes. It is safe for
// concurrent use.
type seenBodies struct {
	seed maphash.Seed

	mu    sync.Mutex
	index map[uint64]int // fingerprint to its slot in ring
	ring  []seenEntry    // oldest first from next, once full
	next  int
}

type seenEntry struct {
	fp   uint64
	size int
	seenDelivery
}

// seenDelivery is what a remembered body decoded to: its idempotency key, and the type, event
// id and format version a duplicate answered before decoding reports in its Outcome.
type seenDelivery struct {
	key, typ, id, version string
}

func newSeenBodies() *seenBodies {
	return &seenBodies{seed: maphash.MakeSeed(), index: map[uint64]int{}}
}

// fingerprint is body's fingerprint.
func (s *seenBodies) fingerprint(body []byte) uint64 { return maphash.Bytes(s.seed, body) }

// lookup returns the key the body of fingerprint fp and length size decoded to, if it is
// remembered.
func (s *seenBodies) lookup(fp uint64, size int) (seenDelivery, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[fp]
	if !ok || s.ring[i].size != size {
		return seenDelivery{}, false
	}
	return s.ring[i].seenDelivery, true
}

// add remembers that the body of fingerprint fp and length size decoded to key, forgetting the
// oldest body when seenCapacity are remembered.
func (s *seenBodies) add(fp uint64, size int, d seenDelivery) {
	// Never hold on to memory the strings may share, such as a body.
	d = seenDelivery{key: strings.Clone(d.key), typ: strings.Clone(d.typ), id: strings.Clone(d.id), version: strings.Clone(d.version)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.index[fp]; ok {
		s.ring[i].size, s.ring[i].seenDelivery = size, d
		return
	}
	e := seenEntry{fp: fp, size: size, seenDelivery: d}
	if len(s.ring) < seenCapacity {
		s.index[fp] = len(s.ring)
		s.ring = append(s.ring, e)
		return
	}
	delete(s.index, s.ring[s.next].fp)
	s.ring[s.next] = e
	s.index[fp] = s.next
	s.next = (s.next + 1) % seenCapacity
}
