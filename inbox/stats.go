package inbox

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// StateCount is how many deliveries of one provider are in one River state.
type StateCount struct {
	Provider string
	State    string // River's: "available", "running", "retryable", "completed", "discarded" (dead), ...
	Jobs     int
}

// Stats is a summary of the Inbox for metrics and pages: counts, not bodies.
type Stats struct {
	// Counts holds one entry per provider and state that has jobs, sorted by provider then
	// state. Finished jobs are counted until Retention removes them.
	Counts []StateCount
	// OldestWaiting is when the oldest delivery still waiting (WaitingStates) was received;
	// zero when none waits.
	OldestWaiting time.Time
}

// Stats counts the Inbox's deliveries by provider and state, in one aggregate query that reads
// no body, and finds the oldest waiting one (the first stored of those waiting).
func (ib *Inbox) Stats(ctx context.Context) (Stats, error) {
	var (
		st   Stats
		err  error
		rows []StateCount
	)
	if rows, err = ib.driver.counts(ctx, Kind, ib.cfg.Queue); err != nil {
		return Stats{}, wrap("stats", err)
	}
	st.Counts = rows
	waiting := WaitingStates()
	states := make([]rivertype.JobState, len(waiting))
	for i, s := range waiting {
		states[i] = rivertype.JobState(s)
	}
	res, err := ib.client.JobList(ctx, river.NewJobListParams().Kinds(Kind).Queues(ib.cfg.Queue).
		States(states...).OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(1))
	if err != nil {
		return Stats{}, wrap("stats", err)
	}
	if len(res.Jobs) > 0 {
		j := jobOf(res.Jobs[0])
		st.OldestWaiting = j.ReceivedAt
		if st.OldestWaiting.IsZero() {
			st.OldestWaiting = j.CreatedAt
		}
	}
	return st, nil
}
