package receiver

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/internal/rawbody"
)

// claimRetryAfter is the Retry-After, in seconds, of a 503 for a store that failed to claim, and
// of a 409 whose store did not say when the lease ends: as idempotency.Middleware answers.
const claimRetryAfter = "60"

// claimEarly is the early claim of the synchronous mode, between verification and decoding.
// When the delivery's idempotency key is known without decoding, it asks the Store about the
// key before the body is decoded. The key is, in this order: the IdempotencyKeyHeader's value;
// the key the same bytes decoded to before, when the receiver remembers them (seenBodies). Then:
//
//   - Claimed: the claim is held while the body is decoded, and the claim stage after decoding
//     takes it over (claimStore) when the decoded key is the same, to complete or release it as
//     it would its own. When decoding fails the claim is released, as after a failed handler.
//     When the decoded key differs (a provider whose Decode is not deterministic), describe
//     releases it, reports the mismatch to OnError, and the claim stage claims the decoded key.
//   - InFlight or a store error: answered at once, 409 or 503 with Retry-After, as
//     idempotency.Middleware answers: answers a retry corrects, never final.
//   - Done, for bytes the receiver remembers decoding: answered at once as a duplicate, as
//     idempotency.Middleware answers one (200 "ok: already processed"), without decoding. The
//     same bytes decode the same way, so the answer is the one decoding would give.
//   - Done, for bytes it does not remember (a header key): decoded first, and the claim stage
//     answers with this result (a duplicate) only if they decode, so a body that does not
//     decode is answered 400 or 422 even when it carries the key of a handled event.
//
// A provider's events.KeyScanner is not consulted: a key found by a scan would let the receiver
// acknowledge as a duplicate a body it never decoded, which may not decode (the corpus has one:
// safetyculture/bad_audit_data_wrong_type.json carries the key of legacy_inspection_started.json
// and must be answered 400), and for a new event a scan is work on top of decoding.
//
// Without an early key the request goes on as if this stage were not there.
func (rx *Receiver) claimEarly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := requestOf(r)
		if rq == nil {
			next.ServeHTTP(w, r)
			return
		}
		key := rx.earlyKey(r, rq)
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		rq.out.IdempotencyKey = key
		c, err := rx.cfg.Store.Claim(r.Context(), key, rx.cfg.Lease)
		switch {
		case err != nil:
			w.Header().Set("Retry-After", claimRetryAfter)
			rx.rejectClaim(w, r, http.StatusServiceUnavailable, "service unavailable\n", fmt.Errorf("%w: %w", idempotency.ErrUnavailable, err))
		case c.State == idempotency.InFlight:
			w.Header().Set("Retry-After", rx.untilLeaseEnds(c.LeaseEnds))
			rx.rejectClaim(w, r, http.StatusConflict, "conflict: this event is being processed; retry later\n", fmt.Errorf("%w: key %q", idempotency.ErrInFlight, key))
		case c.State == idempotency.Done && rq.known:
			rq.out.Type, rq.out.EventID, rq.out.Version = rq.seen.typ, rq.seen.id, rq.seen.version
			rx.rejectClaim(w, r, http.StatusOK, "ok: already processed\n", errEarlyDuplicate)
		case c.State == idempotency.Claimed, c.State == idempotency.Done:
			rq.early = earlyClaim{key: key, claim: c, pending: true}
			defer rx.releaseEarly(r, rq) // a claim nothing took over
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", claimRetryAfter)
			rx.rejectClaim(w, r, http.StatusServiceUnavailable, "service unavailable\n",
				fmt.Errorf("%w: claim of key %q returned %v", idempotency.ErrUnavailable, key, c.State))
		}
	})
}

// earlyKey is the delivery's idempotency key when it is known before decoding, bounded as the
// claim stage bounds it, or "" (see claimEarly). It fingerprints the body verify read, and
// records in rq whether the receiver remembers the bytes decoding.
func (rx *Receiver) earlyKey(r *http.Request, rq *request) string {
	body, read := rawbody.FromRequest(r)
	if read {
		rq.fp, rq.hasFP = rx.seen.fingerprint(body), true
		rq.seen, rq.known = rx.seen.lookup(rq.fp, len(body))
	}
	if v := rx.headerKey(r); v != "" {
		return idempotency.BoundKey(events.FieldKey(rx.name, v))
	}
	return rq.seen.key // "" unless rq.known
}

