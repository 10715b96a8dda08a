// Package prom exports Prometheus metrics of the receiver's deliveries
// (github.com/prometheus/client_golang): New registers the collectors on a registry of yours,
// Observe plugs into receiver.Config.Observer and OnError into receiver.Config.OnError. The
// inbox's metrics (jobs by state, attempts, dead letters, age of the oldest waiting job) are in
// the subpackage prominbox, so that a program without the inbox does not build River and pgx.
//
//	reg := prometheus.NewRegistry()
//	m, err := prom.New(reg, prom.WithProviders(safetyculture.Provider()))
//	if err != nil { ... }
//	rx, err := receiver.New(safetyculture.Provider(), receiver.Config{
//		Verifier: auth,
//		Observer: receiver.Observers(m.Observe, myObserver), // any number of observers
//		OnError:  receiver.OnErrors(m.OnError, myOnError),
//	})
//	if err != nil { ... }
//	mux := http.NewServeMux()
//	mux.Handle("POST /webhooks/safetyculture", rx)
//	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// One Metrics serves every receiver of a program: give each the same Observe and OnError, and
// track each provider (WithProviders, or Track).
//
// # Metrics
//
// With the default namespace, "inspecthook" (WithNamespace changes it):
//
//	inspecthook_deliveries_total{provider,event_type,stage,status}      counter
//	inspecthook_duplicates_total{provider,event_type}                   counter
//	inspecthook_delivery_duration_seconds{provider,status_class}        histogram
//	inspecthook_handler_duration_seconds{provider,event_type,result}    histogram
//	inspecthook_rejections_total{provider,reason,scheme}                counter
//	inspecthook_unauthenticated_total{provider,scheme,cause}            counter
//	inspecthook_handler_errors_total{provider,event_type,kind}          counter
//	inspecthook_store_errors_total{provider,operation}                  counter
//	inspecthook_limiter_errors_total{provider}                          counter
//
// and, from prominbox:
//
//	inspecthook_inbox_attempts_total{provider,result}                   counter
//	inspecthook_inbox_dead_letters_total{provider}                      counter
//	inspecthook_inbox_attempt_duration_seconds{provider}                histogram
//	inspecthook_inbox_jobs{provider,state}                              gauge
//	inspecthook_inbox_oldest_waiting_age_seconds                        gauge
//	inspecthook_inbox_stats_errors_total                                counter
//
// Every request is counted once in deliveries_total, whatever its end: stage is where handling
// ended, as receiver.Stage names it ("method", "rate-limit", "body", "verify", "decode",
// "validate", "claim", "dispatch", "complete" for a success, "enqueue" with an inbox), and
// status the status code sent ("200", "401", ...). A duplicate, answered 200 without running a
// handler, is counted in deliveries_total and in duplicates_total. delivery_duration_seconds
// measures every request, with status_class "2xx", "4xx" or "5xx"; handler_duration_seconds
// only requests whose handler ran (Outcome.Handled), with result "ok",
// "error", "panic" or "permanent" (an error wrapped with receiver.Permanent, acknowledged 200).
//
// Every request answered with another status than 200 is counted once in rejections_total,
// with reason:
//
//	method               405, not POST
//	content_type         415, not declared JSON
//	rate_limited         429, the bucket was empty
//	limiter_unavailable  503, the rate limiter could not decide
//	too_large            413, the body is over MaxBodyBytes
//	unreadable           400, the body could not be read
//	unauthenticated      401, with scheme: the receiver's authentication scheme (verify.Scheme)
//	undecodable          400, not JSON, not the provider's shape, or no event type
//	invalid              422, a required field is missing
//	no_key               400, no idempotency key to claim
//	in_flight            409, another delivery of the event is being handled
//	store_unavailable    503, the idempotency store failed to claim
//	inbox_unavailable    503, the inbox failed to store the delivery
//	handler_failed       500, the handler returned an error or panicked
//	other                any other refusal
//
// scheme is "" for every reason but unauthenticated. unauthenticated_total breaks the 401s down
// by scheme and cause, the verify sentinel the error wraps: "missing", "malformed", "invalid",
// "too_old", "too_new", "claims" (the first of these that it wraps), or "other".
//
// OnError feeds the error counters. handler_errors_total counts failed handler runs, in the
// request and, with an inbox, in its workers, by kind "error" (retried), "panic" or "permanent".
// store_errors_total counts failures of the idempotency store by operation "claim" (the
// request was answered 503), "renew" (the lease, while the handler ran), "complete" and
// "release", as the *idempotency.OpError the receiver reports names it, and of the inbox by
// operation "enqueue" (answered 503, receiver.ErrEnqueue). limiter_errors_total
// counts requests the limiter could not decide on (answered 503), and
//
// # Bounded labels
//
// No label value comes from a request unchecked, so a sender cannot make the series grow.
// provider is the name of a tracked provider or of one of the SDK's ("inspectorio",
// "record360", "safetyculture", "vehreports"), else "other". event_type is one of the types the
// provider was tracked with (its EventTypes), "unknown" for any other (or for every type of a
// provider never tracked), and "none" when the request ended before decoding or carried no
// type, such as a duplicate answered before decoding. stage, status and scheme keep to the
// receiver's and verify's sets, "other" otherwise.
//
// # Registration
//
// New registers every collector on the registry it is given, or none: on a registry that has
// them already (a second New with the same namespace) it returns the registry's error, wrapping
// prometheus.AlreadyRegisteredError. A Metrics is safe for concurrent use.
package prom
