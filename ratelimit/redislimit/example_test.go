package redislimit_test

import (
	"context"
	"log"
	"net/http"
	"net/netip"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/ratelimit"
	"github.com/inspecthook/inspecthook/ratelimit/redislimit"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Every replica of a receiver builds the same limiter on the same Redis: together they let each
// client (found behind the load balancer at 10.0.0.0/8) send 5 deliveries a second, 20 at once.
// Redis is given short timeouts, and a Redis that cannot answer gets the delivery 503 with
// Retry-After rather than no limit.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{
		Addr:        "127.0.0.1:6379",
		DialTimeout: 500 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond,
		MaxRetries:  1,
	})
	defer client.Close()

	limit, err := redislimit.New(client, redislimit.Config{
		Rate:       5,
		Burst:      20,
		Bucket:     ratelimit.ClientIP(netip.MustParsePrefix("10.0.0.0/8")),
		Prefix:     "record360:ratelimit:",
		FailClosed: true,
		RetryAfter: 5 * time.Second,
	})
	if err != nil {
		panic(err)
	}
	auth, err := verify.NewBearer("r360-token")
	if err != nil {
		panic(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: auth, Limiter: limit})
	if err != nil {
		panic(err)
	}
	defer rx.Close()
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		log.Println("inspection", insp.ID)
		return nil
	})
	http.Handle("POST /webhooks/record360", rx)
	log.Print(http.ListenAndServe(":8080", nil))
}
