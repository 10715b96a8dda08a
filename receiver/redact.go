package receiver

import (
	"net/http"

	"github.com/inspecthook/inspecthook/verify"
)

// redactedPath is r's path and query for the log line and Outcome.Path:
// verify.RedactRequest with the Receiver's Verifier, so that every query value, any fragment
// and every path segment that holds the Verifier's secrets or its URL token's path value are
// redacted. Without a Verifier (InsecureSkipVerify) the query values are redacted all the same.
func (rx *Receiver) redactedPath(r *http.Request) string {
	return verify.RedactRequest(rx.cfg.Verifier, r)
}
