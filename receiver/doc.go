// Package receiver turns one provider's webhook deliveries into calls of typed Go handlers. A
// [Receiver] is an http.Handler that chains the SDK's middleware, each usable alone, in this
// order, answering each failure with its status code:
//
//	stage               middleware                    on failure                                 status
//	1 method, type      (the Receiver's own)          not POST / not JSON                        405 / 415
//	2 rate limit        ratelimit.Middleware          bucket empty (before the body is read)     429 + Retry-After
//	3 header-only auth  verify.Middleware             Basic, Bearer, API key, JWT, URL token,    401, no detail
//	                                                  IP allowlist: checked before the body
//	4 body              verify.Middleware             larger than MaxBodyBytes                   413
//	5 verify            verify.Middleware             bad signature over the raw bytes           401, no detail
//	6 decode            events.Middleware             not JSON / not the provider's shape        400
//	                                                  (at most MaxDecoding at once; the sender   503
//	                                                  went away while waiting its turn)
//	7 validate          events.Middleware             required field missing                     422
//	8 claim             idempotency.Middleware        already done / in flight / store down      200 without the handler / 409 / 503
//	9 dispatch          Router (Handle, HandleUnknown) handler error or panic                    500, claim released
//	10 complete         idempotency.Middleware                                                   200
//
// An answer given before the body has been read to its end (405, 415, 429, a header-only 401,
// 413, a duplicate, 409 or 503 from a claim by IdempotencyKeyHeader, a body that could not be
// read) closes the HTTP/1 connection ("Connection: close"), so the sender gets it at once
// rather than after the server has drained the rest of a body it will never use.
//
// Each stage is an ordinary func(http.Handler) http.Handler: it reads what earlier stages found
// from the request's context (the body verify read, the envelope events decoded, the key
// idempotency claimed) and hands its own findings on the same way, to a copy of the request.
// New only orders them; what became of a request is recorded in one Outcome, which the
// Receiver puts in the request's context and hands to the Observer and the log line.
//
// When the idempotency key comes from a header (IdempotencyKeyHeader, and the delivery carries
// it), the claim stage runs before decoding instead, so a duplicate is answered without
// decoding; its Outcome then carries the key but no event type or id. New accepts the header
// only when the Verifier authenticates it (verify.AuthenticatesHeader): a key a replaying
// sender could change would not stop the replay.
//
// Success is exactly 200 (Inspectorio treats anything else as a failure). A store that cannot
// be reached answers 503, so the provider retries. The 400 and 422 bodies are one short line
// naming the JSON path at fault (events.Message); the full error goes to the log line and the
// Observer.
//
// Most callers want New, Handle for each event they care about, and http.Handle:
//
//	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: bearer})
//	if err != nil { ... }
//	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
//		d := receiver.FromContext(ctx) // event id, type, idempotency key, received-at, raw body
//		return save(ctx, d.EventID, insp)
//	})
//	http.Handle("POST /webhooks/record360", rx)
//
// To use the stages in another router or another order, chain them yourself and put a
// [Router] innermost; the README's "Use the stages alone" shows it with chi and net/http.
//
// Verification is required: New fails without a Verifier unless InsecureSkipVerify says
// otherwise, for local development only, and then logs a warning.
//
// Each event is handled once: the provider package's idempotency key (or the header named by
// IdempotencyKeyHeader) is claimed in the Store (an in-memory store by default; Redis,
// PostgreSQL or SQLite from idempotency/redisstore, pgstore or sqlitestore for replicas and
// restarts) before the handler runs, and the claim's lease is renewed while it runs, so a
// handler that outlives its lease still never runs twice at once. Keys longer than
// idempotency.MaxKeyLen bytes are replaced by their SHA-256. A
// handler error or panic releases the claim and answers 500, so the provider's retry is
// processed; an error wrapped with Permanent is acknowledged with 200 and reported to OnError
// instead, so the provider stops retrying. Event types with no handler, including those the
// provider package does not know, go to the handler set with HandleUnknown, or are acknowledged
// with 200.
//
// Handlers run in the request's goroutine under a context that carries the request's values,
// is not cancelled when the sender hangs up, and has a deadline of HandlerTimeout (50 s by
// default, below Inspectorio's 60 s). The request is never modified; its body is read once,
// into memory that grows with the bytes received rather than with the declared length, and a
// body whose length is declared (up to 32 KiB) is read into one allocation of exactly that
// length.
//
// With Config.Inbox set (the inbox package, on River), the receiver runs asynchronously: a
// delivery that passes validation is stored and answered 200 "ok: queued" at once, and the
// Inbox's workers run the same handlers later through Process, with retries, the attempt number
// in Delivery.Attempt, and dead letters after the last attempt. An Inbox that cannot store the
// delivery answers 503 with Retry-After.
//
// Every request gets one log line (status, stage, duration, path, event type, idempotency key,
// event id, error), with every field cut to 256 bytes; no body and no secret is logged. The path
// is redacted by verify.RedactRequest: every query value, and every path segment that holds a
// secret of the Verifier or a URL token's path value, whatever the sender put there. The
// Observer's Outcome.Path is the same text.
//
// A Receiver is safe for concurrent use. Register handlers before serving.
package receiver
