package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/verify"
)

func init() { extraCommands = append(extraCommands, (*app).triggerCommand) }

// Limits of what trigger shows of an answer.
const (
	// triggerBodyShown is how much of an answer's body is printed; the rest is counted.
	triggerBodyShown = 2 << 10
	// triggerBodyDrained is how much more of a body is read (and discarded) so that the
	// connection can serve the next request.
	triggerBodyDrained = 4 << 20
	// triggerLineShown is how much of a body's first line labels an answer in a summary.
	triggerLineShown = 80
)

// triggerUserAgent is the User-Agent of every request trigger sends.
const triggerUserAgent = "inspecthook/trigger"

// kindFile is the kind of a body given with --file, beside the fixture kinds.
const kindFile = "file"

// triggerOptions are the flags of trigger.
type triggerOptions struct {
	auth        authFlags
	url         string
	all         bool
	file        string
	headers     []string
	timeout     time.Duration
	times       int
	concurrency int
	asJSON      bool
}

// triggerDelivery is one body to send and what it is.
type triggerDelivery struct {
	event   string // the event type, "" for a bad fixture or an unrecognised --file body
	fixture string // the fixture's file name, or the --file name ("stdin" for -)
	kind    string // a fixture kind, or kindFile
	body    []byte
	want    int // the status a receiver answers when the delivery is authentic and new; 0 for a file
}

// label names the delivery in a line of output: "TRIGGER_EVENT_X (file.json)".
func (d triggerDelivery) label() string {
	if d.event == "" {
		return "(" + d.fixture + ")"
	}
	return d.event + " (" + d.fixture + ")"
}

// triggerResult is the answer to one request, and what --json prints for it.
type triggerResult struct {
	Request       int     `json:"request,omitempty"` // --times: the request's number, from 1
	Provider      string  `json:"provider"`
	Event         string  `json:"event,omitempty"`
	Fixture       string  `json:"fixture"`
	Kind          string  `json:"kind"`
	Status        int     `json:"status"` // 0 when no answer came
	Body          string  `json:"body"`
	BodyTruncated bool    `json:"body_truncated,omitempty"`
	Error         string  `json:"error,omitempty"` // why no answer came
	DurationMS    float64 `json:"duration_ms"`
	WantStatus    int     `json:"want_status,omitempty"` // --all
	Expected      *bool   `json:"expected,omitempty"`    // --all

	duration time.Duration
	more     string // the marker of a body cut at triggerBodyShown, such as "[… 120 more bytes]"
	dialErr  bool   // the connection could not be made at all
}

// ok reports whether the answer is a success: 2xx.
func (r triggerResult) ok() bool { return r.Status >= 200 && r.Status < 300 }

// firstLine is the first line of the answer's body, cut to triggerLineShown bytes, or the error.
func (r triggerResult) firstLine() string {
	if r.Error != "" {
		return "error: " + r.Error
	}
	line, _, _ := strings.Cut(strings.TrimSpace(r.Body), "\n")
	line = strings.TrimSpace(line)
	if len(line) > triggerLineShown {
		line = line[:triggerLineShown] + "…"
	}
	return line
}

