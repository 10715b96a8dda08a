package receiver

import (
	"fmt"
	"net/http"
	"strings"
)

// requireJSONPost is the first stage: it answers 405 to anything but POST and 415 to a body that
// is not declared JSON. It answers without reading the body, so the Receiver's bodyWatch closes
// the connection after either answer.
func requireJSONPost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			outcomeOf(r).end(StageMethod, statusMethod, fmt.Errorf("method %s", truncate(r.Method)))
			w.Header().Set("Allow", http.MethodPost)
			reply(w, statusMethod, "method not allowed: POST only\n")
			return
		}
		if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
			outcomeOf(r).end(StageMethod, statusMediaType, fmt.Errorf("content type %q", truncate(ct)))
			reply(w, statusMediaType, "unsupported media type: send application/json\n")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isJSON accepts application/json and any +json type, with parameters.
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}
