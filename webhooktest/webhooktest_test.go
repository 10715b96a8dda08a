package webhooktest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/inspectorio"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/events/vehreports"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

type scheme interface {
	verify.Verifier
	verify.Signer
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestReplayAllProviders replays every fixture of every provider, signed as the provider signs,
// through a receiver: the whole corpus through the whole stack.
func TestReplayAllProviders(t *testing.T) {
	tests := []struct {
		provider events.Provider
		auth     scheme
	}{
		{record360.Provider(), must(verify.NewBearer("r360-token"))},
		{safetyculture.Provider(), must(verify.NewHMAC(verify.SafetyCulture("sc-secret")))},
		{inspectorio.Provider(), must(verify.NewBasic(verify.Credential{Username: "inspectorio", Password: "pw"}))},
		{vehreports.Provider(), must(verify.NewHMAC(verify.VehReports("vr-secret")))},
	}
	for _, tt := range tests {
		t.Run(tt.provider.Name(), func(t *testing.T) {
			rx, err := receiver.New(tt.provider, receiver.Config{Verifier: tt.auth, Logger: quiet()})
			require.NoError(t, err)
			defer rx.Close()
			var unknown int
			receiver.HandleUnknown(rx, func(context.Context, *events.Envelope) error { unknown++; return nil })
			results := webhooktest.ReplayAll(t, rx, "/", tt.provider.Name(), tt.auth)
			assert.Len(t, results, len(webhooktest.Fixtures(t, tt.provider.Name())))
			assert.Positive(t, unknown, "no handler is registered: every new event reaches the fallback")

			// Unsigned, the same corpus is refused before it is decoded.
			rx2, err := receiver.New(tt.provider, receiver.Config{Verifier: tt.auth, Logger: quiet()})
			require.NoError(t, err)
			defer rx2.Close()
			for _, f := range webhooktest.Fixtures(t, tt.provider.Name()) {
				assert.Equal(t, http.StatusUnauthorized, webhooktest.Replay(t, rx2, "/", webhooktest.Body(t, f), nil).Code, f.File)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	auth := must(verify.NewBearer("tok"))
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: auth, Logger: quiet()})
	require.NoError(t, err)
	defer rx.Close()
	calls := webhooktest.Record(rx, record360.InspectionCreated)
	assert.Nil(t, calls.Last())

	body := webhooktest.Body(t, webhooktest.Fixture(t, "record360", "v3_inspection_created.json"))
	calls.Fail(errors.New("temporarily down"))
	assert.Equal(t, 500, webhooktest.Replay(t, rx, "/", body, auth).Code)
	calls.Fail(nil)
	assert.Equal(t, 200, webhooktest.Replay(t, rx, "/", body, auth).Code, "the retry is processed")
	assert.Equal(t, 200, webhooktest.Replay(t, rx, "/", body, auth).Code, "then it is a duplicate")

	assert.Equal(t, 2, calls.Len())
	require.NotNil(t, calls.Last())
	assert.Equal(t, "WMWRF33519TW73378", calls.Last().Unit.ReferenceNumber)
	require.Len(t, calls.Deliveries(), 2)
	assert.Equal(t, "record360:v3:12", calls.Deliveries()[1].IdempotencyKey)
	assert.Len(t, calls.Payloads(), 2)
}

// TestRecordWrapsARegisteredHandler: Record on an event the application already handles keeps
// the application's handler running, and its error answering, while recording each call.
func TestRecordWrapsARegisteredHandler(t *testing.T) {
	auth := must(verify.NewBearer("tok"))
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: auth, Logger: quiet()})
	require.NoError(t, err)
	defer rx.Close()
	// The application, built as it is in production.
	var saved []string
	appErr := error(nil)
	receiver.Handle(rx, record360.InspectionCreated, func(_ context.Context, insp *record360.Inspection) error {
		if appErr != nil {
			return appErr
		}
		saved = append(saved, string(insp.ID))
		return nil
	})
	calls := webhooktest.Record(rx, record360.InspectionCreated)
	body := webhooktest.Body(t, webhooktest.Fixture(t, "record360", "v3_inspection_created.json"))

	appErr = errors.New("database down")
	assert.Equal(t, 500, webhooktest.Replay(t, rx, "/", body, auth).Code, "the application's error answers")
	assert.Empty(t, saved)
	appErr = nil
	calls.Fail(errors.New("injected"))
	assert.Equal(t, 500, webhooktest.Replay(t, rx, "/", body, auth).Code, "Fail answers without the application")
	assert.Empty(t, saved)
	calls.Fail(nil)
	assert.Equal(t, 200, webhooktest.Replay(t, rx, "/", body, auth).Code)
	assert.Equal(t, []string{"430"}, saved, "the application's handler ran")
	assert.Equal(t, 3, calls.Len(), "every call recorded")
	assert.Equal(t, "inspection.created", calls.Deliveries()[2].Route)
}

func TestNewRequestSigns(t *testing.T) {
	sc := must(verify.NewHMAC(verify.SafetyCulture("s")))
	body := []byte(`{"a":1}`)
	r := webhooktest.NewRequest(t, "/hook", body, sc)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.NoError(t, sc.Verify(r, body))
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, body, got)
	assert.Empty(t, webhooktest.NewRequest(t, "/hook", body, nil).Header.Get("X-Safetyculture-Signature"))
}

