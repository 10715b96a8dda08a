package webhooktest_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http/httptest"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// Send a signed fixture to a receiver over HTTP, as Record360 would, and look at what the typed
// handler received. In a test, Replay does the same in process with your *testing.T.
func ExampleSend() {
	auth, _ := verify.NewBearer("test-token")
	rx, _ := receiver.New(record360.Provider(), receiver.Config{Verifier: auth, Logger: quiet()})
	defer rx.Close()
	calls := webhooktest.Record(rx, record360.InspectionCreated)
	srv := httptest.NewServer(rx)
	defer srv.Close()

	body, _ := fs.ReadFile(inspecthook.Fixtures(), "record360/v3_inspection_created.json")
	for _, signer := range []verify.Signer{auth, auth, nil} {
		resp, err := webhooktest.Send(context.Background(), srv.Client(), srv.URL, body, signer)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println(calls.Len(), calls.Last().Unit.ReferenceNumber)
	// Output:
	// 200
	// 200
	// 401
	// 1 WMWRF33519TW73378
}