func (a *app) triggerCommand() *cobra.Command {
	var o triggerOptions
	cmd := &cobra.Command{
		Use:   "trigger provider event|fixture --url URL",
		Short: "Send a fixture to a URL, signed exactly as the provider signs",
		Long: `trigger sends a delivery to --url as the provider would: a POST of the fixture's bytes
with Content-Type application/json, signed with the provider's scheme (or the one --scheme
names) and the secret of --secret or $INSPECTHOOK_SECRET, freshly for every request. It prints
the status, the time the answer took and the answer's body (its first 2 KiB).

The event is an event type, such as inspection.created or TRIGGER_EVENT_INSPECTION_COMPLETED,
which sends that type's reference fixture, or the file name of any fixture, variants, unknown
events and bad bodies included; 'inspecthook events P' lists them. --file sends a body of your
own instead ('-' reads it from standard input).

--all sends every fixture of the provider in turn and checks each answer against what a
receiver built with the SDK answers: 200 for events, variants and unknown events, 422 for a bad
body missing a required field, 400 for any other bad body.

--times N sends the same delivery N times, --concurrency C at once, each freshly signed: the
retries and duplicates a provider sends, or a load test. A progress bar shows on a terminal,
then a summary counts the answers by status and first line of the body (so "ok" and "ok:
already received" are told apart) and gives the latencies (min, p50, p90, p99, max) and the
rate.

Extra headers (--header, repeatable) are set after signing, so they can replace what the
signer set. Redirects are not followed. The exit status is 0 when every answer is 2xx (with
--all: when every answer is the expected one), 1 otherwise or when the URL cannot be reached,
2 for a usage error.`,
		Example: `  # one event, signed with SafetyCulture's HMAC
  INSPECTHOOK_SECRET=s3cret inspecthook trigger safetyculture TRIGGER_EVENT_INSPECTION_COMPLETED --url http://127.0.0.1:8080/webhooks/safetyculture

  # a variant, or a bad body, by its fixture name
  inspecthook trigger record360 variant_v3_inspection_numeric_ids.json --url $URL --secret tok
  inspecthook trigger record360 bad_truncated.json --url $URL --secret tok

  # every fixture, checking each answer
  inspecthook trigger inspectorio --all --url $URL --secret user:password

  # Standard Webhooks instead of the provider's own scheme: v1 with a whsec_ secret ...
  inspecthook trigger inspectorio sight_report_created.json --scheme standard-webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --url $URL
  # ... or v1a, ed25519, with a whsk_ private key
  inspecthook trigger inspectorio sight_report_created.json --scheme standard-webhooks --secret whsk_aW5zcGVjdGhvb2stdjFhLWV4YW1wbGUtc2VlZC0wMDE= --url $URL

  # a body of your own
  jq '.id = "evt-42"' event.json | inspecthook trigger record360 --file - --url $URL --secret tok

  # the same event 100 times, 10 at once: one "ok", 99 duplicates
  inspecthook trigger record360 inspection.created --times 100 --concurrency 10 --url $URL --secret tok`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.all && o.file != "":
				return usagef("--all and --file cannot be combined")
			case o.all:
				return exactArgs(1, "a provider with --all")(cmd, args)
			case o.file != "":
				return rangeArgs(1, 2, "a provider and, with --file, optionally the event type it carries")(cmd, args)
			}
			return exactArgs(2, "a provider and an event type or fixture name")(cmd, args)
		},
		ValidArgsFunction: completeProviderEvents,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.trigger(cmd.Context(), &o, args)
		},
	}
	fs := cmd.Flags()
	o.auth.register(fs, a.getenv, "the secret to sign with")
	fs.StringVar(&o.url, "url", "", "the URL to send to (required)")
	fs.BoolVar(&o.all, "all", false, "send every fixture of the provider and check each answer")
	fs.StringVar(&o.file, "file", "", "send the body in this file instead of a fixture ('-' for standard input)")
	fs.StringArrayVarP(&o.headers, "header", "H", nil, "an extra header 'Name: value', set after signing (repeatable)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long to wait for each answer")
	fs.IntVar(&o.times, "times", 1, "send the delivery this many times, each freshly signed")
	fs.IntVar(&o.concurrency, "concurrency", 1, "with --times: how many requests are in flight at once")
	fs.BoolVar(&o.asJSON, "json", false, "print one JSON object per request (and a summary with --times)")
	return cmd
}

