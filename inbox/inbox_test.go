package inbox_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/receiver"
)

func TestOpenConfig(t *testing.T) {
	tests := []struct {
		name     string
		noDriver bool
		cfg      inbox.Config
	}{
		{"NoDriver", true, inbox.Config{}},
		{"NegativeWorkers", false, inbox.Config{Workers: -1}},
		{"NegativeRetention", false, inbox.Config{Retention: -time.Second}},
		{"NegativeFetchCooldown", false, inbox.Config{FetchCooldown: -time.Millisecond}},
		{"PollBelowCooldown", false, inbox.Config{FetchCooldown: time.Second, FetchPollInterval: 10 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d inbox.Driver
			if !tt.noDriver {
				d = inboxSQLite(t)
			}
			_, err := inbox.Open(t.Context(), d, tt.cfg)
			require.ErrorIs(t, err, inbox.ErrConfig)
		})
	}
}

// TestStartRefusesHandlersAsLongAsTheRescue registers receivers whose HandlerTimeout is below,
// equal to and above RescueAfter: Start refuses the last two, naming the provider, and starts
// no worker; a refused Start leaves the Inbox free to start once the receiver is replaced.
func TestStartRefusesHandlersAsLongAsTheRescue(t *testing.T) {
	const rescue = 20 * time.Second
	tests := []struct {
		name    string
		timeout time.Duration
		ok      bool
	}{
		{"below", rescue - time.Second, true},
		{"equal", rescue, false},
		{"above", 5 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ib, err := inbox.Open(t.Context(), inboxSQLite(t), inbox.Config{RescueAfter: rescue})
			require.NoError(t, err)
			ib.Register(newReceiver(t, ib, tt.timeout))
			err = ib.Start(t.Context())
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, ib.Stop(t.Context()))
				return
			}
			require.ErrorIs(t, err, inbox.ErrConfig)
			assert.ErrorContains(t, err, "record360 receiver's HandlerTimeout")

			ib.Register(newReceiver(t, ib, rescue/2)) // replaces the refused one
			require.NoError(t, ib.Start(t.Context()))
			require.NoError(t, ib.Stop(t.Context()))
		})
	}
}

// newReceiver is a Record360 receiver storing in ib, with handlers that run under timeout.
func newReceiver(t *testing.T, ib *inbox.Inbox, timeout time.Duration) *receiver.Receiver {
	t.Helper()
	rx, err := receiver.New(record360.Provider(), receiver.Config{InsecureSkipVerify: true, Inbox: ib,
		HandlerTimeout: timeout, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return rx
}

func TestInbox(t *testing.T) {
	for _, d := range inboxDrivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			t.Run("QueuedAndRun", func(t *testing.T) { testQueuedAndRun(t, d) })
			t.Run("Duplicate", func(t *testing.T) { testDuplicate(t, d) })
			t.Run("RetryThenPermanent", func(t *testing.T) { testRetryAndPermanent(t, d) })
			t.Run("DeadLetterReplay", func(t *testing.T) { testDeadLetter(t, d) })
			t.Run("CancelAndNotFound", func(t *testing.T) { testCancel(t, d) })
			t.Run("StopDrains", func(t *testing.T) { testStopDrains(t, d) })
			t.Run("StopCancelsAtDeadline", func(t *testing.T) { testStopCancels(t, d) })
		})
	}
}

func testQueuedAndRun(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{})
	e.wantQueued(t, "a1")
	c := e.nextCall(t)
	assert.Equal(t, 1, c.Attempt)
	job := e.waitState(t, "a1", "completed")
	assert.Equal(t, "record360", job.Provider)
	assert.Equal(t, e.body, job.Body)
	assert.Equal(t, 1, job.Attempt)
	assert.NotNil(t, job.FinalizedAt)
	assert.False(t, job.ReceivedAt.IsZero())

	got, err := e.ib.Job(t.Context(), job.ID)
	require.NoError(t, err)
	assert.Equal(t, job.IdempotencyKey, got.IdempotencyKey)
}

