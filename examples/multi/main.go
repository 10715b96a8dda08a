// Command multi receives the webhooks of all four providers on one server, each provider on its
// own route with its own authentication scheme:
//
//	POST /webhooks/record360      HTTP Basic plus X-Account-Id, asked of Record360 (default: Bearer)
//	POST /webhooks/safetyculture  HMAC-SHA256 of the body (x-safetyculture-signature)
//	POST /webhooks/inspectorio    HTTP Basic, as Inspectorio Sight sends it
//	POST /webhooks/vehreports     HMAC-SHA256 of the body (X-VehReports-Signature)
//
// Every delivery is rate-limited per client IP, verified, handled once and logged with log/slog;
// the server has timeouts and shuts down gracefully on SIGINT or SIGTERM.
//
// Run it with every provider's credentials in the environment:
//
//	RECORD360_USERNAME=... RECORD360_PASSWORD=... RECORD360_ACCOUNT_ID=... \
//	SC_WEBHOOK_SECRET=... \
//	INSPECTORIO_USERNAME=... INSPECTORIO_PASSWORD=... \
//	VEHREPORTS_WEBHOOK_SECRET=... \
//	go run ./examples/multi
//
// It listens on 127.0.0.1:8080, for a reverse proxy or tunnel on the same machine; with
// ADDR=:8080 it listens on every interface.
//
// Environment (every credential is required: a missing one stops the program, naming it):
//
//	RECORD360_USERNAME         the user name Record360 sends with HTTP Basic
//	RECORD360_PASSWORD         its password
//	RECORD360_ACCOUNT_ID       your Record360 account id, sent in X-Account-Id
//	SC_WEBHOOK_SECRET          the token SafetyCulture signs deliveries with
//	INSPECTORIO_USERNAME       the user name registered with the Inspectorio Sight webhook
//	INSPECTORIO_PASSWORD       its password
//	VEHREPORTS_WEBHOOK_SECRET  the signing secret of the vehReports endpoint
//	ADDR                       address to listen on; default 127.0.0.1:8080
//	RATE_LIMIT                 deliveries per second per client IP and provider; default 10; "off" for none
//	RATE_BURST                 deliveries a client IP may send a provider's route at once; default 50
//	TRUSTED_PROXIES            comma-separated CIDR prefixes of your load balancers, such as
//	                           10.0.0.0/8; the rate limit then buckets by the client address they
//	                           forward in X-Forwarded-For. Default: none, the peer address is the bucket.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const (
	defaultAddr  = "127.0.0.1:8080"
	defaultRate  = 10
	defaultBurst = 50

	// record360AccountHeader is the header Record360 sends your account id in.
	record360AccountHeader = "X-Account-Id"

	// handlerTimeout is how long a handler may run: the receiver's default, below the 60 s
	// Inspectorio waits for an answer.
	handlerTimeout = receiver.DefaultHandlerTimeout

	// readTimeout bounds reading a whole request, body included (8 MiB at most).
	readTimeout = 10 * time.Second

	// writeTimeout runs from the end of the request headers, so it covers reading the body and
	// the handler: a little over both, so a slow handler is cut off by its own deadline first.
	writeTimeout = readTimeout + handlerTimeout

	// shutdownTimeout is how long in-flight deliveries may finish after SIGINT or SIGTERM.
	shutdownTimeout = handlerTimeout
)

// Configuration errors; run wraps them with the variables' names.
var (
	errMissingEnv = errors.New("missing environment variables")
	errInvalidEnv = errors.New("invalid environment variable")
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop) // a second signal stops the process at once
	err := run(ctx, os.Getenv, os.Stderr, nil)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "multi:", err)
		os.Exit(1)
	}
}

// config is what run reads from the environment.
type config struct {
	addr           string
	rate           rate.Limit // 0: no rate limit
	burst          int
	trustedProxies []netip.Prefix

	record360User, record360Password, record360AccountID string
	safetyCultureSecret                                  string
	inspectorioUser, inspectorioPassword                 string
	vehReportsSecret                                     string
}

