package verify

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Standard Webhooks headers.
const (
	HeaderWebhookID        = "Webhook-Id"
	HeaderWebhookTimestamp = "Webhook-Timestamp"
	HeaderWebhookSignature = "Webhook-Signature"
)

// The prefixes of the text forms of Standard Webhooks keys, as senders show them. The prefix
// tells the kind of key, and with it the signature version it makes or checks.
const (
	// StandardSecretPrefix starts a symmetric secret, "whsec_<base64 key>": an HMAC-SHA256 key
	// that signs and verifies v1 signatures.
	StandardSecretPrefix = "whsec_"

	// StandardPrivateKeyPrefix starts an asymmetric secret key, "whsk_<base64 key>": an ed25519
	// private key that signs v1a signatures. It is a secret, kept by the sender alone.
	StandardPrivateKeyPrefix = "whsk_"

	// StandardPublicKeyPrefix starts an asymmetric public key, "whpk_<base64 key>": the ed25519
	// public key that verifies the v1a signatures of its private key. It is not a secret.
	StandardPublicKeyPrefix = "whpk_"
)

// maxAsymmetricEntries is the most v1a entries a webhook-signature header may hold for a
// verifier with ed25519 keys. A sender writes one entry per key it signs with, two while it
// rotates. Each entry costs an ed25519 verification per public key, which hashes the whole body
// (measured on a 2-core AMD EPYC: about 80 µs plus 4 ms per MiB of body, where an HMAC-SHA256
// takes 1.5 ms per MiB), and nothing can be shared between entries or keys: the cap keeps what
// a request with forged entries costs to a few times what an authentic one does.
const maxAsymmetricEntries = 4

// StandardWebhooksConfig configures a Standard Webhooks (Svix) verifier and signer. Give at least
// one key, in Secrets, Keys, PublicKeys or PrivateKeys; all of them are accepted, for key
// rotation and for a sender moving between v1 and v1a.
type StandardWebhooksConfig struct {
	// Secrets are keys in their text form, as the sender's dashboard shows them; the prefix says
	// which kind each one is:
	//
	//   - "whsec_<base64>": an HMAC-SHA256 secret, which signs and verifies v1 signatures. The
	//     prefix may be left off: text without a known prefix is such a secret.
	//   - "whsk_<base64>": an ed25519 private key, which signs v1a signatures and verifies them
	//     with its public half. The base64 holds the 32-byte seed of RFC 8032, or the 64-byte
	//     seed followed by the public key (the form of Go's ed25519.PrivateKey and of libsodium);
	//     see ParseStandardPrivateKey.
	//   - "whpk_<base64>": an ed25519 public key (32 bytes), which verifies v1a signatures and
	//     cannot sign. This is all a receiver needs.
	Secrets []string

	// Keys are raw HMAC key bytes, for v1 secrets that are not in the whsec_ form.
	Keys [][]byte

	// PublicKeys are ed25519 public keys, as crypto/ed25519 holds them: each verifies v1a
	// signatures.
	PublicKeys []ed25519.PublicKey

	// PrivateKeys are ed25519 private keys, as crypto/ed25519 holds them: each signs v1a
	// signatures and verifies them with its public half.
	PrivateKeys []ed25519.PrivateKey

	// Tolerance is how far webhook-timestamp may lie from the clock, in either direction,
	// boundary included. Default DefaultTolerance (5 minutes).
	Tolerance time.Duration

	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// StandardWebhooks verifies and produces Standard Webhooks signatures. The signed content is
// "<webhook-id>.<webhook-timestamp>.<body>", and webhook-signature holds space-separated
// "<version>,<base64 signature>" entries:
//
//   - v1: an HMAC-SHA256 of the content, keyed with a whsec_ secret;
//   - v1a: an ed25519 signature of the content, made with a whsk_ private key and checked with
//     the whpk_ public key.
//
// A header may mix both. A delivery is authentic when any entry matches any key of its version:
// v1 entries are checked against the HMAC secrets, v1a entries against the public keys (those
// given, and the public halves of the private keys). Entries of other versions, and entries of a
// version the verifier has no key for, are ignored. The same value both verifies and signs, as
// the sender's twin: it signs with every HMAC secret and private key it holds; with public keys
// alone it only verifies. Build one with NewStandardWebhooks; it is safe for concurrent use.
type StandardWebhooks struct {
	keys      []*macKey            // v1: sign and verify
	private   []ed25519.PrivateKey // v1a: sign
	public    []ed25519.PublicKey  // v1a: verify; the keys given, then the private keys' halves
	given     int                  // how many of public were given as public keys
	tolerance time.Duration
	now       func() time.Time
}

// NewStandardWebhooks builds a Standard Webhooks verifier and signer. It returns an error
// wrapping ErrConfig when no key is given, a key is empty, not base64 or of the wrong length
// for its kind, a private key's public half does not belong to it, or the tolerance is out of
// range. Errors never contain a key.
func NewStandardWebhooks(cfg StandardWebhooksConfig) (*StandardWebhooks, error) {
	tol, err := tolerance(cfg.Tolerance)
	if err != nil {
		return nil, err
	}
	s := &StandardWebhooks{tolerance: tol, now: clock(cfg.Now)}
	var derived []ed25519.PublicKey
	for i, text := range cfg.Secrets {
		switch trimmed := strings.TrimSpace(text); {
		case strings.HasPrefix(trimmed, StandardPrivateKeyPrefix):
			key, err := ParseStandardPrivateKey(trimmed)
			if err != nil {
				return nil, fmt.Errorf("secret %d: %w", i+1, err)
			}
			s.private = append(s.private, key)
			derived = append(derived, key.Public().(ed25519.PublicKey))
		case strings.HasPrefix(trimmed, StandardPublicKeyPrefix):
			key, err := ParseStandardPublicKey(trimmed)
			if err != nil {
				return nil, fmt.Errorf("secret %d: %w", i+1, err)
			}
			s.public = append(s.public, key)
		default:
			key, err := ParseStandardSecret(trimmed)
			if err != nil {
				return nil, fmt.Errorf("secret %d: %w", i+1, err)
			}
			s.keys = append(s.keys, newMACKey(sha256.New, key))
		}
	}
	for i, k := range cfg.Keys {
		if len(k) == 0 {
			return nil, fmt.Errorf("%w: Standard Webhooks key %d is empty", ErrConfig, i+1)
		}
		s.keys = append(s.keys, newMACKey(sha256.New, k))
	}
	for i, k := range cfg.PublicKeys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Standard Webhooks public key %d is %d bytes; an ed25519 public key has %d",
				ErrConfig, i+1, len(k), ed25519.PublicKeySize)
		}
		s.public = append(s.public, bytes.Clone(k))
	}
	for i, k := range cfg.PrivateKeys {
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: Standard Webhooks private key %d is %d bytes; an ed25519 private key has %d",
				ErrConfig, i+1, len(k), ed25519.PrivateKeySize)
		}
		key, err := privateKeyOf(k)
		if err != nil {
			return nil, fmt.Errorf("private key %d: %w", i+1, err)
		}
		s.private = append(s.private, key)
		derived = append(derived, key.Public().(ed25519.PublicKey))
	}
	s.given = len(s.public)
	s.public = append(s.public, derived...)
	if len(s.keys)+len(s.public) == 0 {
		return nil, fmt.Errorf("%w: Standard Webhooks needs at least one secret or key", ErrConfig)
	}
	return s, nil
}

