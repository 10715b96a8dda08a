// Package retryafter holds the Retry-After the stages send when a store they need cannot be
// reached, so that the synchronous and the asynchronous modes of a receiver say the same.
package retryafter

// Unavailable is the Retry-After value, in whole seconds, of a 503 answered because a store
// could not be reached (idempotency.Middleware's claim, the receiver's Inbox), and of a 409 whose
// store did not say when the holder's lease ends: a sender that waits a minute finds the claim
// ended (idempotency.DefaultLease is a minute) or, most often, the store back.
const Unavailable = "60"
