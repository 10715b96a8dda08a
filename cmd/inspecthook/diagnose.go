package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // only to recognise a provider that signs with HMAC-SHA1
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inspecthook/inspecthook/verify"
)

// diagInput is everything a diagnosis looks at: the delivery as verify rebuilt it, the
// configuration it was checked with, and the error the verifier returned. Diagnosing is a pure
// function of it.
type diagInput struct {
	scheme string      // one of schemes
	header http.Header // canonical names
	url    *url.URL
	body   []byte
	err    error // what Verify returned

	secrets      []string          // as given, by --secret or INSPECTHOOK_SECRET
	hmac         verify.HMACConfig // scheme hmac: the configuration checked with, secrets included
	apiKeyHeader string            // scheme api-key: canonical
	tokenParam   string            // scheme url-token
	jwtAlg       string            // scheme jwt: the accepted algorithm
	tolerance    time.Duration     // 0: verify.DefaultTolerance
	now          time.Time         // the verifier's clock
}

// diagnose explains err beyond its own text, as sentences for the user: what was expected and
// what was sent instead. Secrets are used to recompute what the sender should have sent and
// compared with what it did send; neither a secret nor a credential that was sent is ever
// quoted, only header names, timestamps and sizes.
func diagnose(in diagInput) []string {
	if in.err == nil {
		return nil
	}
	switch in.scheme {
	case schemeHMAC:
		return diagHMAC(in)
	case schemeStandard:
		return diagStandard(in)
	case schemeBasic, schemeBearer, schemeJWT:
		return diagAuthorization(in)
	case schemeAPIKey:
		return diagAPIKey(in)
	case schemeURLToken:
		return diagURLToken(in)
	}
	return nil
}

// toleranceOf is the tolerance in force.
func (in diagInput) toleranceOf() time.Duration {
	if in.tolerance <= 0 {
		return verify.DefaultTolerance
	}
	return in.tolerance
}

// ---- missing headers ----

// missingHint says which headers were expected and which were given, and points at given
// ones that look like them. flagHint, when set, is the flag that reads another header, such as
// "--signature-header": it is suggested with the look-alike's name.
func missingHint(wants []string, h http.Header, flagHint string) []string {
	what := "the " + wants[0] + " header"
	if len(wants) > 1 {
		what = "the " + strings.Join(wants[:len(wants)-1], ", ") + " and " + wants[len(wants)-1] + " headers"
	}
	hints := []string{fmt.Sprintf("expected %s; %s", what, givenHeaders(h))}
	for _, want := range wants {
		for _, name := range similarHeaders(want, h) {
			hint := fmt.Sprintf("did you mean %s? It was sent, but this scheme reads %s", name, want)
			if flagHint != "" {
				hint += fmt.Sprintf(" (%s %s reads it instead)", flagHint, name)
			}
			hints = append(hints, hint)
		}
	}
	return hints
}

// givenHeaders lists the names of the headers given, for a message.
func givenHeaders(h http.Header) string {
	if len(h) == 0 {
		return "no headers were given (pass them with --header 'Name: value' or --headers FILE)"
	}
	return "the headers given: " + strings.Join(sortedHeaderNames(h), ", ")
}

// similarHeaders are the names of h that look like want: the same but for case and
// punctuation, a typo or two away, or of the same family (two signature headers, two
// timestamps, two credentials, Svix's names of the Standard Webhooks headers).
func similarHeaders(want string, h http.Header) []string {
	var out []string
	for _, name := range sortedHeaderNames(h) {
		if name != want && similarHeader(want, name) {
			out = append(out, name)
		}
	}
	return out
}

// similarHeader reports whether the header names a and b look alike.
func similarHeader(a, b string) bool {
	na, nb := normalizeHeaderName(a), normalizeHeaderName(b)
	if na == nb || (len(na) >= 5 && editDistance(na, nb) <= 2) {
		return true
	}
	for _, family := range headerFamilies {
		if family(na) && family(nb) {
			return true
		}
	}
	return false
}

// headerFamilies recognise header names of one kind, normalised by normalizeHeaderName.
var headerFamilies = []func(string) bool{
	func(n string) bool { // signatures
		return strings.Contains(n, "signature") || strings.HasSuffix(n, "sig") || strings.Contains(n, "hmac")
	},
	func(n string) bool { return strings.Contains(n, "timestamp") },
	func(n string) bool { // message ids of Standard Webhooks and Svix
		return strings.HasSuffix(n, "id") && (strings.Contains(n, "webhook") || strings.Contains(n, "svix") || strings.Contains(n, "msg"))
	},
	func(n string) bool { // credentials
		return strings.Contains(n, "auth") || strings.Contains(n, "token") || strings.Contains(n, "apikey") || strings.HasSuffix(n, "key")
	},
}

