package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// init registers the listen command with the root command.
func init() { extraCommands = append(extraCommands, (*app).listenCommand) }

// Defaults of the listen command's flags.
const (
	defaultListenAddr     = "127.0.0.1:8080"
	defaultListenPath     = "/"
	defaultForwardTimeout = 30 * time.Second

	// listenShutdownTimeout is how long a stopping listener waits for the deliveries in progress
	// before it closes their connections.
	listenShutdownTimeout = 5 * time.Second

	// listenExcerpt caps, in bytes, the excerpt of the application's answer that is printed.
	listenExcerpt = 200
	// listenFieldMax caps, in bytes, a field taken from a delivery (type, id, key) when printed.
	listenFieldMax = 200
	// listenDrainMax caps how much of the application's answer is read in all, so that the
	// connection can be reused without reading an endless body.
	listenDrainMax = 64 << 10
)

// listenOptions are the flags of the listen command.
type listenOptions struct {
	provider       string // the argument
	addr           string
	path           string
	forwardTo      string
	forwardTimeout time.Duration
	asJSON         bool
	noVerify       bool
	noDedupe       bool
	maxDeliveries  int
	auth           authFlags
}

// listenCommand builds the listen command: a local receiver that prints, and optionally
// forwards, every delivery of one provider.
func (a *app) listenCommand() *cobra.Command {
	opts := &listenOptions{}
	cmd := &cobra.Command{
		Use:   "listen provider",
		Short: "Receive, verify, decode and print deliveries; optionally forward them to your application",
		Long: `listen runs a local receiver for one provider, built exactly as the SDK's receiver
package builds one: it verifies each delivery with the provider's scheme (or the one --scheme
names), decodes and validates it, deduplicates it by its idempotency key, and prints one line
per delivery as it arrives: the time, the status it was answered, the event type, the event id
and the idempotency key, and for a delivery it refused the stage that refused it and why, in
plain words. A duplicate is marked "duplicate" and answered 200 as a real receiver answers it.

With --forward-to, every delivery it accepts is passed on to your application byte for byte,
with the original headers (but the hop-by-hop ones) and query string, and the application's
answer is printed under it. When the application answers anything but 2xx, or cannot be
reached, listen answers 500 so that the provider retries, and forgets the event so that the
retry is forwarded again. --no-dedupe forwards every repetition of an event, not only the first.

Deliveries must be authenticated: give the secret with --secret or INSPECTHOOK_SECRET (repeat
--secret while rotating). --no-verify accepts them unauthenticated, for local development only.
With --scheme standard-webhooks the webhook-id header is the idempotency key.

listen serves only --path (other paths get 404) on --addr, and stops on Ctrl-C (SIGINT) or
SIGTERM, or after --max-deliveries deliveries. --json prints one JSON object a delivery
(time, status, stage, provider, type, event_id, idempotency_key, duplicate, reason,
duration_ms, forward); neither form ever holds the secret or the delivery's body.`,
		Example: `  # print what SafetyCulture sends to http://127.0.0.1:8080/
  INSPECTHOOK_SECRET=s3cret inspecthook listen safetyculture

  # pass every delivery on to the application under development
  inspecthook listen vehreports --secret s3cret --addr :9000 --path /webhooks \
    --forward-to http://localhost:3000/webhooks/vehreports

  # Inspectorio with Standard Webhooks, as JSON for jq
  inspecthook listen inspectorio --scheme standard-webhooks --secret whsec_... --json | jq .

  # Standard Webhooks v1a (ed25519): the receiver holds only the sender's public key
  inspecthook listen inspectorio --scheme standard-webhooks --secret whpk_...

  # stop after the first delivery, in a script
  inspecthook listen record360 --secret token --max-deliveries 1`,
		Args:              exactArgs(1, "one provider"),
		ValidArgsFunction: completeProviders,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.provider = args[0]
			return a.listen(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.addr, "addr", defaultListenAddr, "the address to listen on, host:port (port 0 picks a free one)")
	fs.StringVar(&opts.path, "path", defaultListenPath, "the path deliveries are posted to; other paths get 404")
	fs.StringVar(&opts.forwardTo, "forward-to", "", "the URL of the application to pass every accepted delivery on to")
	fs.DurationVar(&opts.forwardTimeout, "forward-timeout", defaultForwardTimeout, "how long the application may take to answer a forwarded delivery")
	fs.BoolVar(&opts.asJSON, "json", false, "print one JSON object per delivery")
	fs.BoolVar(&opts.noVerify, "no-verify", false, "accept deliveries without authenticating them (local development only)")
	fs.BoolVar(&opts.noDedupe, "no-dedupe", false, "handle and forward every repetition of an event, not only the first")
	fs.IntVar(&opts.maxDeliveries, "max-deliveries", 0, "stop after this many deliveries (0: run until interrupted)")
	opts.auth.register(fs, a.getenv, "a secret to accept; repeat while rotating")
	_ = cmd.RegisterFlagCompletionFunc("scheme", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return schemes, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// listenRun is one run of the listen command: the receiver, what it prints, and where it
// forwards.
type listenRun struct {
	a       *app
	p       providerInfo
	opts    *listenOptions
	scheme  string       // the scheme deliveries are verified with; "" with --no-verify
	forward *url.URL     // --forward-to, or nil
	client  *http.Client // forwards deliveries
	pal     palette      // of stdout
	errPal  palette      // of stderr

	mu       sync.Mutex    // serialises the output and the count
	count    int           // deliveries printed
	maxed    chan struct{} // closed when --max-deliveries deliveries have been printed
	maxOnce  sync.Once
	rx       *receiver.Receiver
	notFound http.Handler
}

// listenRecord is what the listener keeps of one request, in the request's context: put there
// before the receiver runs, read back by the handler (to forward) and by the Observer (to
// print).
type listenRecord struct {
	header  http.Header    // the request's headers, as received
	query   string         // the request's raw query
	forward *listenForward // set when the delivery was forwarded
}

// listenRecordKey is the context key of a listenRecord.
type listenRecordKey struct{}

// listenRecordFrom returns the request's listenRecord, or nil.
func listenRecordFrom(ctx context.Context) *listenRecord {
	rec, _ := ctx.Value(listenRecordKey{}).(*listenRecord)
	return rec
}

// listenForward is what became of forwarding one delivery to the application.
type listenForward struct {
	url      string // --forward-to, its password redacted: not the query string added, which may hold a URL token
	status   int    // the application's status code; 0 when it did not answer
	body     string // an excerpt of its answer, on one line
	duration time.Duration
	err      error // why it did not answer
}

// ok reports whether the application accepted the delivery: it answered 2xx.
func (f *listenForward) ok() bool { return f.err == nil && f.status >= 200 && f.status < 300 }

// listen runs the command until ctx is done or --max-deliveries deliveries were printed.
func (a *app) listen(ctx context.Context, opts *listenOptions) error {
	l, err := a.newListenRun(opts)
	if err != nil {
		return err
	}
	defer l.rx.Close()

	mux := http.NewServeMux()
	if err := mountListener(mux, opts.path, l); err != nil {
		return err
	}
	mux.Handle("/", l.notFound)

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", opts.addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		ErrorLog:          log.New(a.stderr, "inspecthook: ", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	l.banner(ln.Addr())

	var serveErr error
	select {
	case <-ctx.Done():
	case <-l.maxed:
	case serveErr = <-served:
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listenShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", ln.Addr(), serveErr)
	}
	l.mu.Lock()
	n := l.count
	l.mu.Unlock()
	fmt.Fprintf(a.stderr, "Stopped after %s.\n", listenPlural(n, "delivery", "deliveries"))
	return nil
}

// newListenRun checks the options and builds the receiver.
func (a *app) newListenRun(opts *listenOptions) (*listenRun, error) {
	p, err := lookupProvider(opts.provider)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.addr == "":
		return nil, usagef("--addr is empty: give host:port, such as %s", defaultListenAddr)
	case opts.maxDeliveries < 0:
		return nil, usagef("--max-deliveries %d is negative (0 means no limit)", opts.maxDeliveries)
	case opts.forwardTimeout <= 0:
		return nil, usagef("--forward-timeout %v is not positive", opts.forwardTimeout)
	}
	if err := listenCheckPath(opts.path); err != nil {
		return nil, err
	}
	scheme, err := opts.auth.schemeFor(p)
	if err != nil {
		return nil, err
	}
	l := &listenRun{a: a, p: p, opts: opts, pal: a.palette(a.stdout), errPal: a.palette(a.stderr), maxed: make(chan struct{})}
	if opts.forwardTo != "" {
		if l.forward, err = listenForwardURL(opts.forwardTo); err != nil {
			return nil, err
		}
		l.client = listenForwardClient(opts.forwardTimeout)
	}

	cfg := receiver.Config{
		Logger:   slog.New(slog.DiscardHandler),
		Observer: l.observe,
	}
	if opts.noVerify {
		if len(opts.auth.secrets) > 0 {
			return nil, usagef("--no-verify and --secret exclude each other: drop one")
		}
		cfg.InsecureSkipVerify = true
	} else {
		if _, err := opts.auth.secretList(); err != nil {
			return nil, err
		}
		if _, err := opts.auth.needSecrets(scheme); err != nil {
			return nil, usagef("%v; or pass --no-verify to accept deliveries unauthenticated (local development only)", err)
		}
		if cfg.Verifier, err = opts.auth.verifier(p, nil); err != nil {
			return nil, err
		}
		l.scheme = scheme
	}
	if scheme == schemeStandard {
		cfg.IdempotencyKeyHeader = verify.HeaderWebhookID
	}
	if opts.noDedupe {
		cfg.Store = &listenGrantingStore{now: time.Now}
	}
	// The handler's deadline must leave the application its whole --forward-timeout.
	if t := opts.forwardTimeout + 5*time.Second; t > receiver.DefaultHandlerTimeout {
		cfg.HandlerTimeout = t
	}
	rx, err := receiver.New(p.provider, cfg)
	if err != nil {
		if errors.Is(err, receiver.ErrConfig) {
			return nil, usageError{err}
		}
		return nil, err
	}
	// No typed handler: every delivery that decodes reaches this one, known types included.
	receiver.HandleUnknown(rx, l.handle)
	l.rx = rx
	l.notFound = http.HandlerFunc(l.serveNotFound)
	return l, nil
}

// listenCheckPath accepts a path that can be mounted on an http.ServeMux as it is.
func listenCheckPath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return usagef("--path %q must start with /", path)
	}
	if strings.ContainsAny(path, "{}?#") || strings.IndexFunc(path, unicode.IsSpace) >= 0 {
		return usagef("--path %q: a path has no spaces, braces, ? or #", path)
	}
	return nil
}

