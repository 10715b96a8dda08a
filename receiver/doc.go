// Package receiver turns one provider's webhook deliveries into calls of typed Go handlers. A
// [Receiver] is an http.Handler that runs every delivery through the same stages, in this order,
// answering each failure with its status code:
//
//	stage               on failure                                   status
//	1 method, type      not POST / not JSON                          405 / 415
//	2 rate limit        bucket empty (before the body is read)       429 + Retry-After
//	3 body              larger than MaxBodyBytes                     413
//	4 verify            missing or bad credentials or signature      401, no detail in the body
//	5 decode            not JSON / not the provider's shape / no type 400
//	6 validate          required field missing                       422
//	7 claim             already done / in flight elsewhere           200 without the handler / 409
//	8 dispatch          handler error or panic                       500, claim released
//	9 complete                                                       200
//
// Success is exactly 200 (Inspectorio treats anything else as a failure). A store that cannot
// be reached answers 503, so the provider retries. Every status is set in one table in
// status.go.
//
// Most callers want New, Handle for each event they care about, and http.Handle:
//
//	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: bearer})
//	if err != nil { ... }
//	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
//		d, _ := receiver.FromContext(ctx) // event id, type, idempotency key, received-at, raw body
//		return save(ctx, d.EventID, insp)
//	})
//	http.Handle("POST /webhooks/record360", rx)
//
// Verification is required: New fails without a Verifier unless InsecureSkipVerify says
// otherwise, for local development only, and then logs a warning.
//
// Each event is handled once: the provider package's idempotency key is claimed in the Store
// (an in-memory store by default) before the handler runs. A handler error or panic releases the
// claim and answers 500, so the provider's retry is processed; an error wrapped with Permanent is
// acknowledged with 200 and reported to OnError instead, so the provider stops retrying. Event
// types with no handler, including those the provider package does not know, go to the handler
// set with HandleUnknown, or are acknowledged with 200.
//
// Handlers run in the request's goroutine under a context that carries the request's values,
// is not cancelled when the sender hangs up, and has a deadline of HandlerTimeout (50 s by
// default, below Inspectorio's 60 s). The request is never modified; its body is read once.
//
// A Receiver is safe for concurrent use. Register handlers before serving.
package receiver
