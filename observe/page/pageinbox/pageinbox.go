// Package pageinbox shows the inbox (package inbox, the receiver's asynchronous mode) on the page
// of recent deliveries (package page): New adapts an *inbox.Inbox to page.Inbox, for
// page.Config.Inbox, and the page gains its inbox view: counts by provider and state, the jobs
// with their attempts, next retry and last error, and a Replay button on each dead letter. It is
// a package of its own so that page does not bring River and its drivers into programs without
// an inbox.
//
//	ib, err := inbox.Open(ctx, inboxsqlite.New(db), inbox.Config{})
//	if err != nil { ... }
//	p, err := page.New(page.Config{BasePath: "/deliveries/", Inbox: pageinbox.New(ib)})
//	if err != nil { ... }
//	rx, err := receiver.New(record360.Provider(), receiver.Config{
//		Verifier: v, Inbox: ib, Observer: p.Observe,
//	})
//
// The adapter holds nothing but the *inbox.Inbox and is safe for concurrent use, as the Inbox
// is. Each call of the page is one call of the Inbox: Stats to Inbox.Stats, List to Inbox.List
// (newest first), Job to Inbox.Job, Retry to Inbox.Retry. The Inbox's errors are returned as
// they are, except inbox.ErrNotFound, which is wrapped in page.ErrJobNotFound (errors.Is finds
// both).
package pageinbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/observe/page"
)

// New returns ib as the page's Inbox, for page.Config.Inbox. For a nil ib it returns nil, so
// that a program whose inbox is optional can set page.Config.Inbox to New(ib) either way and
// the page shows no inbox view without one.
func New(ib *inbox.Inbox) page.Inbox {
	if ib == nil {
		return nil
	}
	return adapter{ib: ib}
}

// adapter is an *inbox.Inbox as a page.Inbox.
type adapter struct {
	ib *inbox.Inbox
}

var _ page.Inbox = adapter{}

// Stats returns the Inbox's Stats.
func (a adapter) Stats(ctx context.Context) (page.InboxStats, error) {
	st, err := a.ib.Stats(ctx)
	if err != nil {
		return page.InboxStats{}, wrap(err)
	}
	out := page.InboxStats{OldestWaiting: st.OldestWaiting}
	if len(st.Counts) > 0 {
		out.Counts = make([]page.StateCount, len(st.Counts))
		for i, c := range st.Counts {
			out.Counts[i] = page.StateCount{Provider: c.Provider, State: c.State, Jobs: c.Jobs}
		}
	}
	return out, nil
}

// List returns the Inbox's jobs of f, the newest first.
func (a adapter) List(ctx context.Context, f page.JobFilter) ([]page.Job, error) {
	jobs, err := a.ib.List(ctx, inbox.ListParams{
		States: f.States, Provider: f.Provider, Key: f.Key, NewestFirst: true, Limit: f.Limit,
	})
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]page.Job, len(jobs))
	for i, j := range jobs {
		out[i] = job(j)
	}
	return out, nil
}

// Job returns the Inbox's job id.
func (a adapter) Job(ctx context.Context, id int64) (page.Job, error) {
	j, err := a.ib.Job(ctx, id)
	if err != nil {
		return page.Job{}, wrap(err)
	}
	return job(j), nil
}

// Retry retries the Inbox's job id.
func (a adapter) Retry(ctx context.Context, id int64) error {
	if err := a.ib.Retry(ctx, id); err != nil {
		return wrap(err)
	}
	return nil
}

// wrap marks inbox.ErrNotFound as page.ErrJobNotFound too; other errors are returned as they are.
func wrap(err error) error {
	if errors.Is(err, inbox.ErrNotFound) {
		return fmt.Errorf("%w: %w", page.ErrJobNotFound, err)
	}
	return err
}

// job is j as the page shows it.
func job(j inbox.Job) page.Job {
	var finalized time.Time
	if j.FinalizedAt != nil {
		finalized = *j.FinalizedAt
	}
	return page.Job{
		ID:             j.ID,
		Provider:       j.Provider,
		IdempotencyKey: j.IdempotencyKey,
		State:          j.State,
		Attempt:        j.Attempt,
		MaxAttempts:    j.MaxAttempts,
		Errors:         j.Errors,
		Body:           j.Body,
		ReceivedAt:     j.ReceivedAt,
		CreatedAt:      j.CreatedAt,
		ScheduledAt:    j.ScheduledAt,
		FinalizedAt:    finalized,
	}
}