// mountListener mounts h on mux at path exactly: a path ending in a slash gets {$}, so that
// it is not taken for a subtree.
func mountListener(mux *http.ServeMux, path string, h http.Handler) (err error) {
	pattern := path
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}"
	}
	defer func() {
		if v := recover(); v != nil {
			err = usagef("--path %q cannot be served: %v", path, v)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// listenForwardURL checks --forward-to: an absolute http or https URL.
func listenForwardURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, usagef("--forward-to: %v", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--forward-to %q is not an http:// or https:// URL", u.Redacted())
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// listenForwardClient is the client that forwards deliveries: it adds no Accept-Encoding of its
// own, and follows no redirect (a redirect would turn the POST into a GET without the body).
func listenForwardClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableCompression = true
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// banner says on stderr where the listener listens, for which provider and scheme (never the
// secret), and where it forwards.
func (l *listenRun) banner(addr net.Addr) {
	w := l.a.stderr
	if l.opts.noVerify {
		fmt.Fprintln(w, l.errPal.yellow("Warning: --no-verify: deliveries are NOT authenticated; anyone who can reach this address can send them. For local development only."))
	}
	how := l.scheme
	if how == "" {
		how = "not verified"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Listening on %s for %s deliveries (%s)", listenURL(addr, l.opts.path), l.p.name, how)
	if l.forward != nil {
		fmt.Fprintf(&b, "; forwarding to %s", l.forward.Redacted())
		if l.opts.noDedupe {
			b.WriteString(", repetitions included")
		}
	}
	if l.opts.maxDeliveries > 0 {
		fmt.Fprintf(&b, "; stopping after %s", listenPlural(l.opts.maxDeliveries, "delivery", "deliveries"))
	}
	b.WriteString("; Ctrl-C to stop")
	fmt.Fprintln(w, b.String())
}

// listenURL is the URL deliveries are posted to; a listener on every interface is shown at
// localhost.
func listenURL(addr net.Addr, path string) string {
	host := addr.String()
	note := ""
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
		note = " (every interface)"
	}
	return "http://" + host + path + note
}

// ServeHTTP puts the request's record in its context and hands it to the receiver.
func (l *listenRun) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &listenRecord{header: r.Header, query: r.URL.RawQuery}
	l.rx.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), listenRecordKey{}, rec)))
}

