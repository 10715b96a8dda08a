// Command demo shows the whole SDK at work in a few seconds, with nothing to configure:
//
//	go run ./examples/demo          # the walk-through and a summary table
//	go run ./examples/demo -v       # the same, plus one line per fixture replayed
//	go run ./examples/demo -serve   # the same, then keeps serving: open the deliveries page
//
// It needs no environment variables and sends nothing beyond this machine. It starts a receiver
// for each provider (Record360, SafetyCulture, Inspectorio, vehReports) with the embedded
// defaults, such as an in-memory idempotency store, all on one server listening on a free port
// of 127.0.0.1. The secrets are demo-only: generated with crypto/rand at start, forgotten at
// exit.
//
// It first walks through what a receiver does with a delivery, in four numbered steps, each
// printed with the receiver's answer and the handler it ran:
//
//  1. a new event: handled by a typed handler, which prints a few fields of its payload;
//  2. the same delivery again: answered "200 ok: already received", the handler not called;
//  3. a forged signature: answered 401;
//  4. a burst of new events over the rate limit of a route of its own: the first ones are let
//     through and handled, the rest answered 429 with Retry-After.
//
// Every delivery of the walk-through is the SafetyCulture fixture newer_action_created.json with
// its event.date_triggered moved on by a few seconds. SafetyCulture's idempotency key includes
// that time, so each is a new event to the receiver, and none is an event of the corpus.
//
// Then, acting as each provider, it sends over HTTP every fixture of the embedded corpus, signed
// as that provider signs, and prints a table: per provider, the fixtures sent and how they were
// answered (200 and handled, 200 as a duplicate, 400, 422, another status) and how many answers
// were not the expected ones. Bad fixtures are expected to be refused with 400 or 422, all
// others answered 200. Some variants repeat the event of another fixture (the same idempotency
// key), so the receiver answers them as duplicates. The -v flag adds one line per fixture, with
// the handler it ran.
//
// Every receiver is watched by Prometheus metrics (package observe/prom) and the page of recent
// deliveries (package observe/page), mounted on the same server at /metrics and /deliveries/
// (loopback clients only); the demo prints their URLs first, and at the end reads both over
// HTTP and prints how many deliveries they saw. With -serve it then keeps serving, so the page
// can be opened in a browser, until Ctrl-C.
//
// It then shuts down and exits: 0 when every answer was the one expected, 1 otherwise, 2 for
// an unknown flag.
//
// For a service to deploy, start from examples/basic (one provider) or examples/multi (all four,
// credentials from the environment).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/observe/prom"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const (
	// storyRoute receives the first three steps of the walk-through; limitedRoute is the
	// rate-limited SafetyCulture route the burst of step 4 is sent to.
	storyRoute   = "/webhooks/" + safetyculture.Name
	limitedRoute = "/limited/" + safetyculture.Name

	// burstLimit and burstSize: the limited route lets 3 deliveries through at once, then one
	// a second; the demo sends 10 in a row.
	burstLimit = 3
	burstSize  = 10

	// storyFixture is the body of every delivery of the walk-through, each with a
	// date_triggered of its own.
	storyFixture = "newer_action_created.json"
)

// providerNames lists the providers in the order the demo mounts them and replays their fixtures.
var providerNames = []string{record360.Name, safetyculture.Name, inspectorio.Name, vehreports.Name}

var (
	// errUnexpected is returned by run when an answer was not the one expected: exit status 1.
	errUnexpected = errors.New("demo: some answers were not the ones expected")

	// errUsage is returned by run for an unknown flag: exit status 2.
	errUsage = errors.New("demo: usage")
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errUnexpected) && !errors.Is(err, errUsage) {
		fmt.Fprintln(os.Stderr, "demo:", err)
	}
	os.Exit(exitCode(err))
}

// exitCode is the exit status for run's error: 0 for none (or -h), 2 for a flag error, 1
// otherwise.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	return 1
}

