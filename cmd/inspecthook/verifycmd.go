package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/inspecthook/inspecthook/verify"
)

// verifyOptions are the flags of verify beside the scheme flags.
type verifyOptions struct {
	headers     []string // --header, "Name: value" each
	headersFile string   // --headers
	url         string
	now         string
	bodyFile    string
	asJSON      bool
}

// verifyResult is what "verify --json" prints.
type verifyResult struct {
	Authentic bool     `json:"authentic"`
	Scheme    string   `json:"scheme"`
	Error     string   `json:"error,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	Hints     []string `json:"hints"`
}

func (a *app) verifyCommand() *cobra.Command {
	var (
		flags authFlags
		opts  verifyOptions
	)
	cmd := &cobra.Command{
		Use:   "verify provider",
		Short: "Say whether a delivery is authentic, and if not, why",
		Long: `verify checks one delivery exactly as the SDK's verifiers do, from its headers (--header,
repeatable, or --headers FILE), its body (standard input, or --body FILE, read byte for byte)
and, for url-token, its URL (--url). It prints "authentic" and exits 0, or "not authentic"
with the reason and what it could find out about it, and exits 1: the "why do I get 401" tool.

The explanation goes beyond the verifier's error, using the secret you give (which is never
printed): a missing header is named, with the headers that were sent instead and the one that
looks like it; an HMAC is recomputed for the exact body and compared with what was sent in other
encodings, with and without a prefix, over the body with and without a trailing newline; a
Standard Webhooks signature is checked over the body alone too (v1 entries with a whsec_
secret, v1a entries with a whpk_ public key or a whsk_ private key); a timestamp out of the
tolerance is measured; a credential of the wrong kind is told apart from a wrong one.

--headers reads "Name: value" lines, such as a copy from a request log or the output of sign:
a first request line ("POST /path?token=... HTTP/1.1") or a "URL: ..." line gives the URL when
--url is not set, and a blank line ends the headers. Give --now (RFC 3339 or Unix seconds) to
check a captured delivery at the time it was sent.

Exit status: 0 authentic, 1 not authentic, 2 usage error.`,
		Example: `  # is this SafetyCulture delivery authentic?
  inspecthook verify safetyculture --secret s3cret \
    --header 'X-SafetyCulture-Signature: 599ce8d453f5...' < body.json

  # headers copied from a request log, checked at the time they were sent
  INSPECTHOOK_SECRET=whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
    inspecthook verify inspectorio --scheme standard-webhooks \
    --headers captured.txt --now 2024-05-01T12:00:00Z < body.json

  # Standard Webhooks v1a (ed25519): the sender's whpk_ public key is all verify needs
  inspecthook verify inspectorio --scheme standard-webhooks \
    --secret whpk_l/t+/9ImNa3Y2hjhAmV/1Ppr+rRdByxhj9+ucvHS9hY= --headers captured.txt < body.json

  # a URL token, for a script
  inspecthook verify record360 --scheme url-token --secret t0ken \
    --url 'https://example.com/webhooks?token=t0ken' --json`,
		Args:              exactArgs(1, "one provider"),
		ValidArgsFunction: completeProviders,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runVerify(args[0], &flags, opts, cmd.Flags().Changed("url"))
		},
	}
	fs := cmd.Flags()
	flags.register(fs, a.getenv, "a secret to check with (repeat it while a provider rotates: any of them passes)")
	fs.StringArrayVarP(&opts.headers, "header", "H", nil, "a header of the delivery as `'Name: value'`; repeat it for more")
	fs.StringVar(&opts.headersFile, "headers", "", "read the delivery's headers from `FILE`, one \"Name: value\" a line")
	fs.StringVar(&opts.url, "url", defaultDeliveryURL, "the URL the delivery was sent to (url-token reads its token there)")
	fs.StringVar(&opts.now, "now", "", "check at this `time` (RFC 3339 or Unix seconds) instead of the clock")
	fs.StringVar(&opts.bodyFile, "body", "", "read the body from `FILE` instead of standard input")
	fs.BoolVar(&opts.asJSON, "json", false, `print JSON: {"authentic": ..., "error": ..., "reason": ..., "hints": [...]}`)
	return cmd
}

// runVerify checks the delivery for the provider named name and prints the verdict.
func (a *app) runVerify(name string, flags *authFlags, opts verifyOptions, urlGiven bool) error {
	p, err := lookupProvider(name)
	if err != nil {
		return err
	}
	now := time.Now()
	if opts.now != "" {
		if now, err = parseNowFlag(opts.now); err != nil {
			return err
		}
	}
	clock := func() time.Time {
		if opts.now != "" {
			return now
		}
		return time.Now()
	}
	v, err := flags.verifier(p, clock)
	if err != nil {
		return err
	}
	header, target, err := deliveryHeaders(opts.headersFile, opts.headers)
	if err != nil {
		return err
	}
	rawURL := opts.url
	if !urlGiven && target != "" {
		rawURL = target
	}
	u, err := parseDeliveryURL(rawURL)
	if err != nil {
		return err
	}
	body, err := a.deliveryBody(opts.bodyFile, verify.NeedsBody(v))
	if err != nil {
		return err
	}
	r := &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Header: header}
	verr := v.Verify(r, body)

	res := verifyResult{Authentic: verr == nil, Scheme: describeVerifier(v), Hints: []string{}}
	if verr != nil {
		in, err := diagnosisFor(p, flags, r, body, clock(), verr)
		if err != nil {
			return err
		}
		res.Error = verr.Error()
		res.Reason = reason(http.StatusUnauthorized, verr)
		res.Hints = append(res.Hints, diagnose(in)...)
	}
	if opts.asJSON {
		if err := writeJSON(a.stdout, res); err != nil {
			return err
		}
	} else {
		pal := a.palette(a.stdout)
		var b strings.Builder
		if res.Authentic {
			fmt.Fprintf(&b, "%s (%s)\n", pal.green("authentic"), res.Scheme)
		} else {
			fmt.Fprintf(&b, "%s: %s\n", pal.red("not authentic"), res.Reason)
			for _, h := range res.Hints {
				fmt.Fprintf(&b, "  - %s\n", h)
			}
		}
		if _, err := io.WriteString(a.stdout, b.String()); err != nil {
			return err
		}
	}
	if !res.Authentic {
		return errReported
	}
	return nil
}

// diagnosisFor gathers what diagnose needs from the flags and the rebuilt request.
func diagnosisFor(p providerInfo, flags *authFlags, r *http.Request, body []byte, now time.Time, verr error) (diagInput, error) {
	scheme, err := flags.schemeFor(p)
	if err != nil {
		return diagInput{}, err
	}
	secrets, err := flags.secretList()
	if err != nil {
		return diagInput{}, err
	}
	in := diagInput{
		scheme:       scheme,
		header:       r.Header,
		url:          r.URL,
		body:         body,
		err:          verr,
		secrets:      secrets,
		apiKeyHeader: http.CanonicalHeaderKey(strings.TrimSpace(flags.apiKeyHeader)),
		tokenParam:   flags.tokenParam,
		jwtAlg:       strings.ToUpper(flags.jwtAlgorithm),
		tolerance:    flags.tolerance,
		now:          now,
	}
	if scheme == schemeHMAC {
		if in.hmac, err = flags.hmacConfig(p, secrets); err != nil {
			return diagInput{}, err
		}
	}
	return in, nil
}

// describeVerifier names the verifier as its String method does, without its secrets.
func describeVerifier(v verify.Verifier) string {
	if s, ok := v.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", v)
}

// parseNowFlag reads --now: RFC 3339, or Unix seconds.
func parseNowFlag(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec >= 0 {
		return time.Unix(sec, 0).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--now %q is neither RFC 3339 (2024-05-01T12:00:00Z) nor Unix seconds", s)
}

// deliveryHeaders builds the delivery's headers: those of the file (when not ""), then those of
// the --header arguments, which replace the file's values of the same name. target is the URL
// or request target the file names, "" when it names none.
func deliveryHeaders(file string, args []string) (h http.Header, target string, err error) {
	h = http.Header{}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, "", usagef("--headers: %v", err)
		}
		if h, target, err = parseHeaderText(string(data)); err != nil {
			return nil, "", usagef("--headers %s: %v", file, err)
		}
	}
	replaced := map[string]bool{}
	for i, arg := range args {
		name, value, err := parseHeaderLine(arg)
		if err != nil {
			// The argument is not quoted: it may hold a credential.
			return nil, "", usagef("--header number %d: %v", i+1, err)
		}
		key := http.CanonicalHeaderKey(name)
		if !replaced[key] {
			h.Del(key)
			replaced[key] = true
		}
		h.Add(key, value)
	}
	return h, target, nil
}

// requestLineRE matches an HTTP request line, or the "METHOD /path" line a request log writes.
var requestLineRE = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|CONNECT|TRACE) (\S+)( HTTP/[0-9.]+)?$`)