func TestSendOverHTTP(t *testing.T) {
	auth := must(verify.NewHMAC(verify.VehReports("vr")))
	rx, err := receiver.New(vehreports.Provider(), receiver.Config{Verifier: auth, Logger: quiet()})
	require.NoError(t, err)
	defer rx.Close()
	calls := webhooktest.Record(rx, vehreports.ReportCompleted)
	srv := httptest.NewServer(rx)
	defer srv.Close()

	body := webhooktest.Body(t, webhooktest.Fixture(t, "vehreports", "report_completed.json"))
	resp, err := webhooktest.Send(context.Background(), srv.Client(), srv.URL, body, auth)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 1, calls.Len())

	_, err = webhooktest.Send(context.Background(), nil, "http://127.0.0.1:0/", body, auth)
	assert.Error(t, err)
}

func TestWantStatus(t *testing.T) {
	tests := []struct {
		f    inspecthook.Fixture
		want int
	}{
		{inspecthook.Fixture{Kind: inspecthook.KindEvent}, 200},
		{inspecthook.Fixture{Kind: inspecthook.KindVariant}, 200},
		{inspecthook.Fixture{Kind: inspecthook.KindUnknown}, 200},
		{inspecthook.Fixture{Kind: inspecthook.KindBad, Error: "ErrInvalid"}, 422},
		{inspecthook.Fixture{Kind: inspecthook.KindBad, Error: "ErrNotJSON"}, 400},
		{inspecthook.Fixture{Kind: inspecthook.KindBad, Error: "ErrShape"}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.f.Kind+tt.f.Error, func(t *testing.T) {
			assert.Equal(t, tt.want, webhooktest.WantStatus(tt.f))
		})
	}
}

// TestReplayToAMuxRoute replays into a mux, so the route and a token in the URL count.
func TestReplayToAMuxRoute(t *testing.T) {
	tok, err := verify.NewURLToken(verify.URLTokenConfig{PathValue: "token", Tokens: []string{"url-secret"}})
	require.NoError(t, err)
	rx, err := receiver.New(record360.Provider(), receiver.Config{Verifier: tok, Logger: webhooktest.Logger(t)})
	require.NoError(t, err)
	defer rx.Close()
	calls := webhooktest.Record(rx, record360.InspectionCreated)
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/record360/{token}", rx)

	body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
	assert.Equal(t, http.StatusOK, webhooktest.Replay(t, mux, "/webhooks/record360/", body, tok).Code)
	assert.Equal(t, 1, calls.Len())
	assert.Equal(t, http.StatusNotFound, webhooktest.Replay(t, mux, "/elsewhere/", body, tok).Code, "the route counts")
	assert.Equal(t, http.StatusUnauthorized, webhooktest.Replay(t, mux, "/webhooks/record360/guess", body, nil).Code)
}

func TestFixtureNamesAndBody(t *testing.T) {
	names := webhooktest.FixtureNames(t, "record360")
	require.Len(t, names, len(webhooktest.Fixtures(t, "record360")))
	assert.Contains(t, names, "v3_inspection_created.json")
	for _, n := range names {
		assert.NotContains(t, n, "/", "names are what Fixture takes")
		assert.Equal(t, webhooktest.Body(t, webhooktest.Fixture(t, "record360", n)), webhooktest.FixtureBody(t, "record360", n))
	}
}

// recordingTB captures what is logged to it.
type recordingTB struct {
	testing.TB
	lines []string
}

func (r *recordingTB) Log(args ...any) { r.lines = append(r.lines, fmt.Sprint(args...)) }

func TestLoggerWritesToTheTest(t *testing.T) {
	tb := &recordingTB{TB: t}
	webhooktest.Logger(tb).Info("webhook delivery", "status", 200)
	require.Len(t, tb.lines, 1)
	assert.Contains(t, tb.lines[0], "msg=\"webhook delivery\" status=200")
	assert.NotContains(t, tb.lines[0], "\n")
}