// run parses the flags in args, starts the receivers on a loopback port, sends every delivery
// of the demo to them, prints what happens to stdout, and shuts down. It returns errUnexpected
// when an answer was not the one expected.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("demo", flag.ContinueOnError)
	flags.SetOutput(stderr)
	verbose := flags.Bool("v", false, "print one line per fixture replayed, with the handler it ran")
	serve := flags.Bool("serve", false, "keep serving after the run, so the deliveries page and the metrics can be opened, until Ctrl-C")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if flags.NArg() > 0 {
		fmt.Fprintln(stderr, "demo: takes no arguments")
		flags.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, flags.Arg(0))
	}

	calls := &handlerCalls{}

	// SafetyCulture's two routes (see below) share one idempotency store, as two instances of
	// one service would, so that an event handled on one is a duplicate on the other. The other
	// providers' receivers use their default in-memory store.
	scStore, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		return err
	}
	defer scStore.Close()

	obs, err := newObservability()
	if err != nil {
		return err
	}
	defer obs.page.Close()
	providers, err := newProviders(calls, scStore, obs)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	for _, prov := range providers {
		defer prov.rx.Close()
		mux.Handle("POST /webhooks/"+prov.name, obs.page.Middleware(prov.rx))
	}
	// The page of recent deliveries (loopback clients only, as the demo has no login) and the
	// metrics of every receiver.
	mux.Handle(pagePath, obs.page)
	mux.Handle("GET /metrics", promhttp.HandlerFor(obs.reg, promhttp.HandlerOpts{}))

	// The rate limit. Every delivery of the demo comes from one address, 127.0.0.1, so a
	// per-client-IP limiter on the provider routes would take the replay (well over a hundred
	// deliveries in under a second) for one client flooding and refuse most of it. In
	// production each provider sends from its own addresses at its own pace, and every route
	// has a limiter (see examples/multi). Here the provider routes have none, and the limiter
	// is shown on a route of its own: a second SafetyCulture receiver with the same verifier
	// and idempotency store, limited to a burst of 3 per client IP, which the demo then floods.
	// (Bucketing on a header the demo sets would work too, but a bucket the client chooses
	// lets any client pick a fresh one: not something to copy.)
	limited, err := newLimitedSafetyCulture(providers, scStore, calls, obs)
	if err != nil {
		return err
	}
	defer limited.Close()
	mux.Handle("POST "+limitedRoute, obs.page.Middleware(limited))

	ln, err := net.Listen("tcp", "127.0.0.1:0") // loopback only, any free port
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10*time.Second + receiver.DefaultHandlerTimeout,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	d := &demo{
		base:    "http://" + ln.Addr().String(),
		client:  &http.Client{Timeout: 10 * time.Second},
		signers: map[string]verify.Signer{},
		calls:   calls,
		out:     &printer{w: stdout},
		verbose: *verbose,
		tally:   newTally(providerNames),
	}
	for _, prov := range providers {
		d.signers[prov.name] = prov.signer
	}
	d.out.printf("inspecthook demo: receivers for %s on %s (loopback only)\n", strings.Join(providerNames, ", "), d.base)
	d.out.printf("secrets: generated with crypto/rand for this run only (demo-only)\n")
	d.out.printf("deliveries page: %s%s   metrics: %s/metrics\n", d.base, pagePath, d.base)
	sendErr := d.story(ctx)
	if sendErr == nil {
		sendErr = d.replay(ctx)
	}
	if sendErr == nil {
		sendErr = d.observed(ctx, obs)
	}
	if sendErr == nil && *serve {
		d.out.printf("\nserving until Ctrl-C: open %s%s\n", d.base, pagePath)
		<-ctx.Done()
	}

	d.client.CloseIdleConnections()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if sendErr != nil {
		return sendErr
	}
	d.summary()
	return d.result()
}

// provider is one provider's receiver, its verifier and the signer that sends as the provider
// does.
type provider struct {
	name   string
	rx     *receiver.Receiver
	auth   verify.Verifier
	signer verify.Signer
}