// loadConfig reads the configuration from getenv. Every missing credential is named in one
// error, so a first run tells the operator everything to set.
func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{addr: getenv("ADDR"), rate: defaultRate, burst: defaultBurst}
	if cfg.addr == "" {
		cfg.addr = defaultAddr
	}
	required := []struct {
		name string
		dst  *string
	}{
		{"RECORD360_USERNAME", &cfg.record360User},
		{"RECORD360_PASSWORD", &cfg.record360Password},
		{"RECORD360_ACCOUNT_ID", &cfg.record360AccountID},
		{"SC_WEBHOOK_SECRET", &cfg.safetyCultureSecret},
		{"INSPECTORIO_USERNAME", &cfg.inspectorioUser},
		{"INSPECTORIO_PASSWORD", &cfg.inspectorioPassword},
		{"VEHREPORTS_WEBHOOK_SECRET", &cfg.vehReportsSecret},
	}
	var missing []string
	for _, v := range required {
		if *v.dst = getenv(v.name); *v.dst == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return config{}, fmt.Errorf("%w %s: every provider's route needs its credentials", errMissingEnv, strings.Join(missing, ", "))
	}

	if s := getenv("RATE_LIMIT"); s == "off" {
		cfg.rate = 0
	} else if s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || !(r > 0) {
			return config{}, fmt.Errorf(`%w RATE_LIMIT=%q: want deliveries per second, such as 10, or "off"`, errInvalidEnv, s)
		}
		cfg.rate = rate.Limit(r)
	}
	if s := getenv("RATE_BURST"); s != "" {
		b, err := strconv.Atoi(s)
		if err != nil || b < 1 {
			return config{}, fmt.Errorf("%w RATE_BURST=%q: want a whole number of at least 1", errInvalidEnv, s)
		}
		cfg.burst = b
	}
	for s := range strings.SplitSeq(getenv("TRUSTED_PROXIES"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return config{}, fmt.Errorf("%w TRUSTED_PROXIES: %q is not a CIDR prefix such as 10.0.0.0/8", errInvalidEnv, s)
		}
		cfg.trustedProxies = append(cfg.trustedProxies, p)
	}
	return cfg, nil
}

// run serves the four providers' webhooks until ctx is done, then shuts down gracefully. It
// logs to logOut and, when ready is not nil, sends it the address it listens on once it
// accepts connections; give ready a buffer of one.
func run(ctx context.Context, getenv func(string) string, logOut io.Writer, ready chan<- string) error {
	log := slog.New(slog.NewJSONHandler(logOut, nil))
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	for _, m := range mounts(cfg) {
		rx, err := newReceiver(cfg, m, log)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		defer rx.Close()
		mux.Handle("POST /webhooks/"+m.name, rx)
	}
	return serve(ctx, cfg.addr, mux, log, ready)
}

// mount is one provider on the server: its route is /webhooks/<name>.
type mount struct {
	name     string
	provider events.Provider
	auth     func() (verify.Verifier, error)
	register func(rx *receiver.Receiver, log *slog.Logger)
}

// mounts lists the providers, each with the authentication it is configured with.
func mounts(cfg config) []mount {
	return []mount{
		{
			name:     record360.Name,
			provider: record360.Provider(),
			// Record360 signs nothing; its support adds the headers you ask for (Bearer by
			// default). This account asked for HTTP Basic and its account id: both must match.
			auth: func() (verify.Verifier, error) {
				basic, err := verify.NewBasic(verify.Credential{Username: cfg.record360User, Password: cfg.record360Password})
				if err != nil {
					return nil, fmt.Errorf("RECORD360_USERNAME, RECORD360_PASSWORD: %w", err)
				}
				account, err := verify.NewAPIKey(record360AccountHeader, cfg.record360AccountID)
				if err != nil {
					return nil, fmt.Errorf("RECORD360_ACCOUNT_ID: %w", err)
				}
				return verify.All(basic, account)
			},
			register: handleRecord360,
		},
		{
			name:     safetyculture.Name,
			provider: safetyculture.Provider(),
			auth: func() (verify.Verifier, error) {
				return verify.NewHMAC(verify.SafetyCulture(cfg.safetyCultureSecret))
			},
			register: handleSafetyCulture,
		},
		{
			name:     inspectorio.Name,
			provider: inspectorio.Provider(),
			// Inspectorio Sight sends the HTTP Basic credentials registered with the webhook.
			// Inspectorio's newer platform is reported to sign with Standard Webhooks instead:
			// use verify.NewStandardWebhooks(verify.StandardWebhooksConfig{Secrets:
			// []string{"whsec_..."}}) here, and receiver.Config{IdempotencyKeyHeader: "webhook-id"} so
			// that its webhook-id header is the idempotency key.
			auth: func() (verify.Verifier, error) {
				return verify.NewBasic(verify.Credential{Username: cfg.inspectorioUser, Password: cfg.inspectorioPassword})
			},
			register: handleInspectorio,
		},
		{
			name:     vehreports.Name,
			provider: vehreports.Provider(),
			auth: func() (verify.Verifier, error) {
				return verify.NewHMAC(verify.VehReports(cfg.vehReportsSecret))
			},
			register: handleVehReports,
		},
	}
}

