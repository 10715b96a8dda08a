package receiver_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/safetyculture"
	"github.com/inspecthook/inspecthook/internal/rawbody"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

// TestBodyIsOneRightSizedAllocation sends a delivery whose length is declared to every stage
// that reads a body (verify.Middleware, events.Middleware alone, the Receiver), as an httptest
// request, over a real net/http server, and over one behind http.MaxBytesHandler (whose reader
// cannot tell a zero-length read that the body ended): the bytes the next stage gets are one
// buffer of exactly the body's length. internal/rawbody's tests count the allocations.
func TestBodyIsOneRightSizedAllocation(t *testing.T) {
	v, err := verify.NewHMAC(verify.SafetyCulture("sc-secret"))
	require.NoError(t, err)
	for _, name := range []string{"legacy_inspection_started.json", "legacy_inspection_completed.json"} {
		body := fixture(t, "safetyculture/"+name)
		stacks := map[string]func(got *[]byte) http.Handler{
			"verify.Middleware": func(got *[]byte) http.Handler {
				return verify.Middleware(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					*got, _ = verify.RawBody(r)
				}))
			},
			"events.Middleware": func(got *[]byte) http.Handler {
				return events.Middleware(safetyculture.Provider())(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					*got, _ = rawbody.From(r.Context())
				}))
			},
			"receiver": func(got *[]byte) http.Handler {
				rx, err := receiver.New(safetyculture.Provider(), receiver.Config{Verifier: v, Logger: slog.New(slog.DiscardHandler)})
				require.NoError(t, err)
				t.Cleanup(func() { _ = rx.Close() })
				receiver.HandleUnknown(rx, func(_ context.Context, env *events.Envelope) error {
					*got = env.Raw
					return nil
				})
				return rx
			},
		}
		for stack, build := range stacks {
			for _, transport := range []string{"httptest", "net/http server", "net/http server, MaxBytesHandler"} {
				t.Run(name+"/"+stack+"/"+transport, func(t *testing.T) {
					var got []byte
					h := build(&got)
					sig := v.Signature("", body)
					if transport == "httptest" {
						r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
						r.Header.Set("Content-Type", "application/json")
						r.Header.Set("X-Safetyculture-Signature", sig)
						w := httptest.NewRecorder()
						h.ServeHTTP(w, r)
						require.Equal(t, http.StatusOK, w.Code, w.Body.String())
					} else {
						if transport != "net/http server" {
							h = http.MaxBytesHandler(h, 1<<20)
						}
						srv := httptest.NewServer(h)
						defer srv.Close()
						r, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
						require.NoError(t, err)
						r.Header.Set("Content-Type", "application/json")
						r.Header.Set("X-Safetyculture-Signature", sig)
						res, err := srv.Client().Do(r)
						require.NoError(t, err)
						_, _ = io.Copy(io.Discard, res.Body)
						require.NoError(t, res.Body.Close())
						require.Equal(t, http.StatusOK, res.StatusCode)
					}
					require.Equal(t, body, got)
					assert.Equal(t, len(body), cap(got), "one buffer of exactly the body's length")
				})
			}
		}
	}
}
