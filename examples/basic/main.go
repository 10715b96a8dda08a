// Command basic receives SafetyCulture webhooks: it checks each delivery's HMAC signature,
// rate-limits by client IP, handles every event once, and logs what arrived with log/slog.
//
// It shows the smallest production-shaped receiver: one provider, typed handlers for a few
// inspection and action events, a fallback for every other event type, an http.Server with
// timeouts, and a graceful shutdown on SIGINT or SIGTERM.
//
// Run it with the secret token of your SafetyCulture webhook:
//
//	SC_WEBHOOK_SECRET=your-token go run ./examples/basic
//
// It listens on 127.0.0.1:8080, for a reverse proxy or tunnel on the same machine; with
// ADDR=:8080 it listens on every interface. Point the webhook at
// https://<your host>/webhooks/safetyculture.
//
// Environment:
//
//	SC_WEBHOOK_SECRET  required: the token SafetyCulture signs deliveries with (HMAC-SHA256)
//	ADDR               address to listen on; default 127.0.0.1:8080
//	RATE_LIMIT         deliveries per second per client IP; default 10; "off" for no limit
//	RATE_BURST         deliveries a client IP may send at once; default 50
//
// Behind a load balancer every delivery comes from the balancer's address: see examples/multi
// for TRUSTED_PROXIES, which buckets the limit by the client address the balancer forwards.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const (
	defaultAddr  = "127.0.0.1:8080"
	defaultRate  = 10
	defaultBurst = 50

	// handlerTimeout is how long a handler may run: the receiver's default, below the 60 s
	// the strictest provider waits for an answer.
	handlerTimeout = receiver.DefaultHandlerTimeout

	// readTimeout bounds reading a whole request, body included (8 MiB at most).
	readTimeout = 10 * time.Second

	// writeTimeout runs from the end of the request headers, so it covers reading the body and
	// the handler: a little over both, so a slow handler is cut off by its own deadline first.
	writeTimeout = readTimeout + handlerTimeout

	// shutdownTimeout is how long in-flight deliveries may finish after SIGINT or SIGTERM.
	shutdownTimeout = handlerTimeout
)

// Configuration errors; run wraps them with the variable's name.
var (
	errMissingEnv = errors.New("missing environment variable")
	errInvalidEnv = errors.New("invalid environment variable")
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop) // a second signal stops the process at once
	err := run(ctx, os.Getenv, os.Stderr, nil)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "basic:", err)
		os.Exit(1)
	}
}

// config is what run reads from the environment.
type config struct {
	addr   string
	secret string
	rate   rate.Limit // 0: no rate limit
	burst  int
}

// loadConfig reads the configuration from getenv. A missing secret is an error naming its
// variable: the receiver never runs unauthenticated.
func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{addr: getenv("ADDR"), secret: getenv("SC_WEBHOOK_SECRET"), rate: defaultRate, burst: defaultBurst}
	if cfg.addr == "" {
		cfg.addr = defaultAddr
	}
	if cfg.secret == "" {
		return config{}, fmt.Errorf("%w SC_WEBHOOK_SECRET: set it to the secret token of your SafetyCulture webhook", errMissingEnv)
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
	return cfg, nil
}

// run serves SafetyCulture webhooks until ctx is done, then shuts down gracefully. It logs to
// logOut and, when ready is not nil, sends it the address it listens on once it accepts
// connections; give ready a buffer of one.
func run(ctx context.Context, getenv func(string) string, logOut io.Writer, ready chan<- string) error {
	log := slog.New(slog.NewJSONHandler(logOut, nil))
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	rx, err := newReceiver(cfg, log)
	if err != nil {
		return err
	}
	defer rx.Close()

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/safetyculture", rx)
	return serve(ctx, cfg.addr, mux, log, ready)
}

// newReceiver builds the SafetyCulture receiver and registers its handlers.
func newReceiver(cfg config, log *slog.Logger) (*receiver.Receiver, error) {
	signature, err := verify.NewHMAC(verify.SafetyCulture(cfg.secret))
	if err != nil {
		return nil, fmt.Errorf("SC_WEBHOOK_SECRET: %w", err)
	}
	rcfg := receiver.Config{Verifier: signature, HandlerTimeout: handlerTimeout, Logger: log}
	if cfg.rate > 0 {
		// One bucket per client IP (the peer address; X-Forwarded-For is not trusted).
		rcfg.Limiter, err = ratelimit.New(ratelimit.Config{Rate: cfg.rate, Burst: cfg.burst})
		if err != nil {
			return nil, err
		}
	}
	rx, err := receiver.New(safetyculture.Provider(), rcfg)
	if err != nil {
		return nil, err
	}

	// Both formats' inspection events carry an InspectionEvent; the legacy audit_* names arrive
	// as the same events.
	onInspection := func(ctx context.Context, e *safetyculture.InspectionEvent) error {
		attrs := []any{"inspection_id", e.InspectionID().String(), "triggered_at", e.Event.DateTriggered.String()}
		if e.Data.Audit != nil {
			attrs = append(attrs, "name", e.Data.Audit.AuditData.Name)
		}
		logEvent(ctx, log, attrs...)
		return nil
	}
	receiver.Handle(rx, safetyculture.InspectionStarted, onInspection)
	receiver.Handle(rx, safetyculture.InspectionCompleted, onInspection)
	receiver.Handle(rx, safetyculture.InspectionArchived, onInspection)

	onAction := func(ctx context.Context, e *safetyculture.ActionEvent) error {
		attrs := []any{"action_id", e.Data.ActionID.String(), "title", e.Data.Title}
		if e.Data.Status != nil {
			attrs = append(attrs, "status", e.Data.Status.Label)
		}
		logEvent(ctx, log, attrs...)
		return nil
	}
	receiver.Handle(rx, safetyculture.ActionCreated, onAction)
	receiver.Handle(rx, safetyculture.ActionStatusUpdated, onAction)

	// Every other event type, including ones this SDK does not know yet: acknowledge it, so
	// SafetyCulture does not retry, and log it so nothing goes unseen.
	receiver.HandleUnknown(rx, func(ctx context.Context, env *events.Envelope) error {
		log.InfoContext(ctx, "safetyculture event not handled", "type", env.Type, "known", env.Known(),
			"key", env.IdempotencyKey)
		return nil
	})
	return rx, nil
}

// logEvent logs one handled event with its delivery's type and idempotency key.
func logEvent(ctx context.Context, log *slog.Logger, attrs ...any) {
	d := receiver.FromContext(ctx)
	log.InfoContext(ctx, "safetyculture event", append([]any{"type", d.Type, "key", d.IdempotencyKey}, attrs...)...)
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
	log.Info("listening", "addr", ln.Addr().String(), "path", "/webhooks/safetyculture")
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