// normalizeHeaderName lowercases a name and keeps only its letters and digits.
func normalizeHeaderName(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ---- timestamps ----

// timestampHint measures how far a Unix-seconds timestamp lies outside the tolerance, or says
// what is wrong with a value that is not one.
func timestampHint(name, value string, now time.Time, tol time.Duration) []string {
	value = strings.TrimSpace(value)
	sec, err := strconv.ParseInt(value, 10, 64)
	if err != nil || sec < 0 {
		if _, err := time.Parse(time.RFC3339, value); err == nil {
			return []string{fmt.Sprintf("%s holds a date; this scheme takes the Unix time in seconds", name)}
		}
		return []string{fmt.Sprintf("%s must hold the Unix time in seconds, such as %d", name, now.Unix())}
	}
	if sec > 1e11 {
		return []string{fmt.Sprintf("%s holds %d, which looks like milliseconds (%s); this scheme takes seconds",
			name, sec, time.UnixMilli(sec).UTC().Format(time.RFC3339))}
	}
	sent := time.Unix(sec, 0).UTC()
	diff := now.Unix() - sec
	limit := int64(tol / time.Second)
	switch {
	case diff > limit:
		return []string{fmt.Sprintf("sent %s ago (%s = %s), %s beyond the %s tolerance; was it replayed from a capture? "+
			"use --now to check it at the time it was sent: --now %d",
			spanText(diff), name, sent.Format(time.RFC3339), spanText(diff-limit), tol, sec)}
	case -diff > limit:
		return []string{fmt.Sprintf("dated %s ahead of the clock (%s = %s), %s beyond the %s tolerance; "+
			"is the sender's clock or this machine's wrong, or --now too early?",
			spanText(-diff), name, sent.Format(time.RFC3339), spanText(-diff-limit), tol)}
	}
	return nil
}

// spanText formats a number of seconds as a duration: "13m32s", or in days beyond two of them.
func spanText(sec int64) string {
	if sec >= 2*24*3600 {
		return fmt.Sprintf("%d days", sec/(24*3600))
	}
	return (time.Duration(sec) * time.Second).String()
}

// isTimestampErr reports whether err is a timestamp out of the tolerance.
func isTimestampErr(err error) bool {
	return errors.Is(err, verify.ErrTooOld) || errors.Is(err, verify.ErrTooNew)
}

// ---- HMAC ----

// macAlgs are the hashes tried when recomputing an HMAC, the configured one first.
func macAlgs(configured verify.Algorithm) []verify.Algorithm {
	algs := []verify.Algorithm{configured}
	for _, a := range []verify.Algorithm{verify.SHA256, verify.SHA1, verify.SHA512} {
		if a != configured {
			algs = append(algs, a)
		}
	}
	return algs
}

// macHash is the hash function of an algorithm.
func macHash(a verify.Algorithm) func() hash.Hash {
	switch a {
	case verify.SHA1:
		return sha1.New
	case verify.SHA512:
		return sha512.New
	}
	return sha256.New
}

// computeMAC is the HMAC of content with key.
func computeMAC(alg verify.Algorithm, key, content []byte) []byte {
	m := hmac.New(macHash(alg), key)
	m.Write(content)
	return m.Sum(nil)
}

// macCandidate is one reading of a signature header's value: the bytes it decodes to, the
// encoding that decoded them and the prefix that stood before them.
type macCandidate struct {
	mac      []byte
	encoding verify.Encoding
	prefix   string // as sent; "" for none
}

// macPrefixRE matches the prefixes signature values commonly carry: sha256=, v1, and the like.
var macPrefixRE = regexp.MustCompile(`^(?i)(sha1|sha256|sha512|v0|v1)[=,]`)

// macCandidates are the readings of a signature value: with and without the configured prefix
// or a common one, as hex and as base64 (standard or URL-safe, padded or not).
func macCandidates(value, prefix string) []macCandidate {
	value = strings.TrimSpace(value)
	type split struct{ prefix, rest string }
	splits := []split{{"", value}}
	if prefix != "" && len(value) >= len(prefix) && strings.EqualFold(value[:len(prefix)], prefix) {
		splits = append(splits, split{value[:len(prefix)], value[len(prefix):]})
	} else if m := macPrefixRE.FindString(value); m != "" {
		splits = append(splits, split{m, value[len(m):]})
	}
	var out []macCandidate
	for _, s := range splits {
		if b, err := hex.DecodeString(s.rest); err == nil && len(b) > 0 {
			out = append(out, macCandidate{b, verify.Hex, s.prefix})
		}
		if b, ok := decodeAnyBase64(s.rest); ok {
			out = append(out, macCandidate{b, verify.Base64, s.prefix})
		}
	}
	return out
}

// decodeAnyBase64 decodes standard or URL-safe base64, padded or not.
func decodeAnyBase64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, false
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// bodyVariant is content a sender may have signed instead of the exact one.
type bodyVariant struct {
	content []byte
	what    string // how it differs, as a hint; "" for the exact content
}

// newlineVariants are the body without its trailing newline, or with one added.
func newlineVariants(prefix string, body []byte) []bodyVariant {
	var out []bodyVariant
	withPrefix := func(b []byte) []byte { return append([]byte(prefix), b...) }
	switch {
	case bytes.HasSuffix(body, []byte("\r\n")):
		out = append(out, bodyVariant{withPrefix(body[:len(body)-2]),
			"the body has a trailing newline the sender did not sign (an editor or echo added it): the signature matches the body without it"})
	case bytes.HasSuffix(body, []byte("\n")):
		out = append(out, bodyVariant{withPrefix(body[:len(body)-1]),
			"the body has a trailing newline the sender did not sign (an editor or echo added it): the signature matches the body without it"})
	default:
		out = append(out, bodyVariant{withPrefix(append(slices.Clip(body), '\n')),
			"the sender signed the body with a trailing newline this body lacks (was it lost when the body was copied?)"})
	}
	return out
}

// macMatch is a signature value found to hold an HMAC of some content.
type macMatch struct {
	variant bodyVariant
	alg     verify.Algorithm
	cand    macCandidate
}

// findMAC looks for a reading of value that is the HMAC of one of variants with one of
// secrets, trying the configured algorithm first and the variants in order.
func findMAC(value string, cfg verify.HMACConfig, variants []bodyVariant) (macMatch, bool) {
	cands := macCandidates(value, cfg.Prefix)
	for _, alg := range macAlgs(cfg.Algorithm) {
		for _, v := range variants {
			for _, key := range cfg.Secrets {
				want := computeMAC(alg, key, v.content)
				for _, c := range cands {
					if hmac.Equal(c.mac, want) {
						return macMatch{v, alg, c}, true
					}
				}
			}
		}
	}
	return macMatch{}, false
}

// macAlgName is "HMAC-SHA256" and the like.
func macAlgName(a verify.Algorithm) string { return "HMAC-" + strings.ToUpper(a.String()) }

// formatDifferences says how a value holding the right MAC differs from the configured form.
func formatDifferences(m macMatch, cfg verify.HMACConfig) []string {
	var diffs []string
	if m.cand.encoding != cfg.Encoding {
		diffs = append(diffs, fmt.Sprintf("in %s; this scheme expects %s (--encoding %s accepts it)", m.cand.encoding, cfg.Encoding, m.cand.encoding))
	}
	switch {
	case cfg.Prefix != "" && m.cand.prefix == "" && !cfg.PrefixOptional:
		diffs = append(diffs, fmt.Sprintf("without the %s prefix this scheme expects", cfg.Prefix))
	case m.cand.prefix != "" && !strings.EqualFold(m.cand.prefix, cfg.Prefix):
		diffs = append(diffs, fmt.Sprintf("after a %s prefix this scheme does not expect (--prefix %s accepts it)", m.cand.prefix, m.cand.prefix))
	}
	return diffs
}

// describeMAC turns a match into a hint.
func describeMAC(header string, m macMatch, cfg verify.HMACConfig) string {
	diffs := formatDifferences(m, cfg)
	if m.alg != cfg.Algorithm {
		hint := fmt.Sprintf("%s holds an %s; this scheme expects an %s", header, macAlgName(m.alg), macAlgName(cfg.Algorithm))
		if m.variant.what != "" {
			hint += "; and " + m.variant.what
		}
		return hint
	}
	if m.variant.what != "" {
		if len(diffs) > 0 {
			return m.variant.what + "; and the signature is " + strings.Join(diffs, ", ")
		}
		return m.variant.what
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s holds the right HMAC %s", header, strings.Join(diffs, ", and "))
}

// expectedForm says what a signature header of cfg holds, such as "the hex HMAC-SHA256 (64 hex
// digits), after sha256=".
func expectedForm(cfg verify.HMACConfig) string {
	size := macHash(cfg.Algorithm)().Size()
	form := fmt.Sprintf("the hex HMAC-%s (%d hex digits)", strings.ToUpper(cfg.Algorithm.String()), 2*size)
	if cfg.Encoding == verify.Base64 {
		form = fmt.Sprintf("the base64 HMAC-%s (%d characters)", strings.ToUpper(cfg.Algorithm.String()), base64.StdEncoding.EncodedLen(size))
	}
	switch {
	case cfg.Prefix != "" && cfg.PrefixOptional:
		form += fmt.Sprintf(", optionally after %s", cfg.Prefix)
	case cfg.Prefix != "":
		form += fmt.Sprintf(", after %s", cfg.Prefix)
	}
	return form
}

// diagHMAC explains an HMAC failure.
func diagHMAC(in diagInput) []string {
	cfg := in.hmac
	header := http.CanonicalHeaderKey(strings.TrimSpace(cfg.Header))
	tsHeader := ""
	if cfg.TimestampHeader != "" {
		tsHeader = http.CanonicalHeaderKey(strings.TrimSpace(cfg.TimestampHeader))
	}
	values := in.header.Values(header)
	var hints []string

	if len(values) == 0 {
		hints = missingHint([]string{header}, in.header, "--signature-header")
		// A look-alike header holding the right HMAC is the best clue of all.
		for _, name := range similarHeaders(header, in.header) {
			if vs := in.header.Values(name); len(vs) == 1 {
				if m, ok := findMAC(vs[0], cfg, hmacVariants(in, cfg, tsHeader)); ok {
					hint := fmt.Sprintf("%s holds an HMAC of this body with the secret given", name)
					if d := formatDifferences(m, cfg); len(d) > 0 {
						hint += ", " + strings.Join(d, ", and ")
					}
					if m.alg != cfg.Algorithm {
						hint = fmt.Sprintf("%s holds an %s of this body with the secret given; this scheme expects an %s",
							name, macAlgName(m.alg), macAlgName(cfg.Algorithm))
					}
					if m.variant.what != "" {
						hint += "; but " + m.variant.what
					}
					hints = append(hints, hint)
				}
			}
		}
		return hints
	}
	if len(values) > 1 {
		return []string{fmt.Sprintf("%s was sent %d times; a delivery carries one signature", header, len(values))}
	}
	if tsHeader != "" {
		tsValues := in.header.Values(tsHeader)
		switch {
		case len(tsValues) == 0:
			return append(missingHint([]string{tsHeader}, in.header, "--timestamp-header"),
				fmt.Sprintf("--timestamp-header makes the signed content <%s>.<body>; leave it out if the sender signs the body alone", tsHeader))
		case isTimestampErr(in.err) || errors.Is(in.err, verify.ErrMalformed) && strings.Contains(in.err.Error(), tsHeader):
			hints = timestampHint(tsHeader, tsValues[0], in.now, in.toleranceOf())
			if m, ok := findMAC(values[0], cfg, hmacVariants(in, cfg, tsHeader)[:1]); ok && m.alg == cfg.Algorithm {
				hints = append(hints, "the signature itself matches: only the time is out of the tolerance")
			}
			return hints
		}
	}
	value := values[0]
	if m, ok := findMAC(value, cfg, hmacVariants(in, cfg, tsHeader)); ok {
		if hint := describeMAC(header, m, cfg); hint != "" {
			return append(hints, hint)
		}
		return hints
	}
	// Nothing matches: say what the value is, against what is expected.
	return append(hints, unmatchedHMAC(in, cfg, header, value)...)
}

// hmacVariants are the contents an HMAC sender may have signed: the exact one first, then the
// body with its trailing newline changed, then with or without a timestamp.
func hmacVariants(in diagInput, cfg verify.HMACConfig, tsHeader string) []bodyVariant {
	prefix := ""
	if tsHeader != "" {
		prefix = strings.TrimSpace(in.header.Get(tsHeader)) + "."
	}
	variants := []bodyVariant{{append([]byte(prefix), in.body...), ""}}
	variants = append(variants, newlineVariants(prefix, in.body)...)
	if tsHeader != "" {
		variants = append(variants, bodyVariant{in.body,
			fmt.Sprintf("the signature covers the body alone, not <%s>.<body>: leave out --timestamp-header", tsHeader)})
	} else {
		for _, name := range sortedHeaderNames(in.header) {
			if strings.Contains(normalizeHeaderName(name), "timestamp") {
				ts := strings.TrimSpace(in.header.Get(name))
				variants = append(variants, bodyVariant{append([]byte(ts+"."), in.body...),
					fmt.Sprintf("the signature covers <%s>.<body>: pass --timestamp-header %s", name, name)})
			}
		}
	}
	return variants
}

// unmatchedHMAC explains a signature that is the HMAC of nothing tried.
func unmatchedHMAC(in diagInput, cfg verify.HMACConfig, header, value string) []string {
	var hints []string
	size := macHash(cfg.Algorithm)().Size()
	wellFormed := false
	var sizes []int
	for _, c := range macCandidates(value, cfg.Prefix) {
		prefixOK := strings.EqualFold(c.prefix, cfg.Prefix) || c.prefix == "" && cfg.PrefixOptional
		if c.encoding == cfg.Encoding && len(c.mac) == size && prefixOK {
			wellFormed = true
		}
		sizes = append(sizes, len(c.mac))
	}
	switch {
	case wellFormed:
		hints = append(hints, "the signature is well formed but was made with another secret or over other bytes "+
			"(a re-encoded JSON body changes the bytes)")
	default:
		hints = append(hints, fmt.Sprintf("this scheme expects %s in %s", expectedForm(cfg), header))
		for _, alg := range []verify.Algorithm{verify.SHA1, verify.SHA256, verify.SHA512} {
			n := macHash(alg)().Size()
			if alg != cfg.Algorithm && slices.Contains(sizes, n) {
				hints = append(hints, fmt.Sprintf("%s decodes to %d bytes, the size of an %s, but not one of this body with the secret given",
					header, n, macAlgName(alg)))
				break
			}
		}
	}
	hints = append(hints, bodyMismatchHints(in)...)
	if len(cfg.Secrets) > 1 {
		hints = append(hints, fmt.Sprintf("checked with each of the %d secrets given", len(cfg.Secrets)))
	}
	hints = append(hints, "'inspecthook sign' with the same flags and body shows the headers your secret gives")
	return hints
}

// bodyMismatchHints are remarks on the body itself when a signature over it does not match.
func bodyMismatchHints(in diagInput) []string {
	var hints []string
	if len(in.body) == 0 {
		hints = append(hints, "the body is empty: give it on standard input or with --body FILE")
	}
	if cl := in.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(cl)); err == nil && n != len(in.body) {
			hints = append(hints, fmt.Sprintf("Content-Length says %d bytes but the body given has %d: it is not the body that was sent", n, len(in.body)))
		}
	}
	return hints
}