// ParseStandardSecret decodes a secret of the form "whsec_<base64>" (the prefix is optional)
// into key bytes. Errors wrap ErrConfig and never contain the secret.
func ParseStandardSecret(secret string) ([]byte, error) {
	key, err := decodeStandardKey(secret, StandardSecretPrefix, "secret")
	if err != nil {
		return nil, err
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: empty Standard Webhooks secret", ErrConfig)
	}
	return key, nil
}

// decodeStandardKey decodes the base64 of a Standard Webhooks key of the kind that prefix
// starts (the prefix is optional), named what in errors, which wrap ErrConfig and never contain
// the key.
func decodeStandardKey(key, prefix, what string) ([]byte, error) {
	text := strings.TrimSpace(key)
	if err := otherKind(text, prefix); err != nil {
		return nil, err
	}
	b64 := strings.TrimPrefix(text, prefix)
	if b64 == "" {
		return nil, fmt.Errorf("%w: empty Standard Webhooks %s", ErrConfig, what)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: Standard Webhooks %s is not %s followed by base64", ErrConfig, what, prefix)
	}
	return raw, nil
}

// ParseStandardPrivateKey decodes an ed25519 private key of the form "whsk_<base64>" (the
// prefix is optional). The specification asks for "a standard ed25519 key pair", base64
// encoded, and both forms in use are accepted: the 32-byte seed of RFC 8032 (as the reference
// Go library of Standard Webhooks reads it) and the 64 bytes of the seed followed by its public
// key (as Go's ed25519.PrivateKey, libsodium and the Svix server write it), whose second half
// must be the public key of the first. Both sign alike. Errors wrap ErrConfig and never contain
// the key.
func ParseStandardPrivateKey(key string) (ed25519.PrivateKey, error) {
	raw, err := decodeStandardKey(key, StandardPrivateKeyPrefix, "private key")
	if err != nil {
		return nil, err
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		return privateKeyOf(raw)
	}
	return nil, fmt.Errorf("%w: Standard Webhooks private key is %d bytes; want a %d-byte ed25519 seed or %d bytes of seed and public key",
		ErrConfig, len(raw), ed25519.SeedSize, ed25519.PrivateKeySize)
}