// newProviders builds the four receivers with demo-only secrets and registers their handlers.
// SafetyCulture's receiver uses scStore.
func newProviders(calls *handlerCalls, scStore idempotency.Store, obs *observability) ([]provider, error) {
	secret := rand.Text // 26 random base32 characters a call, for this run only

	// Record360: HTTP Basic plus an account-id header, both required.
	r360Basic, err := verify.NewBasic(verify.Credential{Username: "record360", Password: secret()})
	if err != nil {
		return nil, err
	}
	r360Account, err := verify.NewAPIKey("X-Account-Id", "demo-account")
	if err != nil {
		return nil, err
	}
	r360, err := verify.All(r360Basic, r360Account)
	if err != nil {
		return nil, err
	}
	sc, err := verify.NewHMAC(verify.SafetyCulture(secret()))
	if err != nil {
		return nil, err
	}
	sight, err := verify.NewBasic(verify.Credential{Username: "inspectorio", Password: secret()})
	if err != nil {
		return nil, err
	}
	vr, err := verify.NewHMAC(verify.VehReports(secret()))
	if err != nil {
		return nil, err
	}
	all := []struct {
		decoder  events.Provider
		auth     verify.Verifier
		store    idempotency.Store // nil: the receiver's own in-memory store
		register func(*receiver.Receiver, *handlerCalls)
	}{
		{record360.Provider(), r360, nil, handleRecord360},
		{safetyculture.Provider(), sc, scStore, handleSafetyCulture},
		{inspectorio.Provider(), sight, nil, handleInspectorio},
		{vehreports.Provider(), vr, nil, handleVehReports},
	}
	var providers []provider
	for _, a := range all {
		rx, err := newReceiver(a.decoder, obs.config(receiver.Config{Verifier: a.auth, Store: a.store}), a.register, calls)
		if err != nil {
			return nil, err
		}
		// Every verifier here is also a Signer. Record360's, built with All, signs with each
		// part: Basic credentials and the account-id header.
		signer, ok := a.auth.(verify.Signer)
		if !ok {
			return nil, fmt.Errorf("%s: %v cannot sign", a.decoder.Name(), a.auth)
		}
		providers = append(providers, provider{name: a.decoder.Name(), rx: rx, auth: a.auth, signer: signer})
	}
	return providers, nil
}

// newLimitedSafetyCulture returns a second SafetyCulture receiver, sharing the first one's
// verifier and store, behind a per-client-IP limit of burstLimit deliveries at once and one a
// second after that.
func newLimitedSafetyCulture(providers []provider, store idempotency.Store, calls *handlerCalls, obs *observability) (*receiver.Receiver, error) {
	i := slices.IndexFunc(providers, func(p provider) bool { return p.name == safetyculture.Name })
	limiter, err := ratelimit.New(ratelimit.Config{Rate: 1, Burst: burstLimit, Bucket: ratelimit.ClientIP()})
	if err != nil {
		return nil, err
	}
	cfg := obs.config(receiver.Config{Verifier: providers[i].auth, Store: store, Limiter: limiter})
	return newReceiver(safetyculture.Provider(), cfg, handleSafetyCulture, calls)
}

// pagePath is where the demo mounts the page of recent deliveries.
const pagePath = "/deliveries/"

// observability is what watches every receiver of the demo: Prometheus metrics on a registry of
// their own, and the page of recent deliveries.
type observability struct {
	reg     *prometheus.Registry
	metrics *prom.Metrics
	page    *page.Page
}

func newObservability() (*observability, error) {
	reg := prometheus.NewRegistry()
	metrics, err := prom.New(reg, prom.WithProviders(record360.Provider(), safetyculture.Provider(), inspectorio.Provider(), vehreports.Provider()))
	if err != nil {
		return nil, err
	}
	p, err := page.New(page.Config{BasePath: pagePath, Size: 1000})
	if err != nil {
		return nil, err
	}
	return &observability{reg: reg, metrics: metrics, page: p}, nil
}

// config adds the metrics and the page to a receiver's configuration.
func (o *observability) config(cfg receiver.Config) receiver.Config {
	cfg.Observer = receiver.Observers(o.metrics.Observe, o.page.Observe)
	cfg.OnError = o.metrics.OnError
	return cfg
}

// keptPattern finds how many deliveries the page lists in its summary line.
var keptPattern = regexp.MustCompile(`(\d+) deliveries kept`)