// ---- Standard Webhooks ----

// standardKeys are the keys a Standard Webhooks sender may have used for each secret: for a
// whsec_ secret (or one without a prefix) the decoded HMAC key, and by mistake the secret's text
// with or without whsec_; for a whsk_ or whpk_ key the ed25519 public key that checks v1a
// entries.
func standardKeys(secrets []string) (keys, textual [][]byte, public []ed25519.PublicKey) {
	for _, s := range secrets {
		switch t := strings.TrimSpace(s); {
		case strings.HasPrefix(t, verify.StandardPrivateKeyPrefix):
			if k, err := verify.ParseStandardPrivateKey(t); err == nil {
				public = append(public, k.Public().(ed25519.PublicKey))
			}
			continue
		case strings.HasPrefix(t, verify.StandardPublicKeyPrefix):
			if k, err := verify.ParseStandardPublicKey(t); err == nil {
				public = append(public, k)
			}
			continue
		}
		if k, err := verify.ParseStandardSecret(s); err == nil {
			keys = append(keys, k)
		}
		textual = append(textual, []byte(s))
		if t := strings.TrimPrefix(s, verify.StandardSecretPrefix); t != s {
			textual = append(textual, []byte(t))
		}
	}
	return keys, textual, public
}

// standardEntries are the signatures of webhook-signature's entries, whatever their version:
// those that decode to 32 bytes (an HMAC-SHA256, v1) and those that decode to 64 bytes (an
// ed25519 signature, v1a), from base64 or by mistake hex, and a hint when the value is written
// wrongly.
func standardEntries(value string) (macs, sigs [][]byte, formHint string) {
	for entry := range strings.FieldsSeq(value) {
		version, b64, ok := strings.Cut(entry, ",")
		switch {
		case !ok && (strings.HasPrefix(entry, "v1=") || strings.HasPrefix(entry, "v1a=")):
			version, b64, _ = strings.Cut(entry, "=")
			formHint = fmt.Sprintf("webhook-signature entries are written %s,<base64>, with a comma, not %s=<base64>", version, version)
		case !ok:
			formHint = "webhook-signature entries are written v1,<base64> or v1a,<base64>; this one has no version"
			b64 = entry
		case version != "v1" && version != "v1a":
			formHint = fmt.Sprintf("webhook-signature holds a %s entry; this scheme reads v1 and v1a entries", version)
		}
		if b, err := hex.DecodeString(b64); err == nil && (len(b) == sha256.Size || len(b) == ed25519.SignatureSize) {
			formHint = "webhook-signature holds a hex signature; Standard Webhooks writes it in base64"
			if len(b) == sha256.Size {
				macs = append(macs, b)
			} else {
				sigs = append(sigs, b)
			}
			continue
		}
		if b, ok := decodeAnyBase64(b64); ok {
			switch len(b) {
			case sha256.Size:
				macs = append(macs, b)
			case ed25519.SignatureSize:
				sigs = append(sigs, b)
			}
		}
	}
	return macs, sigs, formHint
}

