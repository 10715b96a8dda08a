package verify

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Redacted replaces a secret, and every query value, in the text RedactRequest, RedactURL and
// URLToken.Redact return.
const Redacted = "REDACTED"

// RedactRequest returns r's path and query ("/webhooks/x?a=REDACTED") as text for a log line,
// an error or a page, with nothing left in it that a URL token scheme could read or that holds a
// secret of v, whatever the sender put where:
//
//   - every query value is replaced by Redacted, whatever its parameter is called, however often
//     it is repeated and whether "&" or ";" separates it; the names are kept, except a name that
//     holds a secret of v, which is replaced by Redacted too;
//   - a fragment is dropped: a literal "#" a sender put in the request target and all that
//     follows it;
//   - a path segment is replaced by Redacted when its text, escaped or unescaped (so that
//     "%2F", "%2f" and "/" are one), holds as a substring a secret of v or the value r.PathValue
//     gives the path wildcard of a URLToken inside v (whatever that value is: the token the
//     sender tried); every segment of a run that together holds one (a "{token...}" wildcard, a
//     secret with a "/" in it) is replaced.
//
// The secrets of v are those a sender sends, of every verifier inside v (v itself, or a part of
// All or Any at any depth): every token of a URLToken or Bearer, key of an APIKey and password
// of a Basic (and its base64 "user:password"). The keys of HMAC, Standard Webhooks (whsec_
// secrets and whsk_ private keys alike: a request carries only signatures made with them) and
// JWT are never sent, and not looked for. A nil v has no secrets: query values are redacted all
// the same.
//
// The search takes time that grows with the length of the URL and the number of secrets, not
// with how much of a secret the URL matches, so that how long an answer takes cannot tell a
// sender how close its guess was: it compares rolling hashes, where strings.Index would compare
// bytes until the first difference. A path or parameter name longer than MaxHeaderLen (8 KiB)
// is not searched but replaced by Redacted whole (the path by "/REDACTED"), so that a sender
// cannot make the search long: searching 8 KiB for one secret takes about 16 µs (strings.Index
// about 0.1 µs), twice over (escaped and unescaped). r is not modified. A nil r or r.URL
// gives "".
func RedactRequest(v Verifier, r *http.Request) string {
	if r == nil || r.URL == nil {
		return ""
	}
	f := newFinder(v, r)
	u := r.URL
	path, query := u.EscapedPath(), u.RawQuery
	if u.Opaque != "" {
		path = u.Opaque
	}
	if i := strings.IndexByte(u.RawPath, '#'); i >= 0 {
		// A literal "#" in the request target: what follows is a fragment, the query too.
		var c url.URL
		if setEscapedPath(&c, u.RawPath[:i]) != nil {
			c = url.URL{Path: u.RawPath[:i]}
		}
		path, query = c.EscapedPath(), ""
	}
	out := f.path(path)
	if q := f.query(query); q != "" {
		out += "?" + q
	}
	return out
}

// RedactURL returns u as text with the redactions of RedactRequest, which knows no path values
// (a URL has none; give RedactRequest the request where there is one): every query value, the
// fragment, and every path segment (or segment of opaque text) that holds a secret of v. The
// scheme and host are kept; of user information, a password is replaced by Redacted, and a user
// name that holds a secret of v too. u is not modified. A nil u gives "".
func RedactURL(v Verifier, u *url.URL) string {
	if u == nil {
		return ""
	}
	return newFinder(v, nil).url(u)
}

// finder looks for the secrets of a verifier, and the path values of a request, in the parts
// of a URL.
type finder struct {
	needles []needle // the texts to find
}

// needle is a text to find, by its length and its rolling hash (see scan).
type needle struct {
	n    int
	hash uint64
	pow  uint64 // hashBase^n, to take the byte leaving a window of n bytes out of its hash
}

// newFinder collects the secrets of every verifier inside v and, when r is not nil, the path
// values of r that URL tokens inside v read.
func newFinder(v Verifier, r *http.Request) *finder {
	f := &finder{}
	if v == nil {
		return f
	}
	walk(v, func(p Verifier) {
		switch p := p.(type) {
		case *URLToken:
			if p == nil {
				return
			}
			for _, t := range p.plain {
				f.add(t)
			}
			if r != nil && p.path != "" {
				pv := r.PathValue(p.path)
				f.add(pv)
				if u, err := url.PathUnescape(pv); err == nil && u != pv {
					f.add(u) // chi gives the escaped text of a segment with %2F in it
				}
			}
		case *Bearer:
			if p != nil {
				for _, t := range p.plain {
					f.add(t)
				}
			}
		case *APIKey:
			if p != nil {
				for _, k := range p.plain {
					f.add(k)
				}
			}
		case *Basic:
			if p == nil {
				return
			}
			for _, c := range p.plain {
				f.add(c.Password)
				f.add(base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password)))
			}
		}
	})
	return f
}

// add adds a text to find; an empty one is none.
func (f *finder) add(s string) {
	if s == "" {
		return
	}
	pow := uint64(1)
	for range len(s) {
		pow *= hashBase
	}
	f.needles = append(f.needles, needle{n: len(s), hash: hashOf(s), pow: pow})
}