// trigger runs the command.
func (a *app) trigger(ctx context.Context, o *triggerOptions, args []string) error {
	p, err := lookupProvider(args[0])
	if err != nil {
		return err
	}
	var deliveries []triggerDelivery
	switch {
	case o.all:
		if deliveries, err = triggerAllFixtures(p); err != nil {
			return err
		}
	case o.file != "":
		event := ""
		if len(args) > 1 {
			event = args[1]
		}
		d, err := a.triggerFileDelivery(p, o.file, event)
		if err != nil {
			return err
		}
		deliveries = []triggerDelivery{d}
	default:
		d, err := triggerFindDelivery(p, args[1])
		if err != nil {
			return err
		}
		deliveries = []triggerDelivery{d}
	}

	target, err := triggerParseURL(o.url)
	if err != nil {
		return err
	}
	switch {
	case o.times < 1:
		return usagef("--times must be at least 1")
	case o.concurrency < 1:
		return usagef("--concurrency must be at least 1")
	case o.all && o.times > 1:
		return usagef("--all and --times cannot be combined: repeat one event with --times")
	case o.timeout <= 0:
		return usagef("--timeout must be positive")
	}
	extra, err := triggerParseHeaders(o.headers)
	if err != nil {
		return err
	}
	signer, err := o.auth.signer(p, nil)
	if err != nil {
		return err
	}
	s := &triggerSender{
		provider: p.name,
		client:   triggerClient(o.timeout, min(o.concurrency, o.times)),
		target:   target,
		signer:   signer,
		headers:  extra,
		redact:   triggerSecretsToRedact(&o.auth, p),
		timeout:  o.timeout,
	}
	switch {
	case o.all:
		return a.triggerAll(ctx, s, deliveries, o.asJSON)
	case o.times > 1:
		return a.triggerTimes(ctx, s, deliveries[0], o.times, min(o.concurrency, o.times), o.asJSON)
	}
	return a.triggerOnce(ctx, s, deliveries[0], o.asJSON)
}

// triggerFixtureDelivery reads fixture f's body.
func triggerFixtureDelivery(f inspecthook.Fixture) (triggerDelivery, error) {
	body, err := f.Body()
	if err != nil {
		return triggerDelivery{}, err
	}
	return triggerDelivery{event: f.Event, fixture: fixtureName(f), kind: f.Kind, body: body, want: f.WantStatus()}, nil
}

// triggerAllFixtures reads every fixture of p, in the index's order.
func triggerAllFixtures(p providerInfo) ([]triggerDelivery, error) {
	fixtures, err := p.fixtures()
	if err != nil {
		return nil, err
	}
	ds := make([]triggerDelivery, 0, len(fixtures))
	for _, f := range fixtures {
		d, err := triggerFixtureDelivery(f)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}

// triggerFindDelivery finds what name designates among p's fixtures: a fixture's file name, or
// an event type, whose reference fixture (kind event) is taken, else its first variant, else its
// first fixture of an unknown event. Names are matched exactly, else regardless of case.
func triggerFindDelivery(p providerInfo, name string) (triggerDelivery, error) {
	fixtures, err := p.fixtures()
	if err != nil {
		return triggerDelivery{}, err
	}
	for _, equal := range []func(a, b string) bool{
		func(a, b string) bool { return a == b },
		strings.EqualFold,
	} {
		for _, f := range fixtures {
			if equal(fixtureName(f), name) || equal(f.File, name) {
				return triggerFixtureDelivery(f)
			}
		}
		for _, kind := range []string{inspecthook.KindEvent, inspecthook.KindVariant, inspecthook.KindUnknown} {
			for _, f := range fixtures {
				if f.Kind == kind && equal(f.Event, name) {
					return triggerFixtureDelivery(f)
				}
			}
		}
	}
	for _, t := range p.provider.EventTypes() {
		if strings.EqualFold(t, name) {
			return triggerDelivery{}, usagef("%s has no fixture of %s: send a body of your own with --file", p.name, t)
		}
	}
	return triggerDelivery{}, usagef("%s has no event type or fixture %q: run 'inspecthook events %s' for the list", p.name, name, p.name)
}

// triggerFileDelivery reads the body of --file (standard input for "-"). event, when given,
// names its event type; otherwise the provider's decoder names it, if it can.
func (a *app) triggerFileDelivery(p providerInfo, path, event string) (triggerDelivery, error) {
	var (
		body []byte
		err  error
		name = filepath.Base(path)
	)
	if path == "-" {
		name = "stdin"
		body, err = io.ReadAll(a.stdin)
	} else {
		body, err = os.ReadFile(path)
	}
	if err != nil {
		return triggerDelivery{}, usagef("--file: %v", err)
	}
	if event == "" {
		if env, err := p.provider.Decode(body); err == nil && env != nil {
			event = env.Type
		}
	}
	return triggerDelivery{event: event, fixture: name, kind: kindFile, body: body}, nil
}

// triggerParseURL checks --url: an absolute http or https URL.
func triggerParseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, usagef("--url is required: the address to send to, such as http://127.0.0.1:8080/webhooks/safetyculture")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, usagef("--url: %v", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--url %s: not an http:// or https:// URL", u.Redacted())
	}
	return u, nil
}