// remember records, once the body decoded and validated to env, that its bytes decode to key
// (the envelope's, bounded, before the IdempotencyKeyHeader's rule) and to env's type, id and
// version.
func (rx *Receiver) remember(r *http.Request, rq *request, key string, env *events.Envelope) {
	if rq.known {
		return
	}
	body, ok := rawbody.FromRequest(r)
	if !ok {
		return
	}
	if !rq.hasFP {
		rq.fp, rq.hasFP = rx.seen.fingerprint(body), true
	}
	rx.seen.add(rq.fp, len(body), seenDelivery{key: key, typ: env.Type, id: env.ID, version: env.Version})
}

// headerKey is the value of the IdempotencyKeyHeader, trimmed, or "".
func (rx *Receiver) headerKey(r *http.Request) string {
	if rx.cfg.IdempotencyKeyHeader == "" {
		return ""
	}
	v := r.Header[rx.cfg.IdempotencyKeyHeader]
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// errEarlyDuplicate is what claimRejected is told of a duplicate answered before decoding. The
// Outcome of a duplicate carries no error, so it need not name the key.
var errEarlyDuplicate = fmt.Errorf("%w: found before decoding", idempotency.ErrDuplicate)

// rejectClaim answers as idempotency.Middleware answers a claim it refuses, with the same bytes
// as its http.Error (line, ending in a newline, as text/plain with X-Content-Type-Options:
// nosniff), after recording it as claimRejected does.
func (rx *Receiver) rejectClaim(w http.ResponseWriter, r *http.Request, status int, line string, err error) {
	rx.claimRejected(r, status, err)
	reply(w, status, line)
}

// untilLeaseEnds is the Retry-After of a 409, as idempotency.Middleware computes it: the whole
// seconds until the lease ends by the store's clock, at least 1.
func (rx *Receiver) untilLeaseEnds(ends time.Time) string {
	if ends.IsZero() {
		return claimRetryAfter
	}
	d := ends.Sub(rx.cfg.Now())
	secs := int64(d / time.Second)
	if d%time.Second > 0 {
		secs++
	}
	return strconv.FormatInt(max(secs, 1), 10)
}

// releaseEarly drops the early claim the claim stage did not take over: released when it is a
// claim this request holds (the delivery did not decode, or decoded to another key), so the
// sender's retry is processed.
func (rx *Receiver) releaseEarly(r *http.Request, rq *request) {
	e := &rq.early
	if !e.pending {
		return
	}
	held := e.holds()
	e.pending = false
	if !held {
		return
	}
	if err := rx.cfg.Store.Release(context.WithoutCancel(r.Context()), e.key, e.claim.Token); err != nil {
		rx.onError(r.Context(), rq.out.Delivery, fmt.Errorf("receiver: releasing the early claim: %w",
			&idempotency.OpError{Op: idempotency.OpRelease, Key: e.key, Err: err}))
	}
}

// checkEarlyKey compares the early claim's key with the decoded delivery's. They differ only if
// the provider's Decode gave these bytes another key before (it is not deterministic), or two
// bodies of one length share a 64-bit fingerprint: the early claim is dropped (released when
// held), the mismatch goes to OnError, and the claim stage claims the decoded key, so the answer
// is the one decoding gives.
func (rx *Receiver) checkEarlyKey(r *http.Request, rq *request) {
	e := &rq.early
	if !e.pending || e.key == rq.out.IdempotencyKey {
		return
	}
	early := e.key
	rx.releaseEarly(r, rq)
	rx.onError(r.Context(), rq.out.Delivery, fmt.Errorf("%w: %s: %q before decoding, %q decoded; the decoded key was claimed",
		ErrEarlyKeyMismatch, rx.name, early, rq.out.IdempotencyKey))
}

// claimStore is the Store of the claim stage: a claim of the key the early claim asked about,
// for the request that asked, is answered with the early claim's result (a claim it then takes
// over, or Done); every other call goes to the Store.
type claimStore struct {
	idempotency.Store
	rx *Receiver
}

func (s claimStore) Claim(ctx context.Context, key string, lease time.Duration) (idempotency.Claim, error) {
	if rq := requestFrom(ctx); rq != nil && rq.rx == s.rx {
		if e := &rq.early; e.pending && e.key == key {
			e.pending = false
			return e.claim, e.err
		}
	}
	return s.Store.Claim(ctx, key, lease)
}