// diagStandard explains a Standard Webhooks failure.
func diagStandard(in diagInput) []string {
	var hints, missing []string
	for _, name := range []string{verify.HeaderWebhookID, verify.HeaderWebhookTimestamp, verify.HeaderWebhookSignature} {
		if len(in.header.Values(name)) == 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		hints = missingHint(missing, in.header, "")
		for _, name := range sortedHeaderNames(in.header) {
			if strings.HasPrefix(name, "Svix-") {
				hints = append(hints, "the Svix-* headers are Standard Webhooks under Svix's names: send them as webhook-id, webhook-timestamp and webhook-signature")
				break
			}
		}
		return hints
	}
	id := strings.TrimSpace(in.header.Get(verify.HeaderWebhookID))
	ts := strings.TrimSpace(in.header.Get(verify.HeaderWebhookTimestamp))
	sig := in.header.Get(verify.HeaderWebhookSignature)
	macs, sigs, formHint := standardEntries(sig)
	keys, textual, public := standardKeys(in.secrets)
	signed := []byte(id + "." + ts + ".")
	exact := append(slices.Clip(signed), in.body...)

	macMatches := func(keys [][]byte, content []byte) bool {
		for _, k := range keys {
			want := computeMAC(verify.SHA256, k, content)
			for _, m := range macs {
				if hmac.Equal(m, want) {
					return true
				}
			}
		}
		return false
	}
	// matches reports whether a v1 entry is the HMAC of content with a secret, or a v1a entry
	// its ed25519 signature with a public key.
	matches := func(content []byte) bool {
		if macMatches(keys, content) {
			return true
		}
		for _, pub := range public {
			for _, s := range sigs {
				if ed25519.Verify(pub, content, s) {
					return true
				}
			}
		}
		return false
	}

	if isTimestampErr(in.err) || (errors.Is(in.err, verify.ErrMalformed) && strings.Contains(in.err.Error(), verify.HeaderWebhookTimestamp)) {
		hints = timestampHint(verify.HeaderWebhookTimestamp, ts, in.now, in.toleranceOf())
		if isTimestampErr(in.err) && matches(exact) {
			hints = append(hints, "the signature itself matches: only the time is out of the tolerance")
		}
		return hints
	}
	if formHint != "" {
		hints = append(hints, formHint)
	}
	switch {
	case len(macs) == 0 && len(sigs) == 0:
		return append(hints, "webhook-signature holds space-separated entries v1,<base64 HMAC-SHA256> or v1a,<base64 ed25519 signature>")
	case len(macs) == 0 && len(public) == 0:
		return append(hints, "webhook-signature holds only v1a entries, ed25519 signatures: check them with the sender's whpk_ public key "+
			"(a whsec_ secret checks v1 entries)")
	case len(sigs) == 0 && len(keys) == 0:
		return append(hints, "webhook-signature holds only v1 entries, HMAC-SHA256 signatures: check them with the sender's whsec_ secret "+
			"(a whpk_ public key checks v1a entries)")
	}
	variants := append([]bodyVariant{{exact, ""}}, newlineVariants(string(signed), in.body)...)
	variants = append(variants, bodyVariant{in.body,
		"the signature covers the body alone; Standard Webhooks signs <webhook-id>.<webhook-timestamp>.<body>"})
	for _, v := range variants {
		if matches(v.content) {
			switch {
			case v.what != "":
				hints = append(hints, v.what)
			case formHint != "":
				hints = append(hints, "the signature in it is right for this body and secret: only its form is wrong")
			}
			return hints
		}
	}
	if macMatches(textual, exact) || macMatches(textual, in.body) {
		return append(hints, "the sender keyed the HMAC with the secret's text; Standard Webhooks keys it with the bytes the base64 after whsec_ decodes to")
	}
	hints = append(hints, "the signature is well formed but matches neither <webhook-id>.<webhook-timestamp>.<body> nor the body alone "+
		"with the secret given: another secret, or other bytes (a re-encoded JSON body changes the bytes)")
	hints = append(hints, bodyMismatchHints(in)...)
	if n := len(keys) + len(public); n > 1 {
		hints = append(hints, fmt.Sprintf("checked with each of the %d secrets given", n))
	}
	return hints
}

