package pgstore_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency/pgstore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Every replica of a Record360 endpoint builds the store on its own pool, on the same database,
// and gives it to its receiver: a delivery is handled once whichever replica it reaches, and a
// delivery that finds PostgreSQL unreachable is answered 503 with Retry-After, so Record360
// sends it again.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close() // after the store: the pool is the application's

	// New creates the table if needed; the goroutine deletes expired keys every hour.
	store, err := pgstore.New(ctx, pool, pgstore.Config{CleanupInterval: time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	auth, err := verify.NewBearer(os.Getenv("RECORD360_TOKEN"))
	if err != nil {
		log.Fatal(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: auth, Store: store})
	if err != nil {
		log.Fatal(err)
	}
	defer rx.Close()
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		log.Println("inspection", insp.ID, "event", receiver.FromContext(ctx).EventID)
		return nil
	})

	mux := http.NewServeMux()
	mux.Handle("/webhooks/record360", rx)
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Print(err)
	}
}

// Where the table is created by the application's own migrations and expired keys are deleted
// by a scheduled job rather than by every replica.
func ExampleStore_Cleanup() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	store, err := pgstore.New(ctx, pool, pgstore.Config{Table: "webhooks.idempotency", SkipMigrate: true})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	deleted, err := store.Cleanup(ctx)
	log.Printf("deleted %d expired keys (error: %v)", deleted, err)
}
