package pageinbox_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events/record360"
	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
	"github.com/inspecthook/inspecthook/observe/page"
	"github.com/inspecthook/inspecthook/observe/page/pageinbox"
	"github.com/inspecthook/inspecthook/receiver"
	"github.com/inspecthook/inspecthook/verify"
	"github.com/inspecthook/inspecthook/webhooktest"
)

// TestNewNil checks that a nil inbox leaves page.Config.Inbox unset: no typed nil the page would
// take for an inbox.
func TestNewNil(t *testing.T) {
	require.Nil(t, pageinbox.New(nil))
}

// TestStates checks that the page's state names are the inbox's, so that its filters and its
// Replay button match what the inbox stores.
func TestStates(t *testing.T) {
	pairs := []struct{ page, inbox string }{
		{page.StateAvailable, inbox.StateAvailable},
		{page.StateScheduled, inbox.StateScheduled},
		{page.StateRetryable, inbox.StateRetryable},
		{page.StatePending, inbox.StatePending},
		{page.StateRunning, inbox.StateRunning},
		{page.StateCompleted, inbox.StateCompleted},
		{page.StateCancelled, inbox.StateCancelled},
		{page.StateDiscarded, inbox.StateDiscarded},
	}
	var names []string
	for _, p := range pairs {
		require.Equal(t, p.inbox, p.page)
		names = append(names, p.page)
	}
	slices.Sort(names)
	all := inbox.States()
	slices.Sort(all)
	require.Equal(t, all, names, "the page names every state of the inbox")
}

// TestAdapter queues deliveries in an inbox on SQLite, its workers stopped, and checks what the
// adapter makes of the inbox's counts, jobs, filters, missing jobs and retries.
func TestAdapter(t *testing.T) {
	ctx := t.Context()
	db, err := inboxsqlite.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	quiet := slog.New(slog.DiscardHandler)
	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{MaxAttempts: 3, Logger: quiet})
	require.NoError(t, err)
	pi := pageinbox.New(ib)

	received := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	v, err := verify.NewBearer("pageinbox-token-5e1a")
	require.NoError(t, err)
	rx, err := receiver.New(record360.Provider(), receiver.Config{
		Verifier: v, Inbox: ib, IdempotencyKeyHeader: "X-Test-Key", Logger: quiet,
		Now: func() time.Time { return received },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = rx.Close() })
	ib.Register(rx)

	body := webhooktest.FixtureBody(t, "record360", "v3_inspection_created.json")
	for _, key := range []string{"key-1", "key-2", "key-3"} {
		r := webhooktest.NewRequest(t, "/webhooks/record360", body, v)
		r.Header.Set("X-Test-Key", key)
		w := httptest.NewRecorder()
		rx.ServeHTTP(w, r)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	}
	all, err := ib.List(ctx, inbox.ListParams{})
	require.NoError(t, err)
	require.Len(t, all, 3)
	first, last := all[0], all[2]
	require.NoError(t, ib.Cancel(ctx, last.ID)) // a finished job, with FinalizedAt

	st, err := pi.Stats(ctx)
	require.NoError(t, err)
	require.Equal(t, page.InboxStats{
		Counts: []page.StateCount{
			{Provider: "record360", State: page.StateAvailable, Jobs: 2},
			{Provider: "record360", State: page.StateCancelled, Jobs: 1},
		},
		OldestWaiting: received,
	}, st)

	t.Run("List", func(t *testing.T) {
		tests := []struct {
			name string
			f    page.JobFilter
			want []int64
		}{
			{"every job, newest first", page.JobFilter{Limit: 10}, []int64{last.ID, all[1].ID, first.ID}},
			{"limited", page.JobFilter{Limit: 1}, []int64{last.ID}},
			{"by state", page.JobFilter{States: []string{page.StateAvailable}, Limit: 10}, []int64{all[1].ID, first.ID}},
			{"by states", page.JobFilter{States: []string{page.StateCancelled, page.StateDiscarded}, Limit: 10}, []int64{last.ID}},
			{"dead letters", page.JobFilter{States: []string{page.StateDiscarded}, Limit: 10}, nil},
			{"by provider", page.JobFilter{Provider: "record360", Limit: 10}, []int64{last.ID, all[1].ID, first.ID}},
			{"another provider", page.JobFilter{Provider: "safetyculture", Limit: 10}, nil},
			{"by key", page.JobFilter{Key: first.IdempotencyKey, Limit: 10}, []int64{first.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				jobs, err := pi.List(ctx, tt.f)
				require.NoError(t, err)
				var ids []int64
				for _, j := range jobs {
					ids = append(ids, j.ID)
				}
				require.Equal(t, tt.want, ids)
			})
		}
	})

	t.Run("Job", func(t *testing.T) {
		j, err := pi.Job(ctx, first.ID)
		require.NoError(t, err)
		require.Equal(t, page.Job{
			ID:             first.ID,
			Provider:       "record360",
			IdempotencyKey: first.IdempotencyKey,
			State:          page.StateAvailable,
			Attempt:        0,
			MaxAttempts:    3,
			Body:           first.Body,
			ReceivedAt:     received,
			CreatedAt:      first.CreatedAt,
			ScheduledAt:    first.ScheduledAt,
		}, j)
		require.True(t, bytes.Equal(body, j.Body), "the body as received")

		c, err := pi.Job(ctx, last.ID)
		require.NoError(t, err)
		require.Equal(t, page.StateCancelled, c.State)
		require.False(t, c.FinalizedAt.IsZero(), "a cancelled job's FinalizedAt")
	})

	t.Run("not found", func(t *testing.T) {
		const missing = 1 << 40
		_, err := pi.Job(ctx, missing)
		require.ErrorIs(t, err, page.ErrJobNotFound)
		require.ErrorIs(t, err, inbox.ErrNotFound)
		err = pi.Retry(ctx, missing)
		require.ErrorIs(t, err, page.ErrJobNotFound)
		require.ErrorIs(t, err, inbox.ErrNotFound)
	})

	t.Run("Retry", func(t *testing.T) {
		require.NoError(t, pi.Retry(ctx, last.ID))
		j, err := pi.Job(ctx, last.ID)
		require.NoError(t, err)
		require.Equal(t, page.StateAvailable, j.State)
	})

	t.Run("errors", func(t *testing.T) {
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := pi.Stats(canceled)
		require.Error(t, err)
		require.False(t, errors.Is(err, page.ErrJobNotFound))
		_, err = pi.List(canceled, page.JobFilter{Limit: 1})
		require.Error(t, err)
	})
}
