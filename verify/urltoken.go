package verify

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// URLTokenConfig configures a URLToken. Set exactly one of Query and PathValue, and at least one
// token.
type URLTokenConfig struct {
	// Query names the query parameter that carries the token: "token" for deliveries to
	// "/webhooks/record360?token=<token>".
	Query string

	// PathValue names the wildcard of the route pattern that carries the token, read with
	// r.PathValue: "token" for the pattern "POST /webhooks/record360/{token}". Mount the
	// verifying handler on that route, so the ServeMux has set the value before Verify runs: a
	// request that did not come through a route with that wildcard has no token and is rejected.
	PathValue string

	// Tokens are the accepted tokens; any of them passes, so an old and a new URL can both be
	// accepted while the provider's configuration changes. The first one signs. At least one,
	// none empty.
	Tokens []string
}

// URLToken verifies and produces a secret token in the request URL, for senders that can be
// given a URL but no credentials. Prefer a signature where the provider offers one: a URL is
// logged by proxies and load balancers that never see headers. Log the requests of this
// package's receivers through RedactRequest. Build one with NewURLToken; it is safe for
// concurrent use.
type URLToken struct {
	query  string
	path   string
	tokens digestSet
	plain  []string // the tokens, for RedactRequest and RedactURL to find in a URL
	first  string
}

// NewURLToken builds a URL token verifier and signer. It returns an error wrapping ErrConfig
// unless exactly one of Query and PathValue is set, or when no token or an empty token is given.
func NewURLToken(cfg URLTokenConfig) (*URLToken, error) {
	query, path := strings.TrimSpace(cfg.Query), strings.TrimSpace(cfg.PathValue)
	switch {
	case query == "" && path == "":
		return nil, fmt.Errorf("%w: URL token needs a query parameter or a path value name", ErrConfig)
	case query != "" && path != "":
		return nil, fmt.Errorf("%w: URL token takes a query parameter or a path value, not both", ErrConfig)
	}
	set, err := newDigestSet("URL token", cfg.Tokens)
	if err != nil {
		return nil, err
	}
	return &URLToken{query: query, path: path, tokens: set, plain: slices.Clone(cfg.Tokens), first: cfg.Tokens[0]}, nil
}

// Verify checks the token in r's URL. It wraps ErrMissing when the query parameter or the path
// value is absent, ErrMalformed when the query parameter is repeated, empty or longer than
// MaxHeaderLen, and ErrInvalid for an unknown token. Every configured token is compared, in
// constant time.
func (t *URLToken) Verify(r *http.Request, _ []byte) error {
	tok, err := t.token(r)
	if err != nil {
		return err
	}
	if len(tok) > MaxHeaderLen {
		return fmt.Errorf("%w: %s is %d bytes, limit %d", ErrMalformed, t.where(), len(tok), MaxHeaderLen)
	}
	if !t.tokens.contains(tok) {
		return fmt.Errorf("%w: %s does not match", ErrInvalid, t.where())
	}
	return nil
}

func (t *URLToken) token(r *http.Request) (string, error) {
	if t.path != "" {
		tok := r.PathValue(t.path)
		if tok == "" {
			return "", fmt.Errorf("%w: no %s (is it a wildcard of the route pattern?)", ErrMissing, t.where())
		}
		return tok, nil
	}
	if r.URL == nil {
		return "", fmt.Errorf("%w: no %s", ErrMissing, t.where())
	}
	values := r.URL.Query()[t.query]
	switch {
	case len(values) == 0:
		return "", fmt.Errorf("%w: no %s", ErrMissing, t.where())
	case len(values) > 1:
		return "", fmt.Errorf("%w: %s sent %d times", ErrMalformed, t.where(), len(values))
	case values[0] == "":
		return "", fmt.Errorf("%w: %s is empty", ErrMalformed, t.where())
	}
	return values[0], nil
}

// where names the token's place in the URL for errors.
func (t *URLToken) where() string {
	if t.path != "" {
		return "path value {" + t.path + "}"
	}
	return "query parameter " + t.query
}

