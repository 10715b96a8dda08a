package sqlitestore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency/sqlitestore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// A receiver whose store is a SQLite file remembers the events it handled across a restart:
// the provider's retry of an event handled before it is acknowledged without running the
// handler again.
func Example() {
	dir, err := os.MkdirTemp("", "sqlitestore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "idempotency.db") // in production: a file on a persistent volume

	body := `{"id":"12","object":"event","type":"inspection.created","created_at":"2024-10-09-19:00:00Z",
		"data":{"object":"inspection","id":430,"unit":{"id":43,"reference_number":"WMWRF33519TW73378"}}}`

	// run is one life of the process: open the store, serve one delivery, close.
	run := func() {
		store, err := sqlitestore.Open(path, sqlitestore.Config{})
		if err != nil {
			panic(err)
		}
		defer store.Close()
		auth, err := verify.NewBearer("r360-token")
		if err != nil {
			panic(err)
		}
		rx, err := receiver.New(record360.Provider(), receiver.Config{
			Verifier: auth,
			Store:    store,
			Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			panic(err)
		}
		defer rx.Close()
		receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
			fmt.Println("handling inspection", insp.ID)
			return nil
		})

		r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer r360-token")
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body.String())
	}

	run() // the first delivery
	run() // the provider's retry, after a restart
	// Output:
	// handling inspection 430
	// 200 ok
	// 200 ok: already received
}