// ---- credentials: Basic, Bearer, JWT, API key, URL token ----

// authScheme is the scheme word Authorization holds for a scheme of this command.
func authScheme(scheme string) string {
	if scheme == schemeBasic {
		return "Basic"
	}
	return "Bearer"
}

// diagAuthorization explains a failure of a scheme that reads Authorization.
func diagAuthorization(in diagInput) []string {
	want := authScheme(in.scheme)
	values := in.header.Values("Authorization")
	if len(values) == 0 {
		hints := missingHint([]string{"Authorization"}, in.header, "")
		if in.scheme == schemeBasic {
			hints = append(hints, "this scheme expects Authorization: Basic <base64 of user:password>")
		} else {
			hints = append(hints, "this scheme expects Authorization: Bearer <token>")
		}
		return hints
	}
	if len(values) > 1 {
		return []string{fmt.Sprintf("Authorization was sent %d times; a delivery carries one", len(values))}
	}
	value := strings.TrimSpace(values[0])
	word, rest, _ := strings.Cut(value, " ")
	rest = strings.TrimSpace(rest)
	if !strings.EqualFold(word, want) {
		switch {
		case rest == "":
			return []string{fmt.Sprintf("Authorization holds a value with no scheme word; this scheme expects %q before it", want+" ")}
		case strings.EqualFold(word, "Basic") || strings.EqualFold(word, "Bearer"):
			got := "a " + strings.ToUpper(word[:1]) + strings.ToLower(word[1:])
			hint := fmt.Sprintf("Authorization holds %s credential; this scheme expects %s", got, want)
			if strings.EqualFold(word, "Bearer") && in.scheme == schemeBasic {
				if looksLikeJWT(rest) {
					hint += " (--scheme jwt checks it)"
				} else {
					hint += " (--scheme bearer checks it)"
				}
			} else if strings.EqualFold(word, "Basic") {
				hint += " (--scheme basic checks it)"
			}
			return []string{hint}
		default:
			return []string{fmt.Sprintf("Authorization holds a %s credential; this scheme expects %s", word, want)}
		}
	}
	if rest == "" {
		return nil // "has an empty ... value" says it all
	}
	switch in.scheme {
	case schemeBasic:
		return diagBasic(in, rest)
	case schemeBearer:
		hints := compareToken("the Bearer token", rest, in.secrets)
		if looksLikeJWT(rest) {
			hints = append(hints, "the Bearer token is a JWT: --scheme jwt checks its signature with the secret")
		}
		return hints
	}
	return diagJWT(in, rest)
}

