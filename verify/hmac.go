package verify

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // SHA-1 HMAC is still sent by some providers; it is opt-in.
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Algorithm is the hash function under an HMAC. The zero value is SHA256.
type Algorithm int

// The HMAC hash functions.
const (
	SHA256 Algorithm = iota // HMAC-SHA256, the default
	SHA1                    // HMAC-SHA1, for older providers only
	SHA512                  // HMAC-SHA512
)

// String returns the algorithm's name, such as "sha256".
func (a Algorithm) String() string {
	switch a {
	case SHA256:
		return "sha256"
	case SHA1:
		return "sha1"
	case SHA512:
		return "sha512"
	}
	return "Algorithm(" + strconv.Itoa(int(a)) + ")"
}

func (a Algorithm) hash() (func() hash.Hash, int, bool) {
	switch a {
	case SHA256:
		return sha256.New, sha256.Size, true
	case SHA1:
		return sha1.New, sha1.Size, true
	case SHA512:
		return sha512.New, sha512.Size, true
	}
	return nil, 0, false
}

// Encoding is how a MAC is written in a header. The zero value is Hex.
type Encoding int

// The MAC encodings.
const (
	// Hex is lowercase hexadecimal when signing; uppercase is accepted too.
	Hex Encoding = iota
	// Base64 is standard padded base64 when signing; URL-safe and unpadded forms are accepted too.
	Base64
)

// String returns the encoding's name, "hex" or "base64".
func (e Encoding) String() string {
	switch e {
	case Hex:
		return "hex"
	case Base64:
		return "base64"
	}
	return "Encoding(" + strconv.Itoa(int(e)) + ")"
}

