package receiver

import (
	"net/http"
	"strconv"
)

// Stage names the step of a delivery where its handling ended.
type Stage int

// The stages, in the order a delivery goes through them.
const (
	StageMethod    Stage = iota + 1 // method and content type
	StageRateLimit                  // the rate limit, before the body is read
	StageBody                       // reading the body under MaxBodyBytes
	StageVerify                     // authentication over the raw bytes
	StageDecode                     // decoding into the provider's envelope
	StageValidate                   // required fields
	StageClaim                      // the idempotency claim
	StageDispatch                   // the handler
	StageComplete                   // marking the event done: the delivery succeeded
	StageEnqueue                    // storing the delivery in the Inbox (asynchronous mode)
)

var stageNames = [...]string{"", "method", "rate-limit", "body", "verify", "decode", "validate", "claim", "dispatch", "complete", "enqueue"}

// String returns the stage's name, such as "verify".
func (s Stage) String() string {
	if s > 0 && int(s) < len(stageNames) {
		return stageNames[s]
	}
	return "Stage(" + strconv.Itoa(int(s)) + ")"
}

// The statuses the receiver writes itself; the other stages' statuses are set by their
// middleware (ratelimit, verify, events, idempotency) and listed in the package documentation.
const (
	statusOK            = http.StatusOK                   // handled, no handler, or a Permanent error
	statusMethod        = http.StatusMethodNotAllowed     // not POST
	statusMediaType     = http.StatusUnsupportedMediaType // not JSON
	statusHandlerFailed = http.StatusInternalServerError  // handler error or panic
	statusInboxDown     = http.StatusServiceUnavailable   // the Inbox could not store the delivery
)