func testDuplicate(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{})
	release := make(chan struct{})
	e.setBehave(func(ctx context.Context, _ receiver.Delivery) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	e.wantQueued(t, "d1")
	e.waitState(t, "d1", "running")
	for _, when := range []string{"while running", "after completion"} {
		w := e.post(t, "d1")
		require.Equal(t, http.StatusOK, w.Code, when)
		assert.Equal(t, "ok: already received\n", w.Body.String(), when)
		if when == "while running" {
			close(release)
			e.nextCall(t)
			e.waitState(t, "d1", "completed")
		}
	}
	jobs, err := e.ib.List(t.Context(), inbox.ListParams{Provider: "record360"})
	require.NoError(t, err)
	assert.Len(t, jobs, 1, "a duplicate stores no second job")
	select {
	case c := <-e.calls:
		t.Fatalf("the handler ran again: %+v", c)
	default:
	}
}

func testRetryAndPermanent(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{})
	e.setBehave(func(_ context.Context, del receiver.Delivery) error {
		switch {
		case del.IdempotencyKey[len(del.IdempotencyKey)-2:] == "p1":
			return receiver.Permanent(errors.New("bad inspection"))
		case del.Attempt < 2:
			return errors.New("downstream unavailable")
		}
		return nil
	})
	e.wantQueued(t, "r1")
	assert.Equal(t, 1, e.nextCall(t).Attempt)
	assert.Equal(t, 2, e.nextCall(t).Attempt)
	job := e.waitState(t, "r1", "completed")
	assert.Len(t, job.Errors, 1)

	e.wantQueued(t, "p1")
	assert.Equal(t, 1, e.nextCall(t).Attempt)
	job = e.waitState(t, "p1", "cancelled")
	assert.Equal(t, 1, job.Attempt)
	require.Len(t, job.Errors, 1)
	assert.Contains(t, job.Errors[0], "bad inspection")
}

func testDeadLetter(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{MaxAttempts: 2})
	fixed := make(chan struct{})
	e.setBehave(func(context.Context, receiver.Delivery) error {
		select {
		case <-fixed:
			return nil
		default:
			return errors.New("downstream rejects it")
		}
	})
	for _, key := range []string{"x1", "x2"} {
		e.wantQueued(t, key)
	}
	for range 4 {
		e.nextCall(t)
	}
	dead1 := e.waitState(t, "x1", "discarded")
	e.waitState(t, "x2", "discarded")
	assert.Len(t, dead1.Errors, 2)
	dead, err := e.ib.List(t.Context(), inbox.ListParams{States: []string{"discarded"}})
	require.NoError(t, err)
	assert.Len(t, dead, 2)

	close(fixed)
	require.NoError(t, e.ib.Retry(t.Context(), dead1.ID))
	assert.Equal(t, 3, e.nextCall(t).Attempt)
	e.waitState(t, "x1", "completed")

	n, err := e.ib.RetryDiscarded(t.Context(), "record360")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 3, e.nextCall(t).Attempt)
	e.waitState(t, "x2", "completed")
	select {
	case c := <-e.calls:
		t.Fatalf("a replay ran twice: %+v", c)
	default:
	}
}

func testCancel(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{})
	_, err := e.ib.Job(t.Context(), 987654)
	require.ErrorIs(t, err, inbox.ErrNotFound)
	require.ErrorIs(t, e.ib.Retry(t.Context(), 987654), inbox.ErrNotFound)
	require.ErrorIs(t, e.ib.Cancel(t.Context(), 987654), inbox.ErrNotFound)

	// A running job that is cancelled is not retried, whatever its handler returns. The
	// receiver runs a handler on a context of its own, cut off by HandlerTimeout (inboxHandlerTimeout).
	e.setBehave(func(ctx context.Context, _ receiver.Delivery) error {
		<-ctx.Done()
		return ctx.Err()
	})
	e.wantQueued(t, "c1")
	job := e.waitState(t, "c1", "running")
	require.NoError(t, e.ib.Cancel(t.Context(), job.ID))
	e.nextCall(t)
	e.waitState(t, "c1", "cancelled")
}

func testStopDrains(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{})
	started, release := make(chan struct{}), make(chan struct{})
	e.setBehave(func(ctx context.Context, _ receiver.Delivery) error {
		close(started)
		<-release
		return ctx.Err()
	})
	e.wantQueued(t, "s1")
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the job did not start")
	}
	stopped := make(chan error, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	go func() { stopped <- e.ib.Stop(ctx) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned while a job ran: %v", err)
	default:
	}
	close(release)
	require.NoError(t, <-stopped)
	assert.Equal(t, 1, e.nextCall(t).Attempt)
}

