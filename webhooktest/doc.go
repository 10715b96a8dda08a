// Package webhooktest is to webhooks what net/http/httptest is to HTTP: it loads the fixture
// corpus, signs bodies exactly as each provider would (with verify's signing twins), replays
// them into an http.Handler or a URL, and records handler calls for assertions.
//
// A test of your own receiver looks like this:
//
//	func TestInspections(t *testing.T) {
//		signer, _ := verify.NewBearer("test-token")
//		rx, _ := receiver.New(record360.Provider(), receiver.Config{
//			Verifier: signer,
//			Logger:   webhooktest.Logger(t), // the receiver's lines go to t.Log
//		})
//		calls := webhooktest.Record(rx, record360.InspectionCreated)
//
//		body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
//		w := webhooktest.Replay(t, rx, "/webhooks/record360", body, signer)
//		if w.Code != http.StatusOK || calls.Len() != 1 {
//			t.Fatalf("status %d, %d calls", w.Code, calls.Len())
//		}
//		if got := calls.Last().Unit.ReferenceNumber; got != "WMWRF33519TW73378" { ... }
//	}
//
// Record works on a receiver your application built with its handlers already registered:
// it wraps the handler (receiver.Wrap), which still runs, and records each call, so the
// application needs no restructuring to be tested. Each recorded Delivery's Route names the
// event whose handler ran.
//
// Replay takes the target path, so it can go through your mux and its routes (and a token in the
// URL, which the signer adds). FixtureNames lists a provider's fixtures; FixtureBody reads one.
//
// ReplayAll sends every fixture of a provider and checks each status against what the fixture
// is: 200 for events, variants and unknown events, 400 or 422 for bad bodies.
package webhooktest