// diagBasic explains Basic credentials that did not pass.
func diagBasic(in diagInput, payload string) []string {
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		if b, ok := decodeAnyBase64(payload); ok && strings.Contains(string(b), ":") {
			return []string{"the Basic credentials are URL-safe or unpadded base64; Basic uses standard padded base64"}
		}
		if strings.Contains(payload, ":") {
			return []string{"the Basic credentials are user:password in clear text; Basic sends the base64 of user:password"}
		}
		return []string{"the Basic credentials are not base64; Basic sends the base64 of user:password"}
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return []string{"the Basic credentials decode to text with no colon; Basic sends the base64 of user:password"}
	}
	var hints []string
	userKnown := false
	for _, s := range in.secrets {
		wantUser, wantPass, ok := strings.Cut(s, ":")
		if !ok {
			continue
		}
		switch {
		case user == wantUser && pass == wantPass:
			return nil
		case strings.TrimSpace(user) == strings.TrimSpace(wantUser) && strings.TrimSpace(pass) == strings.TrimSpace(wantPass):
			return []string{"the user name and password match a secret given once surrounding whitespace is removed " +
				"(a newline in the secret or in what was encoded, as echo adds one?)"}
		case user == wantUser:
			userKnown = true
		}
	}
	if userKnown {
		hints = append(hints, "the user name matches a secret given; the password does not")
	} else {
		hints = append(hints, "the user name is not the one of any secret given (the secret is user:password)")
	}
	return hints
}

