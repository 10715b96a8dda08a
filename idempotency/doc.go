// Package idempotency records which webhook events have been processed, so that a delivery the
// sender repeats is acknowledged without running its handler again, and a handler never runs
// twice at once for one event.
//
// The model is a claim with a lease. Before handling an event, claim its key (the event id, as
// the provider package derives it):
//
//   - [Claimed]: the caller holds the key for the lease and receives a token. It runs the handler,
//     then calls Complete, which records the key as [Done] for a retention period, or Release on
//     failure, which frees the key so the sender's retry is processed.
//   - [InFlight]: another holder's lease is live; answer 409 so the sender retries later.
//   - [Done]: the event was completed within retention; answer 200 without running the handler.
//
// A holder renews its lease with Renew while it works. A lease that ends before Complete or
// Release frees the key (the holder is taken to have crashed); the next Claim receives a new
// token, and the old token's Renew, Complete or Release fails with [ErrLeaseLost] and changes
// nothing. Retention ends the same way: the key becomes free. Claim reports when the lease
// ends (Claim.LeaseEnds), the holder's for InFlight, so a 409 can say when to retry.
//
// Most callers want the receiver package, which does all of this for a provider's events.
// Outside it, [Middleware] is the stage that does it for any http.Handler: it claims
// [BoundKey] of the request's key (from a [KeyFunc], such as [HeaderKey]), answers duplicates
// with 200 "ok: already received" and deliveries in flight with 409 and Retry-After without
// calling the handler, runs the handler with the key in its context ([KeyFrom]) while renewing
// the lease every third of it ([WithRenewEvery]), so a slow handler never runs twice at once,
// then completes the claim when the handler answered 2xx and releases it otherwise, or when it
// panicked. A
// store that fails answers 503 with Retry-After, so the sender retries and nothing is lost.
// The lease defaults to [DefaultLease] (a minute) and the retention to [DefaultRetention]
// (72 hours); [WithOnReject] sees every answer Middleware gives itself, duplicates included:
//
//	store, _ := idempotency.NewMemory(idempotency.MemoryConfig{})
//	h := idempotency.Middleware(store, idempotency.HeaderKey("Webhook-Id"))(handler)
//
// A key a sender controls can be of any length; BoundKey replaces one longer than [MaxKeyLen]
// bytes by its SHA-256, so that through Middleware a store never holds more than that per key.
//
// Code that uses a Store directly follows the same shape, with BoundKey applied to the key:
//
//	c, err := store.Claim(ctx, key, idempotency.DefaultLease)
//	if err != nil { /* 503: the store failed */ }
//	switch c.State {
//	case idempotency.Done: /* 200, already received */
//	case idempotency.InFlight: /* 409, retry later */
//	case idempotency.Claimed:
//		if err := handle(ctx); err != nil {
//			_ = store.Release(ctx, key, c.Token) // 500: the retry runs the handler again
//		} else {
//			_ = store.Complete(ctx, key, c.Token, idempotency.DefaultRetention) // 200
//		}
//	}
//
// [Store] is the interface; [Memory], built with [NewMemory], is the implementation that needs
// no setup: bounded, with lazy expiry and an injectable clock, for one instance. The durable
// and shared stores implement the same interface and pass the conformance suite in the
// storetest package: idempotency/sqlitestore for one machine that must survive restarts,
// idempotency/redisstore and idempotency/pgstore for several replicas. They live in packages of
// their own, so this one imports no driver.
//
// Errors wrap the package's sentinels or the context's error; test for them with errors.Is. The
// stores return [ErrLeaseLost], [ErrClosed], [ErrFull] and [ErrConfig]; Middleware's hooks
// receive [ErrNoKey], [ErrUnavailable], [ErrInFlight] and [ErrDuplicate]. The zero [Memory] is
// ready to use with the defaults; every Store, and the handler Middleware returns, is safe for
// concurrent use.
package idempotency