// Sign puts the first token in r's URL.
//
// With Query, it sets the query parameter, replacing any value it had and keeping the other
// parameters in their order.
//
// With PathValue, it appends the escaped token to r.URL.Path as a new last segment (replacing a
// last segment that already is one of the tokens), so sign a request for "/webhooks/record360"
// to reach the route "POST /webhooks/record360/{token}". It also calls r.SetPathValue, so that
// the request verifies when it is served directly, without a ServeMux; served through a
// ServeMux, the value comes from the route that matched.
//
// A server-side request (RequestURI set, as httptest.NewRequest makes) gets its RequestURI
// updated to match.
func (t *URLToken) Sign(r *http.Request, _ []byte) error {
	if r.URL == nil {
		r.URL = &url.URL{}
	}
	if t.query != "" {
		q := dropParam(r.URL.RawQuery, t.query)
		if q != "" {
			q += "&"
		}
		r.URL.RawQuery = q + url.QueryEscape(t.query) + "=" + url.QueryEscape(t.first)
	} else {
		escaped := r.URL.EscapedPath()
		if i := strings.LastIndexByte(escaped, '/'); i >= 0 && t.isToken(escaped[i+1:]) {
			escaped = escaped[:i] // signed before: replace the token rather than add another
		}
		if !strings.HasSuffix(escaped, "/") {
			escaped += "/"
		}
		if err := setEscapedPath(r.URL, escaped+url.PathEscape(t.first)); err != nil {
			return err
		}
		r.SetPathValue(t.path, t.first)
	}
	if r.RequestURI != "" {
		r.RequestURI = r.URL.RequestURI()
	}
	return nil
}

// NeedsBody returns false: a URL token is decided from the URL alone.
func (t *URLToken) NeedsBody() bool { return false }

// Redact returns u as text redacted as RedactURL(t, u) redacts it: every query value, the
// fragment, and every path segment that holds one of the tokens. u is not modified. A nil u
// gives "".
func (t *URLToken) Redact(u *url.URL) string { return RedactURL(t, u) }

// isToken reports whether an escaped path segment is one of the tokens, escaped or not.
func (t *URLToken) isToken(segment string) bool {
	if segment == "" {
		return false
	}
	v, err := url.PathUnescape(segment)
	return t.tokens.contains(segment) || (err == nil && v != segment && t.tokens.contains(v))
}

// String describes the verifier without its tokens.
func (t *URLToken) String() string {
	if t.path != "" {
		return "url-token(path-value={" + t.path + "}, " + plural(len(t.tokens), "token") + ")"
	}
	return "url-token(query=" + t.query + ", " + plural(len(t.tokens), "token") + ")"
}

// GoString is String, so that %#v cannot print tokens either.
func (t *URLToken) GoString() string { return t.String() }

// dropParam returns the raw query with every parameter named name dropped; other parameters
// are kept as they were, in order. Both "&" and ";" separate parameters here, so that nothing
// net/url might read as the parameter is left.
func dropParam(raw, name string) string {
	var b strings.Builder
	var sep byte // the separator before the current parameter
	empty := true
	for {
		i := strings.IndexAny(raw, "&;")
		pair := raw
		if i >= 0 {
			pair = raw[:i]
		}
		key, _, _ := strings.Cut(pair, "=")
		if unescaped, err := url.QueryUnescape(key); key != name && (err != nil || unescaped != name) {
			if !empty {
				b.WriteByte(sep)
			}
			b.WriteString(pair)
			empty = false
		}
		if i < 0 {
			return b.String()
		}
		sep, raw = raw[i], raw[i+1:]
	}
}

// setEscapedPath sets u's path from its escaped form.
func setEscapedPath(u *url.URL, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return fmt.Errorf("verify: URL path: %w", err)
	}
	u.Path, u.RawPath = p, ""
	if u.EscapedPath() != escaped {
		u.RawPath = escaped
	}
	return nil
}
