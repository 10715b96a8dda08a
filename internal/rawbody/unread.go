package rawbody

import (
	"net/http"
	"time"
)

// Linger is how long, after an answer given before the body was read to its end, the server
// may go on reading what the sender is still sending before it closes the connection: long
// enough for a sender that sends at full speed to finish (so the close is clean and cannot
// reset the connection under the answer, RFC 9112 section 9.6), too short for one that dribbles
// its body to hold a goroutine. It is net/http's own delay before closing a connection whose
// body it gave up on.
const Linger = 500 * time.Millisecond

// CloseUnread is HangUp when r's body may not have been read to its end: it does nothing when
// r has no body, when a middleware read it whole (With handed it on), and over HTTP/2 or later,
// which resets the stream and has no body to drain, and where "Connection: close" would shut
// down the whole connection, other requests' streams with it.
//
// Call it before writing the header of an answer given without reading the body, or after
// failing to read it.
func CloseUnread(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor >= 2 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	if _, read := FromRequest(r); read {
		return
	}
	HangUp(w)
}

// HangUp makes the answer about to be written to w the last on its HTTP/1 connection, given
// before the request's body was read to its end: it sets "Connection: close", so that net/http's
// server writes the answer at once instead of first reading and discarding up to 256 KiB of the
// rest of the body, and it makes the connection's reads fail Linger from now (through
// http.ResponseController; a writer that reaches no net/http connection is left at that), so
// that the server, which still reads up to 256 KiB of the body after the handler returns, closes
// the connection by then rather than at its read timeout. The deadline is by the wall clock,
// as the socket's are. The handler must not read the body afterwards.
func HangUp(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(Linger))
}
