// Command demo shows the whole SDK at work in a few seconds, with nothing to configure:
//
//	go run ./examples/demo
//
// It needs no environment variables and sends nothing beyond this machine. It starts a receiver
// for each provider (Record360, SafetyCulture, Inspectorio, vehReports) with the embedded
// defaults, such as an in-memory idempotency store, all on one server listening on a free port
// of 127.0.0.1. The secrets are demo-only: generated with crypto/rand at start, forgotten at
// exit. Then, acting as each provider, it sends over HTTP every fixture of the embedded corpus,
// signed as that provider signs (the bad ones are expected to be rejected with 400 or 422), and
// after that:
//
//   - a delivery sent again: answered 200, its handler not called a second time;
//   - a delivery with a bad signature: answered 401;
//   - a burst over the rate limit of a route of its own: some answered 429 with Retry-After.
//
// It prints one line per event a handler receives ("event" from a typed handler, with fields of
// the typed payload; "fallback" for event types with no typed handler here), one line per
// request sent (provider, fixture, kind, status and the receiver's answer), and a summary; then
// it shuts down and exits: 0 when every answer was the one expected, 1 otherwise.
//
// For a service to deploy, start from examples/basic (one provider) or examples/multi (all four,
// credentials from the environment).
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

const (
	// limitedRoute is the rate-limited SafetyCulture route the burst is sent to.
	limitedRoute = "/limited/safetyculture"

	// burstLimit and burstSize: the limited route lets 3 deliveries through at once, then one
	// a second; the demo sends 10 in a row.
	burstLimit = 3
	burstSize  = 10

	// duplicateFixture is sent a second time after the replay, and burstFixture is the body of
	// the burst: both have been handled by then, so they are answered as duplicates.
	duplicateFixture = "record360/v3_inspection_created.json"
	burstFixture     = "safetyculture/newer_action_created.json"
)

