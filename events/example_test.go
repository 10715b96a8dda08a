package events_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
)

// Decode each request before the handler, which reads the envelope from the context; what does
// not decode is answered with a short message naming the field at fault.
func ExampleMiddleware() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env, _ := events.FromContext(r.Context())
		if task, ok := record360.TaskCompleted.Payload(env); ok {
			fmt.Fprintf(w, "task %s completed", task.ID)
			return
		}
		fmt.Fprintf(w, "%s acknowledged", env.Type)
	})
	h := events.Middleware(record360.Provider(),
		events.WithOnReject(func(r *http.Request, status int, err error) {
			fmt.Println("  log:", status, err)
		}),
	)(handler)

	for _, body := range []string{
		`{"id": "13", "type": "task.completed", "data": {"object": "task", "id": 397691}}`,
		`{"id": "14", "type": "inspection.updated", "data": {"object": "inspection"}}`,
		`{"id": "15", "type": "task.completed", "data": {"object": "task", "unit": {"id": {"n": 1}}}}`,
		`{"type": "task.completed", "data": {}}`,
		`{"id": "16", "type": `,
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(body)))
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 200 task 397691 completed
	// 200 inspection.updated acknowledged
	//   log: 400 record360: task.completed: events: body is not this provider's shape: field "data.unit.id" is a JSON object, want events.ID
	// 400 field data.unit.id has the wrong JSON type
	//   log: 422 record360: v3: events: required field missing: id, data.object
	// 422 required fields missing: id, data.object
	//   log: 400 record360: events: body is not valid JSON: unexpected end of JSON input at offset 21
	// 400 body is not valid JSON
}