// observed reads the page and the metrics over HTTP, as a person or Prometheus would, and
// prints what they hold.
func (d *demo) observed(ctx context.Context, obs *observability) error {
	html, err := d.get(ctx, d.base+pagePath)
	if err != nil {
		return fmt.Errorf("the deliveries page: %w", err)
	}
	kept := "no"
	if m := keptPattern.FindSubmatch(html); m != nil {
		kept = string(m[1])
	}
	metrics, err := d.get(ctx, d.base+"/metrics")
	if err != nil {
		return fmt.Errorf("the metrics: %w", err)
	}
	var deliveries, rejections float64
	families, err := obs.reg.Gather()
	if err != nil {
		return err
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			switch f.GetName() {
			case "inspecthook_deliveries_total":
				deliveries += m.GetCounter().GetValue()
			case "inspecthook_rejections_total":
				rejections += m.GetCounter().GetValue()
			}
		}
	}
	d.out.printf("\nthe deliveries page lists %s deliveries; /metrics (%d bytes) counts %.0f deliveries, %.0f refused\n",
		kept, len(metrics), deliveries, rejections)
	return nil
}

// get returns the body of a GET of url, or an error for an answer other than 200.
func (d *demo) get(ctx context.Context, url string) ([]byte, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := d.client.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, nil
}

// newReceiver builds a receiver whose handlers record their calls. The receiver's own log, one
// line per delivery, is discarded: the demo prints its own.
func newReceiver(p events.Provider, cfg receiver.Config, register func(*receiver.Receiver, *handlerCalls), calls *handlerCalls) (*receiver.Receiver, error) {
	cfg.Logger = slog.New(slog.DiscardHandler)
	rx, err := receiver.New(p, cfg)
	if err != nil {
		return nil, err
	}
	register(rx, calls)
	// Every event type without a typed handler here, known to the provider package or not.
	receiver.HandleUnknown(rx, calls.fallback)
	return rx, nil
}

// handle registers h for every event ev: one handler for events that carry the same payload.
func handle[T any](rx *receiver.Receiver, h func(context.Context, *T) error, evs ...events.Event[T]) {
	for _, ev := range evs {
		receiver.Handle(rx, ev, h)
	}
}

// handleRecord360 registers typed handlers for Record360 events, which record what they receive.
func handleRecord360(rx *receiver.Receiver, calls *handlerCalls) {
	handle(rx, func(ctx context.Context, insp *record360.Inspection) error {
		return calls.typed(ctx, "inspection=%s unit=%s damage=%t", insp.ID, insp.Unit.ReferenceNumber, insp.DamagePresent)
	}, record360.InspectionCreated)
	handle(rx, func(ctx context.Context, task *record360.Task) error {
		return calls.typed(ctx, "task=%s unit=%s status=%s", task.ID, task.Unit.ReferenceNumber, task.Status)
	}, record360.TaskCompleted, record360.V1TaskComplete, record360.V1TaskCompleted)
	handle(rx, func(ctx context.Context, tx *record360.Transaction) error {
		return calls.typed(ctx, "transaction=%s asset=%s damage=%t", tx.ID, tx.Asset.ExternalID, tx.Damage)
	}, record360.V1TransactionCreated)
}

// handleSafetyCulture registers typed handlers for SafetyCulture events, which record what they
// receive.
func handleSafetyCulture(rx *receiver.Receiver, calls *handlerCalls) {
	handle(rx, func(ctx context.Context, e *safetyculture.InspectionEvent) error {
		format := "newer"
		if e.Resource == nil { // the legacy format has no resource: its subject is the audit
			format = "legacy"
		}
		return calls.typed(ctx, "inspection=%s format=%s", e.InspectionID(), format)
	},
		safetyculture.InspectionStarted, safetyculture.InspectionUpdated, safetyculture.InspectionCompleted,
		safetyculture.InspectionArchived, safetyculture.InspectionUnarchived, safetyculture.InspectionHasStarted,
		safetyculture.InspectionCompletedStatus, safetyculture.InspectionItemUpdated)
	handle(rx, func(ctx context.Context, e *safetyculture.ActionEvent) error {
		status := ""
		if e.Data.Status != nil {
			status = e.Data.Status.Label
		}
		return calls.typed(ctx, "title=%q status=%q", e.Data.Title, status)
	}, safetyculture.ActionCreated, safetyculture.ActionStatusUpdated)
	handle(rx, func(ctx context.Context, e *safetyculture.MediaEvent) error {
		return calls.typed(ctx, "media=%s type=%s", e.Data.MediaID, e.Data.MediaType)
	}, safetyculture.MediaUploaded)
}

