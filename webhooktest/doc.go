// Package webhooktest is to webhooks what net/http/httptest is to HTTP: it loads the fixture
// corpus, signs bodies exactly as each provider would (with verify's signing twins), replays
// them into an http.Handler or a URL, and records handler calls for assertions.
//
// A test of your own receiver looks like this:
//
//	func TestInspections(t *testing.T) {
//		signer, _ := verify.NewBearer("test-token")
//		rx, _ := receiver.New(record360.Provider(), receiver.Config{Verifier: signer})
//		calls := webhooktest.Record(rx, record360.InspectionCreated)
//
//		f := webhooktest.Fixture(t, "record360", "v3_inspection_created.json")
//		w := webhooktest.Replay(t, rx, webhooktest.Body(t, f), signer)
//		if w.Code != http.StatusOK || calls.Len() != 1 {
//			t.Fatalf("status %d, %d calls", w.Code, calls.Len())
//		}
//		if got := calls.Last().Unit.ReferenceNumber; got != "WMWRF33519TW73378" { ... }
//	}
//
// ReplayAll sends every fixture of a provider and checks each status against what the fixture
// is: 200 for events, variants and unknown events, 400 or 422 for bad bodies.
package webhooktest
