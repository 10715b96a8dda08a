package receiver

import (
	"bytes"
	"io"
	"net/http"
)

// readBody reads the request body under limit without modifying the request: r.Body is read
// through a MaxBytesReader of its own. A Content-Length over the limit fails before reading.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	if r.Body == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := io.Copy(&buf, http.MaxBytesReader(w, r.Body, limit))
	return buf.Bytes(), err
}