// serveNotFound answers a request for another path 404, and notes it on stderr: a sender
// configured with the wrong path is the commonest mistake.
func (l *listenRun) serveNotFound(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
	line := fmt.Sprintf("%s  %s  %s %s: not the path listened on (%s)\n",
		time.Now().Format(time.TimeOnly), l.errPal.red("404"), listenClean(r.Method, 16), listenClean(r.URL.Path, listenFieldMax), l.opts.path)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.a.stderr, line)
}

// handle is the receiver's handler of every delivery that decodes: it forwards the delivery
// when --forward-to is set, and fails (so that the receiver answers 500 and the provider
// retries) when the application does not accept it.
func (l *listenRun) handle(ctx context.Context, env *events.Envelope) error {
	if l.forward == nil {
		return nil
	}
	rec := listenRecordFrom(ctx)
	if rec == nil { // not served through the listener: nothing to forward the headers of
		rec = &listenRecord{}
	}
	res := l.forwardDelivery(ctx, rec, env.Raw)
	rec.forward = &res
	switch {
	case res.err != nil:
		return errors.New("the application could not be reached")
	case !res.ok():
		return fmt.Errorf("the application answered %d", res.status)
	}
	return nil
}

// forwardDelivery posts body to the application with the headers and query string of the
// request it came in.
func (l *listenRun) forwardDelivery(ctx context.Context, rec *listenRecord, body []byte) listenForward {
	u := *l.forward
	if u.RawQuery == "" {
		u.RawQuery = rec.query
	}
	res := listenForward{url: l.forward.Redacted()}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		res.err = err
		return res
	}
	req.Header = listenForwardHeaders(rec.header)
	resp, err := l.client.Do(req)
	if err != nil {
		// The client's error names the URL with the query string, which may hold a URL token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: res.url, Err: ue.Err}
		}
		res.duration, res.err = time.Since(start), err
		return res
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, listenExcerpt+1))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, listenDrainMax))
	res.duration, res.status = time.Since(start), resp.StatusCode
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		res.body = "(" + listenClean(ce, 32) + "-encoded answer)"
	} else {
		res.body = listenClean(strings.TrimSpace(string(excerpt)), listenExcerpt)
	}
	return res
}