// looksLikeJWT reports whether tok has the shape of a JWT: three base64url parts joined by
// dots, the first a JSON header.
func looksLikeJWT(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	head, err := base64.RawURLEncoding.DecodeString(parts[0])
	return err == nil && json.Valid(head)
}

// jwtParts decodes a token's header and claims without checking it.
func jwtParts(tok string) (head map[string]any, claims map[string]any, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, nil, false
	}
	for i, dst := range []*map[string]any{&head, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[i], "="))
		if err != nil || json.Unmarshal(b, dst) != nil {
			return nil, nil, false
		}
	}
	return head, claims, true
}

// claimTime reads a NumericDate claim.
func claimTime(claims map[string]any, name string) (time.Time, bool) {
	f, ok := claims[name].(float64)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}

// diagJWT explains a JWT that did not pass.
func diagJWT(in diagInput, tok string) []string {
	head, claims, ok := jwtParts(tok)
	if !ok {
		return []string{"the Bearer token is not a JWT (three base64url parts joined by dots, a JSON header and claims); " +
			"--scheme bearer checks an opaque token"}
	}
	alg, _ := head["alg"].(string)
	if strings.EqualFold(alg, "none") {
		return []string{"the token is unsigned (alg none), which is never accepted"}
	}
	if alg != "" && alg != in.jwtAlg {
		return []string{fmt.Sprintf("the token is signed with %s; this verifier accepts %s (--jwt-alg %s)", alg, in.jwtAlg, alg)}
	}
	switch {
	case errors.Is(in.err, verify.ErrTooOld):
		if exp, ok := claimTime(claims, "exp"); ok {
			hint := fmt.Sprintf("the token expired at %s, %s before the clock", exp.Format(time.RFC3339), spanText(in.now.Unix()-exp.Unix()))
			if iat, ok := claimTime(claims, "iat"); ok {
				hint += fmt.Sprintf("; was it replayed from a capture? use --now to check it at the time it was sent: --now %d", iat.Unix())
			}
			return []string{hint}
		}
	case errors.Is(in.err, verify.ErrTooNew):
		for _, name := range []string{"nbf", "iat"} {
			if t, ok := claimTime(claims, name); ok && t.After(in.now) {
				return []string{fmt.Sprintf("the token's %s is %s, %s ahead of the clock: is the sender's clock or this machine's wrong, or --now too early?",
					name, t.Format(time.RFC3339), spanText(t.Unix()-in.now.Unix()))}
			}
		}
	case errors.Is(in.err, verify.ErrInvalid):
		if strings.HasPrefix(alg, "HS") {
			return []string{"the token's signature does not verify with the secret given: it was signed with another secret"}
		}
		return []string{fmt.Sprintf("the token's %s signature does not verify with the public key of --jwt-key", alg)}
	}
	return nil
}