// url returns u as text, redacted.
func (f *finder) url(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	c.RawQuery = f.query(u.RawQuery)
	if u.User != nil {
		name := u.User.Username()
		if f.holds(name) {
			name = Redacted
		}
		if _, ok := u.User.Password(); ok {
			c.User = url.UserPassword(name, Redacted)
		} else {
			c.User = url.User(name)
		}
	}
	if c.Opaque != "" {
		c.Opaque = f.path(c.Opaque)
	}
	if escaped := u.EscapedPath(); escaped != "" {
		if red := f.path(escaped); red != escaped {
			// The segments kept were valid escaped text and Redacted needs no escaping, so this
			// cannot fail; should it, the URL is given up entirely rather than risk a secret.
			if setEscapedPath(&c, red) != nil {
				return Redacted
			}
		}
	}
	return c.String()
}

// path returns an escaped path (or opaque text) with every segment that holds a secret, or
// belongs to a run of segments that holds one, replaced by Redacted.
func (f *finder) path(escaped string) string {
	switch {
	case len(f.needles) == 0:
		return escaped
	case len(escaped) > MaxHeaderLen:
		// Not searched, so that a sender cannot make the search long.
		if strings.HasPrefix(escaped, "/") {
			return "/" + Redacted
		}
		return Redacted
	}
	segments := strings.Split(escaped, "/")
	unescaped := make([]string, len(segments))
	hit := make([]bool, len(segments))
	for i, s := range segments {
		unescaped[i] = s
		if u, err := url.PathUnescape(s); err == nil {
			unescaped[i] = u
		}
	}
	f.mark(segments, hit)
	f.mark(unescaped, hit)
	changed := false
	for i, s := range segments {
		if hit[i] && s != "" {
			segments[i], changed = Redacted, true
		}
	}
	if !changed {
		return escaped
	}
	return strings.Join(segments, "/")
}

// mark sets hit[k] for every part k that a needle found in the parts joined by "/" overlaps.
func (f *finder) mark(parts []string, hit []bool) {
	if len(f.needles) == 0 {
		return
	}
	text := strings.Join(parts, "/")
	starts := make([]int, len(parts)+1) // part k is text[starts[k] : starts[k+1]-1]
	for k, p := range parts {
		starts[k+1] = starts[k] + len(p) + 1
	}
	for _, nd := range f.needles {
		scan(text, nd, func(i int) {
			k := sort.Search(len(parts), func(k int) bool { return starts[k+1] > i })
			for ; k < len(parts) && starts[k] < i+nd.n; k++ {
				hit[k] = true
			}
		})
	}
}

// query returns a raw query with every value replaced by Redacted, and every name that holds a
// secret too; "&" and ";" both separate parameters and are kept, and a fragment ("#" and what
// follows) is dropped.
func (f *finder) query(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	var b strings.Builder
	for {
		i := strings.IndexAny(raw, "&;")
		pair := raw
		if i >= 0 {
			pair = raw[:i]
		}
		if pair != "" {
			name, _, _ := strings.Cut(pair, "=")
			if f.holds(name) {
				name = Redacted
			}
			b.WriteString(name)
			b.WriteString("=" + Redacted)
		}
		if i < 0 {
			return b.String()
		}
		b.WriteByte(raw[i])
		raw = raw[i+1:]
	}
}

// holds reports whether s, as it is or query-unescaped, holds a secret.
func (f *finder) holds(s string) bool {
	if len(s) > MaxHeaderLen {
		return len(f.needles) > 0 // not searched, as in path
	}
	found := false
	texts := []string{s}
	if u, err := url.QueryUnescape(s); err == nil && u != s {
		texts = append(texts, u)
	}
	for _, t := range texts {
		for _, nd := range f.needles {
			scan(t, nd, func(int) { found = true })
		}
	}
	return found
}

// hashBase is the base of the rolling hash: FNV's 64-bit prime, odd, so that no power of it
// vanishes modulo 2^64.
const hashBase = 0x100000001b3

// hashOf is the rolling hash of s: the sum of s[j]·hashBase^(len(s)-1-j), modulo 2^64.
func hashOf(s string) uint64 {
	var h uint64
	for i := 0; i < len(s); i++ {
		h = h*hashBase + uint64(s[i])
	}
	return h
}

// scan calls hit(i) for every i where text[i:i+nd.n] has the hash of nd: where it is the
// needle, or (a chance of one in 2^64 each, which only redacts too much) collides with it. Each
// position costs the same arithmetic whatever the text holds, and the only branch on the hash
// is taken on a match, so the time taken does not tell how much of the needle a text matched.
func scan(text string, nd needle, hit func(i int)) {
	n := nd.n
	if n == 0 || n > len(text) {
		return
	}
	h := hashOf(text[:n])
	for i := 0; ; i++ {
		if h == nd.hash {
			hit(i)
		}
		if i+n == len(text) {
			return
		}
		h = h*hashBase + uint64(text[i+n]) - nd.pow*uint64(text[i])
	}
}