// handleInspectorio registers typed handlers for Inspectorio events, which record what they
// receive.
func handleInspectorio(rx *receiver.Receiver, calls *handlerCalls) {
	handle(rx, func(ctx context.Context, r *inspectorio.Report) error {
		return calls.typed(ctx, "report=%s path=%s", r.Payload.ResourceID, r.Payload.Path)
	}, inspectorio.ReportCreated, inspectorio.ReportFileReady)
}

// handleVehReports registers typed handlers for vehReports events, which record what they
// receive.
func handleVehReports(rx *receiver.Receiver, calls *handlerCalls) {
	handle(rx, func(ctx context.Context, r *vehreports.Report) error {
		return calls.typed(ctx, "report=%s registration=%q verdict=%s", r.Reference, r.Registration, r.Verdict)
	}, vehreports.ReportCompleted)
	handle(rx, func(ctx context.Context, v *vehreports.Verdict) error {
		return calls.typed(ctx, "report=%s verdict=%s reasons=%d", v.ReportID, v.Verdict, len(v.Reasons))
	}, vehreports.InspectionVerdictFlagged)
	handle(rx, func(ctx context.Context, a *vehreports.Agreement) error {
		return calls.typed(ctx, "agreement=%s status=%s registration=%q", a.Reference, a.Status, registration(a.Vehicle))
	}, vehreports.AgreementSigned, vehreports.AgreementReturnDue, vehreports.AgreementClosed)
	handle(rx, func(ctx context.Context, v *vehreports.Vehicle) error {
		return calls.typed(ctx, "vehicle=%s registration=%q", v.ID, v.Registration)
	}, vehreports.VehicleCreated, vehreports.VehicleUpdated)
}

// registration is the vehicle's number plate, or "" when the payload names no vehicle.
func registration(v *vehreports.Vehicle) string {
	if v == nil {
		return ""
	}
	return v.Registration
}

// handlerCall is one call of a handler: which kind, the event type, and what it read.
type handlerCall struct {
	typed  bool   // a typed handler; false for the HandleUnknown fallback
	typ    string // the event type routed on
	detail string // fields of the typed payload, or why the fallback was called
}

func (c handlerCall) String() string {
	kind := "fallback handler"
	if c.typed {
		kind = "typed handler"
	}
	return fmt.Sprintf("%s: %s %s", kind, c.typ, c.detail)
}

// handlerCalls records the handlers' calls. The demo sends one delivery at a time and a
// handler returns before the receiver answers, so the calls taken after reading an answer are
// those of that delivery.
type handlerCalls struct {
	mu      sync.Mutex
	pending []handlerCall
	typedN  int
	unknown int
}

// typed records a typed handler's call: the delivery's type and the payload's fields.
func (h *handlerCalls) typed(ctx context.Context, format string, args ...any) error {
	h.add(handlerCall{typed: true, typ: receiver.FromContext(ctx).Type, detail: fmt.Sprintf(format, args...)})
	return nil
}

// fallback is the HandleUnknown handler: an event type with no typed handler.
func (h *handlerCalls) fallback(_ context.Context, env *events.Envelope) error {
	why := "(no typed handler registered here)"
	if !env.Known() {
		why = "(event type unknown to the provider package)"
	}
	h.add(handlerCall{typ: env.Type, detail: why})
	return nil
}

func (h *handlerCalls) add(c handlerCall) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending = append(h.pending, c)
	if c.typed {
		h.typedN++
	} else {
		h.unknown++
	}
}

// take returns the calls recorded since the last take.
func (h *handlerCalls) take() []handlerCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	calls := h.pending
	h.pending = nil
	return calls
}

// counts returns how many typed and fallback calls there were in all.
func (h *handlerCalls) counts() (typed, fallback int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.typedN, h.unknown
}

// demo sends the deliveries, prints them and keeps the tally.
type demo struct {
	base    string // the server's URL, on loopback
	client  *http.Client
	signers map[string]verify.Signer // by provider name
	calls   *handlerCalls
	out     *printer
	verbose bool
	tally   *tally
}

// answer is the receiver's answer to one delivery, with the handler calls it caused.
type answer struct {
	status     int
	text       string // the first line of the body, cut to 90 bytes
	retryAfter string // the Retry-After header
	calls      []handlerCall
}