// providerNames lists the providers in the order the demo mounts them and replays their fixtures.
var providerNames = []string{record360.Name, safetyculture.Name, inspectorio.Name, vehreports.Name}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run starts the receivers on a loopback port, sends every delivery of the demo to them,
// prints what happens to out, and shuts down. It returns an error when an answer was not the
// one expected.
func run(ctx context.Context, out io.Writer) error {
	p := &printer{w: out}
	ev := &eventPrinter{p: p}

	// SafetyCulture's two routes (see below) share one idempotency store, so that an event
	// handled on one is a duplicate on the other. The other providers' receivers use their
	// default in-memory store.
	scStore, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		return err
	}
	defer scStore.Close()

	providers, err := newProviders(ev, scStore)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	for _, prov := range providers {
		defer prov.rx.Close()
		mux.Handle("POST /webhooks/"+prov.name, prov.rx)
	}

	// The rate limit. Every delivery of the demo comes from one address, 127.0.0.1, so a
	// per-client-IP limiter on the provider routes would take the replay (well over a hundred
	// deliveries in under a second) for one client flooding and refuse most of it. In
	// production each provider sends from its own addresses at its own pace, and every route
	// has a limiter (see examples/multi). Here the provider routes have none, and the limiter
	// is shown on a route of its own: a second SafetyCulture receiver with the same verifier
	// and idempotency store, limited to a burst of 3 per client IP, which the demo then floods.
	// (Keying the limiter on a header the demo sets would work too, but a key the client
	// chooses lets any client pick a fresh bucket: not something to copy.)
	limited, err := newLimitedSafetyCulture(providers, scStore, ev)
	if err != nil {
		return err
	}
	defer limited.Close()
	mux.Handle("POST "+limitedRoute, limited)

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
		p:       p,
		ev:      ev,
		results: map[int]int{},
	}
	for _, prov := range providers {
		d.signers[prov.name] = prov.signer
	}
	p.printf("inspecthook demo: receivers for %s on %s (loopback only)\n", strings.Join(providerNames, ", "), d.base)
	p.printf("secrets: generated with crypto/rand for this run only (demo-only)\n")
	sendErr := d.sendAll(ctx)

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
	return d.summary()
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
func newProviders(ev *eventPrinter, scStore idempotency.Store) ([]provider, error) {
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
		register func(*receiver.Receiver, *eventPrinter)
	}{
		{record360.Provider(), r360, nil, handleRecord360},
		{safetyculture.Provider(), sc, scStore, handleSafetyCulture},
		{inspectorio.Provider(), sight, nil, handleInspectorio},
		{vehreports.Provider(), vr, nil, handleVehReports},
	}
	var providers []provider
	for _, a := range all {
		rx, err := newReceiver(a.decoder, receiver.Config{Verifier: a.auth, Store: a.store}, a.register, ev)
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
func newLimitedSafetyCulture(providers []provider, store idempotency.Store, ev *eventPrinter) (*receiver.Receiver, error) {
	i := slices.IndexFunc(providers, func(p provider) bool { return p.name == safetyculture.Name })
	limiter, err := ratelimit.New(ratelimit.Config{Rate: 1, Burst: burstLimit, Key: ratelimit.ClientIP()})
	if err != nil {
		return nil, err
	}
	cfg := receiver.Config{Verifier: providers[i].auth, Store: store, Limiter: limiter}
	return newReceiver(safetyculture.Provider(), cfg, handleSafetyCulture, ev)
}

// newReceiver builds a receiver whose handlers print what they receive. The receiver's own
// log, one line per delivery, is discarded: the demo prints its own.
func newReceiver(p events.Provider, cfg receiver.Config, register func(*receiver.Receiver, *eventPrinter), ev *eventPrinter) (*receiver.Receiver, error) {
	cfg.Logger = slog.New(slog.DiscardHandler)
	rx, err := receiver.New(p, cfg)
	if err != nil {
		return nil, err
	}
	register(rx, ev)
	// Every event type without a typed handler here, known to the provider package or not.
	receiver.HandleUnknown(rx, ev.fallback)
	return rx, nil
}

// handle registers h for every key: one handler for events that carry the same payload.
func handle[T any](rx *receiver.Receiver, h func(context.Context, *T) error, keys ...events.Event[T]) {
	for _, k := range keys {
		receiver.Handle(rx, k, h)
	}
}

// handleRecord360 registers typed handlers for Record360 events, which print what they receive.
func handleRecord360(rx *receiver.Receiver, ev *eventPrinter) {
	handle(rx, func(ctx context.Context, insp *record360.Inspection) error {
		return ev.event(ctx, "inspection=%s unit=%s damage=%t", insp.ID, insp.Unit.ReferenceNumber, insp.DamagePresent)
	}, record360.InspectionCreated)
	handle(rx, func(ctx context.Context, task *record360.Task) error {
		return ev.event(ctx, "task=%s unit=%s status=%s", task.ID, task.Unit.ReferenceNumber, task.Status)
	}, record360.TaskCompleted, record360.V1TaskComplete, record360.V1TaskCompleted)
	handle(rx, func(ctx context.Context, tx *record360.Transaction) error {
		return ev.event(ctx, "transaction=%s asset=%s damage=%t", tx.ID, tx.Asset.ExternalID, tx.Damage)
	}, record360.V1TransactionCreated)
}

// handleSafetyCulture registers typed handlers for SafetyCulture events, which print what they receive.
func handleSafetyCulture(rx *receiver.Receiver, ev *eventPrinter) {
	handle(rx, func(ctx context.Context, e *safetyculture.InspectionEvent) error {
		return ev.event(ctx, "inspection=%s format=%s", e.InspectionID(), formatOf(e.Delivery))
	},
		safetyculture.InspectionStarted, safetyculture.InspectionUpdated, safetyculture.InspectionCompleted,
		safetyculture.InspectionArchived, safetyculture.InspectionUnarchived, safetyculture.InspectionHasStarted,
		safetyculture.InspectionCompletedStatus, safetyculture.InspectionItemUpdated)
	handle(rx, func(ctx context.Context, e *safetyculture.ActionEvent) error {
		status := ""
		if e.Data.Status != nil {
			status = e.Data.Status.Label
		}
		return ev.event(ctx, "action=%s title=%q status=%q", e.Data.ActionID, e.Data.Title, status)
	}, safetyculture.ActionCreated, safetyculture.ActionStatusUpdated)
	handle(rx, func(ctx context.Context, e *safetyculture.MediaEvent) error {
		return ev.event(ctx, "media=%s type=%s", e.Data.MediaID, e.Data.MediaType)
	}, safetyculture.MediaUploaded)
}

// formatOf names the SafetyCulture format a delivery came in.
func formatOf(d safetyculture.Delivery) string {
	if d.Resource == nil {
		return "legacy"
	}
	return "newer"
}

// handleInspectorio registers typed handlers for Inspectorio events, which print what they receive.
func handleInspectorio(rx *receiver.Receiver, ev *eventPrinter) {
	handle(rx, func(ctx context.Context, r *inspectorio.Report) error {
		return ev.event(ctx, "report=%s path=%s message=%s", r.Payload.ResourceID, r.Payload.Path, r.MessageID)
	}, inspectorio.ReportCreated, inspectorio.ReportFileReady)
}

// handleVehReports registers typed handlers for vehReports events, which print what they receive.
func handleVehReports(rx *receiver.Receiver, ev *eventPrinter) {
	handle(rx, func(ctx context.Context, r *vehreports.Report) error {
		return ev.event(ctx, "report=%s registration=%q verdict=%s", r.Reference, r.Registration, r.Verdict)
	}, vehreports.ReportCompleted)
	handle(rx, func(ctx context.Context, v *vehreports.Verdict) error {
		return ev.event(ctx, "report=%s verdict=%s reasons=%d", v.ReportID, v.Verdict, len(v.Reasons))
	}, vehreports.InspectionVerdictFlagged)
	handle(rx, func(ctx context.Context, a *vehreports.Agreement) error {
		return ev.event(ctx, "agreement=%s status=%s registration=%q", a.Reference, a.Status, registration(a.Vehicle))
	}, vehreports.AgreementSigned, vehreports.AgreementReturnDue, vehreports.AgreementClosed)
	handle(rx, func(ctx context.Context, v *vehreports.Vehicle) error {
		return ev.event(ctx, "vehicle=%s registration=%q", v.ID, v.Registration)
	}, vehreports.VehicleCreated, vehreports.VehicleUpdated)
}

// registration is the vehicle's number plate, or "" when the payload names no vehicle.
func registration(v *vehreports.Vehicle) string {
	if v == nil {
		return ""
	}
	return v.Registration
}

// eventPrinter prints one line per event a handler receives, and counts them.
type eventPrinter struct {
	p        *printer
	typed    atomic.Int64
	untyped  atomic.Int64
	handlers atomic.Int64 // calls of any handler, typed or fallback
}

// event prints a typed event: provider, type and the payload's fields.
func (e *eventPrinter) event(ctx context.Context, format string, args ...any) error {
	d, _ := receiver.FromContext(ctx)
	e.typed.Add(1)
	e.handlers.Add(1)
	e.p.printf("  event     %-13s %-42s %s\n", d.Provider, d.Type, fmt.Sprintf(format, args...))
	return nil
}

// fallback is the HandleUnknown handler: an event type with no typed handler.
func (e *eventPrinter) fallback(ctx context.Context, env *events.Envelope) error {
	e.untyped.Add(1)
	e.handlers.Add(1)
	why := "no typed handler registered here"
	if !env.Known() {
		why = "event type unknown to the provider package"
	}
	e.p.printf("  fallback  %-13s %-42s (%s)\n", env.Provider, env.Type, why)
	return nil
}

// demo sends the deliveries and keeps the tally.
type demo struct {
	base    string // the server's URL, on loopback
	client  *http.Client
	signers map[string]verify.Signer // by provider name
	p       *printer
	ev      *eventPrinter

	results    map[int]int // responses by status
	sent       int
	fixtures   int      // fixtures sent
	fixturesOK int      // fixtures answered with webhooktest.WantStatus
	unexpected []string // what was not answered as expected
}

// sendAll sends every delivery of the demo, one step after the other.
func (d *demo) sendAll(ctx context.Context) error {
	for _, step := range []func(context.Context) error{d.replay, d.duplicate, d.badSignature, d.burst} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// replay sends every fixture of every provider, signed as the provider signs, and checks each
// answer against webhooktest.WantStatus: 200 for events, variants and unknown events, 400 or
// 422 for bad bodies.
func (d *demo) replay(ctx context.Context) error {
	d.p.printf("\nreplay: every fixture of every provider, signed as the provider signs\n")
	for _, name := range providerNames {
		fixtures, err := inspecthook.LoadFixtures(name)
		if err != nil {
			return err
		}
		for _, f := range fixtures {
			body, err := f.Body()
			if err != nil {
				return err
			}
			status, answer, _, err := d.send(ctx, "/webhooks/"+name, body, d.signers[name])
			if err != nil {
				return err
			}
			want := webhooktest.WantStatus(f)
			d.fixtures++
			if status == want {
				d.fixturesOK++
			}
			d.sentLine(name, path.Base(f.File), f.Kind, status, answer+d.expect(f.File, status, want))
		}
	}
	return nil
}

// duplicate sends a delivery the replay sent already: it is answered 200 and its handler is
// not called again.
func (d *demo) duplicate(ctx context.Context) error {
	d.p.printf("\nduplicate: %s again\n", duplicateFixture)
	body, err := fs.ReadFile(inspecthook.Fixtures(), duplicateFixture)
	if err != nil {
		return err
	}
	before := d.ev.handlers.Load()
	status, answer, _, err := d.send(ctx, "/webhooks/"+record360.Name, body, d.signers[record360.Name])
	if err != nil {
		return err
	}
	calls := d.ev.handlers.Load() - before
	if calls != 0 {
		d.unexpected = append(d.unexpected, fmt.Sprintf("duplicate: %d handler calls, want 0", calls))
	}
	answer += fmt.Sprintf(" (handler calls: %d)", calls) + d.expect("duplicate", status, http.StatusOK)
	d.sentLine(record360.Name, path.Base(duplicateFixture), "again", status, answer)
	return nil
}

// badSignature sends a SafetyCulture delivery signed with a secret the receiver does not know:
// it is answered 401.
func (d *demo) badSignature(ctx context.Context) error {
	d.p.printf("\nbad signature: %s signed with another secret\n", burstFixture)
	forger, err := verify.NewHMAC(verify.SafetyCulture("not-the-secret"))
	if err != nil {
		return err
	}
	body, err := fs.ReadFile(inspecthook.Fixtures(), burstFixture)
	if err != nil {
		return err
	}
	status, answer, _, err := d.send(ctx, "/webhooks/"+safetyculture.Name, body, forger)
	if err != nil {
		return err
	}
	d.sentLine(safetyculture.Name, path.Base(burstFixture), "forged", status, answer+d.expect("bad signature", status, http.StatusUnauthorized))
	return nil
}

// burst sends burstSize deliveries in a row to the rate-limited route: the first burstLimit
// pass (answered 200 as duplicates: the replay handled the event), the rest are answered 429
// with Retry-After.
func (d *demo) burst(ctx context.Context) error {
	d.p.printf("\nburst: %d deliveries in a row to %s (burst %d, then 1/s per client IP)\n", burstSize, limitedRoute, burstLimit)
	body, err := fs.ReadFile(inspecthook.Fixtures(), burstFixture)
	if err != nil {
		return err
	}
	limited := 0
	for i := range burstSize {
		status, answer, h, err := d.send(ctx, limitedRoute, body, d.signers[safetyculture.Name])
		if err != nil {
			return err
		}
		if status == http.StatusTooManyRequests {
			limited++
			answer += ", Retry-After: " + h.Get("Retry-After")
		}
		d.sentLine(safetyculture.Name, fmt.Sprintf("%s #%d", path.Base(burstFixture), i+1), "burst", status, answer)
	}
	if limited == 0 {
		d.unexpected = append(d.unexpected, "burst: no delivery was rate-limited")
	}
	return nil
}

// sentLine prints one request: provider, what was sent, its kind, the status and the answer.
func (d *demo) sentLine(provider, what, kind string, status int, answer string) {
	d.p.printf("  sent      %-13s %-46s %-7s -> %d %s\n", provider, what, kind, status, answer)
}

// send posts body to the route, signed with signer, and returns the status, the first line of
// the receiver's answer and the response headers.
func (d *demo) send(ctx context.Context, route string, body []byte, signer verify.Signer) (int, string, http.Header, error) {
	resp, err := webhooktest.Send(ctx, d.client, d.base+route, body, signer)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return 0, "", nil, err
	}
	d.sent++
	d.results[resp.StatusCode]++
	answer, _, _ = bytes.Cut(answer, []byte("\n"))
	if len(answer) > 90 {
		answer = append(answer[:87:87], "..."...)
	}
	return resp.StatusCode, string(answer), resp.Header, nil
}

// expect records an unexpected status and returns the mark to print beside it.
func (d *demo) expect(what string, got, want int) string {
	if got == want {
		return ""
	}
	d.unexpected = append(d.unexpected, fmt.Sprintf("%s: status %d, want %d", what, got, want))
	return fmt.Sprintf("   <-- UNEXPECTED, want %d", want)
}

// summary prints the tally and returns an error when an answer was not the one expected.
func (d *demo) summary() error {
	d.p.printf("\nsummary: %d requests sent\n", d.sent)
	for _, status := range slices.Sorted(maps.Keys(d.results)) {
		d.p.printf("summary: status %d: %d\n", status, d.results[status])
	}
	d.p.printf("summary: fixtures answered as expected: %d of %d\n", d.fixturesOK, d.fixtures)
	d.p.printf("summary: events handled: %d typed, %d fallback\n", d.ev.typed.Load(), d.ev.untyped.Load())
	if len(d.unexpected) > 0 {
		for _, u := range d.unexpected {
			d.p.printf("summary: UNEXPECTED %s\n", u)
		}
		return fmt.Errorf("%d answers were not the ones expected", len(d.unexpected))
	}
	d.p.printf("summary: every answer as expected\n")
	return d.p.err
}

// printer writes lines from the handlers and the sender, one at a time, and keeps the first
// write error.
type printer struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
