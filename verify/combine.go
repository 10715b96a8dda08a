package verify

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// AllOf is a Verifier that passes only when every one of its parts passes, and a Signer that
// signs with every part that can. Build one with All; the zero AllOf rejects every request.
type AllOf struct{ parts []Verifier }

// AnyOf is a Verifier that passes when at least one of its parts passes, and a Signer that signs
// with the first part that can. Build one with Any; the zero AnyOf rejects every request.
type AnyOf struct{ parts []Verifier }

// All returns a Verifier that passes only when every one of vs passes, such as HTTP Basic plus
// an account-id header, or a source-address allowlist plus a signature. It checks them in order
// and returns the first failure. (Middleware checks the parts that need no body first, before it
// reads the body, and the others after; see NeedsBody.) Its Sign signs with every part that is
// also a Signer. It returns an error wrapping ErrConfig when vs is empty or holds a nil Verifier.
func All(vs ...Verifier) (*AllOf, error) {
	if err := checkParts("All", vs); err != nil {
		return nil, err
	}
	return &AllOf{parts: append([]Verifier(nil), vs...)}, nil
}

// Any returns a Verifier that passes when at least one of vs passes, such as an old and a new
// authentication scheme during a migration. It runs every part whatever the outcome, so timing
// does not tell which one passed. When all fail it returns the first failure that is not
// ErrMissing (a scheme the sender attempted), or else the first failure. Its Sign signs with the
// first part that is a Signer. It returns an error wrapping ErrConfig when vs is empty or holds
// a nil Verifier.
func Any(vs ...Verifier) (*AnyOf, error) {
	if err := checkParts("Any", vs); err != nil {
		return nil, err
	}
	return &AnyOf{parts: append([]Verifier(nil), vs...)}, nil
}

func checkParts(name string, vs []Verifier) error {
	if len(vs) == 0 {
		return fmt.Errorf("%w: %s needs at least one verifier", ErrConfig, name)
	}
	for i, v := range vs {
		if v == nil {
			return fmt.Errorf("%w: %s verifier %d is nil", ErrConfig, name, i+1)
		}
	}
	return nil
}

// errEmpty is what a zero AllOf or AnyOf returns, so that an unbuilt combination accepts nothing.
var errEmpty = fmt.Errorf("%w: a combination with no verifiers; build it with All or Any", ErrConfig)

// Verify checks every part in order and returns the first failure.
func (a *AllOf) Verify(r *http.Request, body []byte) error {
	if len(a.parts) == 0 {
		return errEmpty
	}
	for _, v := range a.parts {
		if err := v.Verify(r, body); err != nil {
			return err
		}
	}
	return nil
}

// Sign signs r with every part that is a Signer, in order. It returns an error wrapping
// ErrConfig when no part can sign.
func (a *AllOf) Sign(r *http.Request, body []byte) error {
	signed := false
	for _, v := range a.parts {
		if s, ok := v.(Signer); ok {
			if err := s.Sign(r, body); err != nil {
				return err
			}
			signed = true
		}
	}
	if !signed {
		return errNoSigner
	}
	return nil
}

// NeedsBody reports whether any part needs the body.
func (a *AllOf) NeedsBody() bool { return anyNeedsBody(a.parts) }

// String describes the parts without their secrets.
func (a *AllOf) String() string { return "all(" + join(a.parts) + ")" }

// GoString is String, so that %#v prints the parts' descriptions.
func (a *AllOf) GoString() string { return a.String() }

// Verify runs every part and passes when one passed.
func (a *AnyOf) Verify(r *http.Request, body []byte) error {
	if len(a.parts) == 0 {
		return errEmpty
	}
	passed := false
	var first, attempted error
	for _, v := range a.parts {
		// Every part runs, so timing does not tell which one passed.
		err := v.Verify(r, body)
		switch {
		case err == nil:
			passed = true
		case first == nil:
			first = err
		}
		if err != nil && attempted == nil && !errors.Is(err, ErrMissing) {
			attempted = err
		}
	}
	switch {
	case passed:
		return nil
	case attempted != nil:
		return attempted
	}
	return first
}

// Sign signs r with the first part that is a Signer. It returns an error wrapping ErrConfig when
// no part can sign.
func (a *AnyOf) Sign(r *http.Request, body []byte) error {
	for _, v := range a.parts {
		if s, ok := v.(Signer); ok {
			return s.Sign(r, body)
		}
	}
	return errNoSigner
}

// NeedsBody reports whether any part needs the body.
func (a *AnyOf) NeedsBody() bool { return anyNeedsBody(a.parts) }

// String describes the parts without their secrets.
func (a *AnyOf) String() string { return "any(" + join(a.parts) + ")" }

// GoString is String, so that %#v prints the parts' descriptions.
func (a *AnyOf) GoString() string { return a.String() }

var errNoSigner = fmt.Errorf("%w: none of the combined verifiers can sign", ErrConfig)

func anyNeedsBody(vs []Verifier) bool {
	for _, v := range vs {
		if NeedsBody(v) {
			return true
		}
	}
	return false
}

// split divides v into the verifiers to check before the body is read and those to check after,
// so that a request failing a header-only check costs no body read. The parts of an All, and of
// an All inside it, are divided one by one, keeping their order within each group; anything else
// goes whole into one group.
func split(v Verifier) (before, after []Verifier) {
	if !NeedsBody(v) {
		return []Verifier{v}, nil
	}
	a, ok := v.(*AllOf)
	if !ok || len(a.parts) == 0 {
		return nil, []Verifier{v}
	}
	for _, p := range a.parts {
		b, f := split(p)
		before = append(before, b...)
		after = append(after, f...)
	}
	return before, after
}

// walk calls f with v and, through All and Any, every verifier inside it.
func walk(v Verifier, f func(Verifier)) {
	f(v)
	var parts []Verifier
	switch c := v.(type) {
	case *AllOf:
		if c != nil {
			parts = c.parts
		}
	case *AnyOf:
		if c != nil {
			parts = c.parts
		}
	}
	for _, p := range parts {
		walk(p, f)
	}
}

func join(vs []Verifier) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}
