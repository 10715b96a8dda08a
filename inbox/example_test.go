package inbox_test

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// A Record360 receiver that answers at once and runs its handler in the background, on a
// SQLite file.
func Example() {
	ctx := context.Background()
	db, err := inboxsqlite.OpenDB("inbox.db")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{})
	if err != nil {
		log.Fatal(err)
	}
	verifier, err := verify.NewBearer("r360-secret-token")
	if err != nil {
		log.Fatal(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: verifier, Inbox: ib})
	if err != nil {
		log.Fatal(err)
	}
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		log.Printf("inspection %s, attempt %d", insp.ID, receiver.FromContext(ctx).Attempt)
		return nil
	})
	ib.Register(rx)
	if err := ib.Start(ctx); err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Addr: ":8080", Handler: rx}
	go func() { _ = srv.ListenAndServe() }()

	// ... on shutdown: stop taking requests, then let running handlers finish.
	stop, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_ = srv.Shutdown(stop)
	if err := ib.Stop(stop); err != nil {
		log.Print(err)
	}
}