func (a answer) String() string {
	s := fmt.Sprintf("%d %s", a.status, a.text)
	if a.retryAfter != "" {
		s += ", Retry-After: " + a.retryAfter
	}
	return s
}

// story sends the deliveries of the walk-through, printing each step before the replay.
func (d *demo) story(ctx context.Context) error {
	body, err := fs.ReadFile(inspecthook.Fixtures(), path.Join(safetyculture.Name, storyFixture))
	if err != nil {
		return err
	}
	// newEvent returns the fixture's event moved on by n seconds: a new event to the receiver.
	newEvent := func(n int) ([]byte, string, error) {
		return withDateTriggered(body, time.Duration(n)*time.Second)
	}
	signer := d.signers[safetyculture.Name]

	d.out.printf("\nWhat a receiver does with a delivery, in four steps. Each delivery is the fixture\n")
	d.out.printf("%s/%s with its event.date_triggered moved on a few seconds:\n", safetyculture.Name, storyFixture)
	d.out.printf("SafetyCulture's idempotency key includes that time, so each is a new event to the receiver.\n")

	// 1. A new event.
	first, when, err := newEvent(1)
	if err != nil {
		return err
	}
	d.out.printf("\n1. A new event is verified, decoded and handed to the typed handler of its event type.\n")
	d.out.printf("     POST %s  date_triggered=%s\n", storyRoute, when)
	a, err := d.send(ctx, storyRoute, first, signer)
	if err != nil {
		return err
	}
	for _, c := range a.calls {
		d.out.printf("     %s\n", c)
	}
	d.out.printf("     -> %s\n", a)
	d.tally.check("step 1, new event", a.status == http.StatusOK && len(a.calls) == 1 && a.calls[0].typed,
		"%s with %d handler calls, want 200 and one typed handler call", a, len(a.calls))

	// 2. The same delivery again.
	d.out.printf("\n2. The same delivery again, as a provider retries when it missed the answer: the event\n")
	d.out.printf("   was handled already, so the receiver acknowledges it without calling the handler.\n")
	d.out.printf("     POST %s  date_triggered=%s\n", storyRoute, when)
	a, err = d.send(ctx, storyRoute, first, signer)
	if err != nil {
		return err
	}
	d.out.printf("     -> %s  (%s)\n", a, callsNote(a.calls))
	d.tally.check("step 2, same delivery again", a.status == http.StatusOK && len(a.calls) == 0,
		"%s with %d handler calls, want 200 and none", a, len(a.calls))

	// 3. A forged signature.
	forger, err := verify.NewHMAC(verify.SafetyCulture("not-the-secret"))
	if err != nil {
		return err
	}
	forged, _, err := newEvent(2)
	if err != nil {
		return err
	}
	d.out.printf("\n3. A new event signed with a secret the receiver does not know: refused before its\n")
	d.out.printf("   body is decoded.\n")
	d.out.printf("     POST %s  signature forged\n", storyRoute)
	a, err = d.send(ctx, storyRoute, forged, forger)
	if err != nil {
		return err
	}
	d.out.printf("     -> %s  (%s)\n", a, callsNote(a.calls))
	d.tally.check("step 3, forged signature", a.status == http.StatusUnauthorized && len(a.calls) == 0,
		"%s with %d handler calls, want 401 and none", a, len(a.calls))

	// 4. A burst over the rate limit.
	d.out.printf("\n4. A burst of %d new events in a row to %s, which lets %d through at once per\n", burstSize, limitedRoute, burstLimit)
	d.out.printf("   client IP, then 1 a second: those let through are handled, the others refused with\n")
	d.out.printf("   429 and a Retry-After saying when to send them again.\n")
	handled, limited := 0, 0
	for i := range burstSize {
		ev, when, err := newEvent(3 + i)
		if err != nil {
			return err
		}
		a, err := d.send(ctx, limitedRoute, ev, signer)
		if err != nil {
			return err
		}
		d.out.printf("     #%-2d date_triggered=%s  -> %-40s  %s\n", i+1, when, a, callsNote(a.calls))
		what := fmt.Sprintf("step 4, burst #%d", i+1)
		switch a.status {
		case http.StatusOK:
			handled++
			d.tally.check(what, len(a.calls) == 1 && a.calls[0].typed, "200 with %d handler calls, want one typed handler call", len(a.calls))
		case http.StatusTooManyRequests:
			limited++
			d.tally.check(what, len(a.calls) == 0 && a.retryAfter != "", "429 with %d handler calls and Retry-After %q, want none and a Retry-After", len(a.calls), a.retryAfter)
		default:
			d.tally.check(what, false, "%s, want 200 or 429", a)
		}
		if i < burstLimit {
			d.tally.check(what, a.status == http.StatusOK, "%s, want 200: the burst allows %d at once", a, burstLimit)
		}
	}
	d.tally.check("step 4, burst", limited > 0, "no delivery was rate-limited")
	d.out.printf("   %d let through and handled, %d refused with 429.\n", handled, limited)
	return nil
}

