package main

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/inspecthook/inspecthook/verify"
)

func init() {
	extraCommands = append(extraCommands, (*app).signCommand, (*app).verifyCommand)
}

// defaultDeliveryURL is the URL sign signs for and verify checks against when --url is not
// given; only url-token reads it.
const defaultDeliveryURL = "http://127.0.0.1/"

// signOutput is what "sign --json" prints: the headers the signer set, one value each, and the
// URL the delivery goes to (with the token in it, for url-token).
type signOutput struct {
	Headers map[string]string `json:"headers"`
	URL     string            `json:"url"`
}

// signOptions are the flags of sign beside the scheme flags.
type signOptions struct {
	url      string
	curl     string
	bodyFile string
	asJSON   bool
	now      string
}

func (a *app) signCommand() *cobra.Command {
	var (
		flags authFlags
		opts  signOptions
	)
	cmd := &cobra.Command{
		Use:   "sign provider",
		Short: "Print the headers a provider would send with a body",
		Long: `sign reads a body on standard input (or from --body FILE), byte for byte, and prints the
headers the provider would send with it, signed with the secret of --secret or INSPECTHOOK_SECRET
exactly as the SDK's signers sign: one "Name: value" line each, sorted. For url-token, which puts
its token in the URL, it prints the signed URL on a line "URL: ..." (sign the URL you will send
to with --url). verify reads this output back with --headers.

The scheme is the provider's own unless --scheme says otherwise: safetyculture and vehreports
sign an HMAC of the body, record360 sends a Bearer token, inspectorio HTTP Basic. With
standard-webhooks the secret's prefix chooses the version: a whsec_ secret signs v1 (an
HMAC-SHA256), a whsk_ private key signs v1a (ed25519), whose whpk_ public key is what verify
and listen need. Signed timestamps (standard-webhooks, hmac with --timestamp-header) and JWTs
are made from the clock and go stale after the tolerance (5 minutes by default).

The output carries credentials, so treat it as you treat the secret: the secret itself is never
printed, but for bearer, api-key and url-token the credential sent is the secret, and for basic
the Authorization header is the base64 of user:password, as the provider sends them.`,
		Example: `  # the signature SafetyCulture would send with a body
  printf '{"event":"ping"}' | inspecthook sign safetyculture --secret s3cret

  # Standard Webhooks, as JSON for a script
  INSPECTHOOK_SECRET=whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
    inspecthook sign inspectorio --scheme standard-webhooks --json < body.json

  # Standard Webhooks v1a: sign with the private key, check with the public key
  inspecthook sign inspectorio --scheme standard-webhooks \
    --secret whsk_aW5zcGVjdGhvb2stdjFhLWV4YW1wbGUtc2VlZC0wMDE= < body.json > headers.txt
  inspecthook verify inspectorio --scheme standard-webhooks \
    --secret whpk_l/t+/9ImNa3Y2hjhAmV/1Ppr+rRdByxhj9+ucvHS9hY= --headers headers.txt < body.json

  # a ready curl command that sends body.json as vehReports would
  inspecthook sign vehreports --secret s3cret --body body.json --curl http://127.0.0.1:8080/webhooks

  # sign, then check the headers again
  inspecthook sign safetyculture --secret s3cret < body.json > headers.txt
  inspecthook verify safetyculture --secret s3cret --headers headers.txt < body.json`,
		Args:              exactArgs(1, "one provider"),
		ValidArgsFunction: completeProviders,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runSign(args[0], &flags, opts, cmd.Flags().Changed("url"))
		},
	}
	fs := cmd.Flags()
	flags.register(fs, a.getenv, "the secret to sign with (only the first of several is used)")
	fs.StringVar(&opts.url, "url", defaultDeliveryURL, "the URL the delivery is sent to (url-token puts its token in it)")
	fs.StringVar(&opts.curl, "curl", "", "print a curl command that sends the body, signed, to `URL`")
	fs.StringVar(&opts.bodyFile, "body", "", "read the body from `FILE` instead of standard input")
	fs.BoolVar(&opts.asJSON, "json", false, `print JSON: {"headers": {...}, "url": "..."}`)
	fs.StringVar(&opts.now, "now", "", "sign at this `time` (RFC 3339 or Unix seconds) instead of the clock: reproducible timestamps and tokens")
	return cmd
}

