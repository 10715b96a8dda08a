package receiver_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/idempotency/storetest"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
)

const token = "r360-secret-token-7f3a"

var t0 = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(inspecthook.Fixtures(), name)
	require.NoError(t, err)
	return b
}

func inspectionBody(t testing.TB) []byte { return fixture(t, "record360/v3_inspection_created.json") }

func bearer(t testing.TB) *verify.Bearer {
	t.Helper()
	v, err := verify.NewBearer(token)
	require.NoError(t, err)
	return v
}

// env is a receiver for Record360 with a Bearer token, a fake clock and a log buffer.
type env struct {
	rx    *receiver.Receiver
	clock *storetest.Clock
	logs  *bytes.Buffer
	mu    sync.Mutex
	outs  []receiver.Outcome
	errs  []error
}

func newEnv(t testing.TB, cfg receiver.Config) *env {
	t.Helper()
	e := &env{clock: storetest.NewClock(t0), logs: &bytes.Buffer{}}
	if cfg.Verifier == nil && !cfg.InsecureSkipVerify {
		cfg.Verifier = bearer(t)
	}
	if cfg.Now == nil {
		cfg.Now = e.clock.Now
	}
	cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Observer = func(_ context.Context, o receiver.Outcome) { e.mu.Lock(); e.outs = append(e.outs, o); e.mu.Unlock() }
	cfg.OnError = func(_ context.Context, _ receiver.Delivery, err error) {
		e.mu.Lock()
		e.errs = append(e.errs, err)
		e.mu.Unlock()
	}
	rx, err := receiver.New(record360.Provider(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	e.rx = rx
	return e
}

func (e *env) outcomes() []receiver.Outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]receiver.Outcome(nil), e.outs...)
}

func (e *env) errors() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

// request builds a signed JSON POST.
func request(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks/record360", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	r.RemoteAddr = "203.0.113.7:4711"
	return r
}

func (e *env) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.rx.ServeHTTP(w, r)
	return w
}

func (e *env) post(body []byte) *httptest.ResponseRecorder { return e.serve(request(body)) }

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// countingReader records whether the body was read.
type countingReader struct {
	r    io.Reader
	read int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w}, nil))
}