// listenHopByHop are the headers that concern one connection, not the delivery: they are not
// forwarded (RFC 9110, section 7.6.1), nor are Proxy-* headers and those Connection names.
var listenHopByHop = map[string]bool{
	"Connection":        true,
	"Keep-Alive":        true,
	"Te":                true,
	"Trailer":           true,
	"Transfer-Encoding": true,
	"Upgrade":           true,
}

// listenForwardHeaders are the headers a delivery is forwarded with: the original ones but the
// hop-by-hop ones. Host and Content-Length are the forwarded request's own; a missing
// User-Agent stays missing.
func listenForwardHeaders(in http.Header) http.Header {
	out := in.Clone()
	if out == nil {
		out = http.Header{}
	}
	for _, v := range in.Values("Connection") {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out.Del(name)
			}
		}
	}
	for k := range out {
		ck := http.CanonicalHeaderKey(k)
		if listenHopByHop[ck] || strings.HasPrefix(ck, "Proxy-") || ck == "Host" || ck == "Content-Length" {
			delete(out, k)
		}
	}
	if _, ok := out["User-Agent"]; !ok {
		out["User-Agent"] = []string{""} // net/http sends no User-Agent of its own for an empty one
	}
	return out
}

// observe is the receiver's Observer: it prints the delivery's line, and stops the listener
// after --max-deliveries of them.
func (l *listenRun) observe(ctx context.Context, o receiver.Outcome) {
	var fwd *listenForward
	if rec := listenRecordFrom(ctx); rec != nil {
		fwd = rec.forward
	}
	var line string
	if l.opts.asJSON {
		line = l.jsonLine(o, fwd)
	} else {
		line = l.humanLine(o, fwd)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.a.stdout, line)
	l.count++
	if max := l.opts.maxDeliveries; max > 0 && l.count >= max {
		l.maxOnce.Do(func() { close(l.maxed) })
	}
}