// HMACConfig configures an HMAC verifier and signer. Zero fields get the documented defaults;
// Header and at least one secret are required.
type HMACConfig struct {
	// Header carries the signature, such as "X-SafetyCulture-Signature". Required.
	Header string

	// Algorithm is the hash under the HMAC. Default SHA256.
	Algorithm Algorithm

	// Encoding is how the MAC is written. Default Hex.
	Encoding Encoding

	// Prefix, when set, stands before the encoded MAC, such as "sha256=". It is matched without
	// regard to case and always written when signing.
	Prefix string

	// PrefixOptional accepts values without Prefix as well, for providers whose exact format is
	// not public.
	PrefixOptional bool

	// Secrets are the keys; a signature made with any of them passes, so an old and a new secret
	// can both be accepted while a provider rotates. The first one signs. At least one, none empty.
	Secrets [][]byte

	// TimestampHeader, when set, names a header with the Unix time in seconds; the signed content
	// becomes "<timestamp>.<body>" and the timestamp must lie within Tolerance of the clock.
	TimestampHeader string

	// Tolerance is how far the timestamp may lie from the clock, in either direction, boundary
	// included. Only used with TimestampHeader. Default DefaultTolerance (5 minutes).
	Tolerance time.Duration

	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// HMAC verifies and produces HMAC signatures over the raw body (and, optionally, a timestamp).
// Build one with NewHMAC; it is safe for concurrent use.
type HMAC struct {
	header         string
	tsHeader       string
	alg            Algorithm
	enc            Encoding
	prefix         string
	prefixOptional bool
	tolerance      time.Duration
	now            func() time.Time
	size           int
	keys           []*macKey
}

// macKey is one HMAC secret with a pool of hashes keyed with it, so verifying does not rebuild
// the keyed state for every delivery.
type macKey struct{ pool sync.Pool }

func newMACKey(newHash func() hash.Hash, secret []byte) *macKey {
	key := append([]byte(nil), secret...) // the caller may reuse its slice
	return &macKey{pool: sync.Pool{New: func() any { return hmac.New(newHash, key) }}}
}

// sum appends to dst the MAC of prefix followed by body. A short prefix is written from the
// stack, so the common case does not allocate.
func (k *macKey) sum(dst []byte, prefix string, body []byte) []byte {
	m := k.pool.Get().(hash.Hash)
	m.Reset()
	if prefix != "" {
		var buf [128]byte
		if len(prefix) <= len(buf) {
			m.Write(buf[:copy(buf[:], prefix)])
		} else {
			m.Write([]byte(prefix))
		}
	}
	m.Write(body)
	dst = m.Sum(dst)
	k.pool.Put(m)
	return dst
}

// NewHMAC builds an HMAC verifier and signer. It returns an error wrapping ErrConfig when the
// header is missing, no secret or an empty secret is given, or the algorithm, encoding or
// tolerance is unknown or out of range.
func NewHMAC(cfg HMACConfig) (*HMAC, error) {
	if strings.TrimSpace(cfg.Header) == "" {
		return nil, fmt.Errorf("%w: HMAC needs a signature header name", ErrConfig)
	}
	newHash, size, ok := cfg.Algorithm.hash()
	if !ok {
		return nil, fmt.Errorf("%w: unknown HMAC algorithm %s", ErrConfig, cfg.Algorithm)
	}
	if cfg.Encoding != Hex && cfg.Encoding != Base64 {
		return nil, fmt.Errorf("%w: unknown signature encoding %s", ErrConfig, cfg.Encoding)
	}
	if len(cfg.Secrets) == 0 {
		return nil, fmt.Errorf("%w: HMAC needs at least one secret", ErrConfig)
	}
	v := &HMAC{
		header:         http.CanonicalHeaderKey(strings.TrimSpace(cfg.Header)),
		alg:            cfg.Algorithm,
		enc:            cfg.Encoding,
		prefix:         cfg.Prefix,
		prefixOptional: cfg.PrefixOptional,
		now:            clock(cfg.Now),
		size:           size,
	}
	if cfg.TimestampHeader != "" {
		v.tsHeader = http.CanonicalHeaderKey(strings.TrimSpace(cfg.TimestampHeader))
		tol, err := tolerance(cfg.Tolerance)
		if err != nil {
			return nil, err
		}
		v.tolerance = tol
	}
	for i, s := range cfg.Secrets {
		if len(s) == 0 {
			return nil, fmt.Errorf("%w: HMAC secret %d is empty", ErrConfig, i+1)
		}
		v.keys = append(v.keys, newMACKey(newHash, s))
	}
	return v, nil
}

// SafetyCulture returns the configuration SafetyCulture signs with: the header
// x-safetyculture-signature holding the lowercase hex HMAC-SHA256 of the raw body, keyed with the
// organisation's secret token, no prefix and no timestamp. Pass the old and the new token while
// rotating.
func SafetyCulture(secrets ...string) HMACConfig {
	return HMACConfig{Header: "X-Safetyculture-Signature", Secrets: byteSecrets(secrets)}
}

// VehReports returns a configuration for vehReports, which signs the raw body with HMAC-SHA256
// and the endpoint's signing secret. The header name and encoding are not public; the defaults
// are the header X-VehReports-Signature with lowercase hex, with or without a "sha256=" prefix.
// If your endpoint's deliveries differ, change Header or Encoding on the returned value.
func VehReports(secrets ...string) HMACConfig {
	return HMACConfig{
		Header:         "X-Vehreports-Signature",
		Prefix:         "sha256=",
		PrefixOptional: true,
		Secrets:        byteSecrets(secrets),
	}
}

// GitHub returns the configuration of GitHub-style signatures: X-Hub-Signature-256 holding
// "sha256=" and the lowercase hex HMAC-SHA256 of the raw body.
func GitHub(secrets ...string) HMACConfig {
	return HMACConfig{Header: "X-Hub-Signature-256", Prefix: "sha256=", Secrets: byteSecrets(secrets)}
}

func byteSecrets(secrets []string) [][]byte {
	out := make([][]byte, len(secrets))
	for i, s := range secrets {
		out[i] = []byte(s)
	}
	return out
}

// Verify checks the signature header of r against body. It wraps ErrMissing when the header is
// absent, ErrMalformed when it cannot be decoded, ErrTooOld or ErrTooNew when a signed timestamp
// is outside the tolerance, and ErrInvalid when no secret produces the signature.
func (v *HMAC) Verify(r *http.Request, body []byte) error {
	header := r.Header
	raw, err := single(header, v.header)
	if err != nil {
		return err
	}
	var ts string
	if v.tsHeader != "" {
		if ts, err = single(header, v.tsHeader); err != nil {
			return err
		}
		if err := checkTimestamp(v.tsHeader, ts, v.now(), v.tolerance); err != nil {
			return err
		}
	}
	var sigBuf [sha512.Size]byte
	sig, err := v.parse(raw, sigBuf[:])
	if err != nil {
		return err
	}
	var sumBuf [sha512.Size]byte
	found := 0
	for i := range v.keys {
		// Every secret is tried, with no early exit, so timing tells nothing of which matched.
		found |= subtle.ConstantTimeCompare(v.sum(i, ts, body, sumBuf[:0]), sig)
	}
	if found != 1 {
		return fmt.Errorf("%w: %s does not match", ErrInvalid, v.header)
	}
	return nil
}

// parse strips the prefix and decodes the MAC into buf.
func (v *HMAC) parse(raw string, buf []byte) ([]byte, error) {
	if v.prefix != "" {
		if len(raw) >= len(v.prefix) && strings.EqualFold(raw[:len(v.prefix)], v.prefix) {
			raw = raw[len(v.prefix):]
		} else if !v.prefixOptional {
			return nil, fmt.Errorf("%w: %s does not start with %q", ErrMalformed, v.header, v.prefix)
		}
	}
	var sig []byte
	var ok bool
	if v.enc == Hex {
		sig, ok = decodeHex(raw, buf)
	} else {
		sig, ok = decodeBase64(raw, buf)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s is not %s", ErrMalformed, v.header, v.enc)
	}
	if len(sig) != v.size {
		return nil, fmt.Errorf("%w: %s holds %d bytes, an HMAC-%s has %d",
			ErrMalformed, v.header, len(sig), strings.ToUpper(v.alg.String()), v.size)
	}
	return sig, nil
}

// sum appends the MAC of "<ts>.<body>" (or body alone when ts is empty) with secret i to dst.
func (v *HMAC) sum(i int, ts string, body, dst []byte) []byte {
	if ts == "" {
		return v.keys[i].sum(dst, "", body)
	}
	return v.keys[i].sum(dst, ts+".", body)
}

// Sign sets the signature header (and the timestamp header, from the clock) on r for body,
// using the first secret.
func (v *HMAC) Sign(r *http.Request, body []byte) error {
	header := headerOf(r)
	var ts string
	if v.tsHeader != "" {
		ts = strconv.FormatInt(v.now().Unix(), 10)
		header.Set(v.tsHeader, ts)
	}
	header.Set(v.header, v.Signature(ts, body))
	return nil
}

// Signature returns the header value the first secret gives body: prefix and encoded MAC. With a
// timestamp header configured, ts is the timestamp text that is signed with the body.
func (v *HMAC) Signature(ts string, body []byte) string {
	var buf [sha512.Size]byte
	mac := v.sum(0, ts, body, buf[:0])
	if v.enc == Hex {
		return v.prefix + hex.EncodeToString(mac)
	}
	return v.prefix + base64.StdEncoding.EncodeToString(mac)
}

// String describes the verifier without its secrets.
func (v *HMAC) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hmac-%s(header=%s, %s", v.alg, v.header, v.enc)
	if v.prefix != "" {
		fmt.Fprintf(&b, ", prefix=%q", v.prefix)
		if v.prefixOptional {
			b.WriteString(" optional")
		}
	}
	if v.tsHeader != "" {
		fmt.Fprintf(&b, ", timestamp=%s ±%s", v.tsHeader, v.tolerance)
	}
	fmt.Fprintf(&b, ", %s)", plural(len(v.keys), "secret"))
	return b.String()
}

// GoString is String, so that %#v cannot print secrets either.
func (v *HMAC) GoString() string { return v.String() }

// decodeHex decodes upper- or lowercase hex into buf without allocating.
func decodeHex(s string, buf []byte) ([]byte, bool) {
	if len(s)%2 != 0 || len(s)/2 > len(buf) {
		return nil, false
	}
	for i := 0; i < len(s); i += 2 {
		hi, ok1 := fromHex(s[i])
		lo, ok2 := fromHex(s[i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		buf[i/2] = hi<<4 | lo
	}
	return buf[:len(s)/2], true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeBase64 decodes standard or URL-safe base64, padded or not, into buf.
func decodeBase64(s string, buf []byte) ([]byte, bool) {
	for pad := 0; pad < 2 && strings.HasSuffix(s, "="); pad++ {
		s = s[:len(s)-1]
	}
	var src [256]byte
	if len(s) > len(src) || base64.RawStdEncoding.DecodedLen(len(s)) > len(buf) {
		return nil, false
	}
	n := copy(src[:], s)
	for i := range n {
		switch src[i] {
		case '-':
			src[i] = '+'
		case '_':
			src[i] = '/'
		}
	}
	m, err := base64.RawStdEncoding.Decode(buf, src[:n])
	if err != nil {
		return nil, false
	}
	return buf[:m], true
}