// parseHeaderText reads "Name: value" lines, as a request log or sign prints them. A first
// request line, a "URL: ..." line or an HTTP/2 ":path" pseudo-header gives target (joined to
// the Host header or ":authority" when it is a path); "> " before a line (curl -v) is dropped;
// lines starting with # are comments; a blank line after the headers ends them, as it ends
// them in HTTP, before the body.
func parseHeaderText(text string) (http.Header, string, error) {
	h := http.Header{}
	var target, authority string
	started := false
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		line = strings.TrimPrefix(line, "> ")
		switch {
		case strings.TrimSpace(line) == "":
			if started {
				return h, joinTarget(target, authority, h), nil
			}
			continue
		case strings.HasPrefix(line, "#"):
			continue
		case !started && requestLineRE.MatchString(line):
			target = requestLineRE.FindStringSubmatch(line)[2]
			started = true
			continue
		case strings.HasPrefix(line, ":"):
			name, value, _ := strings.Cut(line[1:], ":")
			switch strings.ToLower(name) {
			case "path":
				target = strings.TrimSpace(value)
			case "authority":
				authority = strings.TrimSpace(value)
			}
			started = true
			continue
		}
		started = true
		name, value, err := parseHeaderLine(line)
		if err != nil {
			return nil, "", fmt.Errorf("line %d: %v", i+1, err)
		}
		if strings.EqualFold(name, "URL") {
			target = value
			continue
		}
		h.Add(name, value)
	}
	return h, joinTarget(target, authority, h), nil
}

// joinTarget makes a request target a URL: a path gets the host of the Host header (or of
// authority, or 127.0.0.1) and http://.
func joinTarget(target, authority string, h http.Header) string {
	if !strings.HasPrefix(target, "/") {
		return target
	}
	host := h.Get("Host")
	if host == "" {
		host = authority
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return "http://" + host + target
}

// parseHeaderLine splits "Name: value". The name must be an HTTP token; the value is trimmed.
func parseHeaderLine(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("not a header: want 'Name: value'")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", "", fmt.Errorf("a header needs a name before the colon")
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return "", "", fmt.Errorf("what stands before the colon is not a header name (no spaces or separators)")
		}
	}
	return name, strings.TrimSpace(value), nil
}
