package verify

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Credential is one user name and password accepted by HTTP Basic authentication.
type Credential struct {
	Username string
	Password string
}

// Basic verifies and produces HTTP Basic authentication (RFC 7617) in the Authorization header.
// Build one with NewBasic; it is safe for concurrent use.
type Basic struct {
	users []credentialDigest
	first Credential   // signs
	plain []Credential // every credential, for RedactRequest to find
}

type credentialDigest struct{ user, pass [sha256.Size]byte }

// NewBasic accepts any of the given user name and password pairs; the first one signs. It
// returns an error wrapping ErrConfig when no pair is given or a pair has an empty user name or
// password.
func NewBasic(credentials ...Credential) (*Basic, error) {
	if len(credentials) == 0 {
		return nil, fmt.Errorf("%w: Basic needs at least one user and password", ErrConfig)
	}
	b := &Basic{first: credentials[0], plain: slices.Clone(credentials)}
	for i, c := range credentials {
		if c.Username == "" || c.Password == "" {
			return nil, fmt.Errorf("%w: Basic credential %d has an empty user name or password", ErrConfig, i+1)
		}
		if strings.Contains(c.Username, ":") {
			return nil, fmt.Errorf("%w: Basic credential %d has a colon in its user name", ErrConfig, i+1)
		}
		b.users = append(b.users, credentialDigest{sha256.Sum256([]byte(c.Username)), sha256.Sum256([]byte(c.Password))})
	}
	return b, nil
}

// Verify checks the Authorization header. It wraps ErrMissing when there is no header or it
// holds another scheme, ErrMalformed when the credentials cannot be decoded, and ErrInvalid when
// no configured pair matches.
func (b *Basic) Verify(r *http.Request, _ []byte) error {
	payload, err := authorization(r.Header, "Basic")
	if err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return fmt.Errorf("%w: Basic credentials are not base64", ErrMalformed)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return fmt.Errorf("%w: Basic credentials have no colon", ErrMalformed)
	}
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
	found := 0
	for i := range b.users {
		found |= subtle.ConstantTimeCompare(u[:], b.users[i].user[:]) & subtle.ConstantTimeCompare(p[:], b.users[i].pass[:])
	}
	if found != 1 {
		return fmt.Errorf("%w: Basic user or password", ErrInvalid)
	}
	return nil
}

// Sign sets the Authorization header on r with the first pair.
func (b *Basic) Sign(r *http.Request, _ []byte) error {
	headerOf(r).Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(b.first.Username+":"+b.first.Password)))
	return nil
}

// NeedsBody returns false: Basic decides from the Authorization header alone.
func (b *Basic) NeedsBody() bool { return false }

// String describes the verifier without its credentials.
func (b *Basic) String() string { return "basic(" + plural(len(b.users), "credential") + ")" }

// GoString is String, so that %#v cannot print secrets either.
func (b *Basic) GoString() string { return b.String() }

// authorization returns what follows the scheme in the Authorization header. The scheme is
// matched without regard to case; another scheme is reported as ErrMissing.
func authorization(header http.Header, scheme string) (string, error) {
	v, err := single(header, "Authorization")
	if err != nil {
		return "", err
	}
	got, rest, _ := strings.Cut(v, " ")
	if !strings.EqualFold(got, scheme) {
		return "", fmt.Errorf("%w: Authorization header has no %s credentials", ErrMissing, scheme)
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return "", fmt.Errorf("%w: Authorization header has an empty %s value", ErrMalformed, scheme)
	}
	return rest, nil
}