// ParseStandardPublicKey decodes an ed25519 public key of the form "whpk_<base64>" (the prefix
// is optional) into its 32 bytes. Errors wrap ErrConfig; a private key (whsk_) given where the
// public key belongs is one of them.
func ParseStandardPublicKey(key string) (ed25519.PublicKey, error) {
	raw, err := decodeStandardKey(key, StandardPublicKeyPrefix, "public key")
	if err != nil {
		return nil, err
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: Standard Webhooks public key is %d bytes; an ed25519 public key has %d",
			ErrConfig, len(raw), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

// otherKind reports, as an error wrapping ErrConfig, text that starts with the prefix of another
// kind of key than want.
func otherKind(text, want string) error {
	var what string
	switch {
	case want != StandardSecretPrefix && strings.HasPrefix(text, StandardSecretPrefix):
		what = "a whsec_ secret is an HMAC key for v1 signatures"
	case want != StandardPrivateKeyPrefix && strings.HasPrefix(text, StandardPrivateKeyPrefix):
		what = "a whsk_ key is an ed25519 private key, which signs v1a signatures"
	case want != StandardPublicKeyPrefix && strings.HasPrefix(text, StandardPublicKeyPrefix):
		what = "a whpk_ key is an ed25519 public key, which verifies v1a signatures"
	default:
		return nil
	}
	kinds := map[string]string{
		StandardSecretPrefix:     "a whsec_ secret",
		StandardPrivateKeyPrefix: "a whsk_ private key",
		StandardPublicKeyPrefix:  "a whpk_ public key",
	}
	return fmt.Errorf("%w: %s, not %s", ErrConfig, what, kinds[want])
}

// privateKeyOf copies a 64-byte ed25519 private key after checking that its second half is the
// public key of its seed.
func privateKeyOf(raw []byte) (ed25519.PrivateKey, error) {
	key := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if !bytes.Equal(key[ed25519.SeedSize:], raw[ed25519.SeedSize:]) {
		return nil, fmt.Errorf("%w: the second half of the Standard Webhooks private key is not the public key of its seed", ErrConfig)
	}
	return key, nil
}

// Verify checks webhook-signature against the id, timestamp and body. It wraps ErrMissing when a
// header is absent; ErrMalformed when one cannot be parsed, when webhook-signature holds no entry
// of a version the verifier has keys for (v1 for HMAC secrets, v1a for ed25519 keys), or when it
// holds more than 4 v1a entries and the verifier has ed25519 keys; ErrTooOld or ErrTooNew when
// the timestamp is outside the tolerance; and ErrInvalid when no entry matches a key of its
// version. Entries of other versions, and v1 or v1a entries that do not decode to a signature of
// the version's length (32 and 64 bytes), are ignored.
//
// The v1 entries are compared with the MAC of every secret in constant time, with no early
// exit. The v1a entries are then checked with crypto/ed25519 against every public key until one
// matches: nothing secret takes part in that check, so its time tells nothing an attacker could
// not compute.
func (s *StandardWebhooks) Verify(r *http.Request, body []byte) error {
	header := r.Header
	id, err := single(header, HeaderWebhookID)
	if err != nil {
		return err
	}
	ts, err := single(header, HeaderWebhookTimestamp)
	if err != nil {
		return err
	}
	sigs, err := single(header, HeaderWebhookSignature)
	if err != nil {
		return err
	}
	if err := checkTimestamp(HeaderWebhookTimestamp, ts, s.now(), s.tolerance); err != nil {
		return err
	}
	var stack [2][sha256.Size]byte
	expected := stack[:0]
	if len(s.keys) > len(stack) {
		expected = make([][sha256.Size]byte, 0, len(s.keys))
	}
	prefix := id + "." + ts + "."
	for _, key := range s.keys {
		var sum [sha256.Size]byte
		key.sum(sum[:0], prefix, body)
		expected = append(expected, sum)
	}
	var (
		found, seen int
		buf         [ed25519.SignatureSize + 3]byte
		asym        [maxAsymmetricEntries][ed25519.SignatureSize]byte
		nAsym       int
	)
	for entry := range strings.FieldsSeq(sigs) {
		version, sig, ok := parseStandardEntry(entry, buf[:])
		switch {
		case !ok:
		case version == "v1" && len(s.keys) > 0:
			seen++
			for i := range expected {
				found |= subtle.ConstantTimeCompare(sig, expected[i][:])
			}
		case version == "v1a" && len(s.public) > 0:
			if nAsym == len(asym) {
				return fmt.Errorf("%w: %s holds more than %d v1a entries", ErrMalformed, HeaderWebhookSignature, len(asym))
			}
			seen++
			copy(asym[nAsym][:], sig)
			nAsym++
		}
	}
	switch {
	case seen == 0:
		return fmt.Errorf("%w: %s holds no %s signature", ErrMalformed, HeaderWebhookSignature, s.versions())
	case found == 1:
		return nil
	}
	if nAsym > 0 {
		signed := make([]byte, 0, len(prefix)+len(body))
		signed = append(append(signed, prefix...), body...)
		for _, sig := range asym[:nAsym] {
			for _, pub := range s.public {
				if ed25519.Verify(pub, signed, sig[:]) {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("%w: no %s entry matches", ErrInvalid, HeaderWebhookSignature)
}

// versions names the signature versions the verifier checks, for an error.
func (s *StandardWebhooks) versions() string {
	switch {
	case len(s.keys) > 0 && len(s.public) > 0:
		return "v1 or v1a"
	case len(s.public) > 0:
		return "v1a"
	}
	return "v1"
}

// parseStandardEntry splits one "<version>,<base64>" entry and decodes the signature of a v1
// (32-byte HMAC-SHA256) or v1a (64-byte ed25519) entry into buf. It reports false for other
// versions and for entries whose signature does not decode to the version's length.
func parseStandardEntry(entry string, buf []byte) (version string, sig []byte, ok bool) {
	version, b64, ok := strings.Cut(entry, ",")
	if !ok {
		return "", nil, false
	}
	var size int
	switch version {
	case "v1":
		size = sha256.Size
	case "v1a":
		size = ed25519.SignatureSize
	default:
		return "", nil, false
	}
	sig, ok = decodeBase64(b64, buf)
	if !ok || len(sig) != size {
		return "", nil, false
	}
	return version, sig, true
}

// Signature returns the webhook-signature value for a message: one "v1,<base64>" entry per
// HMAC secret, then one "v1a,<base64>" entry per ed25519 private key, separated by spaces, as a
// sender does while rotating keys. It is "" when the verifier holds public keys alone, which
// cannot sign.
func (s *StandardWebhooks) Signature(id string, ts time.Time, body []byte) string {
	prefix := id + "." + strconv.FormatInt(ts.Unix(), 10) + "."
	var b strings.Builder
	var buf [sha256.Size]byte
	for _, key := range s.keys {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(base64.StdEncoding.EncodeToString(key.sum(buf[:0], prefix, body)))
	}
	if len(s.private) > 0 {
		signed := make([]byte, 0, len(prefix)+len(body))
		signed = append(append(signed, prefix...), body...)
		for _, key := range s.private {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("v1a,")
			b.WriteString(base64.StdEncoding.EncodeToString(ed25519.Sign(key, signed)))
		}
	}
	return b.String()
}

// Sign sets webhook-timestamp from the clock and webhook-signature for body on r. It keeps a
// webhook-id already on r and otherwise sets a new random "msg_" id. It returns an error
// wrapping ErrConfig, and sets nothing, when the verifier holds only public keys: a whpk_ key
// verifies, and signing takes its whsk_ private key.
func (s *StandardWebhooks) Sign(r *http.Request, body []byte) error {
	if len(s.keys)+len(s.private) == 0 {
		return fmt.Errorf("%w: Standard Webhooks holds only whpk_ public keys, which cannot sign: give the whsk_ private key", ErrConfig)
	}
	header := headerOf(r)
	id := header.Get(HeaderWebhookID)
	if id == "" {
		var random [16]byte
		if _, err := rand.Read(random[:]); err != nil {
			return fmt.Errorf("verify: generating a webhook-id: %w", err)
		}
		id = "msg_" + base64.RawURLEncoding.EncodeToString(random[:])
		header.Set(HeaderWebhookID, id)
	}
	now := s.now()
	header.Set(HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	header.Set(HeaderWebhookSignature, s.Signature(id, now, body))
	return nil
}

// String describes the verifier without its keys: the tolerance, and how many HMAC secrets,
// ed25519 private keys and ed25519 public keys (not counting the private keys' halves) it holds.
func (s *StandardWebhooks) String() string {
	parts := []string{"±" + s.tolerance.String()}
	if len(s.keys) > 0 {
		parts = append(parts, plural(len(s.keys), "secret"))
	}
	if len(s.private) > 0 {
		parts = append(parts, plural(len(s.private), "private key"))
	}
	if s.given > 0 {
		parts = append(parts, plural(s.given, "public key"))
	}
	return "standard-webhooks(" + strings.Join(parts, ", ") + ")"
}

// GoString is String, so that %#v cannot print keys either.
func (s *StandardWebhooks) GoString() string { return s.String() }
