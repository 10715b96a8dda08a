package idempotency_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/inspecthook/inspecthook/idempotency"
)

// The first delivery of an event claims its key, runs the handler and completes the claim; the
// sender's duplicate finds the key done and is acknowledged without running the handler.
func ExampleNewMemory() {
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	ctx := context.Background()

	first, _ := store.Claim(ctx, "safetyculture:evt_1", idempotency.DefaultLease)
	fmt.Println("first delivery:", first.State)
	// ... run the handler; it succeeded:
	_ = store.Complete(ctx, "safetyculture:evt_1", first.Token, idempotency.DefaultRetention)

	dup, _ := store.Claim(ctx, "safetyculture:evt_1", idempotency.DefaultLease)
	fmt.Println("duplicate delivery:", dup.State, dup.Token == "")
	// Output:
	// first delivery: claimed
	// duplicate delivery: done true
}

// A retry that arrives while the first delivery is being handled is turned away; a worker that
// crashed holding a claim loses it when the lease ends, and the next retry takes over.
func ExampleMemory_leaseExpiry() {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	store, _ := idempotency.NewMemory(idempotency.MemoryConfig{Now: func() time.Time { return now }})
	ctx := context.Background()

	crashed, _ := store.Claim(ctx, "inspectorio:msg-42", time.Minute)
	retry, _ := store.Claim(ctx, "inspectorio:msg-42", time.Minute)
	fmt.Println("retry during the lease:", retry.State)

	now = now.Add(time.Minute)
	later, _ := store.Claim(ctx, "inspectorio:msg-42", time.Minute)
	fmt.Println("retry after the lease:", later.State)

	err := store.Complete(ctx, "inspectorio:msg-42", crashed.Token, time.Hour)
	fmt.Println("late completion by the first worker:", errors.Is(err, idempotency.ErrLeaseLost))
	// Output:
	// retry during the lease: in-flight
	// retry after the lease: claimed
	// late completion by the first worker: true
}

// A failed handler releases its claim, so the sender's retry runs it again.
func ExampleMemory_Release() {
	var store idempotency.Memory // the zero Memory is ready to use
	ctx := context.Background()

	c, _ := store.Claim(ctx, "vehreports:rpt_7", idempotency.DefaultLease)
	_ = store.Release(ctx, "vehreports:rpt_7", c.Token) // the handler failed: 500

	retry, _ := store.Claim(ctx, "vehreports:rpt_7", idempotency.DefaultLease)
	fmt.Println(retry.State, retry.Token != c.Token)
	// Output: claimed true
}

// Middleware runs a handler once per delivery id: the sender's duplicate is acknowledged
// without running it, and the hook counts it.
func ExampleMiddleware() {
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	duplicates := 0
	claim := idempotency.Middleware(store, idempotency.HeaderKey("Webhook-Id"),
		idempotency.WithOnReject(func(r *http.Request, status int, err error) {
			if errors.Is(err, idempotency.ErrDuplicate) {
				duplicates++
			}
		}))
	h := claim(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("handling", idempotency.KeyFrom(r.Context()))
		fmt.Fprintln(w, "ok")
	}))

	for _, id := range []string{"msg_2Lq", "msg_2Lq", ""} {
		r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(`{}`))
		if id != "" {
			r.Header.Set("Webhook-Id", id)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%d %q\n", w.Code, w.Body.String())
	}
	fmt.Println("duplicates:", duplicates)
	// Output:
	// handling msg_2Lq
	// 200 "ok\n"
	// 200 "ok: already received\n"
	// 400 "no idempotency key\n"
	// duplicates: 1
}
