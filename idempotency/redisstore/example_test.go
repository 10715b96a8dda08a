package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency/redisstore"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Share one record of handled events between the replicas of a receiver: each replica builds
// the same Store on its own client, and a delivery any of them handled is a duplicate for all.
func Example() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	store, err := redisstore.New(client, redisstore.Config{})
	if err != nil {
		log.Fatal(err)
	}

	auth, err := verify.NewBearer(os.Getenv("RECORD360_TOKEN"))
	if err != nil {
		log.Fatal(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: auth,
		Store:    store, // Redis down: deliveries get 503 with Retry-After, the sender retries
	})
	if err != nil {
		log.Fatal(err)
	}
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		log.Printf("inspection %s, once across every replica", insp.ID)
		return nil
	})

	mux := http.NewServeMux()
	mux.Handle("/webhooks/record360", rx)
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// Sentinel and Cluster take the same Store: give New the client redis.NewUniversalClient
// returns (a failover client when MasterName is set, a cluster client for several addresses).
func ExampleNew_sentinel() {
	client := redis.NewUniversalClient(&redis.UniversalOptions{
		MasterName: "webhooks",
		Addrs:      []string{"sentinel-1:26379", "sentinel-2:26379", "sentinel-3:26379"},
	})
	defer client.Close()
	store, err := redisstore.New(client, redisstore.Config{Prefix: "webhooks:record360:"})
	if err != nil {
		log.Fatal(err)
	}
	_ = store // receiver.Config{Store: store, ...}
}