// runSign signs the body for the provider named name and prints what the signer set.
func (a *app) runSign(name string, flags *authFlags, opts signOptions, urlGiven bool) error {
	p, err := lookupProvider(name)
	if err != nil {
		return err
	}
	if opts.curl != "" && opts.asJSON {
		return usagef("--curl prints a command, --json prints JSON: choose one")
	}
	target := opts.url
	if opts.curl != "" {
		if urlGiven && opts.url != opts.curl {
			return usagef("--curl sends to its own URL: give --url or --curl, not both")
		}
		target = opts.curl
	}
	u, err := parseDeliveryURL(target)
	if err != nil {
		return err
	}
	var clock func() time.Time
	if opts.now != "" {
		at, err := parseNowFlag(opts.now)
		if err != nil {
			return err
		}
		clock = func() time.Time { return at }
	}
	s, err := flags.signer(p, clock)
	if err != nil {
		return err
	}
	// A JWT signer is no Verifier and needs no body; every other signer is its own verifier.
	needed := false
	if v, ok := s.(verify.Verifier); ok {
		needed = verify.NeedsBody(v)
	}
	body, err := a.deliveryBody(opts.bodyFile, needed)
	if err != nil {
		return err
	}
	r := &http.Request{Method: http.MethodPost, URL: u, Header: http.Header{}}
	if err := s.Sign(r, body); err != nil {
		return err
	}
	out := signOutput{Headers: map[string]string{}, URL: r.URL.String()}
	for _, k := range sortedHeaderNames(r.Header) {
		out.Headers[k] = strings.Join(r.Header[k], ", ")
	}
	scheme, _ := flags.schemeFor(p)
	switch {
	case opts.curl != "":
		_, err = io.WriteString(a.stdout, curlCommand(out, opts.bodyFile)+"\n")
		return err
	case opts.asJSON:
		return writeJSON(a.stdout, out)
	}
	pal := a.palette(a.stdout)
	var b strings.Builder
	for _, k := range sortedHeaderNames(r.Header) {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", pal.bold(k), v)
		}
	}
	if scheme == schemeURLToken {
		fmt.Fprintf(&b, "%s: %s\n", pal.bold("URL"), out.URL)
	}
	_, err = io.WriteString(a.stdout, b.String())
	return err
}

// curlCommand is a shell command that sends the body with the signed headers: the body comes
// from bodyFile, or from standard input when it is "" or "-". The content type is JSON, as the
// providers send it and as the SDK's receiver requires.
func curlCommand(out signOutput, bodyFile string) string {
	parts := []string{"curl", "-X", "POST", curlQuote(out.URL), "-H", curlQuote("Content-Type: application/json")}
	for _, k := range slices.Sorted(maps.Keys(out.Headers)) {
		parts = append(parts, "-H", curlQuote(k+": "+out.Headers[k]))
	}
	data := "@-"
	if bodyFile != "" && bodyFile != "-" {
		data = "@" + bodyFile
	}
	parts = append(parts, "--data-binary", curlQuote(data))
	return strings.Join(parts, " ")
}

// curlQuote quotes s for a POSIX shell when it holds anything but plain characters.
func curlQuote(s string) string {
	plain := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@,+=%", c)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sortedHeaderNames are the names of h, sorted.
func sortedHeaderNames(h http.Header) []string {
	return slices.Sorted(maps.Keys(h))
}

// parseDeliveryURL parses the URL of --url or --curl: an absolute http or https URL.
func parseDeliveryURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("%q is not an http:// or https:// URL", s)
	}
	return u, nil
}

// deliveryBody reads the body byte for byte, never trimming it: from file, or from standard
// input when file is "" or "-". When standard input is a terminal and the scheme does not need
// the body, it reads nothing rather than wait for one; when it does need it, it says so on
// standard error first.
func (a *app) deliveryBody(file string, needed bool) ([]byte, error) {
	if file != "" && file != "-" {
		body, err := os.ReadFile(file)
		if err != nil {
			return nil, usagef("--body: %v", err)
		}
		return body, nil
	}
	if a.stdin == nil {
		return nil, nil
	}
	if f, ok := a.stdin.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		if !needed {
			return nil, nil
		}
		fmt.Fprintln(a.stderr, "inspecthook: reading the body from standard input (end it with Ctrl-D, or use --body FILE)")
	}
	body, err := io.ReadAll(a.stdin)
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return body, nil
}
