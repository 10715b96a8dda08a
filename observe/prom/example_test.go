package prom_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/observe/prom"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// A Record360 receiver counted by prom: a new delivery, its retry and a forged one, then the
// counters as the /metrics endpoint serves them.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := prom.New(reg, prom.WithProviders(record360.Provider()))
	if err != nil {
		log.Fatal(err)
	}
	auth, err := verify.NewBearer("r360-example-token")
	if err != nil {
		log.Fatal(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: auth,
		Logger:   slog.New(slog.DiscardHandler),
		Observer: receiver.Observers(m.Observe), // and any observer of your own
		OnError:  receiver.OnErrors(m.OnError),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer rx.Close()

	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/record360", rx)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	body, err := fs.ReadFile(inspecthook.Fixtures(), "record360/v3_inspection_created.json")
	if err != nil {
		log.Fatal(err)
	}
	for _, signed := range []bool{true, true, false} { // new, its retry, forged
		r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/json")
		if signed {
			if err := auth.Sign(r, body); err != nil {
				log.Fatal(err)
			}
		}
		mux.ServeHTTP(httptest.NewRecorder(), r)
	}

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if slices.ContainsFunc([]string{"inspecthook_deliveries_total{", "inspecthook_duplicates_total{",
			"inspecthook_rejections_total{", "inspecthook_unauthenticated_total{"}, func(p string) bool {
			return strings.HasPrefix(line, p)
		}) {
			fmt.Println(line)
		}
	}
	// Output:
	// inspecthook_deliveries_total{event_type="inspection.created",provider="record360",stage="complete",status="200"} 2
	// inspecthook_deliveries_total{event_type="none",provider="record360",stage="verify",status="401"} 1
	// inspecthook_duplicates_total{event_type="inspection.created",provider="record360"} 1
	// inspecthook_rejections_total{provider="record360",reason="unauthenticated",scheme="bearer"} 1
	// inspecthook_unauthenticated_total{cause="missing",provider="record360",scheme="bearer"} 1
}

// Two sets of metrics on one registry: a second New with the same namespace is refused with the
// registry's error; another namespace is not.
func ExampleNew_twice() {
	reg := prometheus.NewRegistry()
	if _, err := prom.New(reg); err != nil {
		log.Fatal(err)
	}
	_, err := prom.New(reg)
	var are prometheus.AlreadyRegisteredError
	fmt.Println(errors.As(err, &are))
	_, err = prom.New(reg, prom.WithNamespace("staging"))
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}