// newReceiver builds m's receiver, with a rate limiter of its own, and registers its handlers.
//
// Each provider gets its own limiter rather than one shared by all routes. Keyed by client IP,
// the two differ only when providers share an address, and that is what happens behind a proxy
// not listed in TRUSTED_PROXIES, where every delivery comes from the proxy: with one limiter per
// provider, a burst from one provider (SafetyCulture re-sending a backlog after an outage) or a
// flood on one route cannot use up the tokens of the others.
func newReceiver(cfg config, m mount, log *slog.Logger) (*receiver.Receiver, error) {
	auth, err := m.auth()
	if err != nil {
		return nil, err
	}
	rcfg := receiver.Config{Verifier: auth, HandlerTimeout: handlerTimeout, Logger: log}
	if cfg.rate > 0 {
		rcfg.Limiter, err = ratelimit.New(ratelimit.Config{
			Rate:   cfg.rate,
			Burst:  cfg.burst,
			Bucket: ratelimit.ClientIP(cfg.trustedProxies...),
		})
		if err != nil {
			return nil, err
		}
	}
	rx, err := receiver.New(m.provider, rcfg)
	if err != nil {
		return nil, err
	}
	plog := log.With("provider", m.name)
	m.register(rx, plog)

	// Every other event type, including ones this SDK does not know yet: acknowledge it, so the
	// provider does not retry, and log it so nothing goes unseen.
	receiver.HandleUnknown(rx, func(ctx context.Context, env *events.Envelope) error {
		plog.InfoContext(ctx, "event not handled", "type", env.Type, "known", env.Known(), "key", env.IdempotencyKey)
		return nil
	})
	return rx, nil
}

// handleRecord360 registers typed handlers for Record360 events, which log what they receive.
func handleRecord360(rx *receiver.Receiver, log *slog.Logger) {
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		logEvent(ctx, log, "inspection_id", insp.ID.String(), "unit", insp.Unit.ReferenceNumber, "damage", insp.DamagePresent)
		return nil
	})
	// v3 and both spellings of v1 send a completed task as a Task.
	onTask := func(ctx context.Context, task *record360.Task) error {
		logEvent(ctx, log, "task_id", task.ID.String(), "name", task.Name, "unit", task.Unit.ReferenceNumber)
		return nil
	}
	receiver.Handle(rx, record360.TaskCompleted, onTask)
	receiver.Handle(rx, record360.V1TaskComplete, onTask)
	receiver.Handle(rx, record360.V1TaskCompleted, onTask)
	receiver.Handle(rx, record360.V1TransactionCreated, func(ctx context.Context, tx *record360.Transaction) error {
		logEvent(ctx, log, "transaction_id", tx.ID.String(), "asset", tx.Asset.ExternalID, "damage", tx.Damage)
		return nil
	})
}

// handleSafetyCulture registers typed handlers for SafetyCulture events, which log what they receive.
func handleSafetyCulture(rx *receiver.Receiver, log *slog.Logger) {
	receiver.Handle(rx, safetyculture.InspectionCompleted, func(ctx context.Context, e *safetyculture.InspectionEvent) error {
		logEvent(ctx, log, "inspection_id", e.InspectionID().String(), "triggered_at", e.Event.DateTriggered.String())
		return nil
	})
	receiver.Handle(rx, safetyculture.ActionCreated, func(ctx context.Context, e *safetyculture.ActionEvent) error {
		logEvent(ctx, log, "action_id", e.Data.ActionID.String(), "title", e.Data.Title)
		return nil
	})
}

// handleInspectorio registers typed handlers for Inspectorio events, which log what they receive.
func handleInspectorio(rx *receiver.Receiver, log *slog.Logger) {
	onReport := func(ctx context.Context, r *inspectorio.Report) error {
		logEvent(ctx, log, "message_id", r.MessageID.String(), "report_id", r.Payload.ResourceID.String(), "path", r.Payload.Path)
		return nil
	}
	receiver.Handle(rx, inspectorio.ReportCreated, onReport)
	receiver.Handle(rx, inspectorio.ReportFileReady, onReport)
}

// handleVehReports registers typed handlers for vehReports events, which log what they receive.
func handleVehReports(rx *receiver.Receiver, log *slog.Logger) {
	receiver.Handle(rx, vehreports.ReportCompleted, func(ctx context.Context, r *vehreports.Report) error {
		logEvent(ctx, log, "report", r.Reference.String(), "registration", r.Registration, "verdict", r.Verdict)
		return nil
	})
	receiver.Handle(rx, vehreports.InspectionVerdictFlagged, func(ctx context.Context, v *vehreports.Verdict) error {
		logEvent(ctx, log, "report_id", v.ReportID.String(), "verdict", v.Verdict)
		return nil
	})
	receiver.Handle(rx, vehreports.AgreementSigned, func(ctx context.Context, a *vehreports.Agreement) error {
		logEvent(ctx, log, "agreement", a.Reference.String(), "status", a.Status)
		return nil
	})
}

// logEvent logs one handled event with its delivery's type and idempotency key.
func logEvent(ctx context.Context, log *slog.Logger, attrs ...any) {
	d := receiver.FromContext(ctx)
	log.InfoContext(ctx, "event", append([]any{"type", d.Type, "key", d.IdempotencyKey}, attrs...)...)
}

// serve runs h on addr until ctx is done, then stops accepting connections and waits up to
// shutdownTimeout for in-flight deliveries.
func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready chan<- string) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())
	if ready != nil {
		ready <- ln.Addr().String()
	}

	select {
	case err := <-served:
		return err // Serve failed before any shutdown
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