// triggerParseHeaders parses the --header flags, "Name: value" each.
func triggerParseHeaders(hs []string) (http.Header, error) {
	h := http.Header{}
	for _, s := range hs {
		name, value, ok := strings.Cut(s, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !triggerIsToken(name) {
			return nil, usagef("--header %q: not 'Name: value'", s)
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			return nil, usagef("--header %s: the value holds a line break", name)
		}
		h.Add(name, value)
	}
	return h, nil
}

// triggerIsToken reports whether s is a header name: an RFC 9110 token.
func triggerIsToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// triggerSecretsToRedact lists the strings never to print: the secrets, and the password of a
// basic user:password secret.
func triggerSecretsToRedact(f *authFlags, p providerInfo) []string {
	secrets, _ := f.secretList()
	out := slices.Clone(secrets)
	if scheme, err := f.schemeFor(p); err == nil && scheme == schemeBasic {
		for _, s := range secrets {
			if _, password, ok := strings.Cut(s, ":"); ok && len(password) >= 4 {
				out = append(out, password)
			}
		}
	}
	return out
}

// triggerClient is the HTTP client of trigger: a timeout per request, idle connections for
// every worker, and no redirects followed (a provider follows none).
func triggerClient(timeout time.Duration, workers int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(workers, 2)
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// triggerSender sends deliveries to one URL, signing each request afresh.
type triggerSender struct {
	provider string
	client   *http.Client
	target   *url.URL
	signer   verify.Signer
	headers  http.Header // --header, set after signing
	redact   []string    // secrets never to print
	timeout  time.Duration
}

// send posts d once and returns the answer, or in Error why none came.
func (s *triggerSender) send(ctx context.Context, d triggerDelivery) triggerResult {
	res := triggerResult{Provider: s.provider, Event: d.event, Fixture: d.fixture, Kind: d.kind}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.target.String(), bytes.NewReader(d.body))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", triggerUserAgent)
	if err := s.signer.Sign(req, d.body); err != nil {
		res.Error = "signing: " + s.scrub(err.Error())
		return res
	}
	for name, values := range s.headers {
		if name == "Host" {
			req.Host = values[0]
			continue
		}
		req.Header[name] = values
	}

	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		res.duration = time.Since(start)
		res.DurationMS = millis(res.duration)
		res.Error, res.dialErr = s.describe(err)
		return res
	}
	shown, err := io.ReadAll(io.LimitReader(resp.Body, triggerBodyShown))
	var rest int64
	if err == nil {
		rest, err = io.Copy(io.Discard, io.LimitReader(resp.Body, triggerBodyDrained))
	}
	resp.Body.Close()
	res.duration = time.Since(start)
	res.DurationMS = millis(res.duration)
	res.Status = resp.StatusCode
	res.Body = s.scrub(string(shown))
	switch {
	case rest >= triggerBodyDrained:
		res.BodyTruncated, res.more = true, fmt.Sprintf("[… more than %d bytes not shown]", rest)
	case rest > 0:
		res.BodyTruncated, res.more = true, fmt.Sprintf("[… %d more bytes not shown]", rest)
	}
	if err != nil {
		res.Error, _ = s.describe(err)
		res.Error = "reading the answer: " + res.Error
	}
	return res
}

