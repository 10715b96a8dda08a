package verify

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// All returns a Verifier that passes only when every one of vs passes, such as HTTP Basic plus
// an account-id header. It checks them in order and returns the first failure. Its Sign signs
// with every part that is also a Signer. It returns an error wrapping ErrConfig when vs is empty
// or holds a nil Verifier.
func All(vs ...Verifier) (Verifier, error) {
	if err := checkParts("All", vs); err != nil {
		return nil, err
	}
	return allOf(append([]Verifier(nil), vs...)), nil
}

// Any returns a Verifier that passes when at least one of vs passes, such as an old and a new
// authentication scheme during a migration. It runs every part whatever the outcome, so timing
// does not tell which one passed. When all fail it returns the first failure that is not
// ErrMissing (a scheme the sender attempted), or else the first failure. Its Sign signs with the
// first part that is a Signer. It returns an error wrapping ErrConfig when vs is empty or holds
// a nil Verifier.
func Any(vs ...Verifier) (Verifier, error) {
	if err := checkParts("Any", vs); err != nil {
		return nil, err
	}
	return anyOf(append([]Verifier(nil), vs...)), nil
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

type allOf []Verifier

func (a allOf) Verify(header http.Header, body []byte) error {
	for _, v := range a {
		if err := v.Verify(header, body); err != nil {
			return err
		}
	}
	return nil
}

func (a allOf) Sign(header http.Header, body []byte) error {
	signed := false
	for _, v := range a {
		if s, ok := v.(Signer); ok {
			if err := s.Sign(header, body); err != nil {
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

func (a allOf) String() string { return "all(" + join(a) + ")" }

type anyOf []Verifier

func (a anyOf) Verify(header http.Header, body []byte) error {
	passed := false
	var first, attempted error
	for _, v := range a {
		// Every part runs, so timing does not tell which one passed.
		err := v.Verify(header, body)
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

func (a anyOf) Sign(header http.Header, body []byte) error {
	for _, v := range a {
		if s, ok := v.(Signer); ok {
			return s.Sign(header, body)
		}
	}
	return errNoSigner
}

func (a anyOf) String() string { return "any(" + join(a) + ")" }

var errNoSigner = fmt.Errorf("%w: none of the combined verifiers can sign", ErrConfig)

func join(vs []Verifier) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

// GoString is String, so that %#v prints the parts' descriptions.
func (a allOf) GoString() string { return a.String() }

// GoString is String, so that %#v prints the parts' descriptions.
func (a anyOf) GoString() string { return a.String() }