// listenRejected reports whether the delivery was refused: answered anything but 2xx.
func listenRejected(o receiver.Outcome) bool { return o.Status < 200 || o.Status > 299 }

// listenReason says in plain words why the delivery was refused.
func listenReason(o receiver.Outcome) string {
	return listenClean(reason(o.Status, o.Err), 2*listenFieldMax)
}

// humanLine is the delivery's line for a person, with the forward's answer on a line of its
// own under it.
func (l *listenRun) humanLine(o receiver.Outcome, fwd *listenForward) string {
	pal := l.pal
	parts := []string{o.ReceivedAt.Format(time.TimeOnly), pal.status(o.Status, strconv.Itoa(o.Status))}
	if o.Duplicate {
		dup := "duplicate"
		if l.forward != nil {
			dup += " (not forwarded)"
		}
		parts = append(parts, pal.yellow(dup))
	}
	if listenRejected(o) {
		parts = append(parts, pal.status(o.Status, o.Stage.String()+": "+listenReason(o)))
	}
	if o.Type != "" {
		parts = append(parts, pal.bold(listenClean(o.Type, listenFieldMax)))
	}
	if o.EventID != "" {
		parts = append(parts, "id="+listenClean(o.EventID, listenFieldMax))
	}
	if o.IdempotencyKey != "" {
		parts = append(parts, pal.dim("key="+listenClean(o.IdempotencyKey, listenFieldMax)))
	}
	parts = append(parts, pal.dim("("+humanDuration(o.Duration)+")"))
	line := strings.Join(parts, "  ") + "\n"
	if fwd != nil {
		var arrow []string
		if fwd.err != nil {
			arrow = append(arrow, pal.red("error: "+listenClean(fwd.err.Error(), 2*listenFieldMax)))
		} else {
			arrow = append(arrow, pal.status(fwd.status, strconv.Itoa(fwd.status)))
			if fwd.body != "" {
				arrow = append(arrow, fwd.body)
			}
		}
		arrow = append(arrow, pal.dim("("+humanDuration(fwd.duration)+")"))
		line += "  -> " + strings.Join(arrow, "  ") + "\n"
	}
	return line
}

