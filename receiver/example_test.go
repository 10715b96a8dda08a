package receiver_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// Mount a Record360 endpoint that requires a Bearer token, handle inspections, and see a
// delivery, its duplicate and an unauthenticated request.
func Example() {
	auth, err := verify.NewBearer("r360-token")
	if err != nil {
		panic(err)
	}
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: auth,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	defer rx.Close()
	receiver.Handle(rx, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		d := receiver.FromContext(ctx)
		fmt.Println("inspection", insp.ID, "of unit", insp.Unit.ReferenceNumber, "event", d.EventID)
		return nil
	})
	mux := http.NewServeMux()
	mux.Handle("/webhooks/record360", rx)

	body := `{"id":"12","object":"event","type":"inspection.created","created_at":"2024-10-09-19:00:00Z",
		"data":{"object":"inspection","id":430,"unit":{"id":43,"reference_number":"WMWRF33519TW73378"}}}`
	send := func(token string) {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body.String())
	}
	send("r360-token")
	send("r360-token")
	send("guess")
	// Output:
	// inspection 430 of unit WMWRF33519TW73378 event 12
	// 200 ok
	// 200 ok: already received
	// 401 unauthorized
}

// Chain the stages by hand, as receiver.New does, with a Router innermost: the way to use them
// in another router or to add a stage of your own between them.
func ExampleNewRouter() {
	auth, err := verify.NewBearer("r360-token")
	if err != nil {
		panic(err)
	}
	store, err := idempotency.NewMemory(idempotency.MemoryConfig{})
	if err != nil {
		panic(err)
	}
	defer store.Close()
	rt, err := receiver.NewRouter(record360.Provider(), receiver.RouterConfig{})
	if err != nil {
		panic(err)
	}
	receiver.Handle(rt, record360.InspectionCreated, func(ctx context.Context, insp *record360.Inspection) error {
		fmt.Println("inspection", insp.ID, "key", receiver.FromContext(ctx).IdempotencyKey)
		return nil
	})
	var h http.Handler = rt
	h = idempotency.Middleware(store, events.IdempotencyKey)(h)
	h = events.Middleware(record360.Provider())(h)
	h = verify.Middleware(auth)(h)

	body := `{"id":"12","object":"event","type":"inspection.created","created_at":"2024-10-09-19:00:00Z",
		"data":{"object":"inspection","id":430,"unit":{"id":43,"reference_number":"WMWRF33519TW73378"}}}`
	for _, b := range []string{body, body, `{"id":"13","object":"event"}`} {
		r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", strings.NewReader(b))
		r.Header.Set("Authorization", "Bearer r360-token")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Print(w.Code, " ", w.Body.String())
	}
	// Output:
	// inspection 430 key record360:v3:12
	// 200 ok
	// 200 ok: already received
	// 400 no event type in the body
}
