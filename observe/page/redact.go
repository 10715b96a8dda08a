package page

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Limits of what is kept of one request's metadata, so that a sender cannot make a row huge.
const (
	maxHeaders     = 64   // header lines kept; the rest are counted
	maxHeaderValue = 1024 // bytes of one header value
	maxHeaderBytes = 4096 // bytes of the header lines kept of one request, names and values
	maxField       = 512  // bytes of the path, an event type, an id or a key
	maxReason      = 300  // bytes of a reason
)

// redactedWords mark a header whose value is a credential: a header whose lower-cased name
// contains one of them has its value replaced by verify.Redacted. They cover Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, every provider's signature header
// (X-Safetyculture-Signature, Webhook-Signature, ...), API keys and tokens.
var redactedWords = []string{
	"signature", "token", "secret", "key", "auth", "password", "passwd",
	"credential", "cookie", "session", "jwt",
}

// keptHeaders are headers whose names contain a redacted word but which hold no secret: the
// Idempotency-Key of Standard Webhooks and of many senders is an event id.
var keptHeaders = map[string]bool{
	"Idempotency-Key": true,
}

// header is one header line as the page keeps it: the value redacted when the name says it is a
// credential, and cut to maxHeaderValue bytes.
type header struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Redacted bool   `json:"redacted,omitempty"`
}

// redactHeaders returns the header lines of h, sorted by name, each value redacted when its name
// marks a credential (or is one of extra, canonicalised) and cut to maxHeaderValue bytes. At most
// maxHeaders lines and maxHeaderBytes bytes are kept, so that a sender cannot make a row large;
// the number of lines dropped is returned.
func redactHeaders(h http.Header, extra map[string]bool) (lines []header, dropped int) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	size := 0
	for _, name := range names {
		secret := isSecretHeader(name, extra)
		for _, v := range h[name] {
			line := header{Name: clip(clean(name), maxField)}
			if secret {
				line.Value, line.Redacted = verify.Redacted, true
			} else {
				line.Value = clip(clean(v), maxHeaderValue)
			}
			if len(lines) == maxHeaders || size+len(line.Name)+len(line.Value) > maxHeaderBytes {
				dropped++
				continue
			}
			size += len(line.Name) + len(line.Value)
			lines = append(lines, line)
		}
	}
	return lines, dropped
}

// isSecretHeader reports whether the header name holds a credential.
func isSecretHeader(name string, extra map[string]bool) bool {
	canon := http.CanonicalHeaderKey(name)
	if extra[canon] {
		return true
	}
	if keptHeaders[canon] {
		return false
	}
	lower := strings.ToLower(name)
	for _, w := range redactedWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// redactPath returns the request's path as the page shows it when the receiver's Outcome has no
// Path (the handler Middleware wraps is no Receiver): verify.RedactRequest without a verifier,
// so every query value becomes verify.Redacted (one may be a URL token, as
// verify.URLTokenConfig.Query reads it) and any fragment is dropped, with the path of the route
// pattern in place of the path when the pattern has wildcards (one may carry a URL token, as
// verify.URLTokenConfig.PathValue reads it). The pattern is known only behind a router that has
// matched the route (a ServeMux, chi's With); a receiver's Outcome.Path, which Observe prefers,
// is redacted wherever Middleware is mounted.
func redactPath(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	path := verify.RedactRequest(nil, r)
	if pat := patternPath(r.Pattern); strings.Contains(pat, "{") {
		_, query, found := strings.Cut(path, "?")
		path = pat
		if found {
			path += "?" + query
		}
	}
	return clip(clean(path), maxField)
}

// patternPath returns the path of a ServeMux pattern, "[METHOD ][HOST]/PATH": "" when there is
// none.
func patternPath(pattern string) string {
	if pattern == "" {
		return ""
	}
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return ""
}

// remoteIP returns the address of the peer without its port.
func remoteIP(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return clip(clean(host), 64)
	}
	return clip(clean(addr), 64)
}

// isLoopback reports whether the peer address (host:port, or a bare address) is a loopback
// address: 127.0.0.0/8 or ::1.
func isLoopback(remoteAddr string) bool {
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	return ip.Unmap().IsLoopback()
}

