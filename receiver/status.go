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
)

var stageNames = [...]string{"", "method", "rate-limit", "body", "verify", "decode", "validate", "claim", "dispatch", "complete"}

// String returns the stage's name, such as "verify".
func (s Stage) String() string {
	if s > 0 && int(s) < len(stageNames) {
		return stageNames[s]
	}
	return "Stage(" + strconv.Itoa(int(s)) + ")"
}

// The status of every way a delivery can end: the one place to change them.
const (
	statusOK               = http.StatusOK                    // handled, a duplicate of a done event, or a permanent error
	statusMethod           = http.StatusMethodNotAllowed      // not POST
	statusMediaType        = http.StatusUnsupportedMediaType  // not JSON
	statusRateLimited      = http.StatusTooManyRequests       // with Retry-After
	statusTooLarge         = http.StatusRequestEntityTooLarge // over MaxBodyBytes
	statusBadBody          = http.StatusBadRequest            // the body could not be read
	statusUnauthorized     = http.StatusUnauthorized          // verification failed
	statusBadRequest       = http.StatusBadRequest            // not JSON, not the provider's shape, no type
	statusInvalid          = http.StatusUnprocessableEntity   // a required field is missing
	statusInFlight         = http.StatusConflict              // another instance holds the event
	statusStoreUnavailable = http.StatusServiceUnavailable    // the idempotency store failed
	statusHandlerFailed    = http.StatusInternalServerError   // handler error or panic
)
