// Command chi mounts webhook endpoints on a go-chi router with the SDK's stages used as ordinary
// middleware, the way a team that already runs chi would:
//
//   - /webhooks/acme: a sender no provider package covers. verify.Middleware checks its
//     HMAC signature over the raw bytes (413 over the cap, 401 when it does not match) and the
//     plain handler behind it reads the exact bytes with verify.RawBody.
//   - /webhooks/record360/{token}: Record360 with a secret token in the URL in place of its
//     default Bearer header, for an account whose webhooks carry no header yet (the access log
//     shows the path with the token redacted, and no query value), and the stages chained by
//     hand: rate limit, verify, decode, idempotency claim, then the typed Router.
//
// Configuration comes from the environment: ACME_WEBHOOK_SECRET, RECORD360_URL_TOKEN and ADDR
// (default 127.0.0.1:8080).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, config{
		addr:           envOr("ADDR", "127.0.0.1:8080"),
		acmeSecret:     os.Getenv("ACME_WEBHOOK_SECRET"),
		record360Token: os.Getenv("RECORD360_URL_TOKEN"),
	}, log); err != nil {
		log.Error("chi example", "error", err)
		os.Exit(1)
	}
}

type config struct {
	addr           string
	acmeSecret     string
	record360Token string
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// app is the router and what it holds.
type app struct {
	router http.Handler
	store  *idempotency.Memory
}

// newApp builds the chi router. A missing secret is an error: no endpoint runs unauthenticated.
func newApp(cfg config, log *slog.Logger) (*app, error) {
	acme, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Acme-Signature", Secrets: [][]byte{[]byte(cfg.acmeSecret)}, Prefix: "sha256="})
	if err != nil {
		return nil, fmt.Errorf("ACME_WEBHOOK_SECRET: %w", err)
	}
	urlToken, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{cfg.record360Token}})
	if err != nil {
		return nil, fmt.Errorf("RECORD360_URL_TOKEN: %w", err)
	}
	limiter, err := ratelimit.New(ratelimit.Config{Rate: 20, Burst: 50})
	if err != nil {
		return nil, err
	}
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		return nil, err
	}
	record360Events, err := receiver.NewRouter(record360.Provider(), receiver.RouterConfig{Logger: log})
	if err != nil {
		return nil, err
	}
	receiver.Handle(record360Events, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		d := receiver.FromContext(ctx)
		log.InfoContext(ctx, "record360 inspection", "inspection", insp.ID, "unit", insp.Unit.ReferenceNumber, "key", d.IdempotencyKey)
		return nil
	})

	r := chi.NewRouter()
	r.Use(accessLog(log, urlToken))

	// A sender no provider package covers: verification in front of an ordinary handler.
	r.With(verify.Middleware(acme)).Post("/webhooks/acme", func(w http.ResponseWriter, r *http.Request) {
		body, _ := verify.RawBody(r) // the exact bytes that were verified, without a copy
		var event struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(body, &event); err != nil || event.ID == "" {
			http.Error(w, "expected a JSON object with an id", http.StatusBadRequest)
			return
		}
		log.InfoContext(r.Context(), "acme event", "id", event.ID, "type", event.Type)
		fmt.Fprintln(w, "ok")
	})

	// Record360 through every stage, chained by hand. r.With runs the stages after chi has
	// matched the route, so the {token} path value is set when verify.Middleware reads it.
	r.With(
		limiter.Middleware,
		verify.Middleware(urlToken),
		events.Middleware(record360.Provider()),
		idempotency.Middleware(store, events.IdempotencyKey),
	).Post("/webhooks/record360/{token}", record360Events.ServeHTTP)

	return &app{router: r, store: store}, nil
}

// accessLog logs every request with its path and query redacted by verify.RedactRequest: every
// query value, and every path segment that holds the URL token or the {token} value chi found
// (r is the request chi routed once next returns, so it has the route's path values).
func accessLog(log *slog.Logger, v verify.Verifier) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			next.ServeHTTP(w, r)
			log.InfoContext(r.Context(), "request", "method", r.Method, "url", verify.RedactRequest(v, r), "duration", time.Since(start))
		})
	}
}

func run(ctx context.Context, cfg config, log *slog.Logger) error {
	a, err := newApp(cfg, log)
	if err != nil {
		return err
	}
	defer a.store.Close()
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           a.router,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      receiver.DefaultHandlerTimeout + 10*time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", cfg.addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