// callsNote says which handler a delivery's answer came with.
func callsNote(calls []handlerCall) string {
	switch {
	case len(calls) == 0:
		return "no handler called"
	case len(calls) == 1 && calls[0].typed:
		return "typed handler called"
	case len(calls) == 1:
		return "fallback handler called"
	}
	return fmt.Sprintf("%d handler calls", len(calls))
}

// withDateTriggered returns a copy of the SafetyCulture body with event.date_triggered moved on
// by d, and the new time. The copy's keys are in another order: a receiver reads the JSON, not
// its layout.
func withDateTriggered(body []byte, d time.Duration) ([]byte, string, error) {
	var doc, event map[string]json.RawMessage
	var triggered time.Time
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, "", fmt.Errorf("%s: %w", storyFixture, err)
	}
	if err := json.Unmarshal(doc["event"], &event); err != nil {
		return nil, "", fmt.Errorf("%s: event: %w", storyFixture, err)
	}
	if err := json.Unmarshal(event["date_triggered"], &triggered); err != nil {
		return nil, "", fmt.Errorf("%s: event.date_triggered: %w", storyFixture, err)
	}
	when := triggered.Add(d).UTC().Format(time.RFC3339)
	var err error
	if event["date_triggered"], err = json.Marshal(when); err != nil {
		return nil, "", err
	}
	if doc["event"], err = json.Marshal(event); err != nil {
		return nil, "", err
	}
	out, err := json.Marshal(doc)
	return out, when, err
}

// replay sends every fixture of every provider, signed as the provider signs, and tallies each
// answer against webhooktest.WantStatus: 200 for events, variants and unknown events, 400 or 422
// for bad bodies. With -v it prints one line per fixture, and the handler it ran.
func (d *demo) replay(ctx context.Context) error {
	var all [][]inspecthook.Fixture
	total := 0
	for _, name := range providerNames {
		fixtures, err := inspecthook.LoadFixtures(name)
		if err != nil {
			return err
		}
		all = append(all, fixtures)
		total += len(fixtures)
	}
	d.out.printf("\nReplay: the %d fixtures of the corpus, each sent to its provider's receiver signed as\n", total)
	d.out.printf("that provider signs. Bad fixtures must be refused with 400 or 422, the others answered 200.\n")
	if !d.verbose {
		d.out.printf("(Run with -v for one line per fixture.)\n")
	} else {
		d.out.printf("\n")
	}
	for i, name := range providerNames {
		for _, f := range all[i] {
			body, err := f.Body()
			if err != nil {
				return err
			}
			a, err := d.send(ctx, "/webhooks/"+name, body, d.signers[name])
			if err != nil {
				return err
			}
			mark := d.tally.fixture(f, a)
			if d.verbose {
				d.out.printf("  %-13s %-46s %-7s -> %s%s\n", name, path.Base(f.File), f.Kind, a, mark)
				for _, c := range a.calls {
					d.out.printf("  %-13s   %s\n", "", c)
				}
			}
		}
	}
	return nil
}

// send posts body to the route, signed with signer, and returns the receiver's answer with the
// handler calls it caused.
func (d *demo) send(ctx context.Context, route string, body []byte, signer verify.Signer) (answer, error) {
	d.calls.take() // none expected: a delivery's calls are taken with its answer
	resp, err := webhooktest.Send(ctx, d.client, d.base+route, body, signer)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return answer{}, err
	}
	text, _, _ = bytes.Cut(text, []byte("\n"))
	if len(text) > 90 {
		text = append(text[:87:87], "..."...)
	}
	return answer{
		status:     resp.StatusCode,
		text:       string(text),
		retryAfter: resp.Header.Get("Retry-After"),
		calls:      d.calls.take(),
	}, nil
}

