package verify

import (
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

// StandardSecretPrefix starts a Standard Webhooks secret in its text form, "whsec_<base64 key>".
const StandardSecretPrefix = "whsec_"

// StandardWebhooksConfig configures a Standard Webhooks (Svix) verifier and signer. Give at least
// one secret, in Secrets, Keys or both; all of them are accepted, for key rotation.
type StandardWebhooksConfig struct {
	// Secrets in the text form "whsec_<base64 key>", as the sender's dashboard shows them. The
	// prefix may be left off.
	Secrets []string

	// Keys are raw key bytes, for secrets that are not in the whsec_ form.
	Keys [][]byte

	// Tolerance is how far webhook-timestamp may lie from the clock, in either direction,
	// boundary included. Default DefaultTolerance (5 minutes).
	Tolerance time.Duration

	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// StandardWebhooks verifies and produces Standard Webhooks signatures: webhook-signature holds
// space-separated "v1,<base64 HMAC-SHA256>" entries over "<webhook-id>.<webhook-timestamp>.<body>".
// Build one with NewStandardWebhooks; it is safe for concurrent use.
type StandardWebhooks struct {
	keys      []*macKey
	tolerance time.Duration
	now       func() time.Time
}

// NewStandardWebhooks builds a Standard Webhooks verifier and signer. It returns an error
// wrapping ErrConfig when no secret is given, a secret is empty or not base64, or the tolerance
// is out of range.
func NewStandardWebhooks(cfg StandardWebhooksConfig) (*StandardWebhooks, error) {
	tol, err := tolerance(cfg.Tolerance)
	if err != nil {
		return nil, err
	}
	s := &StandardWebhooks{tolerance: tol, now: clock(cfg.Now)}
	for i, text := range cfg.Secrets {
		key, err := ParseStandardSecret(text)
		if err != nil {
			return nil, fmt.Errorf("secret %d: %w", i+1, err)
		}
		s.keys = append(s.keys, newMACKey(sha256.New, key))
	}
	for i, k := range cfg.Keys {
		if len(k) == 0 {
			return nil, fmt.Errorf("%w: Standard Webhooks key %d is empty", ErrConfig, i+1)
		}
		s.keys = append(s.keys, newMACKey(sha256.New, k))
	}
	if len(s.keys) == 0 {
		return nil, fmt.Errorf("%w: Standard Webhooks needs at least one secret", ErrConfig)
	}
	return s, nil
}

// ParseStandardSecret decodes a secret of the form "whsec_<base64>" (the prefix is optional)
// into key bytes. Errors wrap ErrConfig and never contain the secret.
func ParseStandardSecret(secret string) ([]byte, error) {
	b64 := strings.TrimPrefix(strings.TrimSpace(secret), StandardSecretPrefix)
	if b64 == "" {
		return nil, fmt.Errorf("%w: empty Standard Webhooks secret", ErrConfig)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: Standard Webhooks secret is not whsec_ followed by base64", ErrConfig)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: empty Standard Webhooks secret", ErrConfig)
	}
	return key, nil
}

// Verify checks webhook-signature against the id, timestamp and body. It wraps ErrMissing when a
// header is absent, ErrMalformed when one cannot be parsed or webhook-signature holds no v1
// entry, ErrTooOld or ErrTooNew when the timestamp is outside the tolerance, and ErrInvalid
// when no v1 entry matches any secret. Entries of other versions are ignored.
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
	found, seen := 0, 0
	var buf [sha256.Size + 3]byte
	for entry := range strings.FieldsSeq(sigs) {
		sig, ok := parseStandardEntry(entry, buf[:])
		if !ok {
			continue
		}
		seen++
		for i := range expected {
			found |= subtle.ConstantTimeCompare(sig, expected[i][:])
		}
	}
	switch {
	case seen == 0:
		return fmt.Errorf("%w: %s holds no v1 signature", ErrMalformed, HeaderWebhookSignature)
	case found != 1:
		return fmt.Errorf("%w: no %s entry matches", ErrInvalid, HeaderWebhookSignature)
	}
	return nil
}

// parseStandardEntry decodes one "v1,<base64>" entry into buf. It reports false for other
// versions and for entries that are not a 32-byte base64 MAC.
func parseStandardEntry(entry string, buf []byte) ([]byte, bool) {
	version, b64, ok := strings.Cut(entry, ",")
	if !ok || version != "v1" {
		return nil, false
	}
	sig, ok := decodeBase64(b64, buf)
	if !ok || len(sig) != sha256.Size {
		return nil, false
	}
	return sig, true
}

// Signature returns the webhook-signature value for a message: one "v1,<base64>" entry per
// secret, separated by spaces, as a sender does while rotating keys.
func (s *StandardWebhooks) Signature(id string, ts time.Time, body []byte) string {
	prefix := id + "." + strconv.FormatInt(ts.Unix(), 10) + "."
	var b strings.Builder
	var buf [sha256.Size]byte
	for i, key := range s.keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(base64.StdEncoding.EncodeToString(key.sum(buf[:0], prefix, body)))
	}
	return b.String()
}

// Sign sets webhook-timestamp from the clock and webhook-signature for body on r. It keeps a
// webhook-id already on r and otherwise sets a new random "msg_" id.
func (s *StandardWebhooks) Sign(r *http.Request, body []byte) error {
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

// String describes the verifier without its secrets.
func (s *StandardWebhooks) String() string {
	return fmt.Sprintf("standard-webhooks(±%s, %s)", s.tolerance, plural(len(s.keys), "secret"))
}

// GoString is String, so that %#v cannot print secrets either.
func (s *StandardWebhooks) GoString() string { return s.String() }
