package verify

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Bearer verifies and produces "Authorization: Bearer <token>" with opaque tokens (for JWTs,
// use NewJWT). Build one with NewBearer; it is safe for concurrent use.
type Bearer struct {
	tokens digestSet
	first  string
	plain  []string // every token, for RedactRequest to find
}

// NewBearer accepts any of the given tokens; the first one signs. It returns an error wrapping
// ErrConfig when no token or an empty token is given.
func NewBearer(tokens ...string) (*Bearer, error) {
	set, err := newDigestSet("Bearer token", tokens)
	if err != nil {
		return nil, err
	}
	return &Bearer{tokens: set, first: tokens[0], plain: slices.Clone(tokens)}, nil
}

// Verify checks the Authorization header. It wraps ErrMissing when there is no header or it
// holds another scheme, ErrMalformed when it is empty, and ErrInvalid for an unknown token.
func (b *Bearer) Verify(r *http.Request, _ []byte) error {
	tok, err := authorization(r.Header, "Bearer")
	if err != nil {
		return err
	}
	if !b.tokens.contains(tok) {
		return fmt.Errorf("%w: Bearer token", ErrInvalid)
	}
	return nil
}

// Sign sets the Authorization header on r with the first token.
func (b *Bearer) Sign(r *http.Request, _ []byte) error {
	headerOf(r).Set("Authorization", "Bearer "+b.first)
	return nil
}

// NeedsBody returns false: Bearer decides from the Authorization header alone.
func (b *Bearer) NeedsBody() bool { return false }

// String describes the verifier without its tokens.
func (b *Bearer) String() string { return "bearer(" + plural(len(b.tokens), "token") + ")" }

// GoString is String, so that %#v cannot print secrets either.
func (b *Bearer) GoString() string { return b.String() }

// APIKey verifies and produces a key sent in a named header, such as "X-Api-Key: <key>". Use it
// for any header whose value must be one of a set, such as an account id a provider adds to
// every delivery. Build one with NewAPIKey; it is safe for concurrent use.
type APIKey struct {
	header string
	keys   digestSet
	first  string
	plain  []string // every key, for RedactRequest to find
}

// NewAPIKey accepts any of keys in the named header; the first key signs. It returns an error
// wrapping ErrConfig when the header name is empty or no key or an empty key is given.
func NewAPIKey(header string, keys ...string) (*APIKey, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return nil, fmt.Errorf("%w: API key needs a header name", ErrConfig)
	}
	set, err := newDigestSet("API key", keys)
	if err != nil {
		return nil, err
	}
	return &APIKey{header: http.CanonicalHeaderKey(header), keys: set, first: keys[0], plain: slices.Clone(keys)}, nil
}

// Verify checks the header. It wraps ErrMissing when it is absent, ErrMalformed when it is
// empty, repeated or too long, and ErrInvalid for an unknown key.
func (k *APIKey) Verify(r *http.Request, _ []byte) error {
	v, err := single(r.Header, k.header)
	if err != nil {
		return err
	}
	if !k.keys.contains(v) {
		return fmt.Errorf("%w: %s", ErrInvalid, k.header)
	}
	return nil
}

// Sign sets the header on r to the first key.
func (k *APIKey) Sign(r *http.Request, _ []byte) error {
	headerOf(r).Set(k.header, k.first)
	return nil
}

// NeedsBody returns false: APIKey decides from its header alone.
func (k *APIKey) NeedsBody() bool { return false }

// String describes the verifier without its keys.
func (k *APIKey) String() string {
	return "api-key(header=" + k.header + ", " + plural(len(k.keys), "key") + ")"
}

// GoString is String, so that %#v cannot print secrets either.
func (k *APIKey) GoString() string { return k.String() }