// summary prints the table of the replay, what was unexpected, and the handler calls.
func (d *demo) summary() {
	d.out.printf("\n%s\n\n", duplicatesNote)
	d.tally.print(d.out)
	typed, fallback := d.calls.counts()
	d.out.printf("\nhandler calls: %d typed, %d fallback (event types with no typed handler here)\n", typed, fallback)
	if d.tally.failed() {
		for _, u := range d.tally.unexpected {
			d.out.printf("UNEXPECTED %s\n", u)
		}
		d.out.printf("%d answers were not the ones expected: exit status 1\n", len(d.tally.unexpected))
		return
	}
	d.out.printf("every answer was the one expected: exit status 0\n")
}

// result is run's error once every delivery was sent: errUnexpected when an answer was not the
// one expected.
func (d *demo) result() error {
	switch {
	case d.out.err != nil:
		return d.out.err
	case d.tally.failed():
		return errUnexpected
	}
	return nil
}

// row counts one provider's fixtures by how they were answered.
type row struct {
	sent, handled, duplicates, badRequest, invalid, other, unexpected int
}

// tally keeps the rows of the table and what was not answered as expected.
type tally struct {
	providers  []string
	rows       map[string]*row
	unexpected []string
}

func newTally(providers []string) *tally {
	t := &tally{providers: providers, rows: map[string]*row{}}
	for _, p := range providers {
		t.rows[p] = &row{}
	}
	return t
}

// check records what went wrong when ok is false.
func (t *tally) check(what string, ok bool, format string, args ...any) {
	if !ok {
		t.unexpected = append(t.unexpected, what+": "+fmt.Sprintf(format, args...))
	}
}

// fixture counts the answer to a fixture and returns the mark to print beside it: empty when
// it was the one expected. A 200 is a new event when a handler was called (every receiver here
// has a fallback), a duplicate when none was.
func (t *tally) fixture(f inspecthook.Fixture, a answer) string {
	r := t.rows[f.Provider]
	r.sent++
	switch a.status {
	case http.StatusOK:
		if len(a.calls) > 0 {
			r.handled++
		} else {
			r.duplicates++
		}
	case http.StatusBadRequest:
		r.badRequest++
	case http.StatusUnprocessableEntity:
		r.invalid++
	default:
		r.other++
	}
	want := webhooktest.WantStatus(f)
	var problem string
	switch {
	case a.status != want:
		problem = fmt.Sprintf("status %d, want %d", a.status, want)
	case len(a.calls) > 1:
		problem = fmt.Sprintf("%d handler calls, want at most 1", len(a.calls))
	case a.status != http.StatusOK && len(a.calls) > 0:
		problem = fmt.Sprintf("a handler called for a %d", a.status)
	default:
		return ""
	}
	r.unexpected++
	t.unexpected = append(t.unexpected, f.File+": "+problem)
	return "   <-- UNEXPECTED: " + problem
}

// failed reports whether an answer was not the one expected.
func (t *tally) failed() bool { return len(t.unexpected) > 0 }

// duplicatesNote, printed above the table, says why some fixtures are answered as duplicates.
const duplicatesNote = `Duplicates: some variants repeat the event of another fixture (same idempotency key), so the receiver answers them "200 ok: already received" without calling a handler.`

// tableHeader is the first line of the table.
const tableHeader = "provider        sent  200 handled  200 duplicates  400  422  other  unexpected"

// print writes the table: one row per provider, then the total.
func (t *tally) print(p *printer) {
	p.printf("%s\n", tableHeader)
	var total row
	line := func(name string, r row) {
		p.printf("%-13s %6d %12d %15d %4d %4d %6d %11d\n", name, r.sent, r.handled, r.duplicates, r.badRequest, r.invalid, r.other, r.unexpected)
	}
	for _, name := range t.providers {
		r := *t.rows[name]
		line(name, r)
		total.sent += r.sent
		total.handled += r.handled
		total.duplicates += r.duplicates
		total.badRequest += r.badRequest
		total.invalid += r.invalid
		total.other += r.other
		total.unexpected += r.unexpected
	}
	line("total", total)
}

// printer writes to w and keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