// proxyHeaders are set by reverse proxies: a request that carries one came through a proxy, so
// its loopback peer address says nothing about the client.
var proxyHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip", "X-Client-Ip", "True-Client-Ip", "Cf-Connecting-Ip"}

// proxiedBy returns the first proxy header r carries, or "".
func proxiedBy(r *http.Request) string {
	for _, h := range proxyHeaders {
		if _, ok := r.Header[h]; ok {
			return h
		}
	}
	return ""
}

// reason says in a few plain words why a delivery was answered as it was: "" for a plain success.
// Authentication failures are named by kind only ("unauthenticated: signature or credentials do
// not match"), decoding failures by events.Message, and handler failures by the handler's error,
// cut short.
func reason(o receiver.Outcome) string {
	err := o.Err
	switch {
	case o.Duplicate && o.Stage == receiver.StageEnqueue:
		return "already received: the inbox holds this event"
	case o.Duplicate:
		return "already received: the handler was not called"
	case o.Status == http.StatusMethodNotAllowed:
		return "not a POST request"
	case o.Status == http.StatusUnsupportedMediaType:
		return "the content type is not JSON"
	case errors.Is(err, ratelimit.ErrLimited), o.Status == http.StatusTooManyRequests:
		return "rate limited"
	case errors.Is(err, ratelimit.ErrUnavailable):
		return "the rate limiter could not decide"
	case o.Status == http.StatusUnauthorized, o.Stage == receiver.StageVerify && err != nil:
		return "unauthenticated: " + authReason(err)
	case o.Status == http.StatusRequestEntityTooLarge, o.Stage == receiver.StageBody && err != nil:
		return events.Message(err)
	case o.Stage == receiver.StageDecode && err != nil, o.Stage == receiver.StageValidate && err != nil:
		return events.Message(err)
	case errors.Is(err, idempotency.ErrInFlight):
		return "the same event is being handled right now"
	case errors.Is(err, idempotency.ErrUnavailable):
		return "the idempotency store could not be reached"
	case o.Stage == receiver.StageEnqueue && o.Status >= 500:
		return "the inbox could not store it"
	case o.Stage == receiver.StageEnqueue:
		return "queued in the inbox"
	case errors.Is(err, receiver.ErrPanic):
		return "the handler panicked"
	case err != nil && receiver.IsPermanent(err):
		return clip(clean("acknowledged; the handler failed for good: "+err.Error()), maxReason)
	case err != nil && o.Stage == receiver.StageDispatch:
		return clip(clean("the handler failed: "+err.Error()), maxReason)
	case err != nil:
		return "failed at the " + o.Stage.String() + " stage"
	}
	return ""
}

// authReason names the kind of an authentication failure, never its detail.
func authReason(err error) string {
	switch {
	case errors.Is(err, verify.ErrMissing):
		return "credentials missing"
	case errors.Is(err, verify.ErrMalformed):
		return "credentials malformed"
	case errors.Is(err, verify.ErrInvalid):
		return "signature or credentials do not match"
	case errors.Is(err, verify.ErrTooOld):
		return "timestamp too old"
	case errors.Is(err, verify.ErrTooNew):
		return "timestamp in the future"
	case errors.Is(err, verify.ErrClaims):
		return "token claims rejected"
	}
	return "credentials rejected"
}

// refusedBeforeAuth reports whether a request was answered before its body was authenticated:
// its body, which anyone could have sent, is never kept.
func refusedBeforeAuth(o receiver.Outcome) bool {
	switch o.Status {
	case http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests,
		http.StatusMethodNotAllowed, http.StatusUnsupportedMediaType:
		return true
	}
	switch o.Stage {
	case receiver.StageMethod, receiver.StageRateLimit, receiver.StageBody, receiver.StageVerify:
		return true
	}
	return false
}

// clean makes s one line of valid UTF-8 without control characters.
func clean(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for _, c := range s {
			if unicode.IsControl(c) {
				ok = false
				break
			}
		}
	}
	if ok {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return ' '
		}
		return c
	}, s)
}

// clip cuts s to n bytes on a rune boundary, marking the cut with how many bytes were dropped.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…[" + strconv.Itoa(len(s)-cut) + " more bytes]"
}
