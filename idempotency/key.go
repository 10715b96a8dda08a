package idempotency

import (
	"crypto/sha256"
	"encoding/hex"
)

// MaxKeyLen is the longest key, in bytes, that BoundKey returns unchanged, and so the longest key
// Middleware and the receiver give a Store (pgstore refuses longer ones). Provider event ids are
// far shorter; a longer key is what a sender controls (a header, a body field) and is replaced
// by its digest, so that no sender can make a store hold a key of any size. The key helpers of
// package events bound their keys by the same number (events.MaxKeyLen, which must equal it).
const MaxKeyLen = 200

// boundPrefix starts every key BoundKey derives from a long one.
const boundPrefix = "sha256:"

// BoundKey returns key unchanged when it is at most MaxKeyLen bytes long, and otherwise
// "sha256:" followed by the lower-case hex SHA-256 of key: 71 bytes, distinct for distinct keys
// as far as SHA-256 is collision resistant. BoundKey of its own result returns it unchanged.
// Middleware claims BoundKey of what its KeyFunc returns; code that uses a Store directly with
// keys a sender controls should do the same.
func BoundKey(key string) string {
	if len(key) <= MaxKeyLen {
		return key
	}
	// Hash through a small buffer rather than []byte(key), which would copy the whole key.
	h := sha256.New()
	var buf [1024]byte
	for s := key; s != ""; {
		n := copy(buf[:], s)
		h.Write(buf[:n])
		s = s[n:]
	}
	return boundPrefix + hex.EncodeToString(h.Sum(buf[:0]))
}