// describe says in plain words why a request got no answer; dial reports that no connection
// could be made. It never quotes the request's URL, which may hold a URL token.
func (s *triggerSender) describe(err error) (msg string, dial bool) {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var op *net.OpError
	dial = errors.As(err, &op) && op.Op == "dial"
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "connection refused: nothing listens at " + s.target.Host
	case errors.As(err, &dnsErr):
		dial = true
		msg = "cannot resolve " + s.target.Hostname() + ": " + dnsErr.Err
	case errors.Is(err, context.Canceled):
		msg = "interrupted"
	case errors.Is(err, context.DeadlineExceeded) || triggerIsTimeout(err):
		msg = fmt.Sprintf("no answer within %s (--timeout)", s.timeout)
	default:
		msg = err.Error()
	}
	return s.scrub(msg), dial
}

// triggerIsTimeout reports whether err is a network timeout.
func triggerIsTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// scrub replaces every secret in s.
func (s *triggerSender) scrub(text string) string {
	for _, secret := range s.redact {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, verify.Redacted)
		}
	}
	return text
}

// statusText is "200 OK", or "---" when no answer came.
func (r triggerResult) statusText() string {
	if r.Status == 0 {
		return "---"
	}
	return strings.TrimSpace(strconv.Itoa(r.Status) + " " + http.StatusText(r.Status))
}

// triggerOnce sends d once and prints the answer.
func (a *app) triggerOnce(ctx context.Context, s *triggerSender, d triggerDelivery, asJSON bool) error {
	res := s.send(ctx, d)
	if asJSON {
		if err := writeJSON(a.stdout, res); err != nil {
			return err
		}
	}
	if res.Status == 0 {
		return fmt.Errorf("cannot send to %s: %s", s.target.Redacted(), res.Error)
	}
	if !asJSON {
		pal := a.palette(a.stdout)
		fmt.Fprintf(a.stdout, "%s  %s %s  %s\n", pal.status(res.Status, res.statusText()), s.provider, d.label(), humanDuration(res.duration))
		if res.Body != "" {
			fmt.Fprint(a.stdout, res.Body)
			if !strings.HasSuffix(res.Body, "\n") {
				fmt.Fprintln(a.stdout)
			}
		}
		if res.more != "" {
			fmt.Fprintln(a.stdout, pal.dim(res.more))
		}
		if res.Error != "" {
			fmt.Fprintln(a.stderr, "inspecthook:", res.Error)
		}
	}
	if !res.ok() {
		return errReported
	}
	return nil
}

