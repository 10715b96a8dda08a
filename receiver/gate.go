package receiver

import (
	"fmt"
	"net/http"
	"runtime"

	"github.com/inspecthook/inspecthook/internal/retryafter"
)

// statusGone is the answer to a delivery whose sender went away while it waited to be decoded:
// nobody reads it, and it tells a sender that is still there to retry.
const statusGone = http.StatusServiceUnavailable

// decodeSlots is the default Config.MaxDecoding: four deliveries decoding per processor.
func decodeSlots() int { return 4 * runtime.GOMAXPROCS(0) }

// gate bounds the deliveries decoded at once (Config.MaxDecoding). Decoding works the processor
// hardest of all the stages; a burst of deliveries decoding at once, each in its goroutine,
// would keep every other goroutine waiting its turn to run, the lease renewals of the events
// being handled first of all, for longer than a lease on a busy machine. A delivery waits for a
// slot in turn, holding its request and nothing else, and gives it back once decoded (in the
// stage after decoding, Receiver.decoded) or answered.
func (rx *Receiver) gate(next http.Handler) http.Handler {
	if rx.slots == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := outcomeOf(r)
		select {
		case rx.slots <- struct{}{}:
		case <-r.Context().Done():
			o.end(StageDecode, statusGone, fmt.Errorf("receiver: the sender went away waiting to be decoded: %w", r.Context().Err()))
			w.Header().Set("Retry-After", retryafter.Unavailable)
			reply(w, statusGone, "service unavailable\n")
			return
		}
		o.decoding = true
		defer rx.free(o)
		next.ServeHTTP(w, r)
	})
}

// free gives back the slot the delivery of o holds, if it holds one.
func (rx *Receiver) free(o *Outcome) {
	if o.decoding {
		o.decoding = false
		<-rx.slots
	}
}