func testStopCancels(t *testing.T, d inboxDriver) {
	e := newInboxEnv(t, d, inbox.Config{})
	started := make(chan struct{})
	e.setBehave(func(ctx context.Context, _ receiver.Delivery) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	e.wantQueued(t, "s2")
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the job did not start")
	}
	// The handler runs under the receiver's HandlerTimeout, which outlives Stop's deadline: Stop
	// reports that it had to cancel, and returns once the handler did.
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err := e.ib.Stop(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	e.nextCall(t)
}

func TestInboxListAndOnError(t *testing.T) {
	for _, d := range inboxDrivers {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			failures := make(chan inbox.Job, 10)
			e := newInboxEnv(t, d, inbox.Config{
				MaxAttempts: 1,
				OnError:     func(_ context.Context, j inbox.Job, _ error) { failures <- j },
			})
			_, err := e.ib.Enqueue(t.Context(), receiver.InboxDelivery{Provider: "record360"})
			require.ErrorIs(t, err, inbox.ErrConfig, "a delivery without a key")

			e.setBehave(func(context.Context, receiver.Delivery) error { return errors.New("no") })
			for _, key := range []string{"l1", "l2", "l3"} {
				e.wantQueued(t, key)
			}
			for range 3 {
				e.nextCall(t)
				select {
				case j := <-failures:
					assert.Equal(t, "record360", j.Provider)
					assert.Equal(t, 1, j.Attempt)
				case <-time.After(20 * time.Second):
					t.Fatal("OnError was not called")
				}
			}
			for _, key := range []string{"l1", "l2", "l3"} {
				e.waitState(t, key, "discarded")
			}
			// A dead letter still holds its key.
			w := e.post(t, "l1")
			assert.Equal(t, "ok: already received\n", w.Body.String())

			tests := []struct {
				name string
				p    inbox.ListParams
				want int
			}{
				{"All", inbox.ListParams{}, 3},
				{"Limit", inbox.ListParams{Limit: 2}, 2},
				{"Provider", inbox.ListParams{Provider: "record360", Limit: 2}, 2},
				{"OtherProvider", inbox.ListParams{Provider: "safetyculture"}, 0},
				{"OtherState", inbox.ListParams{States: []string{"completed"}}, 0},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					jobs, err := e.ib.List(t.Context(), tt.p)
					require.NoError(t, err)
					assert.Len(t, jobs, tt.want)
				})
			}
			n, err := e.ib.RetryDiscarded(t.Context(), "safetyculture")
			require.NoError(t, err)
			assert.Zero(t, n)
		})
	}
}

// recordLevels is a slog.Handler that keeps the level of every record, at every level.
type recordLevels struct {
	mu     sync.Mutex
	levels []slog.Level
}

func (h *recordLevels) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordLevels) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.levels = append(h.levels, r.Level)
	h.mu.Unlock()
	return nil
}
func (h *recordLevels) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordLevels) WithGroup(string) slog.Handler      { return h }

func (h *recordLevels) count(below slog.Level) (n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.levels {
		if l < below {
			n++
		}
	}
	return n
}

// TestRiverLogLevel checks River's own records below Warn reach the Logger only when LogLevel
// asks for them: River writes Info lines as it starts and stops.
func TestRiverLogLevel(t *testing.T) {
	tests := []struct {
		name      string
		level     slog.Leveler
		wantQuiet bool
	}{
		{"Default", nil, true},
		{"Info", slog.LevelInfo, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &recordLevels{}
			ib, err := inbox.Open(t.Context(), inboxSQLite(t), inbox.Config{Logger: slog.New(h), LogLevel: tt.level})
			require.NoError(t, err)
			require.NoError(t, ib.Start(t.Context()))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, ib.Stop(ctx))
			if tt.wantQuiet {
				assert.Zero(t, h.count(slog.LevelWarn), "records below Warn")
			} else {
				assert.NotZero(t, h.count(slog.LevelWarn), "River's Info records")
			}
		})
	}
}