// triggerAll sends every delivery in turn, one line (or JSON object) each, and says how many
// got the expected answer.
func (a *app) triggerAll(ctx context.Context, s *triggerSender, ds []triggerDelivery, asJSON bool) error {
	pal := a.palette(a.stdout)
	width := 0
	for _, d := range ds {
		width = max(width, len(d.fixture))
	}
	sent, expected := 0, 0
	for _, d := range ds {
		if ctx.Err() != nil {
			break
		}
		res := s.send(ctx, d)
		sent++
		isExpected := res.Status == d.want
		if isExpected {
			expected++
		}
		if asJSON {
			res.WantStatus, res.Expected = d.want, &isExpected
			if err := writeJSON(a.stdout, res); err != nil {
				return err
			}
		} else {
			status := strconv.Itoa(res.Status)
			if res.Status == 0 {
				status = "---"
			}
			// "expected" and "want 400" have the same width.
			verdict, note := pal.green("expected"), ""
			if !isExpected {
				verdict = pal.red(fmt.Sprintf("want %d", d.want))
				note = "  " + res.firstLine()
			}
			dur := humanDuration(res.duration)
			if note != "" {
				dur = triggerPadRight(dur, 7)
			}
			fmt.Fprintf(a.stdout, "%-7s  %s  %s  %-*s  %s%s\n",
				d.kind, pal.status(res.Status, status), verdict, width, d.fixture, dur, note)
		}
		if res.dialErr {
			fmt.Fprintf(a.stderr, "inspecthook: cannot send to %s: %s; stopped after %d of %d\n",
				s.target.Redacted(), res.Error, sent, len(ds))
			break
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted after %d of %d fixtures", sent, len(ds))
	}
	if !asJSON {
		summary := fmt.Sprintf("%d sent, %d as expected", sent, expected)
		if sent < len(ds) {
			summary += fmt.Sprintf(" (%d not sent)", len(ds)-sent)
		}
		if expected == len(ds) {
			summary = pal.green(summary)
		} else {
			summary = pal.red(summary)
		}
		fmt.Fprintln(a.stdout, summary)
	}
	if expected != len(ds) {
		return errReported
	}
	return nil
}

// triggerPadRight pads s with spaces to n characters (µ is one character and two bytes).
func triggerPadRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

// triggerAnswer is one kind of answer in the summary of --times: a status and the first line of
// the body (or the error when no answer came), how many requests got it and the first that did.
type triggerAnswer struct {
	Status int    `json:"status"`
	Body   string `json:"body"` // first line of the body, or "error: ..." when no answer came
	Count  int    `json:"count"`
	First  int    `json:"first"` // the number of the first request answered so
}

// triggerLatencies are the percentiles of the answers' latencies, in milliseconds.
type triggerLatencies struct {
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// triggerSummary is the summary of --times, as --json prints it (under "summary").
type triggerSummary struct {
	Provider          string            `json:"provider"`
	Event             string            `json:"event,omitempty"`
	Fixture           string            `json:"fixture"`
	Kind              string            `json:"kind"`
	Requests          int               `json:"requests"` // --times
	Sent              int               `json:"sent"`     // fewer when interrupted
	Concurrency       int               `json:"concurrency"`
	Answers           []triggerAnswer   `json:"answers"`
	LatencyMS         *triggerLatencies `json:"latency_ms,omitempty"` // of the requests answered
	TotalMS           float64           `json:"total_ms"`
	RequestsPerSecond float64           `json:"requests_per_second"`
	OK                bool              `json:"ok"` // every request was answered 2xx
}

// triggerSummarize counts results by answer, in the order each answer first came, and
// computes the latencies of the answered requests. results holds only the requests sent.
func triggerSummarize(results []triggerResult, total time.Duration) triggerSummary {
	var (
		s     = triggerSummary{Sent: len(results), OK: len(results) > 0}
		index = map[[2]string]int{}
		lat   []time.Duration
	)
	for _, r := range results {
		if !r.ok() {
			s.OK = false
		}
		if r.Status != 0 {
			lat = append(lat, r.duration)
		}
		key := [2]string{strconv.Itoa(r.Status), r.firstLine()}
		i, seen := index[key]
		if !seen {
			i = len(s.Answers)
			index[key] = i
			s.Answers = append(s.Answers, triggerAnswer{Status: r.Status, Body: key[1], First: r.Request})
		}
		s.Answers[i].Count++
		if r.Request < s.Answers[i].First {
			s.Answers[i].First = r.Request
		}
	}
	slices.SortStableFunc(s.Answers, func(x, y triggerAnswer) int { return x.First - y.First })
	if len(lat) > 0 {
		slices.Sort(lat)
		s.LatencyMS = &triggerLatencies{
			Min: millis(lat[0]),
			P50: millis(triggerPercentile(lat, 50)),
			P90: millis(triggerPercentile(lat, 90)),
			P99: millis(triggerPercentile(lat, 99)),
			Max: millis(lat[len(lat)-1]),
		}
	}
	s.TotalMS = millis(total)
	if total > 0 {
		s.RequestsPerSecond = math.Round(float64(len(results))/total.Seconds()*10) / 10
	}
	return s
}

// triggerPercentile is the p-th percentile of sorted by the nearest-rank method: the smallest
// value with at least p percent of the values at or below it.
func triggerPercentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// triggerTimes sends d n times with c workers, each request freshly signed, and prints the
// summary.
func (a *app) triggerTimes(ctx context.Context, s *triggerSender, d triggerDelivery, n, c int, asJSON bool) error {
	var bar *progressbar.ProgressBar
	if !asJSON && triggerIsTerminal(a.stderr) {
		bar = progressbar.NewOptions(n,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription("sending"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("req"),
			progressbar.OptionThrottle(65*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
		)
	}

	var (
		results = make([]triggerResult, n)
		done    = make([]bool, n)
		jobs    = make(chan int)
		wg      sync.WaitGroup
		outMu   sync.Mutex
		outErr  error
	)
	start := time.Now()
	for range c {
		wg.Go(func() {
			for i := range jobs {
				res := s.send(ctx, d)
				res.Request = i + 1
				results[i], done[i] = res, ctx.Err() == nil || res.Status != 0
				if bar != nil {
					bar.Add(1)
				}
				if asJSON {
					outMu.Lock()
					if err := writeJSON(a.stdout, res); err != nil && outErr == nil {
						outErr = err
					}
					outMu.Unlock()
				}
			}
		})
	}
send:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break send
		}
	}
	close(jobs)
	wg.Wait()
	total := time.Since(start)
	if bar != nil {
		bar.Finish()
	}
	if outErr != nil {
		return outErr
	}

	var sent []triggerResult
	for i, r := range results {
		if done[i] {
			sent = append(sent, r)
		}
	}
	sum := triggerSummarize(sent, total)
	sum.Provider, sum.Event, sum.Fixture, sum.Kind = s.provider, d.event, d.fixture, d.kind
	sum.Requests, sum.Concurrency = n, c
	if asJSON {
		if err := writeJSON(a.stdout, struct {
			Summary triggerSummary `json:"summary"`
		}{sum}); err != nil {
			return err
		}
	} else {
		a.printTriggerSummary(sum, total)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted after %d of %d requests", sum.Sent, n)
	}
	if !sum.OK {
		return errReported
	}
	return nil
}

// printTriggerSummary prints the summary of --times.
func (a *app) printTriggerSummary(s triggerSummary, total time.Duration) {
	pal := a.palette(a.stdout)
	sent := fmt.Sprintf("%d sent", s.Sent)
	if s.Sent < s.Requests {
		sent = fmt.Sprintf("%d of %d sent", s.Sent, s.Requests)
	}
	label := triggerDelivery{event: s.Event, fixture: s.Fixture}.label()
	fmt.Fprintf(a.stdout, "%s to %s %s, %d at a time\n", sent, s.Provider, label, s.Concurrency)
	for _, ans := range s.Answers {
		status := "---"
		if ans.Status != 0 {
			status = strconv.Itoa(ans.Status)
		}
		fmt.Fprintf(a.stdout, "%6d  %s %s\n", ans.Count, pal.status(ans.Status, status), ans.Body)
	}
	if l := s.LatencyMS; l != nil {
		ms := func(v float64) string { return humanDuration(time.Duration(v * float64(time.Millisecond))) }
		fmt.Fprintf(a.stdout, "latency  min %s  p50 %s  p90 %s  p99 %s  max %s\n",
			ms(l.Min), ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))
	}
	fmt.Fprintf(a.stdout, "total %s, %.1f requests/s\n", humanDuration(total), s.RequestsPerSecond)
}

// triggerIsTerminal reports whether w is a terminal, where a progress bar can be drawn.
func triggerIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