// diagAPIKey explains an API key that did not pass.
func diagAPIKey(in diagInput) []string {
	name := in.apiKeyHeader
	values := in.header.Values(name)
	switch len(values) {
	case 0:
		return missingHint([]string{name}, in.header, "--api-key-header")
	case 1:
		if strings.TrimSpace(values[0]) == "" {
			return nil
		}
		return compareToken("the key in "+name, strings.TrimSpace(values[0]), in.secrets)
	}
	return []string{fmt.Sprintf("%s was sent %d times; a delivery carries one", name, len(values))}
}

// diagURLToken explains a URL token that did not pass.
func diagURLToken(in diagInput) []string {
	param := in.tokenParam
	var q url.Values
	if in.url != nil {
		q = in.url.Query()
	}
	values := q[param]
	switch len(values) {
	case 0:
		hints := []string{fmt.Sprintf("expected the token in the query parameter %s of the URL (%s)", param, urlShape(in.url))}
		var names []string
		for name := range q {
			names = append(names, name)
		}
		slices.Sort(names)
		if len(names) == 0 {
			hints = append(hints, "give the URL the delivery was sent to with --url, or as the request line of --headers")
		}
		for _, name := range names {
			if similarHeader(param, name) {
				hints = append(hints, fmt.Sprintf("did you mean the query parameter %s? (--token-param %s reads it)", name, name))
			}
		}
		return hints
	case 1:
		if values[0] == "" {
			return nil
		}
		return compareToken("the token in the URL", values[0], in.secrets)
	}
	return nil
}

// compareToken explains a credential (what names it) that is none of the secrets: it may be
// one of them but for whitespace, case, a + read as a space, or base64.
func compareToken(what, got string, secrets []string) []string {
	for _, s := range secrets {
		switch {
		case got == s:
			return nil
		case strings.TrimSpace(got) == strings.TrimSpace(s):
			return []string{what + " matches a secret given once surrounding whitespace is removed (a newline from echo or a file?)"}
		case strings.EqualFold(got, s):
			return []string{what + " matches a secret given but for upper and lower case"}
		case strings.ReplaceAll(got, " ", "+") == s:
			return []string{what + " matches a secret given once its spaces are read as +: the sender did not URL-encode it"}
		}
		if b, ok := decodeAnyBase64(got); ok && string(b) == s {
			return []string{what + " is the base64 of a secret given; the sender must send the secret itself"}
		}
	}
	n := len(secrets)
	if n == 1 {
		return []string{what + " is not the secret given: check which one the provider is configured with"}
	}
	return []string{fmt.Sprintf("%s is none of the %d secrets given: check which one the provider is configured with", what, n)}
}

// urlShape is u with the value of every query parameter replaced by REDACTED, so that a
// token sent under another name is not printed either.
func urlShape(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	q := c.Query()
	for name := range q {
		q[name] = []string{verify.Redacted}
	}
	c.RawQuery = q.Encode()
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}
