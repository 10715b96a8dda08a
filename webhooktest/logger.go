package webhooktest

import (
	"bytes"
	"log/slog"
	"testing"
)

// Logger returns a logger that writes each line to tb.Log, so a receiver's log lines show only
// for a failing test or under go test -v, beside the test that caused them. Give it to
// receiver.Config.Logger. Lines logged after the test ended are dropped.
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(&testWriter{tb: tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testWriter hands each line to tb.Log.
type testWriter struct{ tb testing.TB }

func (w *testWriter) Write(p []byte) (n int, err error) {
	defer func() {
		// testing panics when a test logs after it completed; such lines are dropped.
		if recover() != nil {
			n, err = len(p), nil
		}
	}()
	w.tb.Log(string(bytes.TrimSuffix(p, []byte("\n"))))
	return len(p), nil
}