// listenJSON is the delivery's line for a program: --json.
type listenJSON struct {
	Time           string             `json:"time"`
	Status         int                `json:"status"`
	Stage          string             `json:"stage"`
	Provider       string             `json:"provider"`
	Type           string             `json:"type,omitempty"`
	EventID        string             `json:"event_id,omitempty"`
	IdempotencyKey string             `json:"idempotency_key,omitempty"`
	Duplicate      bool               `json:"duplicate"`
	Reason         string             `json:"reason,omitempty"`
	DurationMS     float64            `json:"duration_ms"`
	Forward        *listenForwardJSON `json:"forward,omitempty"`
}

// listenForwardJSON is the forward of a delivery, in listenJSON.
type listenForwardJSON struct {
	URL        string  `json:"url"`
	Status     int     `json:"status,omitempty"`
	Body       string  `json:"body,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
}

// jsonLine is the delivery as one line of JSON.
func (l *listenRun) jsonLine(o receiver.Outcome, fwd *listenForward) string {
	v := listenJSON{
		Time:           o.ReceivedAt.Format(time.RFC3339Nano),
		Status:         o.Status,
		Stage:          o.Stage.String(),
		Provider:       l.p.name,
		Type:           o.Type,
		EventID:        o.EventID,
		IdempotencyKey: o.IdempotencyKey,
		Duplicate:      o.Duplicate,
		DurationMS:     millis(o.Duration),
	}
	if listenRejected(o) {
		v.Reason = listenReason(o)
	}
	if fwd != nil {
		v.Forward = &listenForwardJSON{URL: fwd.url, Status: fwd.status, Body: fwd.body, DurationMS: millis(fwd.duration)}
		if fwd.err != nil {
			v.Forward.Error = fwd.err.Error()
		}
	}
	var b bytes.Buffer
	if err := writeJSON(&b, v); err != nil {
		return fmt.Sprintf("{\"error\":%q}\n", err.Error())
	}
	return b.String()
}

// listenClean makes s safe to print on a terminal on one line: control characters and invalid UTF-8
// become '?', and s is cut to at most max bytes, the cut marked with "...".
func listenClean(s string, max int) string {
	var b strings.Builder
	for i, r := range s {
		if b.Len() >= max {
			b.WriteString("...")
			break
		}
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteByte('?')
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// listenPlural is "1 delivery" or "n deliveries".
func listenPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// listenGrantingStore is the idempotency.Store of --no-dedupe: it grants every claim and remembers
// nothing, so every repetition of an event is handled, and forwarded, again.
type listenGrantingStore struct {
	now    func() time.Time
	tokens atomic.Uint64
}

// Claim grants key, always.
func (s *listenGrantingStore) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	if err := ctx.Err(); err != nil {
		return idempotency.Claim{}, fmt.Errorf("listen: claim: %w", err)
	}
	if key == "" || lease <= 0 {
		return idempotency.Claim{}, fmt.Errorf("%w: empty key or lease %v", idempotency.ErrConfig, lease)
	}
	token := "no-dedupe-" + strconv.FormatUint(s.tokens.Add(1), 10)
	return idempotency.Claim{State: idempotency.Claimed, Token: token, LeaseEnds: s.now().Add(lease)}, nil
}

// Renew keeps nothing, so it always succeeds.
func (s *listenGrantingStore) Renew(ctx context.Context, key, token string, lease time.Duration) error {
	return listenCheckGranted(ctx, "renew", key, token)
}

// Complete remembers nothing, so that the next delivery of the key is handled again.
func (s *listenGrantingStore) Complete(ctx context.Context, key, token string, retention time.Duration) error {
	return listenCheckGranted(ctx, "complete", key, token)
}

// Release has nothing to free.
func (s *listenGrantingStore) Release(ctx context.Context, key, token string) error {
	return listenCheckGranted(ctx, "release", key, token)
}

// listenCheckGranted checks the arguments of Renew, Complete and Release as every Store does.
func listenCheckGranted(ctx context.Context, op, key, token string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("listen: %s: %w", op, err)
	}
	if key == "" || token == "" {
		return fmt.Errorf("%w: empty key or token", idempotency.ErrConfig)
	}
	return nil
}
